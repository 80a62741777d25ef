internal import CFFmpeg
public import Logging
public import MediaCore

/// Compresses video frames (`wasi:media/codec.video-encoder`).
///
/// Poll-shaped like the WIT resource: ``encode(_:forceKeyframe:)`` queues a
/// frame, ``takeEncodedChunks()`` returns whatever compressed chunks are
/// ready (possibly none), ``flush()`` drains every frame still inside the
/// codec. After a flush the encoder accepts frames again, starting a new
/// keyframe (the codec is reopened, as WebCodecs' `flush` allows).
///
/// Frames of any ``PixelFormat`` and any size are accepted and converted to
/// what the codec takes at the configured size. Timestamps must increase.
/// Not thread-safe: use from one task at a time.
public final class VideoEncoder {
    public let config: VideoEncoderConfig
    /// The FFmpeg encoder in use (`libx264`) and whether it is hardware.
    public let implementationName: String
    public let implementation: CodecImplementation
    /// Stream parameters for muxers and decoders (extradata holds the
    /// codec's global headers, e.g. SPS/PPS for H.264).
    public private(set) var parameters: CodecParameters
    /// WebCodecs codec string of the output (`avc1.64001f`).
    public var codecString: String { CodecString.make(parameters) }

    private var context: UnsafeMutablePointer<AVCodecContext>?
    private let candidate: CodecCandidate
    private let frame: AVFrameBox
    private let packet: AVPacketBox
    private let scaler: VideoScaler
    private var pending: [EncodedChunk] = []
    private var durations: [Int64: Int64] = [:]
    private var lastTimestampUs: Int64?
    private var drained = false
    /// Frames sent to the current codec context (reset when it is reopened).
    private var framesSinceOpen = 0
    /// FFmpeg threads the codec may run (0: FFmpeg's automatic count).
    public let threadCount: Int

    /// Opens the first implementation that accepts `config` (hardware first
    /// unless `config.hardwareAcceleration` says otherwise).
    /// - Throws: `invalidArgument` for a bad size, bitrate or frame rate
    ///   (each named); `unsupported` when no implementation opens.
    /// - Parameters:
    ///   - threadCount: the codec's worker threads (FFmpeg's `thread_count`,
    ///     at most 64); 0 (the default) lets FFmpeg and the library pick, one
    ///     or more per core — SVT-AV1 starts about 45 per core. A positive
    ///     count also sets the libraries' own options: libx265's pool and
    ///     frame threads, SVT-AV1's `lp=1` (about 23 threads). Libraries add
    ///     a few threads of their own (libx264's lookahead).
    ///   - logger: receives, at debug level, each implementation
    ///     tried and why it did not open, and the one chosen.
    public init(config: VideoEncoderConfig, threadCount: Int = 0, logger: Logger = Logger(label: "wasi-media.codec")) throws(MediaError) {
        _ = LibavSetup.once
        try Self.validate(config)
        var lastError: MediaError?
        var opened: (UnsafeMutablePointer<AVCodecContext>, CodecCandidate)?
        for candidate in CodecCatalog.ordered(CodecCatalog.encoderCandidates(config.codec), config.hardwareAcceleration) {
            do {
                opened = (try Self.openContext(candidate: candidate, config: config, threadCount: threadCount), candidate)
                logger.debug("video encoder opened", metadata: ["codec": "\(config.codec.witName)", "implementation": "\(candidate.name)",
                                                               "kind": "\(candidate.implementation.rawValue)"])
                break
            } catch {
                logger.debug("video encoder candidate refused", metadata: ["implementation": "\(candidate.name)", "error": "\(error)"])
                lastError = error
            }
        }
        guard let (ctx, candidate) = opened else {
            throw lastError ?? MediaError(.unsupported, operation: "open video encoder",
                                          message: "no \(config.codec.witName) encoder is built into this FFmpeg",
                                          codec: config.codec.witName)
        }
        self.config = config
        self.threadCount = min(max(0, threadCount), 64)
        self.context = ctx
        self.candidate = candidate
        self.implementationName = candidate.name
        self.implementation = candidate.implementation
        self.frame = try AVFrameBox()
        self.packet = try AVPacketBox()
        self.scaler = try VideoScaler(avFormat: ctx.pointee.pix_fmt, width: config.width, height: config.height)
        self.parameters = Self.parameters(of: ctx, codec: config.codec, framerate: config.framerate)
        let f = frame.pointer
        f.pointee.format = ctx.pointee.pix_fmt.rawValue
        f.pointee.width = Int32(config.width)
        f.pointee.height = Int32(config.height)
        let ret = av_frame_get_buffer(f, 0)
        guard ret >= 0 else { throw .libav(ret, operation: "allocate encoder frame", codec: candidate.name) }
    }

