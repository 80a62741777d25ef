internal import CFFmpeg
public import Logging
public import MediaCore

/// Compresses audio (`wasi:media/codec.audio-encoder`).
///
/// Accepts ``AudioData`` of any sample format, rate and channel count,
/// resamples to the configured rate and channels, and cuts the stream into
/// the codec's frame size (AAC 1024, Opus 960 at 48 kHz). ``flush()``
/// encodes the remainder and drains the codec; the encoder then accepts
/// audio again (the codec is reopened). Chunk timestamps count samples from
/// the first input's timestamp; codecs with priming (AAC) start earlier by
/// their delay. Not thread-safe: use from one task at a time.
public final class AudioEncoder {
    public let config: AudioEncoderConfig
    public let implementationName: String
    public let implementation: CodecImplementation
    /// Stream parameters for muxers and decoders (AudioSpecificConfig, OpusHead...).
    public private(set) var parameters: CodecParameters
    public var codecString: String { CodecString.make(parameters) }

    private var context: UnsafeMutablePointer<AVCodecContext>?
    private let candidate: CodecCandidate
    private let converter: SampleConverter
    private let frame: AVFrameBox
    private let packet: AVPacketBox
    private var fifo: OpaquePointer?
    private var pending: [EncodedChunk] = []
    private var startUs: Int64?
    private var samplesSent: Int64 = 0
    private var drained = false
    private let frameSize: Int
    /// FFmpeg threads the codec may run (0: FFmpeg's automatic count).
    public let threadCount: Int

    /// - Throws: `invalidArgument` for a bad rate, channel count or bitrate;
    ///   `unsupported` when the codec does not take the rate (the message
    ///   lists the rates it takes).
    /// - Parameters:
    ///   - threadCount: the codec's worker threads (FFmpeg's `thread_count`,
    ///     at most 64); 0 (the default) lets FFmpeg pick.
    ///   - logger: receives the implementation chosen, at debug level.
    public init(config: AudioEncoderConfig, threadCount: Int = 0, logger: Logger = Logger(label: "wasi-media.codec")) throws(MediaError) {
        _ = LibavSetup.once
        guard let candidate = CodecCatalog.ordered(CodecCatalog.encoderCandidates(config.codec), .noPreference).first else {
            throw MediaError(.unsupported, operation: "open audio encoder",
                             message: "no \(config.codec.witName) encoder is built into this FFmpeg", codec: config.codec.witName)
        }
        let ctx = try Self.openContext(candidate: candidate, config: config, threadCount: threadCount)
        logger.debug("audio encoder opened", metadata: ["codec": "\(config.codec.witName)", "implementation": "\(candidate.name)",
                                                       "frame-size": "\(ctx.pointee.frame_size)"])
        self.context = ctx
        self.config = config
        self.threadCount = min(max(0, threadCount), 64)
        self.candidate = candidate
        self.implementationName = candidate.name
        self.implementation = candidate.implementation
        self.converter = SampleConverter(format: ctx.pointee.sample_fmt, sampleRate: config.sampleRate, channels: config.channels)
        self.frame = try AVFrameBox()
        self.packet = try AVPacketBox()
        let variable = (wm_codec_capabilities(ctx.pointee.codec) & wm_codec_cap_variable_frame_size()) != 0
        self.frameSize = ctx.pointee.frame_size > 0 && !variable ? Int(ctx.pointee.frame_size) : 1024
        self.fifo = av_audio_fifo_alloc(ctx.pointee.sample_fmt, Int32(config.channels), Int32(frameSize * 4))
        self.parameters = Self.parameters(of: ctx, codec: config.codec)
        guard fifo != nil else { throw MediaError(.failed, operation: "open audio encoder", message: "out of memory") }
    }

    deinit {
        closeEncoder(&context, drained: drained)
        if let fifo { av_audio_fifo_free(fifo) }
    }

    /// Queues `data` for compression.
    public func encode(_ data: AudioData) throws(MediaError) {
        if drained { try reopen() }
        if startUs == nil { startUs = data.timestampUs }
        let converted = try data.withPlanes { (planes) throws(MediaError) in
            try converter.convert(planes: planes, frames: data.frameCount, format: data.format.avSampleFormat,
                                  sampleRate: data.sampleRate, channels: data.channels)
        }
        try push(converted)
        try encodeAvailable(final: false)
    }

    /// Bytes of the chunks waiting for ``takeEncodedChunks()``.
    public var pendingChunkBytes: Int { pending.reduce(0) { $0 + $1.data.count } }

