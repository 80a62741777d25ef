public import MediaCore
import Synchronization

/// Time as the display shows it: advanced by presented frames (vsync or
/// surface presentation callbacks). ``TimeSourcePacing/driven``.
///
/// Exact at a constant frame rate: frames are counted per rate and converted
/// with `MediaTime` when the time is read, so 29.97 fps never drifts.
/// Variable durations given in µs add exactly as given.
///
/// Thread-safe.
public final class VideoSurfaceTimeSource: TimeSource {
    private let ledger = Mutex(TickLedger())
    private let observers = TimeSourceObservers()

    public init() {}

    public var nowUs: Int64 { ledger.withLock { $0.microseconds } }

    public var pacing: TimeSourcePacing { .driven }

    public func observeAdvances(_ handler: @escaping @Sendable () -> Void) -> TimeSourceObservation? {
        observers.add(handler)
    }

    /// Records `frames` presented at `frameRate` frames per second
    /// (30000/1001 for 29.97 fps), then wakes the clocks on this source.
    /// - Throws: `MediaError.invalidArgument` for a negative count or a rate that is not positive.
    public func presented(frames: Int64 = 1, frameRate: Rational) throws(MediaError) {
        guard frames >= 0, frameRate.num > 0, frameRate.den > 0 else {
            throw MediaError(.invalidArgument, operation: "advance video surface time source",
                             message: "\(frames) frames at \(frameRate) fps: the count must be 0 or more and the rate positive")
        }
        ledger.withLock { $0.add(frames, timeBase: frameRate.inverted) }
        observers.notifyAll()
    }

    /// Records one presented frame that lasted `frameDurationUs` µs.
    /// - Throws: `MediaError.invalidArgument` for a negative duration.
    public func presented(frameDurationUs: Int64) throws(MediaError) {
        guard frameDurationUs >= 0 else {
            throw MediaError(.invalidArgument, operation: "advance video surface time source",
                             message: "frame duration \(frameDurationUs) µs is negative")
        }
        ledger.withLock { $0.add(us: frameDurationUs) }
        observers.notifyAll()
    }
}