    deinit { closeEncoder(&context, drained: drained, sentFrames: framesSinceOpen > 0) }

    /// Queues `frame` for compression; `forceKeyframe` makes it a keyframe (IDR).
    /// - Throws: `invalidArgument` when the timestamp does not increase;
    ///   a codec failure otherwise.
    public func encode(_ input: VideoFrame, forceKeyframe: Bool = false) throws(MediaError) {
        if let last = lastTimestampUs, input.timestampUs <= last {
            throw MediaError(.invalidArgument, operation: "encode video frame",
                             message: "timestamp \(input.timestampUs) µs is not after the previous frame's \(last) µs",
                             codec: implementationName)
        }
        if drained { try reopen() }
        guard let ctx = context else { throw closedError() }
        lastTimestampUs = input.timestampUs
        let f = frame.pointer
        var ret = av_frame_make_writable(f)
        guard ret >= 0 else { throw .libav(ret, operation: "encode video frame", codec: implementationName) }
        try input.withPlanes { (data, stride) throws(MediaError) in
            try scaler.scale(data: data, stride: stride, format: input.format.avPixelFormat,
                             width: input.width, height: input.height, into: f)
        }
        f.pointee.pts = input.timestampUs
        f.pointee.pict_type = forceKeyframe ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE
        durations[input.timestampUs] = input.durationUs ?? (1_000_000 / Int64(config.framerate))
        ret = avcodec_send_frame(ctx, f)
        guard ret >= 0 else { throw .libav(ret, operation: "encode video frame", codec: implementationName) }
        framesSinceOpen += 1
        try receive(ctx)
    }

    /// Bytes of the chunks waiting for ``takeEncodedChunks()``.
    public var pendingChunkBytes: Int { pending.reduce(0) { $0 + $1.data.count } }

    /// The chunks compressed so far, oldest first; empties the queue (WIT `get-encoded-chunks`).
    public func takeEncodedChunks() -> [EncodedChunk] {
        defer { pending.removeAll(keepingCapacity: true) }
        return pending
    }

    /// Drains every frame still inside the codec into the chunk queue.
    public func flush() throws(MediaError) {
        guard let ctx = context, !drained else { return }
        // Nothing to drain; and SVT-AV1 blocks on end of stream before any frame.
        guard framesSinceOpen > 0 else { return }
        let ret = avcodec_send_frame(ctx, nil)
        guard ret >= 0 || ret == wm_averror_eof() else { throw .libav(ret, operation: "flush video encoder", codec: implementationName) }
        try receive(ctx)
        drained = true
    }

    private func receive(_ ctx: UnsafeMutablePointer<AVCodecContext>) throws(MediaError) {
        while true {
            let ret = avcodec_receive_packet(ctx, packet.pointer)
            if ret == wm_averror_eagain() || ret == wm_averror_eof() { return }
            guard ret >= 0 else { throw .libav(ret, operation: "encode video frame", codec: implementationName) }
            var chunk = EncodedChunk(packet: packet.pointer, timeBase: .microseconds)
            if chunk.durationUs == nil { chunk.durationUs = durations[chunk.timestampUs] }
            durations[chunk.timestampUs] = nil
            av_packet_unref(packet.pointer)
            pending.append(chunk)
        }
    }

    private func reopen() throws(MediaError) {
        closeEncoder(&context, drained: true)
        context = try Self.openContext(candidate: candidate, config: config, threadCount: threadCount)
        drained = false
        framesSinceOpen = 0
    }

    private func closedError() -> MediaError {
        MediaError(.invalidState, operation: "encode video frame", message: "encoder is closed", codec: implementationName)
    }

    // MARK: - Opening

