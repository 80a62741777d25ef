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
///
/// Every muxer and demuxer counts against the instance's ``HostBudget``: a
/// fixed estimate when made (a constructor traps, `create` and `open` return
/// `out-of-bounds`, when it does not fit), then what it keeps as it keeps
/// it — a muxer's output not yet collected and the chunks the container
/// holds back, a byte-fed demuxer's appended bytes, chunks read ahead for
/// other tracks. Each byte-fed demuxer runs a host thread and holds one of
/// the instance's ``HostBudget/maxLiveByteFedDemuxers`` slots; dropping it
/// ends the thread.
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
        /// The muxer itself and its tracks.
        let fixed: HostCharge
        /// Output not yet collected, and chunk bytes the container holds back.
        let output: HostCharge
        /// Chunk bytes written since the muxer last produced output: what it
        /// holds back (an mp4 fragment until the next keyframe).
        private var heldBack = 0
        private var produced: Int64 = 0

        init(_ muxer: Muxer, file: (opened: OpenedFile, path: String)? = nil, fixed: HostCharge, budget: HostBudget) {
            self.muxer = muxer
            self.file = file
            self.fixed = fixed
            output = budget.hold(0, for: "muxer output not yet collected (get-output-bytes) and chunks the container holds back")
        }

        /// `body`'s error naming the guest's path rather than what FFmpeg opened.
        func reporting<T>(_ body: () throws(MediaError) -> T) throws(MediaError) -> T {
            do { return try body() } catch {
                if let file { throw naming(file.path, error) }
                throw error
            }
        }

        static let advice = "collect the output (get-output-bytes) first; an mp4 muxer holds a fragment back until the next keyframe"

        /// Writes `chunk` once its bytes fit, and charges what the muxer then keeps.
        func write(_ chunk: EncodedChunk, track: Int, by operation: String) throws {
            // The container's copy of the chunk, then the output it becomes.
            try output.check(growingBy: chunk.data.count * 2, by: operation, advice: Self.advice)
            do { try reporting { () throws(MediaError) in try muxer.writeChunk(trackId: track, chunk) } } catch {
                settle()
                throw error
            }
            settle(wrote: chunk.data.count)
        }

        /// Charges the output as it is after a call; `wrote` chunk bytes just went in.
        func settle(wrote: Int? = nil) {
            let now = muxer.producedByteCount
            if let wrote {
                // Output appearing means the muxer wrote out what it held, except
                // perhaps the chunk just written.
                heldBack = now != produced ? wrote : heldBack + wrote
            }
            produced = now
            output.set(pending.count + muxer.bufferedOutputByteCount + heldBack)
        }

        /// After `finalize` the muxer holds nothing back.
        func finalized() {
            heldBack = 0
            produced = muxer.producedByteCount
            output.set(pending.count + muxer.bufferedOutputByteCount)
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
            let budget = call.instance.hostBudget
            let fixed = try budget.charge(HostCosts.muxer, for: "a muxer for \(format.rawValue)", by: call.name.field,
                                          advice: "drop a muxer first")
            let muxer = try Muxer(format: format)
            call.setResult(try call.state[Muxers.self].insert(MuxerSession(muxer, fixed: fixed, budget: budget)))
        }
        module.define("[static]muxer.create", WasmSignature([.i32, .i32, .i32, .i32])) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(3), size: 16, alignment: 4)
            let path = try AppABI.string(instance, call.u32(0), call.u32(1), what: "path")
            let format = try containerFormat(call.u32(2))
            let operation = call.name.field
            try AppABI.respond(instance, area: area) {
                let file = try files.open(path, for: .write)
                let budget = instance.hostBudget
                let fixed = try budget.charge(HostCosts.muxer, for: "a muxer for \(format.rawValue)", by: operation,
                                              advice: "drop a muxer first")
                let muxer: Muxer
                do { muxer = try Muxer(format: format, path: try ffmpegURL(file, path: path)) } catch let error as MediaError {
                    throw naming(path, error)
                }
                let handle = try instance.state[Muxers.self].insert(MuxerSession(muxer, file: (file, path), fixed: fixed, budget: budget))
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
            let operation = call.name.field
            try AppABI.respond(instance, area: area) {
                let track = try trackInfo(info)
                let cost = HostCosts.muxerTrack(descriptionBytes: track.parameters.extradata.count)
                try session.fixed.update(to: session.fixed.bytes + cost, by: operation, advice: "drop a muxer first")
                do { try session.reporting { () throws(MediaError) in try session.muxer.addTrack(track) } } catch {
                    session.fixed.set(session.fixed.bytes - cost)
                    throw error
                }
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
            let operation = call.name.field
            try AppABI.respond(instance, area: area) {
                try session.write(chunk, track: trackID, by: operation)
                try AppABI.storeOk(instance, area: area)
            }
        }
        module.define("[method]muxer.get-output-bytes", WasmSignature([.i32, .i32])) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(1), size: 8, alignment: 4)
            let session = try call.state[Muxers.self].borrow(call.u32(0))
            session.pending += session.muxer.takeOutputBytes()
            defer { session.settle() }
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
                defer { session.finalized() }
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
        /// The demuxer itself (and, byte-fed, its thread's slot).
        let fixed: HostCharge
        /// Appended bytes (kept for seeking) and chunks read ahead for other tracks.
        let kept: HostCharge

        init(_ source: Source, file: (opened: OpenedFile, path: String)? = nil, refusals: URLRefusals? = nil,
             fixed: HostCharge, budget: HostBudget) {
            self.source = source
            self.file = file
            self.refusals = refusals
            self.fixed = fixed
            kept = budget.hold(0, for: "demuxer input kept for seeking and chunks read ahead for other tracks")
        }

        var appendedBytes: Int {
            if case .bytes(let demuxer) = source { return demuxer.appendedByteCount }
            return 0
        }

        var queuedBytes: Int {
            switch source {
            case .file(let demuxer): demuxer.queuedByteCount
            case .bytes(let demuxer): demuxer.queuedByteCount
            }
        }

        /// Charges what the demuxer keeps now.
        func settle() { kept.set(appendedBytes + queuedBytes) }

        /// Runs a read with the read-ahead queue limited to what the budget
        /// has room for; a read stopped by that limit is a refusal naming it.
        func read<T>(_ budget: HostBudget, by operation: String, _ body: () throws -> T) throws -> T {
            let before = queuedBytes
            let limit = before + budget.room
            switch source {
            case .file(let demuxer): demuxer.queueByteLimit = limit
            case .bytes(let demuxer): demuxer.queueByteLimit = limit
            }
            defer { settle() }
            do {
                return try body()
            } catch is MediaError where queuedBytes > limit {
                throw HostBudgetRefusal(operation: operation, purpose: "chunks read ahead for tracks other than the one asked for",
                                        kind: .memory(cost: queuedBytes - before, held: budget.held, limit: budget.limit),
                                        advice: "read them in container order (read-next-chunk) first")
            }
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
            let budget = call.instance.hostBudget
            let fixed = try budget.charge(HostCosts.byteFedDemuxer, for: "a byte-fed demuxer", by: call.name.field,
                                          owner: .byteFedDemuxer)
            let demuxer = StreamingDemuxer(label: "appended bytes", options: demuxerOptions(protocols: "none"),
                                          threadName: call.state.demuxerThreadName)
            if let failure = demuxer.startFailure {
                throw HostRefusal("a byte-fed demuxer cannot start its thread: \(failure)")
            }
            call.setResult(try call.state[Demuxers.self].insert(DemuxerSession(.bytes(demuxer), fixed: fixed, budget: budget)))
        }
        module.define("[static]demuxer.open", WasmSignature([.i32, .i32, .i32])) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(2), size: 16, alignment: 4)
            let path = try AppABI.string(instance, call.u32(0), call.u32(1), what: "path")
            let operation = call.name.field
            try AppABI.respond(instance, area: area) {
                let budget = instance.hostBudget
                func charge() throws -> HostCharge {
                    try budget.charge(HostCosts.demuxer, for: "a demuxer", by: operation, advice: "drop a demuxer first")
                }
                let session: DemuxerSession
                if FileAccess.isURL(path) {
                    try files.checkURL(path)
                    let fixed = try charge()
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
                    session = DemuxerSession(.file(demuxer), refusals: refusals, fixed: fixed, budget: budget)
                } else {
                    let file = try files.open(path, for: .read)
                    let fixed = try charge()
                    let url = try ffmpegURL(file, path: path)
                    let demuxer: Demuxer
                    do throws(MediaError) {
                        demuxer = try Demuxer(url: url, options: demuxerOptions(protocols: "file"), allowNestedURL: { $0 == url })
                    } catch {
                        throw naming(path, error)
                    }
                    session = DemuxerSession(.file(demuxer), file: (file, path), fixed: fixed, budget: budget)
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
            let operation = call.name.field
            try AppABI.respond(instance, area: area) {
                guard case .bytes(let demuxer) = session.source else {
                    throw AppABI.Failure(.invalidState, "append-bytes: this demuxer reads a file (made by open)")
                }
                guard !session.finished else {
                    throw AppABI.Failure(.invalidState, "append-bytes: finish-bytes was called")
                }
                try session.kept.check(growingBy: data.count, by: operation,
                                       advice: "a byte-fed demuxer keeps every appended byte (for seeking): drop it, or read a file with open")
                demuxer.append(data)
                session.settle()
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
            defer { session.settle() }
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
            let budget = instance.hostBudget
            let operation = call.name.field
            try AppABI.respond(instance, area: area, payloadOffset: 8) {
                let chunk = try session.read(budget, by: operation) {
                    try session.reporting { () throws(MediaError) in try session.readChunk(trackID) }
                }
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
                defer { session.settle() }
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
                defer { session.settle() }
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
