import Foundation

/// Stops guest code that runs past its call's time limit
/// (``WasmLimits/timeLimit``), on one thread for the whole process.
///
/// An engine registers each outermost call that has a limit, with what to
/// do when it passes (`expire`): Wasmtime bumps its engine's epoch, so the
/// running code calls back into the instance, which sees its deadline has
/// passed and traps; WasmKit empties the call's fuel, so the interpreter
/// traps at its next fuel check. `expire` runs at the deadline and then
/// every ``repeatInterval`` until the call is cancelled, in case the guest
/// was between checks. Imports check the deadline themselves
/// (``HostFunction/serve(_:)``), so time spent in the host counts too.
///
/// Thread-safe. `expire` runs on the watchdog's thread, under its lock:
/// once ``cancel(_:)`` returns, the registration's `expire` is not running
/// and never will, so it may touch the instance until then.
final class DeadlineWatchdog: @unchecked Sendable {
    /// The process's watchdog; its thread starts on the first registration.
    static let shared = DeadlineWatchdog()

    /// How often `expire` is repeated while a call that passed its deadline goes on.
    static let repeatInterval: Duration = .milliseconds(10)

    struct Registration: Hashable {
        fileprivate let id: UInt64
    }

    private struct Entry {
        var due: ContinuousClock.Instant
        let expire: () -> Void
    }

    private let condition = NSCondition()
    private var entries: [UInt64: Entry] = [:]
    private var nextID: UInt64 = 0
    private var started = false
    /// When the watching thread wakes by itself; nil while it waits for a
    /// signal only. A registration due later needs no wake-up, so most
    /// calls (limits of seconds, calls of microseconds) cost no thread switch.
    private var wakesAt: ContinuousClock.Instant?

    /// Calls `expire` at `deadline` (and again every ``repeatInterval``)
    /// until the registration is cancelled.
    func register(deadline: ContinuousClock.Instant, expire: @escaping () -> Void) -> Registration {
        condition.lock()
        defer { condition.unlock() }
        nextID += 1
        entries[nextID] = Entry(due: deadline, expire: expire)
        if !started {
            started = true
            let thread = Thread { [unowned self] in self.watch() }
            thread.name = "wasi-media guest deadlines"
            thread.start()
        }
        if wakesAt.map({ deadline < $0 }) ?? true { condition.signal() }
        return Registration(id: nextID)
    }

    /// Starts the clock of an outermost call with `limit`: sets
    /// `state.deadline` (imports and waits read it) and registers `expire`
    /// at it. Without a limit, clears the deadline and registers nothing.
    func startCall(limit: Duration?, state: InstanceState, expire: @escaping () -> Void) -> Registration? {
        guard let limit else {
            state.deadline = nil
            return nil
        }
        let deadline = ContinuousClock.now + limit
        state.deadline = deadline
        return register(deadline: deadline, expire: expire)
    }

    /// Ends the clock ``startCall(limit:state:expire:)`` started.
    func endCall(_ registration: Registration?, state: InstanceState) {
        if let registration { cancel(registration) }
        state.deadline = nil
    }

    /// Ends a registration; its `expire` is not running when this returns.
    func cancel(_ registration: Registration) {
        condition.lock()
        entries[registration.id] = nil
        condition.unlock()
    }

    private func watch() {
        condition.lock()
        while true {
            let now = ContinuousClock.now
            for (id, entry) in entries where entry.due <= now {
                entry.expire()
                entries[id]?.due = now + Self.repeatInterval
            }
            if let next = entries.values.map(\.due).min() {
                wakesAt = next
                _ = condition.wait(until: Date(timeIntervalSinceNow: max(0, (next - ContinuousClock.now).inSeconds)))
            } else {
                wakesAt = nil
                condition.wait()
            }
        }
    }
}
