public import Logging
public import MediaCore
import Synchronization

/// Pipeline states (GStreamer's), in order. `ready`: every element is made
/// and has opened its resources. `paused`: data flows until every sink holds
/// its first item (preroll). `playing`: sinks consume (live ones on the clock).
public enum PipelineState: String, Sendable, Hashable, Comparable {
    case null, ready, paused, playing

    var rank: Int {
        switch self {
        case .null: 0
        case .ready: 1
        case .paused: 2
        case .playing: 3
        }
    }

    public static func < (a: PipelineState, b: PipelineState) -> Bool { a.rank < b.rank }
}

/// What the pipeline tells the application, in order, as it runs.
public enum BusMessage: Sendable {
    case stateChanged(PipelineState)
    /// A link's format was fixed (before any item crossed it).
    case negotiated(element: String, pad: String, format: StreamFormat)
    case error(PipelineError)
    case warning(element: String, message: String)
    /// One sink received end of stream (exactly once per sink).
    case sinkEndOfStream(String)
    /// Every sink received end of stream: the pipeline is done.
    case endOfStream
    /// A sink's position, in µs of media time.
    case progress(element: String, positionUs: Int64)
    /// A flushing seek finished: every source moved to `positionUs`.
    case seekDone(positionUs: Int64)
}

/// How a state change ended (GStreamer's `GstStateChangeReturn`, without
/// its asynchronous case: ``Pipeline/setState(_:)`` returns once the state is reached).
public enum StateChangeResult: Sendable, Hashable {
    /// The state is reached; in paused, every sink holds its first item (or has ended).
    case success
    /// Paused without preroll: a live pipeline's sinks hold nothing until playing.
    case noPreroll
    /// Paused, but these sinks hold nothing: nothing more can move until
    /// playing, because their branches wait for data that other branches
    /// hold back (a tee before an encoder with lookahead, whose other
    /// branch's sink holds its first frame and so stops the tee). Playing
    /// starts them.
    case partialPreroll(starved: [String])
}

/// What a finished run did.
public struct PipelineSummary: Sendable {
    /// Items each sink consumed, by element name.
    public var itemsPerSink: [String: Int] = [:]
    /// True when ``Pipeline/stop()`` ended it (sources sent end of stream early).
    public var stopped = false
}

/// How full one element's input queue got, and what it dropped.
public struct QueueLevel: Sendable, Hashable {
    /// Most items waiting at once.
    public var maxItems: Int
    /// Most bytes waiting at once.
    public var maxBytes: Int
    /// Items a leaky queue dropped.
    public var dropped: Int
}

/// A seek: from the application (`origin` nil, the whole pipeline flushes)
/// or from an element that wants its input to start later (`trim`: only the
/// branch above it flushes, and it swallows the flush).
struct SeekRequest: Sendable {
    var seq: Int
    var targetUs: Int64
    var origin: Int?
}

/// A checked graph, run: one task per element, a bounded inbox per element,
/// formats negotiated in band before any item, end of stream drained
/// through every element (docs/pipelines.md).
///
/// Drive it with ``setState(_:)`` (null → ready → paused → playing and
/// back), or call ``run()`` to play to the end. One run per instance.
/// `stop()`, `seek(toUs:)`, `setState(_:)` and `bus` may be used from any task.
public final class Pipeline: Sendable {
    /// Messages in the order they happen; finishes when the run ends.
    public let bus: AsyncStream<BusMessage>
    private let busContinuation: AsyncStream<BusMessage>.Continuation
    private let graph: CheckedGraph
    private let stopping = Atomic<Bool>(false)
    /// The pipeline clock, when the graph has a live source (or one was
    /// given): sinks then wait for each item's time on it. nil runs as fast as
    /// possible on media timestamps (offline).
    public let clock: MediaClock?
    private let logger: Logger
    private let topology: Topology
    private let runState: RunState
    /// Wakes the driver (``setState(_:)``, ``seek(toUs:)``, ``run()``); element tasks never wait on it.
    private let control: Signal
    private let task = Mutex<Task<Void, Never>?>(nil)

    /// Items waiting per inbox by default (a `queue` element sets its own).
    public static let defaultInboxCapacity = 2

    /// - Throws: ``PipelineError`` (`invalidGraph`) when an element's factory cannot run.
    /// - Parameter clock: the clock live sinks sync to; nil picks a
    ///   system-monotonic clock when any source has `is-live=true`, else none.
    public init(_ graph: CheckedGraph, clock: MediaClock? = nil, logger: Logger = Logger(label: "wasi-media.pipeline")) throws(PipelineError) {
        for e in graph.elements where !(e.factory is any RunnableElementFactory) {
            throw PipelineError(.invalidGraph, "element '\(e.factory.name)' can be checked but not run", element: e.name)
        }
        self.graph = graph
        let live = graph.elements.contains { $0.properties["is-live"] == .bool(true) }
        self.clock = clock ?? (live ? MediaClock(source: .systemMonotonic) : nil)
        self.logger = logger
        (bus, busContinuation) = AsyncStream.makeStream(of: BusMessage.self, bufferingPolicy: .unbounded)
        let control = Signal()
        let activity = FlowActivity(tasks: graph.elements.count, onIdle: { control.notify() })
        self.control = control
        topology = Topology(graph, activity: activity)
        runState = RunState(topology: topology, bus: busContinuation, live: live, activity: activity, control: control)
    }

