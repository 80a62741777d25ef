#if canImport(Glibc)
internal import Glibc
#endif
internal import Foundation

/// Keeps codec libraries from making this process's threads real-time.
///
/// SVT-AV1, when the process runs as root, switches the thread that opens
/// an encoder to `SCHED_FIFO` at the highest priority and starts its own
/// workers the same way. The opening thread is one of Swift's pool threads,
/// shared by every task that runs later: a real-time thread that computes
/// (a guest in a loop, an encoder) is never preempted by normal threads on
/// its core, so the watchdog that enforces guests' time limits, the clocks
/// and every other task stop running there. Every codec is therefore opened
/// through ``keepingNormalScheduling(_:)``.
enum ThreadScheduling {
    /// Runs `body`, then gives the calling thread back its own policy and
    /// puts every thread started meanwhile that became real-time back to
    /// normal scheduling.
    static func keepingNormalScheduling<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        #if os(Linux)
        var policy: Int32 = 0
        var parameters = sched_param()
        let known = pthread_getschedparam(pthread_self(), &policy, &parameters) == 0
        let before = Set(threadIDs())
        defer {
            if known { _ = pthread_setschedparam(pthread_self(), policy, &parameters) }
            for thread in threadIDs() where !before.contains(thread) && isRealTime(thread) {
                makeNormal(thread)
            }
        }
        #endif
        return try body()
    }

    /// Whether `thread` (a kernel thread id; 0 for the calling thread) runs
    /// under a real-time policy (`SCHED_FIFO` or `SCHED_RR`).
    static func isRealTime(_ thread: pid_t) -> Bool {
        let policy = currentPolicy(of: thread)
        return policy == SCHED_FIFO || policy == SCHED_RR
    }

    /// The kernel ids of this process's threads.
    static func threadIDs() -> [pid_t] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []).compactMap { pid_t($0) }
    }

    /// `thread`'s policy without the reset-on-fork flag; -1 when it has ended.
    private static func currentPolicy(of thread: pid_t) -> Int32 {
        let policy = sched_getscheduler(thread)
        return policy < 0 ? policy : policy & ~resetOnFork
    }

    /// Linux's `SCHED_RESET_ON_FORK` flag (sched.h; not imported into Swift).
    private static let resetOnFork: Int32 = 0x4000_0000

    private static func makeNormal(_ thread: pid_t) {
        var parameters = sched_param()
        parameters.sched_priority = 0
        _ = sched_setscheduler(thread, SCHED_OTHER, &parameters)
    }
}
