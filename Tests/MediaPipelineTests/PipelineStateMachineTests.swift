import Testing
@testable import MediaPipeline
import MediaTestWatchdog

/// The state machine alone: no tasks, no clock. Each row puts a machine in
/// a state with some facts, asks for a goal, and lists every step the
/// driver is given until it must wait or is done.
@Suite(.watchdog) struct PipelineStateMachineTests {
    typealias Machine = PipelineStateMachine
    typealias Step = PipelineStateMachine.Step

    /// Facts that hold before the driver asks.
    enum Fact: Hashable {
        case live
        /// Sink 1 (`a`) or 2 (`b`) holds its first item.
        case prerolled(Int)
        case stalled
        case failed
        case tearingDown
        case over
    }

    struct Row: CustomTestStringConvertible {
        var from: PipelineState
        var facts: Set<Fact> = []
        var goal: PipelineState
        var steps: [Step]
        var testDescription: String { "\(from) \(facts.map { "\($0)" }.sorted()) → \(goal)" }
    }

    /// Three elements: a source (0) and two sinks, `a` (1) and `b` (2).
    static func machine(in state: PipelineState, _ facts: Set<Fact>) -> Machine {
        var m = Machine(elementCount: 3, sinks: [1: "a", 2: "b"], live: facts.contains(.live))
        if state > .null || facts.contains(.over) || facts.contains(.tearingDown) {
            _ = m.step(toward: .ready, stalled: false)   // launch
            for _ in 0..<3 { m.elementMade() }
        }
        if state >= .ready { _ = drive(&m, toward: .ready) }
        if state >= .paused {
            _ = m.step(toward: .paused, stalled: false)   // open the flow
            m.sinkPrerolled(1, flush: 0)
            m.sinkPrerolled(2, flush: 0)
            _ = drive(&m, toward: state)   // rows from paused or playing start prerolled
        }
        for fact in facts {
            switch fact {
            case .prerolled(let sink): m.sinkPrerolled(sink, flush: 0)
            case .failed: _ = m.fail()
            case .tearingDown: m.tearDown()
            case .over: m.tasksEnded()
            case .live, .stalled: break
            }
        }
        return m
    }

    /// Steps until the driver must wait, or is done.
    static func drive(_ m: inout Machine, toward goal: PipelineState, stalled: Bool = false) -> [Step] {
        var steps: [Step] = []
        for _ in 0..<20 {
            let step = m.step(toward: goal, stalled: stalled)
            steps.append(step)
            switch step {
            case .perform, .enter: continue
            case .wait, .reached, .refused, .stopped: return steps
            }
        }
        return steps
    }

    static let rows: [Row] = [
        // From null.
        Row(from: .null, goal: .null, steps: [.reached]),
        Row(from: .null, goal: .ready, steps: [.perform(.launchTasks), .wait(.elementsMade)]),
        Row(from: .null, goal: .paused, steps: [.perform(.launchTasks), .wait(.elementsMade)]),
        Row(from: .null, goal: .playing, steps: [.perform(.launchTasks), .wait(.elementsMade)]),
        // From ready (elements made).
        Row(from: .ready, goal: .null, steps: [.perform(.tearDown), .wait(.tasksEnded)]),
        Row(from: .ready, goal: .ready, steps: [.reached]),
        Row(from: .ready, goal: .paused, steps: [.perform(.openFlow), .wait(.preroll)]),
        Row(from: .ready, facts: [.prerolled(1)], goal: .paused, steps: [.perform(.openFlow), .wait(.preroll)]),
        Row(from: .ready, facts: [.prerolled(1), .prerolled(2)], goal: .paused,
            steps: [.perform(.openFlow), .enter(.paused, .success), .reached]),
        Row(from: .ready, facts: [.prerolled(1), .stalled], goal: .paused,
            steps: [.perform(.openFlow), .enter(.paused, .partialPreroll(starved: ["b"])), .reached]),
        Row(from: .ready, facts: [.stalled], goal: .paused,
            steps: [.perform(.openFlow), .enter(.paused, .partialPreroll(starved: ["a", "b"])), .reached]),
        Row(from: .ready, facts: [.live], goal: .paused, steps: [.perform(.openFlow), .enter(.paused, .noPreroll), .reached]),
        Row(from: .ready, goal: .playing,
            steps: [.perform(.openFlow), .enter(.paused, .success), .perform(.releaseSinks), .enter(.playing, .success), .reached]),
        // From paused.
        Row(from: .paused, goal: .null, steps: [.perform(.tearDown), .wait(.tasksEnded)]),
        Row(from: .paused, goal: .ready, steps: [.refused(.readyFromRunning(.paused))]),
        Row(from: .paused, goal: .paused, steps: [.reached]),
        Row(from: .paused, goal: .playing, steps: [.perform(.releaseSinks), .enter(.playing, .success), .reached]),
        // From playing.
        Row(from: .playing, goal: .null, steps: [.perform(.tearDown), .wait(.tasksEnded)]),
        Row(from: .playing, goal: .ready, steps: [.refused(.readyFromRunning(.playing))]),
        Row(from: .playing, goal: .paused, steps: [.perform(.holdSinks), .enter(.paused, .success), .reached]),
        Row(from: .playing, goal: .playing, steps: [.reached]),
        // A failed run: only null, which tears down what is left.
        Row(from: .paused, facts: [.failed], goal: .playing, steps: [.stopped]),
        Row(from: .playing, facts: [.failed], goal: .paused, steps: [.stopped]),
        Row(from: .paused, facts: [.failed], goal: .null, steps: [.perform(.tearDown), .wait(.tasksEnded)]),
        // Being torn down, and over.
        Row(from: .playing, facts: [.tearingDown], goal: .playing, steps: [.stopped]),
        Row(from: .playing, facts: [.tearingDown], goal: .null, steps: [.wait(.tasksEnded)]),
        Row(from: .playing, facts: [.over], goal: .null, steps: [.reached]),
        Row(from: .playing, facts: [.over], goal: .paused, steps: [.stopped]),
        Row(from: .null, facts: [.over], goal: .ready, steps: [.stopped]),
        // A failure in ready, after which every task ended, before the driver asked again.
        Row(from: .null, facts: [.failed, .over], goal: .playing, steps: [.stopped]),
    ]

