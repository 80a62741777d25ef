/// How a ``MediaClock/wait(untilUs:)`` ended (GStreamer's `GstClockReturn`).
public enum ClockWaitResult: Sendable, Hashable {
    /// The clock reached the target. `lateUs` is `now() - target` at the
    /// moment the waiter was released, in µs: 0 when the clock passed the
    /// target exactly, more when it was already past on entry, jumped past it
    /// (a seek, a large source step) or a timer woke late. A sink uses it to
    /// drop frames that are too late.
    case reached(lateUs: Int64)
    /// The waiting task was cancelled first.
    case cancelled
    /// ``MediaClock/unscheduleAll()`` released the waiter first (a flush).
    case unscheduled
}
