internal import CFFmpeg
public import MediaCore

/// A demuxer fed by appended bytes (`wasi:media/container.demuxer` with
/// `append-bytes`): for a growing buffer, a socket or chunks arriving from
/// a guest.
///
/// Calls never block waiting for bytes that have not arrived: when the
/// container needs more input, ``tracks()`` returns an empty list and
/// ``readChunk(trackId:)`` returns nil with ``needsMoreBytes`` true; append
/// more and call again. After ``finish()`` the end of the bytes is the end
/// of the container. Every appended byte is kept so the container can seek
/// backwards (MP4 indexes, ``seek(toUs:)``).
///
/// FFmpeg parses on one worker thread owned by the demuxer, which ends when
/// the demuxer is released. When the system starts no thread, the demuxer
/// says so in ``startFailure`` and every call throws it (never waits).
/// The public methods may be called from any one task at a time (not
/// concurrently).
public final class StreamingDemuxer {
    private let shared: Shared
    private let worker: WorkerThread?
    /// Why the worker thread did not start, if it did not.
    public let startFailure: MediaError?

    /// State shared by the caller and the worker, guarded by `cond`.
    private final class Shared: @unchecked Sendable {
        let cond = Condition()
        var bytes: [UInt8] = []
        var position = 0
        /// Bytes of the chunks in `queues`.
        var queuedBytes = 0
        var queueLimit: Int?
        var finished = false
        var closing = false
        /// The worker is inside a read that has consumed every byte appended so far.
        var starved = false
        var operation: Operation?
        var tracks: [TrackInfo]?
        var queues: [Int: [EncodedChunk]] = [:]
        var ended = false
        var failure: MediaError?
        var seekError: MediaError?
    }

    private enum Operation { case open, readNext, seek(Int64) }

    /// `threadName`: the worker thread's name (in `/proc/self/task/*/comm`,
    /// at most 15 bytes); by default ``threadName``.
    public convenience init(label: String = "byte stream", options: [String: String] = [:], threadName: String = StreamingDemuxer.threadName) {
        self.init(label: label, options: options, threadName: threadName, threadStackSize: nil)
    }

    /// The default name of a demuxer's worker thread.
    public static let threadName = "media-demux"

    /// `threadStackSize`: the worker's stack in bytes (nil: the system's
    /// default); tests make the thread fail to start with an impossible one.
    init(label: String, options: [String: String], threadName: String = StreamingDemuxer.threadName, threadStackSize: Int?) {
        let shared = Shared()
        self.shared = shared
        do {
            worker = try WorkerThread(name: threadName, stackSize: threadStackSize) { Self.run(shared, label: label, options: options) }
            startFailure = nil
        } catch {
            worker = nil
            startFailure = error
            shared.failure = error
            shared.finished = true
        }
    }

    deinit {
        shared.cond.locked {
            shared.closing = true
            shared.finished = true
            shared.cond.broadcast()
        }
        worker?.join()
    }

    /// Bytes appended so far (all kept, for seeking).
    public var appendedByteCount: Int { shared.cond.locked { shared.bytes.count } }

    /// Bytes of the chunks read ahead and kept for tracks other than the
    /// one ``readChunk(trackId:)`` asked for.
    public var queuedByteCount: Int { shared.cond.locked { shared.queuedBytes } }

    /// When set, ``readChunk(trackId:)`` reads no further ahead once the
    /// chunks kept for other tracks pass this many bytes (it throws `failed`;
    /// ``readNext()`` hands them over). nil: no limit.
    public var queueByteLimit: Int? {
        get { shared.cond.locked { shared.queueLimit } }
        set { shared.cond.locked { shared.queueLimit = newValue } }
    }

    /// Appends container bytes (WIT `append-bytes`); ignored when the worker
    /// did not start (see ``startFailure``).
    public func append(_ data: some Collection<UInt8>) {
        guard worker != nil else { return }
        shared.cond.locked {
            shared.bytes.append(contentsOf: data)
            shared.starved = false
            shared.cond.broadcast()
        }
    }

    /// Declares that no more bytes will come.
    public func finish() {
        shared.cond.locked {
            shared.finished = true
            shared.starved = false
            shared.cond.broadcast()
        }
    }

    /// True when the last call stopped because it needs bytes not yet appended.
    public var needsMoreBytes: Bool { shared.cond.locked { shared.starved && shared.operation != nil } }

    /// The tracks, once the header has arrived; empty before that.
    /// - Throws: the container's error when the bytes are not a readable container.
    public func tracks() throws(MediaError) -> [TrackInfo] {
        let s = shared
        s.cond.lock()
        defer { s.cond.unlock() }
        while s.tracks == nil && s.failure == nil {
            if run(.open) == .needsBytes { break }
        }
        if let failure = s.failure, s.tracks == nil { throw failure }
        return s.tracks ?? []
    }

    /// The next chunk of `trackId`; nil when more bytes are needed
    /// (``needsMoreBytes``) or the track has ended.
    public func readChunk(trackId: Int) throws(MediaError) -> EncodedChunk? {
        let s = shared
        s.cond.lock()
        defer { s.cond.unlock() }
        while true {
            if var q = s.queues[trackId], !q.isEmpty {
                let chunk = q.removeFirst()
                s.queues[trackId] = q
                s.queuedBytes -= chunk.data.count
                return chunk
            }
            if let failure = s.failure { throw failure }
            if let tracks = s.tracks, !tracks.contains(where: { $0.id == trackId }) {
                throw MediaError(.notFound, operation: "read chunk", message: "no track with id \(trackId)", track: trackId)
            }
            if s.ended { return nil }
            if let limit = s.queueLimit, s.queuedBytes > limit {
                throw Demuxer.queueFull(s.queuedBytes, limit: limit, file: nil, track: trackId)
            }
            if run(s.tracks == nil ? .open : .readNext) == .needsBytes { return nil }
        }
    }