    /// Parses, checks and prepares a launch line.
    /// - Throws: ``GraphError`` with every problem and its column.
    public convenience init(launch line: String, registry: ElementRegistry, clock: MediaClock? = nil,
                            logger: Logger = Logger(label: "wasi-media.pipeline")) throws(GraphError) {
        let (spec, map) = try LaunchLine.parse(line)
        let checked = try GraphChecker.check(spec, sourceMap: map, registry: registry)
        do { try self.init(checked, clock: clock, logger: logger) } catch {
            throw GraphError(issues: [GraphIssue(.unknownFactory, error.description, error.element.flatMap { map.elements[$0] })])
        }
    }

    /// Asks the sources to end their streams; everything downstream drains and
    /// finalizes (muxers write their trailers). Thread-safe; idempotent.
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        runState.signal.notify()
    }

    var isStopping: Bool { stopping.load(ordering: .relaxed) }

    /// The state reached so far.
    public var state: PipelineState { runState.phase.withLock { $0.state } }

    /// How full each element's input queue got, by element name (for a
    /// `queue`, its limits at work; for the others, the link's bound).
    public var queueLevels: [String: QueueLevel] {
        var levels: [String: QueueLevel] = [:]
        for (element, inboxes) in topology.inboxesByElement {
            var level = QueueLevel(maxItems: 0, maxBytes: 0, dropped: 0)
            for i in inboxes {
                let inbox = topology.inboxes[i]
                level.maxItems = max(level.maxItems, inbox.highWater.items)
                level.maxBytes = max(level.maxBytes, inbox.highWater.bytes)
                level.dropped += inbox.dropped
            }
            levels[graph.elements[element].name] = level
        }
        return levels
    }

    enum Envelope: Sendable {
        /// A pad's format; `file` when the element upstream offers its file for pull mode.
        case format(pad: String, StreamFormat, file: String?)
        case item(pad: String, MediaItem)
        case endOfStream(pad: String)
        /// A flushing seek: what was queued before is gone; elements drop what they hold.
        case flush(pad: String, SeekRequest)
        /// What follows starts at the seek's target.
        case segment(pad: String, SeekRequest)

        var isItem: Bool { if case .item = self { true } else { false } }

        var measure: InboxMeasure {
            guard case .item(_, let item) = self else { return InboxMeasure(bytes: 0) }
            let bytes: Int
            switch item {
            case .video(let f): bytes = f.buffer.size
            case .audio(let a): bytes = a.buffer.size
            case .encoded(let c): bytes = c.data.count
            case .bytes(let b), .write(let b, _): bytes = b.count
            }
            return InboxMeasure(bytes: bytes, timestampUs: item.timestampUs)
        }
    }

    struct Route: Sendable {
        /// Index of the inbox the items go to.
        var target: Int
        /// The downstream element takes positioned writes.
        var seekable: Bool
        /// The downstream element reads files itself when offered one.
        var pulls: Bool
        var pad: String
        var caps: Caps?
        var link: CheckedGraph.Link
    }

    /// Moves the pipeline to `target`, through the states between.
    ///
    /// Going up: `ready` makes every element (files open, devices checked);
    /// `paused` starts the data and returns once every sink holds its first
    /// item (or has ended; live pipelines do not preroll); `playing` lets the
    /// sinks consume and starts the clock. `playing → paused` holds the sinks
    /// and pauses the clock. `null` tears the run down without end of stream
    /// (use ``stop()`` to finalize files).
    /// - Returns: how paused was reached (``StateChangeResult``); `.success` otherwise.
    /// - Throws: the run's first ``PipelineError``; `invalidGraph` for
    ///   `ready` from a running pipeline (go through `null`).
    @discardableResult
    public func setState(_ target: PipelineState) async throws(PipelineError) -> StateChangeResult {
        var result = StateChangeResult.success
        if target == .null {
            await tearDown()
            return result
        }
        let current = state
        if target == .ready && current > .ready {
            throw PipelineError(.invalidGraph, "a running pipeline goes back to ready only through null")
        }
        if current == .null {
            launch()
            await control.wait { runState.allReady || runState.isDone }
            try throwIfFailed()
            runState.enter(.ready)
        }
        if target >= .paused && state == .ready {
            runState.openFlow()
            // Only an explicit pause waits for preroll; going straight to playing need not.
            if target == .paused {
                result = await preroll()
            }
            try throwIfFailed()
            runState.enter(.paused)
        }
        if target == .playing && state == .paused {
            runState.setPlaying(true)
            clock?.start()
            runState.enter(.playing)
        } else if target == .paused && state == .playing {
            runState.setPlaying(false)
            clock?.pause()
            runState.enter(.paused)
        }
        return result
    }

    /// Waits until every sink holds its first item, or until nothing more
    /// can move before playing (see ``StateChangeResult/partialPreroll(starved:)``).
    private func preroll() async -> StateChangeResult {
        if runState.live { return .noPreroll }
        await control.wait { runState.allPrerolled || runState.isDone || runState.activity.isIdle }
        let starved = runState.starvedSinks
        return starved.isEmpty ? .success : .partialPreroll(starved: starved.map { graph.elements[$0].name }.sorted())
    }

    /// A flushing seek to `timeUs`: every queue is emptied, every source (or
    /// demuxer reading a file) moves there, elements drop what they held, and
    /// the next items start at the target (decoders clip to the frame shown
    /// then). From `paused`, returns once the sinks hold the new first items.
    /// After end of stream the pipeline is still playing (or paused): a seek
    /// then restarts the producers that had ended, and end of stream comes
    /// again (GStreamer's behaviour).
    /// - Throws: `invalidGraph` before `paused` or when a source cannot seek
    ///   (naming it); nothing is flushed then.
    public func seek(toUs timeUs: Int64) async throws(PipelineError) {
        guard state >= .paused, !runState.isDone else {
            throw PipelineError(.invalidGraph, "seek needs a paused or playing pipeline; it is \(state.rawValue)")
        }
        let seq = try runState.startSeek(toUs: timeUs)
        clock?.seek(toUs: timeUs)
        clock?.unscheduleAll()
        topology.inboxes.forEach { $0.purge() }
        runState.signal.notify()
        await control.wait { runState.seekAcknowledged(seq) || runState.isDone }
        if state == .paused {
            _ = await preroll()
        }
        try throwIfFailed()
        busContinuation.yield(.seekDone(positionUs: timeUs))
    }

    /// Plays to the end of every stream (from whatever state it is in), then
    /// tears the run down (state null).
    /// - Throws: the first ``PipelineError`` (also posted on the bus); the other
    ///   elements are then stopped.
    public func run() async throws(PipelineError) -> PipelineSummary {
        do {
            try await setState(.playing)
        } catch {
            await tearDown()
            throw error
        }
        await withTaskCancellationHandler {
            await control.wait { runState.allEnded || runState.isAborted || runState.isDone }
        } onCancel: {
            self.runState.abort()
        }
        await tearDown()
        try throwIfFailed()
        var result = runState.summary.withLock { $0 }
        result.stopped = stopping.load(ordering: .relaxed)
        return result
    }

    /// Ends every element task without end of stream (state null) and waits for them.
    private func tearDown() async {
        runState.abort()
        clock?.unscheduleAll()
        await task.withLock({ $0 })?.value
    }

    private func throwIfFailed() throws(PipelineError) {
        if let error = runState.failure.withLock({ $0 }) { throw error }
    }

    /// Starts one task per element; each makes its element and waits for `paused`.
    private func launch() {
        task.withLock { t in
            guard t == nil else { return }
            t = Task { await self.execute() }
        }
    }

    private func execute() async {
        let elements = graph.elements
        let topology = self.topology
        let run = runState
        await withTaskGroup(of: Void.self) { group in
            for i in elements.indices {
                let runner = ElementRunner(index: i, topology: topology, run: run, pipeline: self)
                group.addTask {
                    do throws(PipelineError) {
                        try await runner.run()
                    } catch {
                        var e = error
                        if e.element == nil { e.element = runner.spec.name }
                        run.fail(e)
                    }
                    run.producerEnded(i)
                    run.activity.ended()
                }
            }
        }
        if let error = run.failure.withLock({ $0 }) {
            logger.debug("pipeline failed", metadata: ["error": "\(error)"])
        }
        run.finish()
        busContinuation.yield(.stateChanged(.null))
        busContinuation.finish()
    }
}

