public import MediaCore
import Synchronization

/// A source that moves only when told: the test double for clocks
/// (GStreamer's `GstTestClock`). ``TimeSourcePacing/driven``: a
/// ``MediaClock`` on it wakes its waiters inside ``advance(byUs:)`` and
/// ``set(us:)``, before they return, so tests never sleep.
///
/// Thread-safe.
public final class ManualTimeSource: TimeSource {
    private let time: Mutex<Int64>
    private let observers = TimeSourceObservers()

    /// Starts at `us` µs (default 0).
    public init(us: Int64 = 0) {
        time = Mutex(us)
    }

    public var nowUs: Int64 { time.withLock { $0 } }

    public var pacing: TimeSourcePacing { .driven }

    public func observeAdvances(_ handler: @escaping @Sendable () -> Void) -> TimeSourceObservation? {
        observers.add(handler)
    }

    /// Moves the time forward by `delta` µs (0 is allowed and still notifies).
    /// - Throws: `MediaError.invalidArgument` for a negative `delta`; time never goes back.
    public func advance(byUs delta: Int64) throws(MediaError) {
        guard delta >= 0 else {
            throw MediaError(.invalidArgument, operation: "advance manual time source",
                             message: "step \(delta) µs is negative: source time never goes back")
        }
        time.withLock { $0 = ClockArithmetic.add($0, delta) }
        observers.notifyAll()
    }

    /// Sets the time to `us` µs.
    /// - Throws: `MediaError.invalidArgument` when `us` is before the current time.
    public func set(us: Int64) throws(MediaError) {
        let previous: Int64? = time.withLock { current in
            guard us >= current else { return current }
            current = us
            return nil
        }
        if let previous {
            throw MediaError(.invalidArgument, operation: "set manual time source",
                             message: "time \(us) µs is before the current \(previous) µs: source time never goes back")
        }
        observers.notifyAll()
    }
}