    static func validate(_ config: VideoEncoderConfig) throws(MediaError) {
        var problems: [String] = []
        let maxDim = VideoFrame.maxDimension
        if config.width <= 0 || config.height <= 0 || config.width > maxDim || config.height > maxDim {
            problems.append("size \(config.width)x\(config.height) is outside 1...\(maxDim)")
        } else if config.width % 2 != 0 || config.height % 2 != 0 {
            problems.append("size \(config.width)x\(config.height) has an odd dimension; the encoder's yuv420p input needs even width and height")
        }
        if let bitrate = config.bitrate, bitrate <= 0 {
            problems.append("bitrate \(bitrate) must be positive (leave it unset for the codec's default quality)")
        }
        if config.framerate <= 0 || config.framerate > 1000 {
            problems.append("frame rate \(config.framerate) is outside 1...1000")
        }
        if let kf = config.keyframeInterval, kf <= 0 {
            problems.append("keyframe interval \(kf) must be positive")
        }
        if let w = config.sourceWidth, w <= 0 || w > maxDim { problems.append("source width \(w) is outside 1...\(maxDim)") }
        if let h = config.sourceHeight, h <= 0 || h > maxDim { problems.append("source height \(h) is outside 1...\(maxDim)") }
        guard problems.isEmpty else {
            throw MediaError(.invalidArgument, operation: "configure video encoder",
                             message: problems.joined(separator: "; "), codec: config.codec.witName)
        }
    }

    static func openContext(candidate: CodecCandidate, config: VideoEncoderConfig,
                            threadCount: Int = 0) throws(MediaError) -> UnsafeMutablePointer<AVCodecContext> {
        _ = LibavSetup.once
        try validate(config)
        guard let codec = avcodec_find_encoder_by_name(candidate.name) else {
            throw MediaError(.unsupported, operation: "open video encoder", message: "not built into this FFmpeg", codec: candidate.name)
        }
        guard let ctx = avcodec_alloc_context3(codec) else {
            throw MediaError(.failed, operation: "open video encoder", message: "out of memory", codec: candidate.name)
        }
        ctx.pointee.width = Int32(config.width)
        ctx.pointee.height = Int32(config.height)
        ctx.pointee.pix_fmt = preferredPixelFormat(codec)
        ctx.pointee.time_base = Rational.microseconds.av
        ctx.pointee.framerate = AVRational(num: Int32(config.framerate), den: 1)
        ctx.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
        if let bitrate = config.bitrate, config.quantizer == nil, config.quality == nil { ctx.pointee.bit_rate = Int64(bitrate) }
        if let kf = config.keyframeInterval { ctx.pointee.gop_size = Int32(kf) }
        let threads = min(max(0, threadCount), 64)
        ctx.pointee.thread_count = Int32(threads)
        ctx.pointee.flags |= wm_codec_flag_global_header()
        var options: [String: String] = [:]
        switch candidate.name {
        case "libx264":
            options["preset"] = config.preset ?? "veryfast"
            options["forced-idr"] = "1"
            if let tune = config.tune { options["tune"] = tune }
            if let profile = config.profile { options["profile"] = profile }
            if let qp = config.quantizer { options["qp"] = String(qp) }
            if let crf = config.quality { options["crf"] = String(crf) }
        case "libx265":
            options["preset"] = config.preset ?? "ultrafast"
            options["forced-idr"] = "1"
            // libx265 ignores thread_count: its own pool and frame threads.
            options["x265-params"] = "log-level=error" + (threads > 0 ? ":pools=\(threads):frame-threads=\(min(threads, 2))" : "")
            if let tune = config.tune { options["tune"] = tune }
            if let profile = config.profile { options["profile"] = profile }
            if let qp = config.quantizer { options["x265-params"]! += ":qp=\(qp)" }
            if let crf = config.quality { options["crf"] = String(crf) }
        case "libvpx-vp9":
            options["deadline"] = "realtime"
            options["cpu-used"] = "8"
            options["row-mt"] = "1"
            if let q = config.quality ?? config.quantizer { options["crf"] = String(q); ctx.pointee.bit_rate = 0 }
            else if config.bitrate == nil { options["crf"] = "32"; ctx.pointee.bit_rate = 0 }
        case "libsvtav1":
            options["preset"] = config.preset ?? "10"
            // SVT-AV1 ignores thread_count. Its `lp` (logical processors) starts
            // about 45 threads per unit here (23 at lp=1): any limit gets lp=1.
            if threads > 0 { options["svtav1-params"] = "lp=1" }
            if let q = config.quality ?? config.quantizer { options["crf"] = String(q) }
        case "libaom-av1":
            options["cpu-used"] = "8"
            options["usage"] = "realtime"
            options["row-mt"] = "1"
            if let q = config.quality ?? config.quantizer { options["crf"] = String(q) }
            else if config.bitrate == nil { options["crf"] = "32" }
        default:
            break
        }
        var dict = makeDictionary(options)
        defer { av_dict_free(&dict) }
        let ret = ThreadScheduling.keepingNormalScheduling { avcodec_open2(ctx, codec, &dict) }
        guard ret >= 0 else {
            var toFree: UnsafeMutablePointer<AVCodecContext>? = ctx
            avcodec_free_context(&toFree)
            throw .libav(ret, operation: "open video encoder",
                         message: "\(candidate.name) refused \(config.width)x\(config.height) at \(config.framerate) fps: \(avErrorText(ret))",
                         codec: candidate.name)
        }
        return ctx
    }

