public import MediaCore
import Synchronization

/// A pipeline's timeline: the host side of WIT `wasi:media/clock.media-clock`.
///
/// Reads a ``TimeSource`` and maps it to a presentation time in µs, in the
/// GStreamer base-time model:
///
/// ```
/// now() = base + (source − anchor) × rate     while running
/// now() = base                                while paused
/// ```
///
/// `start`, `setRate` and `seek` re-anchor (base := the presentation time
/// at that instant, or the seek target; anchor := the source time), so
/// `now()` is continuous across them. The rate is an exact fraction and the
/// product is computed in 128-bit integers with one rounding: no drift over
/// any duration.
///
/// A new clock is paused at 0 µs, rate 1.
///
/// Sinks pace themselves with ``wait(untilUs:)``. On a
/// ``TimeSourcePacing/driven`` source (audio, video, manual) waiters are woken
/// by the source's advances, inside the advancing call; on a
/// ``TimeSourcePacing/realTime`` source the clock keeps one timer armed for
/// the earliest waiter. Every state change (start, pause, rate, seek) wakes
/// the waiters it satisfies and re-arms the timer.
///
/// Thread-safe: every method may be called from any task or thread at any
/// time. One lock guards the state; waiters are resumed after it is released.
public final class MediaClock: Sendable {
    /// What this clock reads; for driven sources, the object to advance.
    public let timeSource: any TimeSource

    private let state = Mutex(State())

    private struct Waiter: Sendable {
        let targetUs: Int64
        let continuation: CheckedContinuation<ClockWaitResult, Never>
    }

    private struct PendingWatcher: Sendable {
        let count: Int
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State: Sendable {
        var timeline = ClockTimeline()
        var waiters: [UInt64: Waiter] = [:]
        var watchers: [UInt64: PendingWatcher] = [:]
        var nextID: UInt64 = 0
        /// Real-time sources only: the one timer, armed for the earliest waiter.
        var timer: Task<Void, Never>?
        var timerDeadlineSourceUs: Int64?
        var timerGeneration: UInt64 = 0
        var observation: TimeSourceObservation?
    }

    /// Resumptions and cancellations collected under the lock, run after it.
    private struct Wakeups {
        var waiters: [(CheckedContinuation<ClockWaitResult, Never>, ClockWaitResult)] = []
        var watchers: [CheckedContinuation<Void, Never>] = []
        var retiredTimer: Task<Void, Never>?

        func run() {
            retiredTimer?.cancel()
            for (continuation, result) in waiters { continuation.resume(returning: result) }
            for continuation in watchers { continuation.resume() }
        }
    }

    /// A clock on the default time source for `source`: a new
    /// ``SystemMonotonicTimeSource``, ``AudioPlaybackTimeSource`` or
    /// ``VideoSurfaceTimeSource`` (reach the latter two through
    /// ``timeSource`` to drive them). Default: ``ClockSource/systemMonotonic``.
    public convenience init(source: ClockSource = .default) {
        switch source {
        case .systemMonotonic: self.init(timeSource: SystemMonotonicTimeSource())
        case .audioPlayback: self.init(timeSource: AudioPlaybackTimeSource())
        case .videoSurface: self.init(timeSource: VideoSurfaceTimeSource())
        }
    }

    /// A clock reading `timeSource`, paused at 0 µs, rate 1.
    public init(timeSource: any TimeSource) {
        self.timeSource = timeSource
        let observation = timeSource.observeAdvances { [weak self] in self?.sourceAdvanced() }
        state.withLock { $0.observation = observation }
    }

    deinit {
        state.withLock { state in
            state.timer?.cancel()
            state.observation?.cancel()
        }
    }

    // MARK: - Reading

    /// The presentation time in µs. Thread-safe.
    public func now() -> Int64 {
        state.withLock { $0.timeline.now(sourceUs: timeSource.nowUs) }
    }

    /// True between ``start()`` and ``pause()``. Thread-safe.
    public var isRunning: Bool { state.withLock { $0.timeline.isRunning } }

    /// The rate, in lowest terms. Default 1/1. Thread-safe.
    public var rate: Rational { state.withLock { $0.timeline.rate } }

