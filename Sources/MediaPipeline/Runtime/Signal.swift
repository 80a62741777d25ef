import Synchronization

/// A versioned wake-up shared by the tasks of one run: whoever changes a
/// condition others may wait on (a state, a gate, a flush, a preroll) calls
/// `notify()`; a waiter reads `version`, checks its condition, and only then
/// waits for a version after the one it read, so no change is missed.
///
/// ```swift
/// while true {
///     let v = signal.version
///     if condition() { break }
///     await signal.wait(since: v)
/// }
/// ```
///
/// With an ``FlowActivity``, its waiters count as parked while they wait
/// (the element tasks' signal); without, they do not (the driver's).
final class Signal: Sendable {
    private struct State {
        var version = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())
    private let activity: FlowActivity?

    init(activity: FlowActivity? = nil) {
        self.activity = activity
    }

    var version: Int { state.withLock { $0.version } }

    /// Wakes every waiter.
    func notify() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.version &+= 1
            // Counted as running from the moment they leave the list.
            for _ in s.waiters { activity?.resumed() }
            defer { s.waiters = [] }
            return s.waiters
        }
        waiters.forEach { $0.resume() }
    }

    /// Returns once the version differs from `seen` (at once if it already does).
    func wait(since seen: Int) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if s.version != seen { return true }
                s.waiters.append(c)
                return false
            }
            if now { c.resume() } else { activity?.parked() }
        }
    }

    /// Waits until `condition` holds; it is checked again after every notify.
    func wait(until condition: () -> Bool) async {
        while true {
            let v = version
            if condition() { return }
            await wait(since: v)
        }
    }
}