    /// Moves to the keyframe at or before `timeUs`; queued chunks are dropped.
    /// Blocks until the seek completes or needs bytes not yet appended (then
    /// it completes when they arrive, before the next read).
    public func seek(toUs timeUs: Int64) throws(MediaError) {
        let s = shared
        s.cond.lock()
        defer { s.cond.unlock() }
        while s.tracks == nil && s.failure == nil {
            if run(.open) == .needsBytes { break }
        }
        guard s.tracks != nil else {
            throw s.failure ?? MediaError(.invalidState, operation: "seek", message: "the header has not arrived yet")
        }
        s.seekError = nil
        while true {
            switch run(.seek(timeUs)) {
            case .completedEarlierOperation: continue
            case .completed, .needsBytes: break
            }
            break
        }
        if let e = s.seekError { throw e }
    }

    /// The next chunk of any track, or nil at the end of the stream or when
    /// more bytes are needed (see ``needsMoreBytes``). Chunks that earlier
    /// ``readChunk(trackId:)`` calls kept for other tracks come first,
    /// earliest decode time first; then chunks in container order.
    public func readNext() throws(MediaError) -> (trackId: Int, chunk: EncodedChunk)? {
        let s = shared
        s.cond.lock()
        defer { s.cond.unlock() }
        while true {
            var earliest: (id: Int, us: Int64)? = nil
            for (id, queue) in s.queues {
                guard let head = queue.first else { continue }
                let us = head.decodeTimestampUs ?? head.timestampUs
                if earliest == nil || us < earliest!.us || (us == earliest!.us && id < earliest!.id) { earliest = (id, us) }
            }
            if let earliest {
                let chunk = s.queues[earliest.id]!.removeFirst()
                s.queuedBytes -= chunk.data.count
                return (earliest.id, chunk)
            }
            if let failure = s.failure { throw failure }
            if s.ended { return nil }
            if run(s.tracks == nil ? .open : .readNext) == .needsBytes { return nil }
        }
    }

    private enum RunResult { case completed, completedEarlierOperation, needsBytes }

    /// Starts `op`, or, when an earlier call left one in flight, lets that one
    /// finish first (callers then re-check their state). Waits until the
    /// worker is idle or starved. Call with the lock held.
    private func run(_ op: Operation) -> RunResult {
        let s = shared
        let earlier = s.operation != nil
        if !earlier {
            s.operation = op
            s.cond.broadcast()
        }
        while s.operation != nil && !s.starved { s.cond.wait() }
        if s.operation != nil { return .needsBytes }
        return earlier ? .completedEarlierOperation : .completed
    }

    // MARK: - Worker

    private static func run(_ s: Shared, label: String, options: [String: String]) {
        var demuxer: Demuxer? = nil
        let io: IOBridge
        do {
            io = try IOBridge(read: { buffer, size in
                s.cond.lock()
                defer { s.cond.unlock() }
                while s.position >= s.bytes.count && !s.finished {
                    s.starved = true
                    s.cond.broadcast()
                    s.cond.wait()
                }
                if s.closing { return wm_averror_eof() }
                let n = min(size, s.bytes.count - s.position)
                if n <= 0 { return wm_averror_eof() }
                s.bytes.withUnsafeBytes { raw in
                    UnsafeMutableRawPointer(buffer).copyMemory(from: raw.baseAddress!.advanced(by: s.position), byteCount: n)
                }
                s.position += n
                return Int32(n)
            }, seek: { offset, whence in
                s.cond.lock()
                defer { s.cond.unlock() }
                if whence & wm_avseek_size() != 0 { return s.finished ? Int64(s.bytes.count) : -1 }
                let target: Int64
                switch whence & 3 {
                case 0: target = offset                              // SEEK_SET
                case 1: target = Int64(s.position) + offset          // SEEK_CUR
                case 2:                                              // SEEK_END
                    guard s.finished else { return -1 }
                    target = Int64(s.bytes.count) + offset
                default: return -1
                }
                guard target >= 0 else { return -1 }
                s.position = Int(target)
                return target
            })
        } catch {
            s.cond.locked { s.failure = error; s.cond.broadcast() }
            return
        }
        while true {
            s.cond.lock()
            while s.operation == nil && !s.closing { s.cond.wait() }
            if s.closing { s.cond.unlock(); return }
            let op = s.operation!
            s.cond.unlock()
            switch op {
            case .open:
                do {
                    let d = try Demuxer(source: label, io: io, options: options)
                    demuxer = d
                    s.cond.locked { s.tracks = d.tracks }
                } catch {
                    s.cond.locked { s.failure = error }
                }
            case .readNext:
                do {
                    let next = try demuxer?.readNext()
                    s.cond.locked {
                        if let (id, chunk) = next {
                            s.queues[id, default: []].append(chunk)
                            s.queuedBytes += chunk.data.count
                        } else {
                            s.ended = true
                        }
                    }
                } catch {
                    s.cond.locked { s.failure = error }
                }
            case .seek(let us):
                do {
                    try demuxer?.seek(toUs: us)
                    s.cond.locked { s.queues.removeAll(); s.queuedBytes = 0; s.ended = false }
                } catch {
                    s.cond.locked { s.seekError = error }
                }
            }
            s.cond.locked {
                s.operation = nil
                s.starved = false
                s.cond.broadcast()
            }
            if s.cond.locked({ s.closing }) { return }
        }
    }
}