/// The links of a checked graph as inboxes and routes, fixed before the run.
struct Topology: Sendable {
    let elements: [CheckedGraph.Element]
    var routes: [[String: Pipeline.Route]]
    var sinkPads: [[String]]
    var sourcePads: [[String]]
    var inboxes: [Inbox<Pipeline.Envelope>] = []
    /// Inbox of each element's sink pad.
    var inboxIndex: [Int: [String: Int]] = [:]
    var inboxesByElement: [Int: [Int]] = [:]
    /// Elements with no source pads.
    let sinks: Set<Int>
    /// Every element upstream of each element.
    var ancestors: [Set<Int>]

    init(_ graph: CheckedGraph, activity: FlowActivity? = nil) {
        elements = graph.elements
        let index = Dictionary(uniqueKeysWithValues: elements.enumerated().map { ($1.name, $0) })
        routes = [[String: Pipeline.Route]](repeating: [:], count: elements.count)
        sinkPads = [[String]](repeating: [], count: elements.count)
        sourcePads = [[String]](repeating: [], count: elements.count)
        var parents = [Set<Int>](repeating: [], count: elements.count)
        for link in graph.links {
            let from = index[link.from.element]!, to = index[link.to.element]!
            sinkPads[to].append(link.toPad)
            sourcePads[from].append(link.fromPad)
            parents[to].insert(from)
        }
        // Inboxes: one per element, or one per sink pad for elements that read
        // their inputs one after another (so a later input waits upstream, not in memory).
        let droppable: @Sendable (Pipeline.Envelope) -> Bool = { $0.isItem }
        let measure: @Sendable (Pipeline.Envelope) -> InboxMeasure = { $0.measure }
        for i in elements.indices where !sinkPads[i].isEmpty {
            let factory = elements[i].factory
            if factory.readsInputsInOrder {
                for pad in sinkPads[i] {
                    inboxIndex[i, default: [:]][pad] = inboxes.count
                    inboxesByElement[i, default: []].append(inboxes.count)
                    inboxes.append(Inbox(limits: InboxLimits(items: Pipeline.defaultInboxCapacity), droppable: droppable, measure: measure,
                                         activity: activity))
                }
                continue
            }
            var limits = InboxLimits(items: Pipeline.defaultInboxCapacity)
            var leak = LeakPolicy.none
            if factory.name == "queue" {
                // A queue's own settings shape its inbox: limits, and what to drop when full.
                let p = Properties(elements[i].properties, schema: factory.properties)
                limits = InboxLimits(items: max(1, p.int("max-size-buffers") ?? Pipeline.defaultInboxCapacity),
                                     bytes: p.int("max-size-bytes") ?? 0, timeUs: Int64(p.int("max-size-time") ?? 0))
                leak = p.string("leaky").flatMap(LeakPolicy.init(rawValue:)) ?? .none
            }
            for pad in sinkPads[i] { inboxIndex[i, default: [:]][pad] = inboxes.count }
            inboxesByElement[i, default: []].append(inboxes.count)
            inboxes.append(Inbox(limits: limits, leak: leak, droppable: droppable, measure: measure, activity: activity))
        }
        for link in graph.links {
            let from = index[link.from.element]!, to = index[link.to.element]!
            routes[from][link.fromPad] = Pipeline.Route(target: inboxIndex[to]![link.toPad]!, seekable: elements[to].factory.takesPositionedWrites,
                                                        pulls: elements[to].factory.pullsFiles, pad: link.toPad, caps: link.caps, link: link)
        }
        let sourcePads = sourcePads
        sinks = Set(elements.indices.filter { sourcePads[$0].isEmpty })
        ancestors = [Set<Int>](repeating: [], count: elements.count)
        for i in elements.indices {
            var seen = Set<Int>(), stack = Array(parents[i])
            while let p = stack.popLast() {
                guard seen.insert(p).inserted else { continue }
                stack.append(contentsOf: parents[p])
            }
            ancestors[i] = seen
        }
    }
}

