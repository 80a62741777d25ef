/// The pipeline's state machine — GStreamer's states, preroll, flushing
/// seeks, end of stream — as a pure value: no tasks, no locks, no clock.
///
/// ``Pipeline`` (the driver) asks for the next ``Step`` toward the state
/// the application wants and performs it; the element tasks report what
/// happens to them (``elementMade()``, ``sinkPrerolled(_:flush:)``,
/// ``sinkEnded(_:)``, the producers' seeks). ``RunState`` keeps it behind
/// a lock; every method here runs under that lock.
///
/// ```
///            launch tasks           open flow             release sinks
///   null ─────────────────▶ ready ───────────▶ paused ───────────────────▶ playing
///            (every element       (preroll)           ◀───────────────────
///             made)                                        hold sinks
///   any ── tear down ──▶ (tasks end) ── null
/// ```
///
/// - Preroll: in `paused` each sink holds its first item. `paused` is
///   reached when every sink holds one or has ended (`success`), at once
///   when a live source produces in real time (`noPreroll`), or when the
///   flow stalled — nothing can move until playing — with some sinks
///   empty (`partialPreroll`). Going straight to `playing` does not wait.
/// - A flushing seek (in `paused` or `playing`) registers a request with
///   every producer, forgets preroll and end of stream, and is done once
///   every producer performed it (and, in `paused`, the sinks prerolled again).
/// - End of stream is not a state: when every sink has seen it the
///   pipeline stays where it is, and a seek restarts the stream.
/// - A failure or a teardown stops the run; only `null` is reached from there.
struct PipelineStateMachine: Sendable {
    /// What the driver does before asking for the next step.
    enum Action: Sendable, Hashable {
        /// Start one task per element; each makes its element.
        case launchTasks
        /// Let data flow (the element tasks wait for this).
        case openFlow
        /// Sinks consume; the clock starts.
        case releaseSinks
        /// Sinks hold their items; the clock pauses.
        case holdSinks
        /// End every task without end of stream.
        case tearDown
    }

    /// What the driver waits for before asking again (the element tasks report it).
    enum Wait: Sendable, Hashable {
        case elementsMade
        case preroll
        case tasksEnded
    }

    /// Why a state change is refused.
    enum Refusal: Sendable, Hashable, CustomStringConvertible {
        /// `ready` from `paused` or `playing`: the elements would have to be made again.
        case readyFromRunning(PipelineState)

        var description: String {
            switch self {
            case .readyFromRunning: "a running pipeline goes back to ready only through null"
            }
        }
    }

    /// The next thing the driver does toward the state it wants.
    enum Step: Sendable, Hashable {
        case perform(Action)
        case wait(Wait)
        /// A state was entered: post it, remember how, ask again.
        case enter(PipelineState, StateChangeResult)
        /// The wanted state is the current one.
        case reached
        case refused(Refusal)
        /// The run failed, is being torn down or is over (a pipeline runs
        /// once): the driver reports its failure, if any.
        case stopped
    }

    /// Where the run is, apart from the state.
    enum Run: Sendable, Hashable {
        case running
        case failed
        case tearingDown
        /// Every task ended.
        case over
    }

    /// What a sink's end of stream means for the pipeline.
    enum EndOfStream: Sendable, Hashable {
        /// Posted for this sink; others have not ended yet.
        case sink
        /// This was the last sink: the pipeline's end of stream.
        case pipeline
        /// Not posted: the run failed or stopped, or the sink had ended already.
        case ignored
    }

    /// An element that produces on its own (a source, a demuxer in pull mode).
    struct Producer: Sendable, Hashable {
        var name: String
        var seekable: Bool
    }

    /// Why a seek cannot start.
    enum SeekRefusal: Sendable, Hashable, CustomStringConvertible {
        case notRunning(PipelineState)
        case noProducer
        case cannotSeek([String])

        var description: String {
            switch self {
            case .notRunning(let state): "seek needs a paused or playing pipeline; it is \(state.rawValue)"
            case .noProducer: "cannot seek: every source has ended"
            case .cannotSeek(let names): "cannot seek: \(names.joined(separator: ", ")) cannot seek (a live or streamed input)"
            }
        }
    }

    enum SeekStart: Sendable {
        case started(SeekRequest)
        case refused(SeekRefusal)
    }