    /// How many ``wait(untilUs:)`` calls are waiting. Thread-safe; for
    /// diagnostics and tests.
    public var pendingWaitCount: Int { state.withLock { $0.waiters.count } }

    // MARK: - Control (WIT start, pause, set-rate, seek)

    /// Starts or resumes the clock from its current presentation time.
    /// No effect when running. Thread-safe.
    public func start() {
        update { timeline, sourceUs in timeline.start(sourceUs: sourceUs) }
    }

    /// Freezes the presentation time until the next ``start()``; waiters keep
    /// waiting. No effect when paused. Thread-safe.
    public func pause() {
        update { timeline, sourceUs in timeline.pause(sourceUs: sourceUs) }
    }

    /// Sets the speed: `now()` advances `rate` µs per source µs from here on,
    /// continuing from its current value. Default 1. A `Double` (WIT's
    /// `f32`) is stored as the nearest fraction with denominator ≤ 1 000 000,
    /// so 0.5, 2.0 and `Float(0.1)` are exactly 1/2, 2 and 1/10. Thread-safe.
    /// - Throws: `MediaError` naming the rate: `.unsupported` for a negative
    ///   rate (reverse playback is not implemented), `.invalidArgument` for
    ///   zero (use ``pause()``), NaN, infinity, or a rate outside
    ///   1/1 000 000 ... 1 000 000. The clock is unchanged then.
    public func setRate(_ rate: Double) throws(MediaError) {
        let exact = try ClockRate.validated(rate)
        update { timeline, sourceUs in timeline.setRate(exact, sourceUs: sourceUs) }
    }

    /// Sets the speed as an exact fraction (30000/30030). Same rules as
    /// ``setRate(_:)-(Double)``. Thread-safe.
    public func setRate(_ rate: Rational) throws(MediaError) {
        let exact = try ClockRate.validated(rate)
        update { timeline, sourceUs in timeline.setRate(exact, sourceUs: sourceUs) }
    }

    /// Sets the presentation time to `timeUs` µs, running or paused (the
    /// clock stays in its state). Waiters whose target is now reached are
    /// released with `.reached`; after a backward seek the others wait for
    /// the new timeline. Negative times are allowed inside the host.
    /// Thread-safe.
    public func seek(toUs timeUs: Int64) {
        update { timeline, sourceUs in timeline.seek(toUs: timeUs, sourceUs: sourceUs) }
    }

    // MARK: - Waiting (WIT wait-until)

