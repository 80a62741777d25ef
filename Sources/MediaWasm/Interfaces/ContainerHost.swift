internal import MediaCore
internal import MediaFFmpeg
internal import Synchronization

/// The host side of `wasi:media/container`: muxers writing into memory or
/// to a file in a directory granted for writing, demuxers reading a file in
/// a granted directory or bytes the guest appends.
///
/// Files are opened by ``FileAccess`` beneath a granted directory
/// (`access-denied` otherwise) and handed to FFmpeg as that open file. A
/// file demuxer reads only the containers of the `container-format` enum
/// and plain audio files, through FFmpeg's `file` protocol alone, and may
/// open nothing but its own file, so a playlist or reference inside a
/// granted file cannot reach another file. A URL demuxer checks every URL
/// FFmpeg opens for it (segments, keys, redirects) against the URL grants.
public enum ContainerHost {
    public static let interface = "container"

    /// The `wasi:media/container@0.1.0-draft` host module.
    public static func module(files: FileAccess) -> HostModule {
        var module = HostModule(AppABI.module(interface))
        defineMuxer(&module, files: files)
        defineDemuxer(&module, files: files)
        return module
    }

    /// FFmpeg demuxers a guest may open (their short names).
    static let demuxers = "mov,matroska,mpegts,mp3,flac,ogg,wav,aac"

    // MARK: - Muxer

    final class MuxerSession {
        let muxer: Muxer
        /// The file written, held open as long as the muxer, and the guest's path for it (nil in memory).
        let file: (opened: OpenedFile, path: String)?
        /// Output taken from the muxer but not yet returned (over 2^28 - 1 bytes a call).
        var pending: [UInt8] = []
        init(_ muxer: Muxer, file: (opened: OpenedFile, path: String)? = nil) {
            self.muxer = muxer
            self.file = file
        }

        /// `body`'s error naming the guest's path rather than what FFmpeg opened.
        func reporting<T>(_ body: () throws(MediaError) -> T) throws(MediaError) -> T {
            do { return try body() } catch {
                if let file { throw naming(file.path, error) }
                throw error
            }
        }
    }

    /// What FFmpeg opens for `file`, or `io` when it cannot be handed over.
    static func ffmpegURL(_ file: OpenedFile, path: String) throws(AppABI.Failure) -> String {
        guard let url = file.ffmpegURL else {
            throw AppABI.Failure(.io, "\(path): cannot hand the file to FFmpeg: /proc is not mounted and its resolved path is not UTF-8")
        }
        return url
    }

    /// `error` naming the guest's `path` instead of the descriptor FFmpeg opened.
    static func naming(_ path: String, _ error: MediaError) -> MediaError {
        var error = error
        error.file = path
        return error
    }

    enum Muxers: InstanceStateKey {
        static func makeValue() -> HandleTable<MuxerSession> { HandleTable(resourceName: "muxer") }
    }

    static func containerFormat(_ index: UInt32) throws(GuestFault) -> ContainerFormat {
        ContainerFormat.allCases[try AppABI.enumCase(index, count: ContainerFormat.allCases.count, what: "container-format")]
    }

