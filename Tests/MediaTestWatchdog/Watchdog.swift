public import Testing
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A test that does not finish in its limit ends the whole run: every
/// thread's stack is printed to standard error, then the process exits with
/// status ``Watchdog/exitStatus``. CI never hangs on a stuck test, and the
/// stacks say where it was stuck.
///
/// Put it on every suite (it applies to every test inside, recursively):
///
/// ```swift
/// @Suite(.timeLimit(.minutes(2)), .watchdog) struct SeekTests { ... }
/// ```
///
/// The limit of each test case is, first found: the one given here
/// (`.watchdog(limit:)`), the test's own `.timeLimit`, then
/// ``Watchdog/defaultLimit``. Swift Testing's `.timeLimit` alone cannot do
/// this: it only cancels the test, and a test that ignores cancellation (a
/// lost wake-up, a blocked thread) keeps the run waiting forever.
///
/// The watchdog runs on its own thread, not on Swift's cooperative pool,
/// so it fires even when every pool thread is blocked. Stacks come from
/// `gdb -batch -p <pid> -ex 'thread apply all bt'` (scripts/setup.sh
/// installs gdb; without it the run still fails at once, without stacks).
public struct Watchdog: SuiteTrait, TestTrait, TestScoping {
    /// The limit for tests with no other: 10 minutes.
    public static let defaultLimit: Duration = .seconds(600)
    /// The process's exit status when the watchdog fires (as timeout(1)).
    public static let exitStatus: Int32 = 124

    /// nil: the test's `.timeLimit`, else ``defaultLimit``.
    public var limit: Duration?

    public var isRecursive: Bool { true }

    /// Each test case is watched on its own (a parameterized test's cases each get the limit).
    public func scopeProvider(for test: Test, testCase: Test.Case?) -> Watchdog? {
        testCase == nil ? nil : self
    }

    public func provideScope(for test: Test, testCase: Test.Case?,
                             performing function: @Sendable () async throws -> Void) async throws {
        let limit = self.limit ?? test.timeLimit ?? Self.defaultLimit
        let what = "\(test.name) (\(test.sourceLocation.fileID):\(test.sourceLocation.line))"
        let ticket = WatchdogMonitor.shared.arm(what, limit: limit)
        defer { WatchdogMonitor.shared.disarm(ticket) }
        try await function()
    }
}

extension Trait where Self == Watchdog {
    /// Ends the run with every thread's stack when a test passes its limit (see ``Watchdog``).
    public static var watchdog: Watchdog { Watchdog(limit: nil) }

    /// The same, with its own limit (for limits under Swift Testing's one-minute granularity).
    public static func watchdog(limit: Duration) -> Watchdog { Watchdog(limit: limit) }
}

/// The one thread that watches every armed test. Thread-safe.
final class WatchdogMonitor: Sendable {
    static let shared = WatchdogMonitor()

    private struct Armed {
        var what: String
        var limit: Duration
        var deadline: ContinuousClock.Instant
    }

    private struct State {
        var armed: [UInt64: Armed] = [:]
        var next: UInt64 = 0
    }

    private let state = Mutex(State())
    /// Wakes the thread when a test is armed (its deadline may be the earliest).
    private let wakeup = NSCondition()

    private init() {
        let thread = Thread { [unowned self] in self.watch() }
        thread.name = "test-watchdog"
        thread.start()
    }

    func arm(_ what: String, limit: Duration) -> UInt64 {
        let ticket = state.withLock { s -> UInt64 in
            s.next += 1
            s.armed[s.next] = Armed(what: what, limit: limit, deadline: .now + limit)
            return s.next
        }
        wakeup.lock()
        wakeup.signal()
        wakeup.unlock()
        return ticket
    }

    func disarm(_ ticket: UInt64) {
        state.withLock { _ = $0.armed.removeValue(forKey: ticket) }
    }

    private func watch() {
        while true {
            let now = ContinuousClock.now
            let (expired, earliest) = state.withLock { s in
                (s.armed.values.first { $0.deadline <= now }, s.armed.values.map(\.deadline).min())
            }
            if let expired { fire(expired) }
            wakeup.lock()
            let wait = earliest.map { now.duration(to: $0) } ?? .seconds(60)
            let seconds = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
            _ = wakeup.wait(until: Date(timeIntervalSinceNow: max(0.01, seconds)))
            wakeup.unlock()
        }
    }

    private func fire(_ expired: Armed) -> Never {
        let limit = expired.limit.components.seconds
        StackDump.write("""

            ⏱ watchdog: \(expired.what) did not finish in its limit of \(limit) s.
            ⏱ watchdog: every thread's stack follows; then the run fails (exit \(Watchdog.exitStatus)).

            """)
        StackDump.allThreads()
        let killed = Self.killChildProcesses()
        StackDump.write("⏱ watchdog: \(expired.what) exceeded its limit of \(limit) s; the run failed"
                        + (killed > 0 ? " (\(killed) child processes killed).\n" : ".\n"))
        _exit(Watchdog.exitStatus)
    }

    /// Kills the processes this one started that still run (a test's
    /// server, a command under test): they would outlive the run and hold
    /// its output open, so whoever reads it would wait forever.
    private static func killChildProcesses() -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        var killed = 0
        for task in tasks {
            guard let text = try? String(contentsOfFile: "/proc/self/task/\(task)/children", encoding: .utf8) else { continue }
            for pid in text.split(separator: " ").compactMap({ pid_t($0) }) where kill(pid, SIGKILL) == 0 {
                killed += 1
            }
        }
        return killed
    }
}
