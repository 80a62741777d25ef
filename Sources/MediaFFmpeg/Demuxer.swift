internal import CFFmpeg
public import MediaCore

/// Splits a container into encoded tracks (`wasi:media/container.demuxer`),
/// reading a file or any URL FFmpeg opens (http, rtsp, srt, udp...).
///
/// Chunks can be read in container order (``readNext()``) or per track
/// (``readChunk(trackId:)``, which queues the other tracks' chunks until they
/// are asked for). ``seek(toUs:)`` moves every track to the keyframe at or
/// before the target; for a frame-exact position, decode from there and
/// drop frames before the target (``VideoDecoder/discardBeforeUs``, or
/// ``FrameReader`` which does both). Not thread-safe.
public final class Demuxer {
    /// The file or URL, or a label for byte-stream input.
    public let source: String
    public private(set) var tracks: [TrackInfo] = []
    /// FFmpeg's name for the detected format (`mov,mp4,m4a,3gp,3g2,mj2`, `matroska,webm`).
    public let formatName: String
    /// Duration of the whole container in microseconds, when known.
    public let durationUs: Int64?

    private var context: UnsafeMutablePointer<AVFormatContext>?
    private let io: IOBridge?
    private let packet: AVPacketBox
    private var queues: [Int: [EncodedChunk]] = [:]
    private var ended = false

    /// Bytes of the chunks ``readChunk(trackId:)`` read ahead and keeps for other tracks.
    public private(set) var queuedByteCount = 0
    /// When set, ``readChunk(trackId:)`` reads no further ahead once the
    /// chunks it keeps for other tracks pass this many bytes (it throws
    /// `failed`; ``readNext()`` hands them over). nil: no limit.
    public var queueByteLimit: Int?

    /// Opens `url` (a path or any URL FFmpeg opens) and reads its header.
    /// `options` go to the protocol and demuxer (`rw_timeout`, `rtsp_transport`...).
    public convenience init(url: String, options: [String: String] = [:]) throws(MediaError) {
        try self.init(source: url, io: nil, options: options)
    }

    /// Opens a custom byte source (used by ``StreamingDemuxer``).
    init(source: String, io: IOBridge?, options: [String: String] = [:]) throws(MediaError) {
        _ = LibavSetup.once
        _ = Self.networkOnce
        self.source = source
        self.io = io
        self.packet = try AVPacketBox()
        var ctx: UnsafeMutablePointer<AVFormatContext>? = avformat_alloc_context()
        guard ctx != nil else { throw MediaError(.failed, operation: "open container", message: "out of memory", file: source) }
        if let io {
            ctx!.pointee.pb = io.context
            ctx!.pointee.flags |= AVFMT_FLAG_CUSTOM_IO
        }
        var dict = makeDictionary(options)
        defer { av_dict_free(&dict) }
        var ret = avformat_open_input(&ctx, io == nil ? source : nil, nil, &dict)
        guard ret >= 0, let opened = ctx else {
            throw Self.openError(ret, source: source, isFile: io == nil)
        }
        // Until every property is set, a throw skips deinit: close here.
        ret = avformat_find_stream_info(opened, nil)
        guard ret >= 0 else {
            avformat_close_input(&ctx)
            throw .libav(ret, operation: "read container header", message: "cannot read stream information: \(avErrorText(ret))", file: source)
        }
        guard opened.pointee.nb_streams > 0 else {
            avformat_close_input(&ctx)
            throw MediaError(.invalidData, operation: "open container", message: "the container holds no tracks", file: source)
        }
        context = opened
        formatName = String(cString: opened.pointee.iformat.pointee.name)
        durationUs = opened.pointee.duration > 0 ? opened.pointee.duration : nil
        for i in 0..<Int(opened.pointee.nb_streams) {
            let stream = opened.pointee.streams[i]!
            var parameters = CodecParameters(stream.pointee.codecpar)
            let tb = Rational(stream.pointee.time_base)
            let rate = stream.pointee.avg_frame_rate.num > 0 ? stream.pointee.avg_frame_rate : stream.pointee.r_frame_rate
            if parameters.kind == .video, rate.num > 0, rate.den > 0 { parameters.frameRate = Rational(rate) }
            let duration = stream.pointee.duration != noPTS && stream.pointee.duration > 0
                ? MediaTime.microseconds(ticks: stream.pointee.duration, timeBase: tb) : nil
            tracks.append(TrackInfo(id: i, codec: CodecString.make(parameters), parameters: parameters,
                                    durationUs: duration ?? durationUs,
                                    frameCount: stream.pointee.nb_frames > 0 ? Int(stream.pointee.nb_frames) : nil,
                                    timeBase: tb))
        }
    }