    @Test(arguments: rows)
    func transition(_ row: Row) {
        var m = Self.machine(in: row.from, row.facts)
        #expect(m.state == row.from)
        #expect(Self.drive(&m, toward: row.goal, stalled: row.facts.contains(.stalled)) == row.steps)
    }

    /// The table has a row for every state and every goal.
    @Test func everyStateAndGoalHasARow() {
        let covered = Set(Self.rows.map { "\($0.from)→\($0.goal)" })
        let all = Set(PipelineState.allCases.flatMap { from in PipelineState.allCases.map { "\(from)→\($0)" } })
        #expect(covered == all)
    }

    /// After a wait the driver asks again and goes on from where it stopped.
    @Test func waitsEndWhenTheTasksReport() {
        var m = Machine(elementCount: 2, sinks: [1: "sink"], live: false)
        #expect(Self.drive(&m, toward: .paused) == [.perform(.launchTasks), .wait(.elementsMade)])
        m.elementMade()
        #expect(!m.isOver(.elementsMade, stalled: false))
        m.elementMade()
        #expect(m.isOver(.elementsMade, stalled: false))
        #expect(Self.drive(&m, toward: .paused) == [.enter(.ready, .success), .perform(.openFlow), .wait(.preroll)])
        #expect(!m.isOver(.preroll, stalled: false))
        #expect(m.isOver(.preroll, stalled: true), "a stalled flow ends the preroll wait")
        m.sinkPrerolled(1, flush: 0)
        #expect(m.isOver(.preroll, stalled: false))
        #expect(Self.drive(&m, toward: .paused) == [.enter(.paused, .success), .reached])
        #expect(Self.drive(&m, toward: .null) == [.perform(.tearDown), .wait(.tasksEnded)])
        #expect(!m.isOver(.tasksEnded, stalled: false))
        m.tasksEnded()
        #expect(m.isOver(.tasksEnded, stalled: false))
        #expect(Self.drive(&m, toward: .null) == [.reached])
    }

    /// A failure ends every wait of the driver.
    @Test func aFailureEndsEveryWait() {
        var m = Machine(elementCount: 2, sinks: [1: "sink"], live: false)
        _ = Self.drive(&m, toward: .paused)
        let first = m.fail(), second = m.fail()
        #expect(first)
        #expect(!second, "only the first failure counts")
        #expect(m.isOver(.elementsMade, stalled: false) && m.isOver(.preroll, stalled: false))
        #expect(!m.isOver(.tasksEnded, stalled: false))
    }

    // MARK: - End of stream

    @Test func endOfStreamIsPostedOncePerSinkThenForThePipeline() {
        var m = Self.machine(in: .playing, [])
        let a = m.sinkEnded(1), again = m.sinkEnded(1)
        #expect(a == .sink)
        #expect(again == .ignored, "once per sink")
        #expect(!m.allEnded)
        let b = m.sinkEnded(2)
        #expect(b == .pipeline)
        #expect(m.allEnded)
        #expect(m.state == .playing, "end of stream is not a state")
    }

    @Test func endOfStreamAfterAFailureIsNotPosted() {
        var m = Self.machine(in: .playing, [.failed])
        let outcome = m.sinkEnded(1)
        #expect(outcome == .ignored)
    }

    // MARK: - Preroll and flushes

    @Test func aPrerollFromBeforeTheLastFlushDoesNotCount() {
        var m = Self.machine(in: .playing, [])
        m.registerProducer(0, name: "src", seekable: true)
        guard case .started(let seek) = m.startSeek(toUs: 1_000) else { Issue.record("seek refused"); return }
        #expect(m.prerolled.isEmpty && m.flushSeq == seek.seq)
        m.sinkPrerolled(1, flush: seek.seq - 1)
        #expect(m.prerolled.isEmpty)
        m.sinkPrerolled(1, flush: seek.seq)
        #expect(m.prerolled == [1])
    }

