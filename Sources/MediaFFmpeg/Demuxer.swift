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
///
/// A demuxer may open more than its source: a playlist (HLS, DASH) opens
/// its segments, keys and variant playlists. With `allowNestedURL`, every
/// URL FFmpeg opens through the format context (the source itself, each
/// nested one, and where HTTP redirected any of them) is first put to that
/// check; a refused one is not opened, FFmpeg gets `AVERROR(EACCES)`, and
/// the demuxer fails from then on with an error naming the refused URL
/// (even where FFmpeg would skip a segment that does not open). Sub-
/// connections a protocol makes itself (TCP under HTTP, RTP under RTSP)
/// are not URLs the demuxer opens and are not checked; the protocol
/// whitelist in `options` still binds them.
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
    private let gate: URLGate?
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
    ///
    /// `allowNestedURL`, when given, decides for every URL FFmpeg opens
    /// through this demuxer, `url` included (see the type's notes); it runs
    /// on the thread calling into the demuxer. HLS's persistent connections
    /// are then off (`http_persistent=0`): they fetch the next segment on
    /// an open connection without asking.
    /// - Throws: `failed` with cause `AVERROR(EACCES)`, naming the URL, when
    ///   `allowNestedURL` refused one; the usual open errors otherwise.
    public convenience init(url: String, options: [String: String] = [:],
                            allowNestedURL: (@Sendable (String) -> Bool)? = nil) throws(MediaError) {
        try self.init(source: url, io: nil, options: options, allowNestedURL: allowNestedURL)
    }

    /// Opens a custom byte source (used by ``StreamingDemuxer``).
    init(source: String, io: IOBridge?, options: [String: String] = [:],
         allowNestedURL: (@Sendable (String) -> Bool)? = nil) throws(MediaError) {
        _ = LibavSetup.once
        _ = Self.networkOnce
        self.source = source
        self.io = io
        self.gate = allowNestedURL.map(URLGate.init)
        self.packet = try AVPacketBox()
        var ctx: UnsafeMutablePointer<AVFormatContext>? = avformat_alloc_context()
        guard ctx != nil else { throw MediaError(.failed, operation: "open container", message: "out of memory", file: source) }
        if let io {
            ctx!.pointee.pb = io.context
            ctx!.pointee.flags |= AVFMT_FLAG_CUSTOM_IO
        }
        var options = options
        if let gate {
            ctx!.pointee.opaque = Unmanaged.passUnretained(gate).toOpaque()
            ctx!.pointee.io_open = { context, pb, url, flags, dictionary in
                Demuxer.checkedOpen(context, pb, url, flags, dictionary)
            }
            if options["http_persistent"] == nil { options["http_persistent"] = "0" }
        }
        var dict = makeDictionary(options)
        defer { av_dict_free(&dict) }
        var ret = avformat_open_input(&ctx, io == nil ? source : nil, nil, &dict)
        if let refused = gate?.refused {
            if ctx != nil { avformat_close_input(&ctx) }
            throw Self.refusedError(refused, operation: "open container")
        }
        guard ret >= 0, let opened = ctx else {
            throw Self.openError(ret, source: source, isFile: io == nil)
        }
        // An RTSP redirect changes the context's URL without a nested open.
        if let gate, let url = opened.pointee.url, let final = String(validatingCString: url), final != source,
           !gate.admits(final) {
            avformat_close_input(&ctx)
            throw Self.refusedError(final, operation: "open container")
        }
        // Until every property is set, a throw skips deinit: close here.
        ret = avformat_find_stream_info(opened, nil)
        if let refused = gate?.refused {
            avformat_close_input(&ctx)
            throw Self.refusedError(refused, operation: "read container header")
        }
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

    /// The format context's `io_open` when a check is set: the check first,
    /// then what FFmpeg's default does, then the check again on where HTTP
    /// ended up after redirects.
    private static func checkedOpen(_ context: UnsafeMutablePointer<AVFormatContext>?,
                                    _ pb: UnsafeMutablePointer<UnsafeMutablePointer<AVIOContext>?>?,
                                    _ url: UnsafePointer<CChar>?, _ flags: Int32,
                                    _ options: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
        guard let context, let pb, let url, let opaque = context.pointee.opaque else { return wm_averror_eacces() }
        let gate = Unmanaged<URLGate>.fromOpaque(opaque).takeUnretainedValue()
        // Bytes that are not UTF-8 cannot be checked as written: refused.
        guard let text = String(validatingCString: url) else {
            gate.refuse(String(cString: url))
            return wm_averror_eacces()
        }
        guard gate.admits(text) else { return wm_averror_eacces() }
        let ret = wm_io_open_whitelisted(context, pb, url, flags, options)
        guard ret >= 0 else { return ret }
        if let location = wm_avio_location(pb.pointee) {
            defer { av_free(location) }
            let final = String(validatingCString: location) ?? text
            if final != text && !gate.admits(final) {
                avio_closep(pb)
                return wm_averror_eacces()
            }
        }
        return ret
    }

    private static func refusedError(_ url: String, operation: String) -> MediaError {
        MediaError(.failed, operation: operation, message: "opening \(url) was refused by the caller's URL check",
                   file: url, cause: .libav(wm_averror_eacces()))
    }

    /// Throws when the check refused a URL since the demuxer opened.
    private func checkRefusals(_ operation: String) throws(MediaError) {
        if let refused = gate?.refused { throw Self.refusedError(refused, operation: operation) }
    }

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
        try checkRefusals("read chunk")
        let ret = av_read_frame(ctx, packet.pointer)
        if gate?.refused != nil {
            if ret >= 0 { av_packet_unref(packet.pointer) }
            try checkRefusals("read chunk")
        }
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
        try checkRefusals("seek to \(timeUs) µs")
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

/// The check a ``Demuxer`` puts every URL it opens to, and the first URL it
/// refused. Used on the thread driving the demuxer's format context.
final class URLGate {
    let check: @Sendable (String) -> Bool
    private(set) var refused: String?

    init(_ check: @escaping @Sendable (String) -> Bool) { self.check = check }

    /// Whether `url` may be opened; remembers the first one that may not.
    func admits(_ url: String) -> Bool {
        if check(url) { return true }
        refuse(url)
        return false
    }

    func refuse(_ url: String) {
        if refused == nil { refused = url }
    }
}