    static func defineMuxer(_ module: inout HostModule, files: FileAccess) {
        module.define("[constructor]muxer", WasmSignature([.i32], [.i32])) { call in
            let format = try containerFormat(call.u32(0))
            let muxer = try Muxer(format: format)
            call.setResult(try call.state[Muxers.self].insert(MuxerSession(muxer)))
        }
        module.define("[static]muxer.create", WasmSignature([.i32, .i32, .i32, .i32])) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(3), size: 16, alignment: 4)
            let path = try AppABI.string(instance, call.u32(0), call.u32(1), what: "path")
            let format = try containerFormat(call.u32(2))
            try AppABI.respond(instance, area: area) {
                let file = try files.open(path, for: .write)
                let muxer: Muxer
                do { muxer = try Muxer(format: format, path: try ffmpegURL(file, path: path)) } catch let error as MediaError {
                    throw naming(path, error)
                }
                let handle = try instance.state[Muxers.self].insert(MuxerSession(muxer, file: (file, path)))
                let memory = try AppABI.memory(instance)
                try memory.store(UInt8(0), at: area)
                try memory.store(handle, at: area + 4)
            }
        }
        module.define("[method]muxer.add-track", WasmSignature([.i32, .i32])) { call in
            let instance = call.instance
            // Spilled parameters: (self, track-info) as a record, 112 bytes aligned to 8.
            let tuple = try AppABI.returnArea(instance, call.u32(0), size: 112, alignment: 8)
            let area = try AppABI.returnArea(instance, call.u32(1), size: 16, alignment: 4)
            let session = try call.state[Muxers.self].borrow(try AppABI.memory(instance).load(UInt32.self, at: tuple))
            let info = try AppABI.loadTrackInfo(instance, at: tuple + 8)
            try AppABI.respond(instance, area: area) {
                let track = try trackInfo(info)
                try session.reporting { () throws(MediaError) in try session.muxer.addTrack(track) }
                try AppABI.storeOk(instance, area: area)
            }
        }
        module.define("[method]muxer.write-chunk",
                      WasmSignature([.i32, .i32, .i32, .i32, .i64, .i32, .i64, .i32, .i32, .i64, .i32])) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(10), size: 16, alignment: 4)
            let session = try call.state[Muxers.self].borrow(call.u32(0))
            let trackID = Int(call.u32(1))
            let chunk = try AppABI.encodedChunk(call, from: 2)
            try AppABI.respond(instance, area: area) {
                try session.reporting { () throws(MediaError) in try session.muxer.writeChunk(trackId: trackID, chunk) }
                try AppABI.storeOk(instance, area: area)
            }
        }
        module.define("[method]muxer.get-output-bytes", WasmSignature([.i32, .i32])) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(1), size: 8, alignment: 4)
            let session = try call.state[Muxers.self].borrow(call.u32(0))
            session.pending += session.muxer.takeOutputBytes()
            let count = min(session.pending.count, Int(AppABI.maxListLength))
            let list = try AppABI.lowerBytes(instance, Array(session.pending.prefix(count)))
            session.pending.removeFirst(count)
            let memory = try AppABI.memory(instance)
            try memory.store(list.pointer, at: area)
            try memory.store(list.length, at: area + 4)
        }
        module.define("[method]muxer.finalize", WasmSignature([.i32, .i32])) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(1), size: 16, alignment: 4)
            let session = try call.state[Muxers.self].borrow(call.u32(0))
            try AppABI.respond(instance, area: area) {
                try session.reporting { () throws(MediaError) in try session.muxer.finalize() }
                try AppABI.storeOk(instance, area: area)
            }
        }
        module.define("[resource-drop]muxer", WasmSignature([.i32])) { call in
            try call.state[Muxers.self].drop(call.u32(0))
        }
    }

    /// The muxer's track for the guest's `track-info`.
    static func trackInfo(_ info: GuestTrackInfo) throws(AppABI.Failure) -> TrackInfo {
        let parameters: CodecParameters
        if info.isVideo {
            guard let config = info.videoConfig else {
                throw AppABI.Failure(.invalidArgument, "add-track: video track \(info.id) has no video-config")
            }
            guard config.codedWidth != nil, config.codedHeight != nil else {
                throw AppABI.Failure(.invalidArgument, "add-track: video track \(info.id) needs coded-width and coded-height")
            }
            parameters = config.parameters
        } else {
            guard let config = info.audioConfig else {
                throw AppABI.Failure(.invalidArgument, "add-track: audio track \(info.id) has no audio-config")
            }
            guard config.sampleRate > 0, config.channels > 0 else {
                throw AppABI.Failure(.invalidArgument, "add-track: audio track \(info.id) needs a sample rate and channels")
            }
            parameters = config.parameters
        }
        return TrackInfo(id: Int(info.id), codec: CodecString.make(parameters), parameters: parameters,
                         durationUs: info.durationUs.map { Int64(clamping: $0) })
    }

    // MARK: - Demuxer

    final class DemuxerSession {
        enum Source {
            case file(Demuxer)
            case bytes(StreamingDemuxer)
        }
        let source: Source
        /// The file read, held open as long as the demuxer, and the guest's path for it (nil for URLs and bytes).
        let file: (opened: OpenedFile, path: String)?
        /// The URL the demuxer's check refused, with why (URL demuxers).
        let refusals: URLRefusals?
        var finished = false

        init(_ source: Source, file: (opened: OpenedFile, path: String)? = nil, refusals: URLRefusals? = nil) {
            self.source = source
            self.file = file
            self.refusals = refusals
        }

        /// `body`'s error: the URL check's refusal when there was one, and
        /// naming the guest's path rather than what FFmpeg opened.
        func reporting<T>(_ body: () throws(MediaError) -> T) throws -> T {
            do { return try body() } catch {
                if let refusal = refusals?.first { throw refusal }
                if let file { throw naming(file.path, error) }
                throw error
            }
        }

        /// The audio and video tracks (empty while a byte stream's header is incomplete).
        func tracks() throws(MediaError) -> [TrackInfo] {
            let all: [TrackInfo]
            switch source {
            case .file(let demuxer): all = demuxer.tracks
            case .bytes(let demuxer): all = try demuxer.tracks()
            }
            return all.filter { $0.kind == .video || $0.kind == .audio }
        }

        func readChunk(_ id: Int) throws(MediaError) -> EncodedChunk? {
            guard try tracks().contains(where: { $0.id == id }) else {
                throw MediaError(.notFound, operation: "read chunk", message: "no audio or video track with id \(id)", track: id)
            }
            switch source {
            case .file(let demuxer): return try demuxer.readChunk(trackId: id)
            case .bytes(let demuxer): return try demuxer.readChunk(trackId: id)
            }
        }

        func readNext() throws(MediaError) -> (Int, EncodedChunk)? {
            let listed = Set(try tracks().map(\.id))
            while true {
                let next: (trackId: Int, chunk: EncodedChunk)?
                switch source {
                case .file(let demuxer): next = try demuxer.readNext()
                case .bytes(let demuxer): next = try demuxer.readNext()
                }
                guard let next else { return nil }
                if listed.contains(next.trackId) { return (next.trackId, next.chunk) }
            }
        }

        var needsBytes: Bool {
            if case .bytes(let demuxer) = source { return demuxer.needsMoreBytes }
            return false
        }
    }

    enum Demuxers: InstanceStateKey {
        static func makeValue() -> HandleTable<DemuxerSession> { HandleTable(resourceName: "demuxer") }
    }

    /// The protocols a granted URL may use, directly or through a playlist (no `file`).
    static let networkProtocols = "http,https,tls,tcp,udp,rtp,rtsp,rtmp,srt,srtp,crypto,httpproxy"

    /// The first URL a demuxer's check refused, with the reason. Written on
    /// the thread driving the demuxer; read after its call returns.
    final class URLRefusals: Sendable {
        private let refused = Mutex<AppABI.Failure?>(nil)

        var first: AppABI.Failure? { refused.withLock { $0 } }

        /// Whether `files` admits `url`; remembers the first refusal.
        func admits(_ url: String, _ files: FileAccess) -> Bool {
            do {
                try files.checkURL(url)
                return true
            } catch {
                refused.withLock { if $0 == nil { $0 = error } }
                return false
            }
        }
    }

    /// Options that keep FFmpeg inside what was granted.
    static func demuxerOptions(protocols: String) -> [String: String] {
        ["protocol_whitelist": protocols, "format_whitelist": demuxers]
    }

    static func guestTrack(_ track: TrackInfo) -> GuestTrackInfo {
        GuestTrackInfo(id: UInt32(clamping: track.id), codec: track.codec, isVideo: track.isVideo,
                       videoConfig: track.isVideo ? GuestVideoDecoderConfig(track.parameters) : nil,
                       audioConfig: track.isVideo ? nil : GuestAudioDecoderConfig(track.parameters),
                       durationUs: track.durationUs.map { UInt64(max(0, $0)) })
    }

    static func defineDemuxer(_ module: inout HostModule, files: FileAccess) {
        module.define("[constructor]demuxer", WasmSignature([], [.i32])) { call in
            let demuxer = StreamingDemuxer(label: "appended bytes", options: demuxerOptions(protocols: "none"))
            call.setResult(try call.state[Demuxers.self].insert(DemuxerSession(.bytes(demuxer))))
        }
        module.define("[static]demuxer.open", WasmSignature([.i32, .i32, .i32])) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(2), size: 16, alignment: 4)
            let path = try AppABI.string(instance, call.u32(0), call.u32(1), what: "path")
            try AppABI.respond(instance, area: area) {
                let session: DemuxerSession
                if FileAccess.isURL(path) {
                    try files.checkURL(path)
                    // Network protocols only: a playlist fetched from a granted URL cannot name a local file;
                    // and every URL FFmpeg opens for it (segments, keys, redirects) is checked as this one was.
                    let refusals = URLRefusals()
                    let demuxer: Demuxer
                    do {
                        demuxer = try Demuxer(url: path, options: ["protocol_whitelist": networkProtocols],
                                              allowNestedURL: { refusals.admits($0, files) })
                    } catch {
                        if let refusal = refusals.first { throw refusal }
                        throw error
                    }
                    session = DemuxerSession(.file(demuxer), refusals: refusals)
                } else {
                    let file = try files.open(path, for: .read)
                    let url = try ffmpegURL(file, path: path)
                    let demuxer: Demuxer
                    do throws(MediaError) {
                        demuxer = try Demuxer(url: url, options: demuxerOptions(protocols: "file"), allowNestedURL: { $0 == url })
                    } catch {
                        throw naming(path, error)
                    }
                    session = DemuxerSession(.file(demuxer), file: (file, path))
                }
                let handle = try instance.state[Demuxers.self].insert(session)
                let memory = try AppABI.memory(instance)
                try memory.store(UInt8(0), at: area)
                try memory.store(handle, at: area + 4)
            }
        }
        module.define("[method]demuxer.append-bytes", WasmSignature([.i32, .i32, .i32, .i32])) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(3), size: 16, alignment: 4)
            let session = try call.state[Demuxers.self].borrow(call.u32(0))
            let data = try AppABI.bytes(instance, call.u32(1), call.u32(2), what: "data")
            try AppABI.respond(instance, area: area) {
                guard case .bytes(let demuxer) = session.source else {
                    throw AppABI.Failure(.invalidState, "append-bytes: this demuxer reads a file (made by open)")
                }
                guard !session.finished else {
                    throw AppABI.Failure(.invalidState, "append-bytes: finish-bytes was called")
                }
                demuxer.append(data)
                try AppABI.storeOk(instance, area: area)
            }
        }
        module.define("[method]demuxer.finish-bytes", WasmSignature([.i32])) { call in
            let session = try call.state[Demuxers.self].borrow(call.u32(0))
            if case .bytes(let demuxer) = session.source, !session.finished { demuxer.finish() }
            session.finished = true
        }
        module.define("[method]demuxer.needs-bytes", WasmSignature([.i32], [.i32])) { call in
            let session = try call.state[Demuxers.self].borrow(call.u32(0))
            call.setResult(UInt32(session.needsBytes ? 1 : 0))
        }
        module.define("[method]demuxer.get-tracks", WasmSignature([.i32, .i32])) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(1), size: 16, alignment: 4)
            let session = try call.state[Demuxers.self].borrow(call.u32(0))
            try AppABI.respond(instance, area: area) {
                let list = try AppABI.lowerTrackInfos(instance, try session.reporting { () throws(MediaError) in try session.tracks() }.map(guestTrack))
                let memory = try AppABI.memory(instance)
                try memory.store(UInt8(0), at: area)
                try memory.store(list.pointer, at: area + 4)
                try memory.store(list.count, at: area + 8)
            }
        }
        module.define("[method]demuxer.read-chunk", WasmSignature([.i32, .i32, .i32])) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(2), size: 72, alignment: 8)
            let session = try call.state[Demuxers.self].borrow(call.u32(0))
            let trackID = Int(call.u32(1))
            try AppABI.respond(instance, area: area, payloadOffset: 8) {
                let chunk = try session.reporting { () throws(MediaError) in try session.readChunk(trackID) }
                if let chunk { try MediaRecords.store(chunk, at: area + 16, in: instance) }
                let memory = try AppABI.memory(instance)
                try memory.store(UInt8(0), at: area)
                try memory.store(UInt8(chunk == nil ? 0 : 1), at: area + 8)
            }
        }
        module.define("[method]demuxer.read-next-chunk", WasmSignature([.i32, .i32])) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(1), size: 80, alignment: 8)
            let session = try call.state[Demuxers.self].borrow(call.u32(0))
            try AppABI.respond(instance, area: area, payloadOffset: 8) {
                let next = try session.reporting { () throws(MediaError) in try session.readNext() }
                if let (_, chunk) = next { try MediaRecords.store(chunk, at: area + 24, in: instance) }
                let memory = try AppABI.memory(instance)
                try memory.store(UInt8(0), at: area)
                try memory.store(UInt8(next == nil ? 0 : 1), at: area + 8)
                if let (id, _) = next { try memory.store(UInt32(clamping: id), at: area + 16) }
            }
        }
        module.define("[method]demuxer.seek-to-timestamp", WasmSignature([.i32, .i64, .i32])) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(2), size: 16, alignment: 4)
            let session = try call.state[Demuxers.self].borrow(call.u32(0))
            let target = call.s64(1)
            try AppABI.respond(instance, area: area) {
                switch session.source {
                case .file(let demuxer): try session.reporting { () throws(MediaError) in try demuxer.seek(toUs: target) }
                case .bytes(let demuxer):
                    do { try demuxer.seek(toUs: target) } catch {
                        throw AppABI.Failure(.invalidArgument, "seek-to-timestamp: \(error)")
                    }
                }
                try AppABI.storeOk(instance, area: area)
            }
        }
        module.define("[resource-drop]demuxer", WasmSignature([.i32])) { call in
            try call.state[Demuxers.self].drop(call.u32(0))
        }
    }
}
