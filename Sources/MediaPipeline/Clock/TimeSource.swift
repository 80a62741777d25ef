import Synchronization

/// How a ``MediaClock`` learns that its source's time moved.
public enum TimeSourcePacing: Sendable, Hashable {
    /// Time moves by itself (an OS or hardware clock). The clock wakes its
    /// waiters with timers armed for the remaining source time.
    case realTime
    /// Time moves only when the source is told so (``ManualTimeSource/advance(byUs:)``,
    /// ``AudioPlaybackTimeSource/consumed(samples:sampleRate:)``,
    /// ``VideoSurfaceTimeSource/presented(frames:frameRate:)``). The source
    /// calls its observers after each advance and the clock wakes its waiters
    /// then; no timer is involved, so tests are deterministic.
    case driven
}

/// The time base a ``MediaClock`` reads: a counter of microseconds that
/// never goes back.
///
/// Its origin is arbitrary (the clock only uses differences). Every member
/// is thread-safe: a clock reads the source from any task or thread, while
/// the thread that drives it (an audio callback, a render loop, a test)
/// advances it.
public protocol TimeSource: AnyObject, Sendable {
    /// The source time in µs. Never decreases.
    var nowUs: Int64 { get }

    /// Whether the time moves by itself or only when told; decides how
    /// waits are woken.
    var pacing: TimeSourcePacing { get }

    /// Calls `handler` after every advance of a ``TimeSourcePacing/driven``
    /// source, on the thread that advanced it and outside the source's lock,
    /// until the returned observation is cancelled or released.
    /// ``TimeSourcePacing/realTime`` sources return nil.
    func observeAdvances(_ handler: @escaping @Sendable () -> Void) -> TimeSourceObservation?
}

/// A registration made by ``TimeSource/observeAdvances(_:)``. Cancelling it,
/// or releasing the last reference, removes the handler. Thread-safe.
public final class TimeSourceObservation: Sendable {
    private let onCancel: Mutex<(@Sendable () -> Void)?>

    /// `onCancel` runs once, on the first ``cancel()`` or at release.
    public init(onCancel: @escaping @Sendable () -> Void) {
        self.onCancel = Mutex(onCancel)
    }

    public func cancel() {
        let body = onCancel.withLock { slot in
            let body = slot
            slot = nil
            return body
        }
        body?()
    }

    deinit { cancel() }
}

/// The observer list of a driven ``TimeSource``: ``add(_:)`` implements
/// ``TimeSource/observeAdvances(_:)``, ``notifyAll()`` runs after each advance.
/// Thread-safe; handlers are called outside its lock.
public final class TimeSourceObservers: Sendable {
    private struct Handlers {
        var nextID = 0
        var byID: [Int: @Sendable () -> Void] = [:]
    }

    private let handlers = Mutex(Handlers())

    public init() {}

    public func add(_ handler: @escaping @Sendable () -> Void) -> TimeSourceObservation {
        let id = handlers.withLock { list in
            list.nextID += 1
            list.byID[list.nextID] = handler
            return list.nextID
        }
        return TimeSourceObservation { [weak self] in
            _ = self?.handlers.withLock { $0.byID.removeValue(forKey: id) }
        }
    }

    /// Calls every registered handler on the calling thread.
    public func notifyAll() {
        let snapshot = handlers.withLock { Array($0.byID.values) }
        for handler in snapshot { handler() }
    }
}
