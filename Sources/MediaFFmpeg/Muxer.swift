internal import CFFmpeg
public import MediaCore

/// Packages encoded tracks into a container (`wasi:media/container.muxer`).
///
/// Lifecycle: ``addTrack(_:)`` for every track, then ``writeChunk(trackId:_:)``
/// (the header is written with the first chunk; adding a track after that is
/// an error), then ``finalize()``. Chunks of different tracks may arrive in
/// any interleaving; within a track, decode timestamps must increase.
///
/// MP4 is written fragmented (a fragment per keyframe), and every write
/// reaches the OS as it happens, so a recording
/// whose process is killed stays playable up to its last complete fragment;
/// Matroska/WebM and MPEG-TS are streamable by nature.
/// Not thread-safe.
public final class Muxer {
    /// The container, or nil for an elementary stream (``init(elementaryStreamOf:)``).
    public let format: ContainerFormat?
    /// What errors call the output: the container's WIT name, or FFmpeg's muxer name.
    private let label: String
    /// The output file, or nil when writing to memory (``takeOutputBytes()``).
    public let path: String?

    private var context: UnsafeMutablePointer<AVFormatContext>?
    private var io: IOBridge?
    private var output: [UInt8] = []
    /// Seekable memory output: what was written where, in order.
    private var writes: [(offset: Int64, bytes: [UInt8])] = []
    private var position: Int64 = 0
    private var size: Int64 = 0
    private let seekableMemory: Bool
    private let packet: AVPacketBox
    private struct Track {
        var stream: UnsafeMutablePointer<AVStream>
        var info: TrackInfo
        var lastDtsUs: Int64?
        var nominalDurationUs: Int64?
    }
    private var tracks: [Int: Track] = [:]
    private var headerWritten = false
    private var finalized = false
    private var memoryBytesProduced: Int64 = 0

    /// A muxer writing `format` to the file at `path` (created or truncated).
    public convenience init(format: ContainerFormat, path: String) throws(MediaError) {
        try self.init(format: format, path: path, memory: false)
    }

    /// A muxer writing `format` into memory; read it with ``takeOutputBytes()``.
    public convenience init(format: ContainerFormat) throws(MediaError) {
        try self.init(format: format, path: nil, memory: true)
    }

    /// A muxer writing `format` into memory as positioned writes, for a
    /// destination that can seek (a file): the container may go back to
    /// complete its header (durations, cues, indexes). Read them with
    /// ``takeOutputWrites()``.
    public convenience init(seekableFormat format: ContainerFormat) throws(MediaError) {
        try self.init(format: format, path: nil, memory: true, seekable: true)
    }

    /// A muxer writing one stream of `codecName` in the codec's own file
    /// format, into memory as positioned writes (``takeOutputWrites()``):
    /// MP3 and FLAC files, AAC in ADTS, Opus in Ogg, H.264 and HEVC in
    /// Annex B, AV1 as an OBU stream, VP9 in IVF, PNG images one after
    /// another (one image: a PNG file). Add one track.
    /// - Throws: `unsupported` for a codec with no such format.
    public convenience init(elementaryStreamOf codecName: String) throws(MediaError) {
        guard let name = Self.elementaryFormatName(codecName) else {
            throw MediaError(.unsupported, operation: "create muxer",
                             message: "no elementary stream file format for \(codecName) (put it in a container: mux)", codec: codecName)
        }
        try self.init(format: nil, ffmpegName: name, path: nil, memory: true, seekable: true)
    }

    /// FFmpeg's muxer for a file holding only a stream of `codecName`, if there is one.
    public static func elementaryFormatName(_ codecName: String) -> String? {
        switch codecName {
        case "mp3": "mp3"
        case "flac": "flac"
        case "aac": "adts"
        case "opus": "ogg"
        case "h264": "h264"
        case "hevc": "hevc"
        case "av1": "obu"
        case "vp9", "vp8": "ivf"
        case "png": "image2pipe"
        default: nil
        }
    }

    private convenience init(format: ContainerFormat, path: String?, memory: Bool, seekable: Bool = false) throws(MediaError) {
        try self.init(format: format, ffmpegName: Self.ffmpegName(format), path: path, memory: memory, seekable: seekable)
    }