    /// What an element's request for a seek upstream (`trim start=`) got.
    enum UpstreamSeek: Sendable, Hashable {
        case requested
        case refused(String)
    }

    let elementCount: Int
    let sinks: Set<Int>
    /// Each sink's element name (what ``StateChangeResult/partialPreroll(starved:)`` reports).
    let sinkNames: [Int: String]
    /// A live source produces in real time: nothing prerolls.
    let live: Bool

    private(set) var state: PipelineState = .null
    private(set) var run: Run = .running
    private(set) var launched = false
    private(set) var made = 0
    private(set) var flowing = false
    private(set) var sinksReleased = false
    /// Sinks holding an item since the last application seek.
    private(set) var prerolled: Set<Int> = []
    /// Sinks that saw end of stream since the last application seek.
    private(set) var ended: Set<Int> = []
    /// Producing now, or at end of stream waiting for a seek.
    private(set) var producers: [Int: Producer] = [:]
    /// The next seek each producer must perform.
    private(set) var seeks: [Int: SeekRequest] = [:]
    private(set) var seekSeq = 0
    /// The latest application seek: its flush resets preroll.
    private(set) var flushSeq = 0
    /// Producers that still have to perform each application seek.
    private var pendingAcks: [Int: Set<Int>] = [:]
    /// Producers that can never seek.
    private(set) var unseekable: Set<String> = []

    /// - Parameters:
    ///   - sinks: each sink's element index and name.
    ///   - live: a live source produces in real time (nothing prerolls).
    init(elementCount: Int, sinks: [Int: String], live: Bool) {
        self.elementCount = elementCount
        self.sinks = Set(sinks.keys)
        sinkNames = sinks
        self.live = live
    }

    var isRunning: Bool { run == .running }
    var allPrerolled: Bool { sinks.isSubset(of: prerolled.union(ended)) }
    var allEnded: Bool { ended.count == sinks.count }
    /// Sinks that hold no item and have not ended.
    var starvedSinks: [Int] { sinks.subtracting(prerolled.union(ended)).sorted() }

    // MARK: - State changes

    /// The next step toward `goal`. `stalled`: every element task is parked
    /// (nothing moves until the driver acts). Call again after performing
    /// it, after each entry, and after each wait.
    mutating func step(toward goal: PipelineState, stalled: Bool) -> Step {
        if goal == .null { return stepToNull() }
        guard run == .running else { return .stopped }
        if goal == .ready && state > .ready { return .refused(.readyFromRunning(state)) }
        switch state {
        case .null:
            if !launched {
                launched = true
                return .perform(.launchTasks)
            }
            if made < elementCount { return .wait(.elementsMade) }
            state = .ready
            return .enter(.ready, .success)
        case .ready:
            if goal == .ready { return .reached }
            if !flowing {
                flowing = true
                return .perform(.openFlow)
            }
            // Only an explicit pause waits for preroll: going on to playing need not.
            let outcome = goal == .paused ? prerollOutcome(stalled: stalled) : .success
            guard let outcome else { return .wait(.preroll) }
            state = .paused
            return .enter(.paused, outcome)
        case .paused:
            if goal == .paused { return .reached }
            if !sinksReleased {
                sinksReleased = true
                return .perform(.releaseSinks)
            }
            state = .playing
            return .enter(.playing, .success)
        case .playing:
            if goal == .playing { return .reached }
            if sinksReleased {
                sinksReleased = false
                return .perform(.holdSinks)
            }
            state = .paused
            return .enter(.paused, .success)
        }
    }

    private mutating func stepToNull() -> Step {
        switch run {
        case .running, .failed:
            guard launched else {
                run = .over
                return .reached
            }
            run = .tearingDown
            return .perform(.tearDown)
        case .tearingDown:
            return .wait(.tasksEnded)
        case .over:
            return .reached
        }
    }

    /// How paused is reached now, or nil to keep waiting for preroll.
    func prerollOutcome(stalled: Bool) -> StateChangeResult? {
        if live { return .noPreroll }
        if allPrerolled { return .success }
        if stalled { return .partialPreroll(starved: starvedSinks.map { sinkNames[$0] ?? "\($0)" }.sorted()) }
        return nil
    }