/// What the element tasks of one run share: the phase, preroll, seeks,
/// the first failure. Every change that someone may wait on notifies `signal`.
final class RunState: Sendable {
    struct Phase {
        var state: PipelineState = .null
        var ready = 0
        var flowing = false
        var playing = false
        var aborted = false
        var done = false
        /// Sinks holding an item since the last application seek (`flushingSeek`), or ended.
        var prerolled: Set<Int> = []
        var ended: Set<Int> = []
        /// Elements producing on their own now (sources, pulling demuxers), and whether each can seek.
        var producers: [Int: (seekable: Bool, name: String)] = [:]
        /// The next seek each producer must perform.
        var seeks: [Int: SeekRequest] = [:]
        var seekSeq = 0
        /// Producers that still have to perform each application seek.
        var pendingAcks: [Int: Set<Int>] = [:]
        /// Producers that cannot seek, ever (their pipeline cannot).
        var unseekable: Set<String> = []
    }

    let phase = Mutex(Phase())
    /// Wakes the element tasks (their waits count as parked in `activity`).
    let signal: Signal
    /// Wakes the driver.
    let control: Signal
    let activity: FlowActivity
    /// The latest application seek: until its flush reaches an element, the
    /// element drops what it receives (GStreamer's flushing), so nothing
    /// upstream stays blocked behind a paused sink.
    let flushingSeek = Atomic<Int>(0)
    let failure = Mutex<PipelineError?>(nil)
    let summary = Mutex(PipelineSummary())
    let topology: Topology
    let bus: AsyncStream<BusMessage>.Continuation
    let live: Bool

    init(topology: Topology, bus: AsyncStream<BusMessage>.Continuation, live: Bool, activity: FlowActivity, control: Signal) {
        self.activity = activity
        self.control = control
        signal = Signal(activity: activity)
        self.topology = topology
        self.bus = bus
        self.live = live
    }

    private func update<T: Sendable>(_ body: (inout Phase) -> T) -> T {
        let result = phase.withLock { body(&$0) }
        signal.notify()
        control.notify()
        return result
    }

    var isDone: Bool { phase.withLock { $0.done } }
    /// Every sink saw end of stream (since the last application seek).
    var allEnded: Bool { phase.withLock { $0.ended.count == topology.sinks.count } }
    var isAborted: Bool { phase.withLock { $0.aborted } }
    var allReady: Bool { phase.withLock { $0.ready == topology.elements.count } }
    var allPrerolled: Bool { phase.withLock { topology.sinks.isSubset(of: $0.prerolled.union($0.ended)) } }
    /// Sinks that hold no item and have not ended.
    var starvedSinks: [Int] { phase.withLock { p in topology.sinks.subtracting(p.prerolled.union(p.ended)).sorted() } }

    func enter(_ state: PipelineState) {
        let changed = update { p -> Bool in
            guard p.state != state, !p.done else { return false }
            p.state = state
            return true
        }
        if changed { bus.yield(.stateChanged(state)) }
    }

    func elementReady() { update { $0.ready += 1 } }
    func openFlow() { update { $0.flowing = true } }
    func setPlaying(_ playing: Bool) { update { $0.playing = playing } }
    func finish() { update { $0.done = true } }