    /// The chunks compressed so far, oldest first; empties the queue.
    public func takeEncodedChunks() -> [EncodedChunk] {
        defer { pending.removeAll(keepingCapacity: true) }
        return pending
    }

    /// Encodes buffered samples (the last frame may be short) and drains the codec.
    public func flush() throws(MediaError) {
        guard let ctx = context, !drained else { return }
        try push(try converter.drain())
        try encodeAvailable(final: true)
        let ret = avcodec_send_frame(ctx, nil)
        guard ret >= 0 || ret == wm_averror_eof() else { throw .libav(ret, operation: "flush audio encoder", codec: implementationName) }
        try receive(ctx)
        drained = true
    }

    private func push(_ out: SampleConverter.Output) throws(MediaError) {
        guard out.frames > 0 else { return }
        var pointers: [UnsafeMutableRawPointer?] = []
        var copies = out.planes
        let written: Int32 = copies.withUnsafeMutableBufferPointer { planes in
            for i in planes.indices {
                pointers.append(planes[i].withUnsafeMutableBytes { $0.baseAddress })
            }
            return av_audio_fifo_write(fifo, &pointers, Int32(out.frames))
        }
        guard written == out.frames else {
            throw .libav(written < 0 ? written : wm_averror(ENOMEM_value), operation: "buffer audio", codec: implementationName)
        }
    }

    private func encodeAvailable(final: Bool) throws(MediaError) {
        guard let ctx = context else { return }
        while av_audio_fifo_size(fifo) >= Int32(frameSize) || (final && av_audio_fifo_size(fifo) > 0) {
            let count = min(Int32(frameSize), av_audio_fifo_size(fifo))
            let f = frame.pointer
            av_frame_unref(f)
            f.pointee.nb_samples = count
            f.pointee.format = ctx.pointee.sample_fmt.rawValue
            f.pointee.sample_rate = ctx.pointee.sample_rate
            _ = wm_frame_set_channels(f, Int32(config.channels))
            var ret = av_frame_get_buffer(f, 0)
            guard ret >= 0 else { throw .libav(ret, operation: "encode audio", codec: implementationName) }
            let read = av_audio_fifo_read(fifo, UnsafeMutableRawPointer(wm_frame_extended_data(f)).assumingMemoryBound(to: UnsafeMutableRawPointer?.self), count)
            guard read == count else { throw .libav(read, operation: "encode audio", codec: implementationName) }
            f.pointee.pts = samplesSent
            samplesSent += Int64(count)
            ret = avcodec_send_frame(ctx, f)
            guard ret >= 0 else { throw .libav(ret, operation: "encode audio", codec: implementationName) }
            try receive(ctx)
        }
    }

    private func receive(_ ctx: UnsafeMutablePointer<AVCodecContext>) throws(MediaError) {
        let timeBase = Rational(1, Int64(config.sampleRate))
        while true {
            let ret = avcodec_receive_packet(ctx, packet.pointer)
            if ret == wm_averror_eagain() || ret == wm_averror_eof() { return }
            guard ret >= 0 else { throw .libav(ret, operation: "encode audio", codec: implementationName) }
            var sideSize: Int = 0
            if let side = av_packet_get_side_data(packet.pointer, AV_PKT_DATA_NEW_EXTRADATA, &sideSize), sideSize > 0 {
                // FLAC's final packet carries the completed STREAMINFO (MD5, totals).
                parameters.extradata = Array(UnsafeBufferPointer(start: side, count: sideSize))
            }
            if packet.pointer.pointee.size == 0 {
                av_packet_unref(packet.pointer)
                continue
            }
            var chunk = EncodedChunk(packet: packet.pointer, timeBase: timeBase)
            chunk.timestampUs = MediaTime.add(chunk.timestampUs, startUs ?? 0)
            if let dts = chunk.decodeTimestampUs { chunk.decodeTimestampUs = MediaTime.add(dts, startUs ?? 0) }
            chunk.isKeyframe = true
            av_packet_unref(packet.pointer)
            pending.append(chunk)
        }
    }

    private func reopen() throws(MediaError) {
        closeEncoder(&context, drained: true)
        context = try Self.openContext(candidate: candidate, config: config, threadCount: threadCount)
        drained = false
        startUs = nil
        samplesSent = 0
    }

    // MARK: - Opening