    /// yuv420p when the codec takes it, else nv12, else its first format.
    static func preferredPixelFormat(_ codec: UnsafePointer<AVCodec>) -> AVPixelFormat {
        guard let list = wm_codec_pix_fmts(codec) else { return AV_PIX_FMT_YUV420P }
        var formats: [AVPixelFormat] = []
        var i = 0
        while list[i] != AV_PIX_FMT_NONE { formats.append(list[i]); i += 1 }
        if formats.contains(AV_PIX_FMT_YUV420P) { return AV_PIX_FMT_YUV420P }
        if formats.contains(AV_PIX_FMT_NV12) { return AV_PIX_FMT_NV12 }
        return formats.first ?? AV_PIX_FMT_YUV420P
    }

    static func parameters(of ctx: UnsafeMutablePointer<AVCodecContext>, codec: VideoCodec, framerate: Int) -> CodecParameters {
        let c = ctx.pointee
        let extradata = c.extradata.map { Array(UnsafeBufferPointer(start: $0, count: Int(c.extradata_size))) } ?? []
        return CodecParameters(kind: .video, codecName: codec.witName, extradata: extradata,
                               width: Int(c.width), height: Int(c.height), frameRate: Rational(Int64(framerate), 1),
                               bitRate: Int(c.bit_rate), profile: c.profile >= 0 ? Int(c.profile) : nil,
                               level: c.level >= 0 ? Int(c.level) : nil, bitsPerRawSample: 8)
    }
}

/// Frees an encoder context, first signalling end of stream when it was not
/// drained. SVT-AV1 blocks in teardown if it never saw end of stream, and
/// blocks at end of stream if it never saw a frame, so a video encoder that
/// got no frame is first given one blank frame.
func closeEncoder(_ context: inout UnsafeMutablePointer<AVCodecContext>?, drained: Bool, sentFrames: Bool = true) {
    if let ctx = context, !drained {
        if !sentFrames, ctx.pointee.codec_type == AVMEDIA_TYPE_VIDEO { sendBlankFrame(ctx) }
        if avcodec_send_frame(ctx, nil) >= 0, let packet = av_packet_alloc() {
            var p: UnsafeMutablePointer<AVPacket>? = packet
            while avcodec_receive_packet(ctx, packet) >= 0 { av_packet_unref(packet) }
            av_packet_free(&p)
        }
    }
    avcodec_free_context(&context)
}

/// Sends one black frame; true when the encoder took it.
@discardableResult
func sendBlankFrame(_ ctx: UnsafeMutablePointer<AVCodecContext>) -> Bool {
    guard let frame = av_frame_alloc() else { return false }
    defer { var f: UnsafeMutablePointer<AVFrame>? = frame; av_frame_free(&f) }
    frame.pointee.format = ctx.pointee.pix_fmt.rawValue
    frame.pointee.width = ctx.pointee.width
    frame.pointee.height = ctx.pointee.height
    frame.pointee.pts = 0
    guard av_frame_get_buffer(frame, 0) >= 0 else { return false }
    var data = [UnsafeMutablePointer<UInt8>?](repeating: nil, count: 4)
    var lines = [Int](repeating: 0, count: 4)
    for i in 0..<4 { data[i] = wm_frame_data(frame, Int32(i)); lines[i] = Int(wm_frame_linesize(frame, Int32(i))) }
    _ = av_image_fill_black(&data, &lines, ctx.pointee.pix_fmt, AVCOL_RANGE_MPEG, ctx.pointee.width, ctx.pointee.height)
    return avcodec_send_frame(ctx, frame) >= 0
}