    /// Suspends until `now() >= targetUs` (µs) and returns how the wait ended.
    ///
    /// Returns `.reached` at once when the target is already due. Woken by the
    /// source's advances (driven sources) or a timer (real-time sources), and
    /// by ``seek(toUs:)``, ``setRate(_:)-(Double)`` and ``start()``; a paused
    /// clock keeps its waiters. Cancelling the waiting task ends the wait with
    /// `.cancelled` (no error is thrown), ``unscheduleAll()`` with
    /// `.unscheduled`. Thread-safe; any number of tasks may wait at once.
    public func wait(untilUs targetUs: Int64) async -> ClockWaitResult {
        let id = state.withLock { $0.nextID &+= 1; return $0.nextID }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ClockWaitResult, Never>) in
                let wakeups = state.withLock { state in
                    var wakeups = Wakeups()
                    let sourceUs = timeSource.nowUs
                    let now = state.timeline.now(sourceUs: sourceUs)
                    if Task.isCancelled {
                        wakeups.waiters.append((continuation, .cancelled))
                    } else if now >= targetUs {
                        wakeups.waiters.append((continuation, .reached(lateUs: now - targetUs)))
                    } else {
                        state.waiters[id] = Waiter(targetUs: targetUs, continuation: continuation)
                        let count = state.waiters.count
                        for (watcherID, watcher) in state.watchers where count >= watcher.count {
                            state.watchers[watcherID] = nil
                            wakeups.watchers.append(watcher.continuation)
                        }
                        rearmTimer(&state, sourceUs: sourceUs, into: &wakeups)
                    }
                    return wakeups
                }
                wakeups.run()
            }
        } onCancel: {
            release(waiter: id, with: .cancelled)
        }
    }

    /// Releases every pending wait with `.unscheduled` (GStreamer's
    /// `gst_clock_id_unschedule`): what a sink does on a flush. Waits started
    /// afterwards wait normally. Thread-safe.
    public func unscheduleAll() {
        let wakeups = state.withLock { state in
            var wakeups = Wakeups()
            for waiter in state.waiters.values { wakeups.waiters.append((waiter.continuation, .unscheduled)) }
            state.waiters.removeAll()
            rearmTimer(&state, sourceUs: timeSource.nowUs, into: &wakeups)
            return wakeups
        }
        wakeups.run()
    }

    /// Returns once at least `count` waits are pending (or the calling task is
    /// cancelled). Lets a test advance a manual source only after the tasks
    /// under test are waiting, without sleeping (GstTestClock's
    /// `wait_for_multiple_pending_ids`). Thread-safe.
    public func waitForPendingWaits(count: Int) async {
        let id = state.withLock { $0.nextID &+= 1; return $0.nextID }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state in
                    if Task.isCancelled || state.waiters.count >= count { return true }
                    state.watchers[id] = PendingWatcher(count: count, continuation: continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.watchers.removeValue(forKey: id) }?.continuation.resume()
        }
    }

    // MARK: - Internals

    /// Applies `change` at the current source time, then releases the
    /// waiters it satisfied and re-arms the timer.
    private func update(_ change: (inout ClockTimeline, Int64) -> Void) {
        let wakeups = state.withLock { state in
            let sourceUs = timeSource.nowUs
            change(&state.timeline, sourceUs)
            return settle(&state, sourceUs: sourceUs)
        }
        wakeups.run()
    }

    /// Called by a driven source after it advanced.
    private func sourceAdvanced() {
        let wakeups = state.withLock { state in settle(&state, sourceUs: timeSource.nowUs) }
        wakeups.run()
    }

    private func timerFired(generation: UInt64) {
        let wakeups = state.withLock { state -> Wakeups in
            guard state.timerGeneration == generation else { return Wakeups() }
            state.timer = nil
            state.timerDeadlineSourceUs = nil
            return settle(&state, sourceUs: timeSource.nowUs)
        }
        wakeups.run()
    }

    private func release(waiter id: UInt64, with result: ClockWaitResult) {
        let wakeups = state.withLock { state in
            var wakeups = Wakeups()
            guard let waiter = state.waiters.removeValue(forKey: id) else { return wakeups }
            wakeups.waiters.append((waiter.continuation, result))
            rearmTimer(&state, sourceUs: timeSource.nowUs, into: &wakeups)
            return wakeups
        }
        wakeups.run()
    }

    /// Removes the waiters whose target is reached; call with the lock held.
    private func settle(_ state: inout State, sourceUs: Int64) -> Wakeups {
        var wakeups = Wakeups()
        let now = state.timeline.now(sourceUs: sourceUs)
        for (id, waiter) in state.waiters where now >= waiter.targetUs {
            state.waiters[id] = nil
            wakeups.waiters.append((waiter.continuation, .reached(lateUs: now - waiter.targetUs)))
        }
        rearmTimer(&state, sourceUs: sourceUs, into: &wakeups)
        return wakeups
    }

    /// Real-time sources: keeps one timer armed for the earliest pending
    /// target while running, none otherwise. Call with the lock held.
    private func rearmTimer(_ state: inout State, sourceUs: Int64, into wakeups: inout Wakeups) {
        guard timeSource.pacing == .realTime else { return }
        let earliest = state.waiters.values.lazy.map(\.targetUs).min()
        let deadline = earliest.flatMap { state.timeline.sourceDeadline(forUs: $0, sourceUs: sourceUs) }
        guard deadline != state.timerDeadlineSourceUs else { return }
        wakeups.retiredTimer = state.timer
        state.timer = nil
        state.timerDeadlineSourceUs = deadline
        state.timerGeneration &+= 1
        guard let deadline else { return }
        let generation = state.timerGeneration
        let delayUs = max(1, deadline - sourceUs)
        state.timer = Task { [weak self] in
            try? await Task.sleep(for: .microseconds(delayUs))
            guard !Task.isCancelled else { return }
            self?.timerFired(generation: generation)
        }
    }
}
