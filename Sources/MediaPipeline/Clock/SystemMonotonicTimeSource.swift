#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The OS monotonic clock, `clock_gettime(CLOCK_MONOTONIC)`, in µs
/// (nanoseconds truncated). Does not jump when the wall clock is set; its
/// origin is the boot. ``TimeSourcePacing/realTime``. Stateless and thread-safe.
public final class SystemMonotonicTimeSource: TimeSource {
    public init() {}

    public var nowUs: Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1_000
    }

    public var pacing: TimeSourcePacing { .realTime }

    /// Nil: a real-time source announces nothing; clocks arm timers.
    public func observeAdvances(_ handler: @escaping @Sendable () -> Void) -> TimeSourceObservation? { nil }
}