    private init(format: ContainerFormat?, ffmpegName: String, path: String?, memory: Bool, seekable: Bool) throws(MediaError) {
        _ = LibavSetup.once
        self.format = format
        self.label = format?.witName ?? ffmpegName
        self.path = path
        self.seekableMemory = seekable
        self.packet = try AVPacketBox()
        var ctx: UnsafeMutablePointer<AVFormatContext>? = nil
        let ret = avformat_alloc_output_context2(&ctx, nil, ffmpegName, path)
        guard ret >= 0, let ctx else {
            throw .libav(ret, operation: "create muxer", container: label, file: path)
        }
        context = ctx
        if memory && seekable {
            let bridge = try IOBridge(write: { [unowned self] bytes, count in
                let data = Array(UnsafeBufferPointer(start: bytes, count: count))
                if let last = self.writes.last, last.offset + Int64(last.bytes.count) == self.position {
                    self.writes[self.writes.count - 1].bytes += data   // contiguous: one write
                } else {
                    self.writes.append((self.position, data))
                }
                self.position += Int64(count)
                self.size = max(self.size, self.position)
                return 0
            }, seek: { [unowned self] offset, whence in
                if whence & wm_avseek_size() != 0 { return self.size }
                let target: Int64
                switch whence & 3 {
                case 0: target = offset
                case 1: target = self.position + offset
                case 2: target = self.size + offset
                default: return -1
                }
                guard target >= 0 else { return -1 }
                self.position = target
                return target
            })
            io = bridge
            ctx.pointee.pb = bridge.context
            ctx.pointee.flags |= AVFMT_FLAG_CUSTOM_IO
        } else if memory {
            let bridge = try IOBridge(write: { [unowned self] bytes, count in
                self.output.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
                self.memoryBytesProduced += Int64(count)
                return 0
            })
            io = bridge
            ctx.pointee.pb = bridge.context
            ctx.pointee.flags |= AVFMT_FLAG_CUSTOM_IO
        } else if let path {
            let r = avio_open(&ctx.pointee.pb, path, wm_avio_flag_write())
            guard r >= 0 else {
                avformat_free_context(ctx)
                context = nil
                throw .libav(r, operation: "open output file", container: label, file: path)
            }
        }
    }

    deinit {
        if let context {
            if io == nil, context.pointee.pb != nil { avio_closep(&context.pointee.pb) }
            avformat_free_context(context)
        }
    }

    static func ffmpegName(_ format: ContainerFormat) -> String {
        switch format {
        case .mp4: "mp4"
        case .mkv: "matroska"
        case .webm: "webm"
        case .ts: "mpegts"
        }
    }

    /// Declares a track. `info.id` is the id later passed to ``writeChunk(trackId:_:)``.
    /// - Throws: `invalidState` after the first chunk; `invalidArgument` for a
    ///   duplicate id; `unsupported` when the container cannot carry the codec.
    public func addTrack(_ info: TrackInfo) throws(MediaError) {
        guard let ctx = context, !headerWritten else {
            throw MediaError(.invalidState, operation: "add track", message: "tracks must be added before the first chunk is written",
                             container: label, file: path, track: info.id)
        }
        guard tracks[info.id] == nil else {
            throw MediaError(.invalidArgument, operation: "add track", message: "track id \(info.id) is already in use",
                             container: label, file: path, track: info.id)
        }
        guard let codecID = info.parameters.avCodecID else {
            throw MediaError(.unsupported, operation: "add track", message: "FFmpeg does not know codec '\(info.parameters.codecName)'",
                             codec: info.parameters.codecName, container: label, file: path, track: info.id)
        }
        if avformat_query_codec(ctx.pointee.oformat, codecID, FF_COMPLIANCE_NORMAL) == 0 {
            throw MediaError(.unsupported, operation: "add track",
                             message: "\(label) cannot carry \(info.parameters.codecName)",
                             codec: info.parameters.codecName, container: label, file: path, track: info.id)
        }
        guard let stream = avformat_new_stream(ctx, nil) else {
            throw MediaError(.failed, operation: "add track", message: "out of memory", container: label)
        }
        try info.parameters.fill(stream.pointee.codecpar)
        let p = info.parameters
        var nominal: Int64? = nil
        if p.kind == .video {
            let rate = p.frameRate ?? Rational(30, 1)
            stream.pointee.time_base = Rational.microseconds.av
            stream.pointee.avg_frame_rate = rate.av
            nominal = MediaTime.rescale(rate.den, multiplier: 1_000_000, divisor: rate.num)
        } else if p.kind == .audio, p.sampleRate > 0 {
            stream.pointee.time_base = AVRational(num: 1, den: Int32(p.sampleRate))
            if p.frameSize > 0 { nominal = MediaTime.rescale(Int64(p.frameSize), multiplier: 1_000_000, divisor: Int64(p.sampleRate)) }
        }
        tracks[info.id] = Track(stream: stream, info: info, nominalDurationUs: nominal)
    }