    /// Whether a wait of the driver is over (or the run stopped meanwhile).
    func isOver(_ wait: Wait, stalled: Bool) -> Bool {
        switch wait {
        case .elementsMade: made == elementCount || run != .running
        case .preroll: prerollOutcome(stalled: stalled) != nil || run != .running
        case .tasksEnded: run == .over
        }
    }

    // MARK: - What the element tasks report

    mutating func elementMade() { made += 1 }

    /// A sink holds an item after the flush of application seek `flush`; earlier flushes do not count.
    mutating func sinkPrerolled(_ sink: Int, flush: Int) {
        if flush == flushSeq { prerolled.insert(sink) }
    }

    mutating func sinkEnded(_ sink: Int) -> EndOfStream {
        guard ended.insert(sink).inserted, run == .running else { return .ignored }
        return allEnded ? .pipeline : .sink
    }

    /// An element failed: the run stops. True for the first failure.
    mutating func fail() -> Bool {
        guard run == .running else { return false }
        run = .failed
        return true
    }

    /// Stop every task now (the application's null, a cancelled run).
    mutating func tearDown() {
        if run == .running || run == .failed { run = .tearingDown }
    }

    mutating func tasksEnded() {
        run = .over
        producers = [:]
        seeks = [:]
        pendingAcks = [:]
    }

    // MARK: - Seeks

    mutating func registerProducer(_ index: Int, name: String, seekable: Bool) {
        producers[index] = Producer(name: name, seekable: seekable)
        if !seekable { unseekable.insert(name) }
    }

    /// A task ended: it performs no more seeks; one still owed counts as done.
    mutating func producerEnded(_ index: Int) {
        producers[index] = nil
        seeks[index] = nil
        for seq in pendingAcks.keys { pendingAcks[seq]?.remove(index) }
    }

    /// An application seek: every producer must perform it; preroll and
    /// end of stream start over. Nothing changes when it is refused.
    mutating func startSeek(toUs target: Int64) -> SeekStart {
        guard run == .running, state >= .paused else { return .refused(.notRunning(state)) }
        if !unseekable.isEmpty { return .refused(.cannotSeek(unseekable.sorted())) }
        if producers.isEmpty { return .refused(.noProducer) }
        seekSeq += 1
        let request = SeekRequest(seq: seekSeq, targetUs: target, origin: nil)
        for i in producers.keys { seeks[i] = request }
        pendingAcks[seekSeq] = Set(producers.keys)
        flushSeq = seekSeq
        prerolled = []
        ended = []
        return .started(request)
    }

    /// An element (`trim start=`) asks the producers above it to seek; `ancestors` are the elements upstream of it.
    mutating func requestSeek(from origin: Int, ancestors: Set<Int>, toUs target: Int64) -> UpstreamSeek {
        let mine = producers.filter { ancestors.contains($0.key) }
        if mine.isEmpty { return .refused("nothing upstream can seek") }
        if let stuck = mine.first(where: { !$0.value.seekable }) { return .refused("\(stuck.value.name) cannot seek") }
        seekSeq += 1
        let request = SeekRequest(seq: seekSeq, targetUs: target, origin: origin)
        for i in mine.keys { seeks[i] = request }
        return .requested
    }

    /// A producer reached end of stream: a seek that came in meanwhile, if
    /// any (it goes on with it). It stays registered: a later seek restarts it.
    mutating func endProducing(_ index: Int) -> SeekRequest? {
        seeks.removeValue(forKey: index)
    }

    func hasSeek(_ index: Int) -> Bool { seeks[index] != nil }

    mutating func takeSeek(_ index: Int) -> SeekRequest? { seeks.removeValue(forKey: index) }

    mutating func seekPerformed(_ request: SeekRequest, by index: Int) {
        _ = pendingAcks[request.seq]?.remove(index)
    }

    /// Every producer performed application seek `seq`, and, in paused, the sinks prerolled again.
    func isSeekOver(_ seq: Int, stalled: Bool) -> Bool {
        guard run == .running else { return true }
        guard pendingAcks[seq]?.isEmpty ?? true else { return false }
        return state != .paused || prerollOutcome(stalled: stalled) != nil
    }
}

/// A seek: from the application (`origin` nil, the whole pipeline flushes)
/// or from an element that wants its input to start later (`trim`: only the
/// branch above it flushes, and it swallows the flush).
struct SeekRequest: Sendable, Hashable {
    var seq: Int
    var targetUs: Int64
    var origin: Int?
}