    /// Waits for `paused`; false when the run was torn down first.
    func waitForFlow() async -> Bool {
        await signal.wait { phase.withLock { $0.flowing || $0.aborted } }
        return !isAborted
    }

    /// A sink holds an item: waits for `playing`. False when the item must be
    /// dropped (a flush came past it) or the run is torn down.
    func waitForPlaying(_ inbox: Inbox<Pipeline.Envelope>, flushes: Int) async -> Bool {
        await signal.wait { phase.withLock { $0.playing || $0.aborted } || inbox.flushes != flushes }
        return !isAborted && inbox.flushes == flushes
    }

    func sinkPrerolled(_ index: Int, seq: Int) {
        update { p in if seq == flushingSeek.load(ordering: .relaxed) { p.prerolled.insert(index) } }
    }

    func registerProducer(_ index: Int, name: String, seekable: Bool) {
        update { p in
            p.producers[index] = (seekable, name)
            if !seekable { p.unseekable.insert(name) }
        }
    }

    /// A task ended: it performs no more seeks; one still owed counts as done.
    func producerEnded(_ index: Int) {
        update { p in
            p.producers[index] = nil
            p.seeks[index] = nil
            for seq in p.pendingAcks.keys { p.pendingAcks[seq]?.remove(index) }
        }
    }

    /// Registers an application seek with every producer; returns its number.
    /// - Throws: when a producer cannot seek, or none is left (nothing changes then).
    func startSeek(toUs target: Int64) throws(PipelineError) -> Int {
        let outcome = update { p -> Result<Int, PipelineError> in
            let stuck = p.unseekable.sorted()
            if p.producers.isEmpty && stuck.isEmpty {
                return .failure(PipelineError(.invalidGraph, "cannot seek: every source has ended"))
            }
            if !stuck.isEmpty {
                return .failure(PipelineError(.invalidGraph, "cannot seek: \(stuck.joined(separator: ", ")) cannot seek (a live or streamed input)"))
            }
            p.seekSeq += 1
            let request = SeekRequest(seq: p.seekSeq, targetUs: target, origin: nil)
            for i in p.producers.keys { p.seeks[i] = request }
            p.pendingAcks[p.seekSeq] = Set(p.producers.keys)
            p.prerolled = []
            p.ended = []   // a seek after end of stream plays again
            flushingSeek.store(p.seekSeq, ordering: .relaxed)
            return .success(p.seekSeq)
        }
        return try outcome.get()
    }

    /// Asks the producers above `origin` to seek; false (with the reason) when one cannot.
    func requestSeek(from origin: Int, toUs target: Int64) -> (Bool, String) {
        update { p in
            let mine = p.producers.filter { topology.ancestors[origin].contains($0.key) }
            if mine.isEmpty { return (false, "nothing upstream can seek") }
            if let stuck = mine.first(where: { !$0.value.seekable }) { return (false, "\(stuck.value.name) cannot seek") }
            p.seekSeq += 1
            let request = SeekRequest(seq: p.seekSeq, targetUs: target, origin: origin)
            for i in mine.keys { p.seeks[i] = request }
            return (true, "")
        }
    }

    /// A producer reached end of stream: returns a seek that came in
    /// meanwhile (it goes on), else nil. It stays registered: a later seek restarts it.
    func endProducing(_ index: Int) -> SeekRequest? {
        update { p in p.seeks.removeValue(forKey: index) }
    }

    /// A producer that sent end of stream waits for a seek that restarts it;
    /// nil when the run is torn down first.
    func waitForRestart(_ index: Int) async -> SeekRequest? {
        await signal.wait { phase.withLock { $0.seeks[index] != nil || $0.aborted } }
        return isAborted ? nil : takeSeek(index)
    }

    func hasSeek(_ index: Int) -> Bool {
        phase.withLock { $0.seeks[index] != nil }
    }

    func takeSeek(_ index: Int) -> SeekRequest? {
        phase.withLock { p in p.seeks.removeValue(forKey: index) }
    }

    func seekPerformed(_ request: SeekRequest, by index: Int) {
        update { p in _ = p.pendingAcks[request.seq]?.remove(index) }
    }

    func seekAcknowledged(_ seq: Int) -> Bool {
        phase.withLock { p in
            if p.pendingAcks[seq]?.isEmpty ?? true { p.pendingAcks[seq] = nil; return true }
            return false
        }
    }

    /// Tears the run down (state null): no end of stream, every task stops.
    func abort() {
        update { $0.aborted = true }
        topology.inboxes.forEach { $0.close() }
    }

    /// Records the first failure, posts it, and wakes every task so all stop.
    func fail(_ error: PipelineError) {
        let first = failure.withLock { f -> Bool in
            if f == nil { f = error; return true }
            return false
        }
        guard first else { return }
        bus.yield(.error(error))
        update { $0.aborted = true }
        topology.inboxes.forEach { $0.close() }
    }

    /// A sink saw end of stream on every input: posted once per sink, then once for the pipeline.
    func sinkFinished(_ index: Int, name: String, consumed: Int) {
        summary.withLock { $0.itemsPerSink[name] = consumed }
        let all = update { p -> Bool in
            p.ended.insert(index)
            return p.ended.count == topology.sinks.count
        }
        guard failure.withLock({ $0 == nil }) else { return }
        bus.yield(.sinkEndOfStream(name))
        if all { bus.yield(.endOfStream) }
    }
}