    /// Writes one chunk of track `trackId`.
    /// - Throws: `notFound` for an unknown track; `invalidArgument` when the
    ///   decode timestamp does not increase; `io` when the output fails.
    public func writeChunk(trackId: Int, _ chunk: EncodedChunk) throws(MediaError) {
        guard let ctx = context, !finalized else {
            throw MediaError(.invalidState, operation: "write chunk", message: "the muxer is finalized", container: label, file: path, track: trackId)
        }
        guard var track = tracks[trackId] else {
            throw MediaError(.notFound, operation: "write chunk", message: "no track with id \(trackId); add it first",
                             container: label, file: path, track: trackId)
        }
        let dts = chunk.decodeTimestampUs ?? chunk.timestampUs
        if let last = track.lastDtsUs, dts <= last {
            throw MediaError(.invalidArgument, operation: "write chunk",
                             message: "decode timestamp \(dts) µs is not after the previous chunk's \(last) µs",
                             container: label, file: path, track: trackId)
        }
        if !headerWritten { try writeHeader(ctx) }
        var filled = chunk
        if filled.durationUs == nil { filled.durationUs = track.nominalDurationUs }
        let stream = track.stream
        try filled.fill(packet.pointer, timeBase: Rational(stream.pointee.time_base))
        packet.pointer.pointee.stream_index = stream.pointee.index
        let ret = av_interleaved_write_frame(ctx, packet.pointer)
        av_packet_unref(packet.pointer)
        guard ret >= 0 else {
            throw .libav(ret, operation: "write chunk at \(chunk.timestampUs) µs", container: label, file: path, track: trackId)
        }
        track.lastDtsUs = dts
        tracks[trackId] = track
    }

    /// Bytes of memory output waiting for ``takeOutputBytes()`` or
    /// ``takeOutputWrites()`` (0 for file output).
    public var bufferedOutputByteCount: Int {
        output.count + writes.reduce(0) { $0 + $1.bytes.count }
    }

    /// Every byte the container has handed to its output so far (to memory or
    /// to the file). Chunks written but not yet counted here are held inside
    /// the muxer (an mp4 fragment waits for the next keyframe).
    public var producedByteCount: Int64 {
        if io != nil { return seekableMemory ? size : memoryBytesProduced }
        guard let pb = context?.pointee.pb else { return 0 }
        return avio_tell(pb)
    }

    /// The container bytes produced since the last call (memory output);
    /// always empty for file output.
    public func takeOutputBytes() -> [UInt8] {
        if let pb = context?.pointee.pb, io != nil { avio_flush(pb) }
        defer { output.removeAll(keepingCapacity: true) }
        return output
    }

    /// The positioned writes made since the last call (seekable memory output),
    /// in the order made; apply them in order.
    public func takeOutputWrites() -> [(offset: Int64, bytes: [UInt8])] {
        if let pb = context?.pointee.pb, io != nil { avio_flush(pb) }
        defer { writes.removeAll(keepingCapacity: true) }
        return writes
    }

    /// Writes the trailer and closes the output. Idempotent.
    public func finalize() throws(MediaError) {
        guard let ctx = context, !finalized else { return }
        finalized = true
        if !headerWritten { try writeHeader(ctx) }
        let ret = av_write_trailer(ctx)
        if io == nil { avio_closep(&ctx.pointee.pb) } else if let pb = ctx.pointee.pb { avio_flush(pb) }
        guard ret >= 0 else { throw .libav(ret, operation: "finalize", container: label, file: path) }
    }

    private func writeHeader(_ ctx: UnsafeMutablePointer<AVFormatContext>) throws(MediaError) {
        guard !tracks.isEmpty else {
            throw MediaError(.invalidState, operation: "write header", message: "no tracks were added", container: label, file: path)
        }
        var options: [String: String] = [:]
        // Fragments start only at keyframes: cutting by duration too would let a
        // kill split a B-frame from the frame it precedes.
        if format == .mp4 { options["movflags"] = "+frag_keyframe+empty_moov+delay_moov+default_base_moof" }
        // Hand every write to the OS at once: a killed process loses nothing it muxed.
        ctx.pointee.flush_packets = 1
        var dict = makeDictionary(options)
        defer { av_dict_free(&dict) }
        let ret = avformat_write_header(ctx, &dict)
        guard ret >= 0 else { throw .libav(ret, operation: "write header", container: label, file: path) }
        headerWritten = true
    }
}