    deinit {
        if context != nil { avformat_close_input(&context) }
    }

    private static let networkOnce: Void = { avformat_network_init() }()

    private static func openError(_ ret: Int32, source: String, isFile: Bool) -> MediaError {
        if ret == wm_averror(ENOENT_value) {
            return MediaError(.notFound, operation: "open container", message: "no such file or URL", file: source, cause: .libav(ret))
        }
        if ret == AVERROR_INVALIDDATA_value || ret == wm_averror_eof() {
            return MediaError(.invalidData, operation: "open container",
                              message: "not a media file this host can read (empty, truncated, or an unknown format)",
                              file: source, cause: .libav(ret))
        }
        return .libav(ret, operation: "open container", file: source)
    }

    /// The track with `id`, if any.
    public func track(_ id: Int) -> TrackInfo? { tracks.first { $0.id == id } }

    /// The next chunk in container order, or nil at the end of the container.
    /// - Throws: `invalidData` on a corrupt packet, `io` on a read failure.
    public func readNext() throws(MediaError) -> (trackId: Int, chunk: EncodedChunk)? {
        for id in queues.keys.sorted() {
            if var q = queues[id], !q.isEmpty {
                let c = q.removeFirst()
                queues[id] = q
                queuedByteCount -= c.data.count
                return (id, c)
            }
        }
        return try readPacket()
    }

    /// The next chunk of track `trackId`, or nil when that track has ended.
    public func readChunk(trackId: Int) throws(MediaError) -> EncodedChunk? {
        guard track(trackId) != nil else {
            throw MediaError(.notFound, operation: "read chunk", message: "no track with id \(trackId)", file: source, track: trackId)
        }
        while true {
            if var q = queues[trackId], !q.isEmpty {
                let c = q.removeFirst()
                queues[trackId] = q
                queuedByteCount -= c.data.count
                return c
            }
            if let limit = queueByteLimit, queuedByteCount > limit {
                throw Self.queueFull(queuedByteCount, limit: limit, file: source, track: trackId)
            }
            guard let (id, chunk) = try readPacket() else { return nil }
            if id == trackId { return chunk }
            queues[id, default: []].append(chunk)
            queuedByteCount += chunk.data.count
        }
    }

    private func readPacket() throws(MediaError) -> (Int, EncodedChunk)? {
        guard let ctx = context, !ended else { return nil }
        let ret = av_read_frame(ctx, packet.pointer)
        if ret == wm_averror_eof() {
            ended = true
            return nil
        }
        guard ret >= 0 else { throw .libav(ret, operation: "read chunk", file: source) }
        defer { av_packet_unref(packet.pointer) }
        let index = Int(packet.pointer.pointee.stream_index)
        let tb = Rational(ctx.pointee.streams[index]!.pointee.time_base)
        return (index, EncodedChunk(packet: packet.pointer, timeBase: tb))
    }

    /// Moves every track to the keyframe at or before `timeUs` (microseconds
    /// from the container's start); reading resumes there.
    /// - Throws: `invalidArgument` when the container cannot seek there.
    public func seek(toUs timeUs: Int64) throws(MediaError) {
        guard let ctx = context else { return }
        let start = ctx.pointee.start_time != noPTS ? ctx.pointee.start_time : 0
        let target = MediaTime.add(start, timeUs)
        let ret = avformat_seek_file(ctx, -1, Int64.min, target, target, 0)
        guard ret >= 0 else {
            throw .libav(ret, operation: "seek to \(timeUs) µs", message: "the container cannot seek there: \(avErrorText(ret))", file: source)
        }
        queues.removeAll()
        queuedByteCount = 0
        ended = false
    }

    static func queueFull(_ queued: Int, limit: Int, file: String?, track: Int) -> MediaError {
        MediaError(.failed, operation: "read chunk",
                   message: "\(queued) bytes of other tracks' chunks are waiting, more than the \(limit) this demuxer may keep; read them in container order (read-next-chunk) first",
                   file: file, track: track)
    }
}

let ENOENT_value: Int32 = 2