/// Runs one element inside its task; used by that task only.
final class ElementRunner: @unchecked Sendable {
    let index: Int
    let spec: CheckedGraph.Element
    let context: ElementContext
    let routes: [String: Pipeline.Route]
    /// The inbox of each sink pad (the same one for all, unless the element reads its inputs in order).
    let padInboxes: [(String, Inbox<Pipeline.Envelope>)]
    let inboxes: [Inbox<Pipeline.Envelope>]
    let run: RunState
    let bus: AsyncStream<BusMessage>.Continuation
    let pipeline: Pipeline
    let isSink: Bool
    let isLive: Bool
    /// A sink that presents items on the clock (`sync=false` takes them as they come).
    let syncs: Bool
    /// Sometimes-pads that appeared (`video_0`), bound to the link made for their pattern (`video_%u`).
    private var aliases: [String: String] = [:]
    /// Pads found to have no link. Candidates only shrink as patterns are bound,
    /// so a miss stays a miss: later items skip the search, and an item can never
    /// bind a pattern its pad's announced format was refused for.
    private var unrouted: Set<String> = []
    /// The last format announced on each source pad: a repeat is not sent again.
    private var announced: [String: StreamFormat] = [:]
    /// A file this source hands to a downstream element that reads it itself.
    private var offeredFile: String?
    /// Sinks: the application seek whose flush came last, and whether an item since then was held.
    private var flushSeq = 0
    private var prerolled = false
    /// Items are dropped until the flush of this element's own seek arrives.
    private var awaitingOwnFlush = false
    /// The last application seek whose flush reached this element.
    private var seenSeek = 0
    /// True while this element produces on its own (a source, a pulling demuxer).
    private var producing = false

    init(index: Int, topology: Topology, run: RunState, pipeline: Pipeline) {
        self.index = index
        spec = topology.elements[index]
        context = ElementContext(name: spec.name, sourcePads: topology.sourcePads[index], sinkPads: topology.sinkPads[index])
        routes = topology.routes[index]
        padInboxes = topology.sinkPads[index].map { ($0, topology.inboxes[topology.inboxIndex[index]![$0]!]) }
        inboxes = topology.inboxes
        self.run = run
        bus = run.bus
        self.pipeline = pipeline
        isSink = topology.sinks.contains(index)
        isLive = spec.properties["is-live"] == .bool(true)
        syncs = spec.properties["sync"] != .bool(false)
    }

    /// The route for an output pad: its own link, or the pattern link it was bound to when it appeared.
    private func route(for pad: String, format: StreamFormat?) -> (key: String, route: Pipeline.Route)? {
        if let r = routes[pad] { return (pad, r) }
        if let key = aliases[pad] { return routes[key].map { (key, $0) } }
        if unrouted.contains(pad) { return nil }
        let bound = Set(aliases.values)
        for (key, r) in routes.sorted(by: { $0.key < $1.key }) where key.contains("%u") && !bound.contains(key) {
            let template = PadTemplate(key, .source, .sometimes, kinds: r.link.kinds)
            guard template.matches(pad), format.map({ r.link.kinds.contains($0.kind) }) ?? true else { continue }
            aliases[pad] = key
            return (key, r)
        }
        unrouted.insert(pad)
        return nil
    }

    /// Checks `format` against the link's caps filter and sends it downstream.
    private func announce(_ format: StreamFormat, on pad: String) async throws(PipelineError) -> Bool {
        guard let (_, r) = route(for: pad, format: format) else { return true }   // an unlinked pad
        if announced[pad] == format { return true }
        announced[pad] = format
        if let caps = r.caps, !format.satisfies(caps) {
            throw PipelineError(.notNegotiated,
                                "\(spec.name).\(pad) (\(format)) cannot link to \(r.link.to.element).\(r.pad) through caps \(caps)",
                                pad: pad)
        }
        bus.yield(.negotiated(element: spec.name, pad: pad, format: format))
        return await inboxes[r.target].send(.format(pad: r.pad, format, file: offeredFile))
    }

    /// Makes the element (state ready), waits for paused, then runs it
    /// until the run is torn down: end of stream does not end the task, since
    /// a seek may restart the stream.
    func run() async throws(PipelineError) {
        let factory = spec.factory as! any RunnableElementFactory
        let element = try factory.make(spec.properties, context: context)
        run.elementReady()
        guard await run.waitForFlow() else { return }
        if let source = element as? any SourceElement {
            // A file handed to elements that read it themselves: the format, then end of stream.
            if let offering = element as? any FileOfferingElement, !routes.isEmpty, routes.values.allSatisfy(\.pulls) {
                offeredFile = offering.offeredFile
                _ = try await negotiate(element, inputs: [:], files: [:])
                await sendEndOfStream()
                return
            }
            run.registerProducer(index, name: spec.name, seekable: (element as? any SeekableElement)?.canSeek ?? false)
            _ = try await negotiate(element, inputs: [:], files: [:])
            let step = { (out: inout Outputs) throws(PipelineError) -> FlowResult in try source.produce(into: &out) }
            try await produceUntilTornDown(element, step)
            return
        }
        guard !padInboxes.isEmpty else { return }
        try await consume(element)
    }