    static func openContext(candidate: CodecCandidate, config: AudioEncoderConfig,
                            threadCount: Int = 0) throws(MediaError) -> UnsafeMutablePointer<AVCodecContext> {
        _ = LibavSetup.once
        var problems: [String] = []
        if config.sampleRate <= 0 || config.sampleRate > 768_000 { problems.append("sample rate \(config.sampleRate) is outside 1...768000") }
        if config.channels <= 0 || config.channels > AudioData.maxChannels { problems.append("channel count \(config.channels) is outside 1...255") }
        if let b = config.bitrate, b <= 0 { problems.append("bitrate \(b) must be positive (leave it unset for the codec's default)") }
        guard problems.isEmpty else {
            throw MediaError(.invalidArgument, operation: "configure audio encoder", message: problems.joined(separator: "; "),
                             codec: config.codec.witName)
        }
        guard let codec = avcodec_find_encoder_by_name(candidate.name) else {
            throw MediaError(.unsupported, operation: "open audio encoder", message: "not built into this FFmpeg", codec: candidate.name)
        }
        if let rates = supportedRates(codec), !rates.contains(config.sampleRate) {
            throw MediaError(.unsupported, operation: "open audio encoder",
                             message: "\(config.codec.witName) does not take a sample rate of \(config.sampleRate) Hz; it takes \(rates.map(String.init).joined(separator: ", ")) Hz",
                             codec: candidate.name)
        }
        guard let ctx = avcodec_alloc_context3(codec) else {
            throw MediaError(.failed, operation: "open audio encoder", message: "out of memory", codec: candidate.name)
        }
        ctx.pointee.sample_rate = Int32(config.sampleRate)
        wm_codec_set_channels(ctx, Int32(config.channels))
        ctx.pointee.sample_fmt = preferredSampleFormat(codec)
        ctx.pointee.time_base = AVRational(num: 1, den: Int32(config.sampleRate))
        ctx.pointee.thread_count = Int32(min(max(0, threadCount), 64))
        ctx.pointee.flags |= wm_codec_flag_global_header()
        switch config.codec {
        case .aac, .mp3: ctx.pointee.bit_rate = Int64(config.bitrate ?? 128_000)
        case .opus: ctx.pointee.bit_rate = Int64(config.bitrate ?? 96_000)
        case .flac: break
        }
        let ret = ThreadScheduling.keepingNormalScheduling { avcodec_open2(ctx, codec, nil) }
        guard ret >= 0 else {
            var toFree: UnsafeMutablePointer<AVCodecContext>? = ctx
            avcodec_free_context(&toFree)
            throw .libav(ret, operation: "open audio encoder",
                         message: "\(candidate.name) refused \(config.channels) channels at \(config.sampleRate) Hz: \(avErrorText(ret))",
                         codec: candidate.name)
        }
        return ctx
    }

    static func supportedRates(_ codec: UnsafePointer<AVCodec>) -> [Int]? {
        guard let list = wm_codec_supported_samplerates(codec) else { return nil }
        var rates: [Int] = []
        var i = 0
        while list[i] != 0 { rates.append(Int(list[i])); i += 1 }
        return rates
    }

    /// Float planar when taken, else float, else 16-bit, else the codec's first format.
    static func preferredSampleFormat(_ codec: UnsafePointer<AVCodec>) -> AVSampleFormat {
        guard let list = wm_codec_sample_fmts(codec) else { return AV_SAMPLE_FMT_FLTP }
        var formats: [AVSampleFormat] = []
        var i = 0
        while list[i] != AV_SAMPLE_FMT_NONE { formats.append(list[i]); i += 1 }
        for preferred in [AV_SAMPLE_FMT_FLTP, AV_SAMPLE_FMT_FLT, AV_SAMPLE_FMT_S16, AV_SAMPLE_FMT_S16P] where formats.contains(preferred) {
            return preferred
        }
        return formats.first ?? AV_SAMPLE_FMT_FLTP
    }

    static func parameters(of ctx: UnsafeMutablePointer<AVCodecContext>, codec: AudioCodec) -> CodecParameters {
        let c = ctx.pointee
        let extradata = c.extradata.map { Array(UnsafeBufferPointer(start: $0, count: Int(c.extradata_size))) } ?? []
        return CodecParameters(kind: .audio, codecName: codec.witName, extradata: extradata,
                               sampleRate: Int(c.sample_rate), channels: Int(wm_codec_channels(ctx)),
                               bitRate: Int(c.bit_rate), profile: c.profile >= 0 ? Int(c.profile) : nil,
                               frameSize: Int(c.frame_size), initialPadding: Int(c.initial_padding))
    }
}

let ENOMEM_value: Int32 = 12
