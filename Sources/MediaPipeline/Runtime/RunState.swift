import Synchronization

/// What the driver and the element tasks of one run share: the
/// ``PipelineStateMachine`` behind a lock, the signals that wake them, the
/// first failure, the summary. Thread-safe.
///
/// Every change to the machine wakes both signals: `signal` (the element
/// tasks; their waits count as parked in `activity`) and `control` (the
/// driver). A task that changes something else its peers wait on (a
/// purge, a flush) notifies `signal` itself.
final class RunState: Sendable {
    /// A parked task's gate, opened by the driver.
    enum Gate: Sendable, Hashable {
        case open
        case tornDown
    }

    /// What a sink holding an item learns.
    enum Hold: Sendable, Hashable {
        /// Playing: consume it.
        case play
        /// A flush came past it: drop it.
        case drop
        case tornDown
    }

    private let machine: Mutex<PipelineStateMachine>
    /// Wakes the element tasks.
    let signal: Signal
    /// Wakes the driver.
    let control: Signal
    let activity: FlowActivity
    /// The latest application seek, readable without the lock: until its
    /// flush reaches an element, the element drops what it receives
    /// (GStreamer's flushing), so nothing upstream stays blocked behind a paused sink.
    let flushingSeek = Atomic<Int>(0)
    let failure = Mutex<PipelineError?>(nil)
    /// ``Pipeline/stop()`` was called: sources end their streams.
    private let stopRequested = Atomic<Bool>(false)
    let summary = Mutex(PipelineSummary())
    let topology: Topology
    let bus: Bus

    init(topology: Topology, bus: Bus, activity: FlowActivity, control: Signal) {
        self.topology = topology
        self.bus = bus
        self.activity = activity
        self.control = control
        signal = Signal(activity: activity)
        let sinks = Dictionary(uniqueKeysWithValues: topology.sinks.map { ($0, topology.elements[$0].name) })
        machine = Mutex(PipelineStateMachine(elementCount: topology.elements.count, sinks: sinks, live: topology.isLive))
    }

    /// Changes the machine and wakes everyone who may wait on it.
    private func update<T: Sendable>(_ body: (inout PipelineStateMachine) -> T) -> T {
        let result = machine.withLock { body(&$0) }
        signal.notify()
        control.notify()
        return result
    }

    private func read<T: Sendable>(_ body: (PipelineStateMachine) -> T) -> T {
        machine.withLock { body($0) }
    }

    var state: PipelineState { read(\.state) }
    var isRunning: Bool { read(\.isRunning) }
    var allEnded: Bool { read(\.allEnded) }
    var live: Bool { read(\.live) }

    // MARK: - The driver

    func step(toward goal: PipelineState) -> PipelineStateMachine.Step {
        update { $0.step(toward: goal, stalled: activity.isIdle) }
    }

    func isOver(_ wait: PipelineStateMachine.Wait) -> Bool {
        read { $0.isOver(wait, stalled: activity.isIdle) }
    }

    func startSeek(toUs target: Int64) -> PipelineStateMachine.SeekStart {
        update { m in
            let start = m.startSeek(toUs: target)
            if case .started(let request) = start { flushingSeek.store(request.seq, ordering: .relaxed) }
            return start
        }
    }

    func isSeekOver(_ seq: Int) -> Bool {
        read { $0.isSeekOver(seq, stalled: activity.isIdle) }
    }

    /// Stops every task now, without end of stream (null; a cancelled run).
    func tearDown() {
        update { $0.tearDown() }
        topology.inboxes.forEach { $0.close() }
    }

    /// Sources end their streams; everything downstream drains.
    func requestStop() {
        stopRequested.store(true, ordering: .relaxed)
        signal.notify()
    }

    var isStopRequested: Bool { stopRequested.load(ordering: .relaxed) }

    /// Every element task ended.
    func tasksEnded() { update { $0.tasksEnded() } }

    // MARK: - The element tasks

    var isTornDown: Bool { !isRunning }

    func elementMade() { update { $0.elementMade() } }

    /// Waits for data to flow (paused).
    func waitForFlow() async -> Gate {
        await signal.wait { read { $0.flowing || !$0.isRunning } }
        return isRunning ? .open : .tornDown
    }

    /// A sink holds an item: waits for playing, a flush past it (the inbox's
    /// flush count moved on from `flushes`), or teardown.
    func waitForPlaying(_ inbox: Inbox<Envelope>, flushes: Int) async -> Hold {
        await signal.wait { read { $0.sinksReleased || !$0.isRunning } || inbox.flushes != flushes }
        if !isRunning { return .tornDown }
        return inbox.flushes == flushes ? .play : .drop
    }

    func sinkPrerolled(_ index: Int, flush: Int) { update { $0.sinkPrerolled(index, flush: flush) } }

    func registerProducer(_ index: Int, name: String, seekable: Bool) {
        update { $0.registerProducer(index, name: name, seekable: seekable) }
    }

    func producerEnded(_ index: Int) { update { $0.producerEnded(index) } }

    func requestSeek(from origin: Int, toUs target: Int64) -> PipelineStateMachine.UpstreamSeek {
        update { $0.requestSeek(from: origin, ancestors: topology.ancestors[origin], toUs: target) }
    }

    func endProducing(_ index: Int) -> SeekRequest? { update { $0.endProducing(index) } }

    /// A producer that sent end of stream waits for a seek that restarts it;
    /// nil when the run is torn down first.
    func waitForRestart(_ index: Int) async -> SeekRequest? {
        await signal.wait { read { $0.hasSeek(index) || !$0.isRunning } }
        return isRunning ? machine.withLock { $0.takeSeek(index) } : nil
    }

    func hasSeek(_ index: Int) -> Bool { read { $0.hasSeek(index) } }

    func takeSeek(_ index: Int) -> SeekRequest? { machine.withLock { $0.takeSeek(index) } }

    func seekPerformed(_ request: SeekRequest, by index: Int) { update { $0.seekPerformed(request, by: index) } }

    /// Records the first failure, posts it, and stops every task.
    func fail(_ error: PipelineError) {
        let first = failure.withLock { f -> Bool in
            if f == nil { f = error; return true }
            return false
        }
        guard first else { return }
        bus.post(.error(error))
        _ = update { $0.fail() }
        topology.inboxes.forEach { $0.close() }
    }

    /// A sink saw end of stream on every input: posted once per sink, then once for the pipeline.
    func sinkEnded(_ index: Int, name: String, consumed: Int) {
        summary.withLock { $0.itemsPerSink[name] = consumed }
        switch update({ $0.sinkEnded(index) }) {
        case .sink:
            bus.post(.sinkEndOfStream(name))
        case .pipeline:
            bus.post(.sinkEndOfStream(name))
            bus.post(.endOfStream)
        case .ignored:
            break
        }
    }
}