    /// Produces to end of stream and drains; then waits for a seek that
    /// restarts the stream, again and again until the run is torn down.
    private func produceUntilTornDown(_ element: any Element, _ step: (inout Outputs) throws(PipelineError) -> FlowResult) async throws(PipelineError) {
        while true {
            guard try await produce(element, step) else { return }
            try await drainAndEnd(element)
            guard let request = await run.waitForRestart(index) else { return }
            guard try await perform(request, element) else { return }
        }
    }

    /// Produces until end of stream or stop, performing seeks between calls.
    /// False when the run was torn down.
    private func produce(_ element: any Element, _ step: (inout Outputs) throws(PipelineError) -> FlowResult) async throws(PipelineError) -> Bool {
        producing = true
        defer { producing = false }
        while !pipeline.isStopping {
            if run.isAborted { return false }
            if let request = run.takeSeek(index) {
                guard try await perform(request, element) else { return false }
                continue
            }
            var out = Outputs()
            let result = try step(&out)
            // A live source produces in real time: each item when the clock reaches it.
            if isLive, let clock = pipeline.clock, let ts = out.items.lazy.compactMap(\.item.timestampUs).first {
                if await clock.wait(untilUs: ts) == .cancelled { return false }
            }
            if try await forward(out) == .flushing {
                if run.isAborted { return false }
                continue   // a seek is waiting: it is taken before the next step
            }
            if result == .eos {
                // A seek that came in meanwhile restarts the stream; otherwise this producer is done.
                guard let request = run.endProducing(index) else { break }
                guard try await perform(request, element) else { return false }
            }
        }
        return true
    }

    /// Seeks, then flushes every output and starts a new segment at the target.
    private func perform(_ request: SeekRequest, _ element: any Element) async throws(PipelineError) -> Bool {
        if let seekable = element as? any SeekableElement {
            try seekable.seek(toUs: request.targetUs)
        }
        for r in routes.values { inboxes[r.target].purge(then: .flush(pad: r.pad, request)) }
        run.signal.notify()
        for r in routes.values {
            guard await inboxes[r.target].send(.segment(pad: r.pad, request)) else { return false }
        }
        run.seekPerformed(request, by: index)
        return true
    }

    /// Reads the inbox (or each pad's inbox in turn) until the run is torn
    /// down: at end of stream on every pad it drains (a sink then reports its
    /// end of stream), and a flush after that starts the stream again.
    private func consume(_ element: any Element) async throws(PipelineError) {
        let inOrder = spec.factory.readsInputsInOrder
        let order = inOrder ? padInboxes.map(\.1) : [padInboxes[0].1]
        var current = 0
        var consumed = 0
        var formats: [String: StreamFormat] = [:]
        var files: [String: String] = [:]
        var negotiated = false
        var pending: [(String, MediaItem)] = []
        var ended = Set<String>()
        let expected = Set(context.sinkPads)
        var lastProgress: Int64 = .min
        // Sinks report their position; so do elements whose output has no
        // timestamps (a muxer's bytes), since what follows them cannot.
        var reportsProgress = isSink
        while true {
            let inbox = order[min(current, order.count - 1)]
            guard let (envelope, flushes) = await inbox.receiveCounted() else { return }   // torn down
            switch envelope {
            case .format(let pad, let format, let file):
                formats[pad] = format
                files[pad] = file
                if inOrder {
                    // Each input's format is offered as it starts (an element may refuse a change).
                    _ = try await negotiate(element, inputs: negotiated ? formats : [pad: format], files: files)
                    negotiated = true
                } else if !negotiated && Set(formats.keys) == expected {
                    let outputs = try await negotiate(element, inputs: formats, files: files)
                    reportsProgress = reportsProgress || outputs.values.contains { $0.kind == .bytes }
                    negotiated = true
                    if let puller = element as? any PullingElement, puller.isPulling {
                        let step = { (out: inout Outputs) throws(PipelineError) -> FlowResult in try puller.produce(into: &out) }
                        try await produceUntilTornDown(element, step)
                        return
                    }
                    requestStartSeek(element)
                    for (p, item) in pending where !awaitingOwnFlush { try await handle(element, item, pad: p) }
                    pending.removeAll()
                } else if negotiated {
                    _ = try await negotiate(element, inputs: formats, files: files)
                }
            case .item(let pad, let item):
                if awaitingOwnFlush || run.flushingSeek.load(ordering: .relaxed) > seenSeek { continue }
                if isSink {
                    // Preroll: the first item is held until playing; a flush past it drops it.
                    if !prerolled {
                        prerolled = true
                        run.sinkPrerolled(index, seq: flushSeq)
                    }
                    guard await run.waitForPlaying(inbox, flushes: flushes) else {
                        if run.isAborted { return }
                        continue
                    }
                    // A live pipeline's sinks present each item at its time on the clock.
                    if syncs, let clock = pipeline.clock, let ts = item.timestampUs {
                        switch await clock.wait(untilUs: ts) {
                        case .reached: break
                        case .unscheduled: if inbox.flushes != flushes { continue }
                        case .cancelled: return
                        }
                    }
                }
                consumed += 1
                if reportsProgress, let ts = item.timestampUs, MediaTime.subtract(ts, lastProgress) >= 500_000 {
                    lastProgress = ts
                    bus.yield(.progress(element: spec.name, positionUs: ts))
                }
                if negotiated { try await handle(element, item, pad: pad) } else { pending.append((pad, item)) }
            case .endOfStream(let pad):
                ended.insert(pad)
                if inOrder { current += 1 }
                if ended == expected {
                    try await drainAndEnd(element)
                    if isSink { run.sinkFinished(index, name: spec.name, consumed: consumed) }
                }
            case .flush(_, let request):
                try element.flush()
                pending.removeAll()
                // A new segment follows: after end of stream, the stream starts again.
                ended = []
                current = 0
                if request.origin == index {
                    awaitingOwnFlush = false   // this element's own seek: it stops here
                    continue
                }
                if request.origin == nil { seenSeek = max(seenSeek, request.seq) }
                if isSink {
                    flushSeq = request.seq
                    prerolled = false
                }
                for r in routes.values { inboxes[r.target].purge(then: .flush(pad: r.pad, request)) }
                run.signal.notify()
            case .segment(let pad, let request):
                if request.origin == index { continue }
                element.startSegment(atUs: request.targetUs, on: pad)
                for r in routes.values {
                    guard await inboxes[r.target].send(.segment(pad: r.pad, request)) else { return }
                }
            }
        }
    }

