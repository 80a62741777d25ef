public import Logging
public import MediaCore
import Synchronization

/// A checked graph, run: one task per element, a bounded inbox per element,
/// formats negotiated in band before any item, end of stream drained
/// through every element (docs/pipelines.md).
///
/// ```
///   application ── setState / seek / stop / run ──▶ Pipeline (the driver)
///                                                     │  steps of PipelineStateMachine
///                                                     ▼
///                                                  RunState ◀── reports ── ElementRunner (one task per element)
///                                                     │                       │  inboxes (Topology)
///   application ◀──────────── bus ────────────────────┴───────────────────────┘
/// ```
///
/// Drive it with ``setState(_:)`` (null → ready → paused → playing and
/// back), or call ``run()`` to play to the end. One run per instance.
/// Every public member is thread-safe: `stop()`, `seek(toUs:)`,
/// `setState(_:)` and `bus` may be used from any task.
public final class Pipeline: Sendable {
    /// Messages in the order they happen; finishes when the run's tasks have ended.
    public var bus: AsyncStream<BusMessage> { messages.messages }
    private let messages: Bus
    private let graph: CheckedGraph
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

    /// Items waiting per inbox by default (a thread boundary such as `queue` sets its own).
    public static let defaultInboxCapacity = InputQueueLimits.link.items

    /// - Throws: ``PipelineError`` (`invalidGraph`) when an element's factory cannot run.
    /// - Parameter clock: the clock live sinks sync to; nil picks a
    ///   system-monotonic clock when any element is a live source
    ///   (``ElementCapabilities/liveSource``), else none.
    public init(_ graph: CheckedGraph, clock: MediaClock? = nil, logger: Logger = Logger(label: "wasi-media.pipeline")) throws(PipelineError) {
        for e in graph.elements where !(e.factory is any RunnableElementFactory) {
            throw PipelineError(.invalidGraph, "element '\(e.factory.name)' can be checked but not run", element: e.name)
        }
        self.graph = graph
        self.logger = logger
        messages = Bus()
        let control = Signal()
        let activity = FlowActivity(tasks: graph.elements.count, onIdle: { control.notify() })
        self.control = control
        topology = Topology(graph, activity: activity)
        self.clock = clock ?? (topology.isLive ? MediaClock(source: .systemMonotonic) : nil)
        runState = RunState(topology: topology, bus: messages, activity: activity, control: control)
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
        runState.requestStop()
    }

    /// The state reached so far.
    public var state: PipelineState { runState.state }

    /// How full each element's input queue got, by element name (for a
    /// thread boundary such as `queue`, its limits at work; for the others,
    /// the link's bound).
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

    // MARK: - Driving

    /// Moves the pipeline to `target`, through the states between
    /// (``PipelineStateMachine`` says which steps).
    ///
    /// Going up: `ready` makes every element (files open, devices checked);
    /// `paused` starts the data and returns once every sink holds its first
    /// item (or has ended), once nothing more can move before playing, or at
    /// once for a live pipeline; `playing` lets the sinks consume and starts
    /// the clock. `playing → paused` holds the sinks and pauses the clock.
    /// `null` tears the run down without end of stream (use ``stop()`` to
    /// finalize files).
    /// - Returns: how the last state was reached (``StateChangeResult``: in
    ///   paused, whether every sink prerolled).
    /// - Throws: the run's first ``PipelineError``; `invalidGraph` for
    ///   `ready` from a running pipeline (go through `null`). After the run is
    ///   over (torn down, failed) nothing changes: the failure, if any, is thrown.
    @discardableResult
    public func setState(_ target: PipelineState) async throws(PipelineError) -> StateChangeResult {
        var result = StateChangeResult.success
        while true {
            switch runState.step(toward: target) {
            case .perform(let action):
                await perform(action)
            case .wait(let wait):
                await control.wait { runState.isOver(wait) }
            case .enter(let state, let how):
                result = how
                messages.post(.stateChanged(state))
            case .reached:
                return result
            case .refused(let refusal):
                throw PipelineError(.invalidGraph, refusal.description)
            case .stopped:
                try throwIfFailed()
                return result
            }
        }
    }

    private func perform(_ action: PipelineStateMachine.Action) async {
        switch action {
        case .launchTasks: launch()
        case .openFlow: break   // the step itself opened it; the element tasks were woken
        case .releaseSinks: clock?.start()
        case .holdSinks: clock?.pause()
        case .tearDown:
            runState.tearDown()
            clock?.unscheduleAll()
        }
    }

    /// A flushing seek to `timeUs`: every queue is emptied, every source (or
    /// demuxer reading a file) moves there, elements drop what they held, and
    /// the next items start at the target (decoders clip to the frame shown
    /// then). From `paused`, returns once the sinks hold the new first items
    /// (or nothing more can move). After end of stream the pipeline is still
    /// playing (or paused): a seek then restarts the producers that had
    /// ended, and end of stream comes again (GStreamer's behaviour).
    /// - Throws: `invalidGraph` before `paused`, after the run, or when a
    ///   source cannot seek (naming it); nothing is flushed then.
    public func seek(toUs timeUs: Int64) async throws(PipelineError) {
        let request: SeekRequest
        switch runState.startSeek(toUs: timeUs) {
        case .started(let started): request = started
        case .refused(let why): throw PipelineError(.invalidGraph, why.description)
        }
        clock?.seek(toUs: timeUs)
        clock?.unscheduleAll()
        topology.inboxes.forEach { $0.purge() }
        runState.signal.notify()
        await control.wait { runState.isSeekOver(request.seq) }
        try throwIfFailed()
        messages.post(.seekDone(positionUs: timeUs))
    }

    /// Plays to the end of every stream (from whatever state it is in), then
    /// tears the run down (state null).
    /// - Throws: the first ``PipelineError`` (also posted on the bus); the other
    ///   elements are then stopped.
    public func run() async throws(PipelineError) -> PipelineSummary {
        do {
            try await setState(.playing)
        } catch {
            _ = try? await setState(.null)
            throw error
        }
        await withTaskCancellationHandler {
            await control.wait { runState.allEnded || !runState.isRunning }
        } onCancel: {
            self.runState.tearDown()
            self.clock?.unscheduleAll()
        }
        _ = try? await setState(.null)
        try throwIfFailed()
        var result = runState.summary.withLock { $0 }
        result.stopped = runState.isStopRequested
        return result
    }

    private func throwIfFailed() throws(PipelineError) {
        if let error = runState.failure.withLock({ $0 }) { throw error }
    }

    // MARK: - Tasks

    /// Starts one task per element; each makes its element and waits for `paused`.
    private func launch() {
        task.withLock { t in
            guard t == nil else { return }
            let run = runState, clock = self.clock, logger = self.logger, bus = messages
            t = Task { await Self.execute(run, clock: clock, logger: logger, bus: bus) }
        }
    }

    private static func execute(_ run: RunState, clock: MediaClock?, logger: Logger, bus: Bus) async {
        await withTaskGroup(of: Void.self) { group in
            for i in run.topology.elements.indices {
                let runner = ElementRunner(index: i, run: run, clock: clock)
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
        run.tasksEnded()
        bus.post(.stateChanged(.null))
        bus.finish()
    }
}