    // MARK: - Seeks

    @Test(arguments: [PipelineState.null, .ready])
    func aSeekNeedsPausedOrPlaying(_ state: PipelineState) {
        var m = Self.machine(in: state, [])
        m.registerProducer(0, name: "src", seekable: true)
        guard case .refused(let why) = m.startSeek(toUs: 0) else { Issue.record("seek started in \(state)"); return }
        #expect(why == .notRunning(state))
    }

    @Test func aSeekWithoutProducersOrWithOneThatCannotSeekIsRefused() {
        var m = Self.machine(in: .paused, [])
        guard case .refused(.noProducer) = m.startSeek(toUs: 0) else { Issue.record("no refusal"); return }
        m.registerProducer(0, name: "src", seekable: false)
        guard case .refused(.cannotSeek(["src"])) = m.startSeek(toUs: 0) else { Issue.record("no refusal"); return }
        #expect(m.seeks.isEmpty, "nothing changes on a refusal")
    }

    /// In paused: done once every producer performed it and the sinks prerolled again.
    @Test func aSeekInPausedEndsAfterThePerformancesAndThePreroll() {
        var m = Self.machine(in: .paused, [])
        m.registerProducer(0, name: "src", seekable: true)
        guard case .started(let seek) = m.startSeek(toUs: 5_000) else { Issue.record("seek refused"); return }
        #expect(m.hasSeek(0) && seek.origin == nil && seek.targetUs == 5_000)
        #expect(!m.isSeekOver(seek.seq, stalled: false))
        let taken = m.takeSeek(0)
        #expect(taken == seek)
        m.seekPerformed(seek, by: 0)
        #expect(!m.isSeekOver(seek.seq, stalled: false), "the sinks have not prerolled again")
        #expect(m.isSeekOver(seek.seq, stalled: true))
        m.sinkPrerolled(1, flush: seek.seq)
        m.sinkPrerolled(2, flush: seek.seq)
        #expect(m.isSeekOver(seek.seq, stalled: false))
    }

    @Test func aSeekInPlayingEndsAfterThePerformances() {
        var m = Self.machine(in: .playing, [])
        m.registerProducer(0, name: "src", seekable: true)
        m.registerProducer(3, name: "demux", seekable: true)
        guard case .started(let seek) = m.startSeek(toUs: 0) else { Issue.record("seek refused"); return }
        m.seekPerformed(seek, by: 0)
        #expect(!m.isSeekOver(seek.seq, stalled: false))
        m.producerEnded(3)   // a task that ends owes nothing
        #expect(m.isSeekOver(seek.seq, stalled: false))
    }

    /// A producer at end of stream stays registered; a seek then restarts
    /// it, and end of stream is forgotten until it comes again.
    @Test func aSeekAfterEndOfStreamRestarts() {
        var m = Self.machine(in: .playing, [])
        m.registerProducer(0, name: "src", seekable: true)
        let pending = m.endProducing(0)
        #expect(pending == nil)
        _ = m.sinkEnded(1)
        _ = m.sinkEnded(2)
        #expect(m.allEnded)
        guard case .started(let seek) = m.startSeek(toUs: 0) else { Issue.record("seek refused"); return }
        #expect(m.ended.isEmpty && !m.allEnded)
        let taken = m.takeSeek(0)
        #expect(taken == seek)
        let a = m.sinkEnded(1), b = m.sinkEnded(2)
        #expect(a == .sink && b == .pipeline)
    }

    /// A seek that came in while the producer reached its end goes on at once.
    @Test func aSeekPendingAtEndOfStreamIsHandedOver() {
        var m = Self.machine(in: .playing, [])
        m.registerProducer(0, name: "src", seekable: true)
        guard case .started(let seek) = m.startSeek(toUs: 0) else { Issue.record("seek refused"); return }
        let handed = m.endProducing(0)
        #expect(handed == seek)
        #expect(!m.hasSeek(0))
    }

    /// `trim start=` asks only the producers above it.
    @Test func anUpstreamSeekAsksTheProducersAboveOnly() {
        var m = Self.machine(in: .playing, [])
        let none = m.requestSeek(from: 2, ancestors: [0], toUs: 9)
        #expect(none == .refused("nothing upstream can seek"))
        m.registerProducer(0, name: "src", seekable: true)
        m.registerProducer(4, name: "other", seekable: true)
        let asked = m.requestSeek(from: 2, ancestors: [0], toUs: 9)
        #expect(asked == .requested)
        #expect(m.seeks[0] == SeekRequest(seq: m.seekSeq, targetUs: 9, origin: 2))
        #expect(m.seeks[4] == nil)
        m.registerProducer(5, name: "stream", seekable: false)
        let stuck = m.requestSeek(from: 2, ancestors: [5], toUs: 9)
        #expect(stuck == .refused("stream cannot seek"))
    }
}