    /// End of stream reached this element: it drains (FFmpeg's send-NULL),
    /// what that gave goes downstream, then end of stream on every link.
    private func drainAndEnd(_ element: any Element) async throws(PipelineError) {
        var out = Outputs()
        try element.finish(into: &out)
        _ = try await forward(out)
        await sendEndOfStream()
    }

    /// `trim start=`: asks the producers upstream to seek to where the element starts.
    private func requestStartSeek(_ element: any Element) {
        guard let seeker = element as? any StartSeekingElement, let target = seeker.startSeekUs, target > 0 else { return }
        let (asked, why) = run.requestSeek(from: index, toUs: target)
        if asked {
            awaitingOwnFlush = true
        } else {
            bus.yield(.warning(element: spec.name, message: "\(why); decoding from the start to reach \(target) µs"))
        }
    }

    private func handle(_ element: any Element, _ item: MediaItem, pad: String) async throws(PipelineError) {
        var out = Outputs()
        try element.process(item, on: pad, into: &out)
        _ = try await forward(out)
    }

    @discardableResult
    private func negotiate(_ element: any Element, inputs: [String: StreamFormat], files: [String: String]) async throws(PipelineError) -> [String: StreamFormat] {
        var constraints: [String: [Caps]] = [:]
        for pad in context.sourcePads { constraints[pad] = routes[pad]?.caps.map { [$0] } ?? [] }
        let seekable = Set(routes.filter { $0.value.seekable }.map(\.key))
        let formats = try element.negotiate(NegotiationRequest(inputs: inputs, constraints: constraints, seekableOutputs: seekable,
                                                               inputFiles: files))
        // A puller becomes a producer before anything downstream can ask it to seek.
        if let puller = element as? any PullingElement, puller.isPulling {
            run.registerProducer(index, name: spec.name, seekable: (element as? any SeekableElement)?.canSeek ?? false)
        }
        // Always-pads must be fixed now; sometimes-pads (patterns) announce their format when they appear.
        let later = spec.factory.templates(.source).filter { $0.presence == .sometimes }
        for pad in context.sourcePads where formats[pad] == nil && !later.contains(where: { $0.name == pad || $0.matches(pad) }) {
            throw PipelineError(.notNegotiated, "the element fixed no format for its linked pad", pad: pad)
        }
        for (pad, format) in formats.sorted(by: { $0.key < $1.key }) {
            _ = try await announce(format, on: pad)
        }
        return formats
    }

    /// Sends outputs downstream. `.flushing` when the rest of the batch was
    /// dropped: this producer has a seek to perform, or downstream is gone
    /// (the run is being torn down).
    private func forward(_ out: Outputs) async throws(PipelineError) -> FlowResult {
        for warning in out.warnings { bus.yield(.warning(element: spec.name, message: warning)) }
        for (pad, format) in out.formats {
            guard try await announce(format, on: pad) else { return .flushing }
        }
        for (pad, item) in out.items {
            if producing && run.hasSeek(index) { return .flushing }   // stale: the seek comes first
            guard let (_, r) = route(for: pad, format: nil) else { continue }   // an unlinked pad: dropped
            guard await inboxes[r.target].send(.item(pad: r.pad, item)) else { return .flushing }
        }
        return .ok
    }

    /// End of stream on every link; a warning for each linked sometimes-pad that never appeared.
    private func sendEndOfStream() async {
        let bound = Set(aliases.values)
        let sometimes = spec.factory.templates(.source).filter { $0.presence == .sometimes }
        for (key, route) in routes.sorted(by: { $0.key < $1.key }) {
            let isSometimes = sometimes.contains { $0.name == key || $0.matches(key) }
            let appeared = key.contains("%u") ? bound.contains(key) : announced[key] != nil
            if isSometimes && !appeared {
                bus.yield(.warning(element: spec.name,
                                   message: "pad \(key) never appeared (the input has no such stream), so \(route.link.to.element) got nothing"))
            }
            _ = await inboxes[route.target].send(.endOfStream(pad: route.pad))
        }
    }
}
