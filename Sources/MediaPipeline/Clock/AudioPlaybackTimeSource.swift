public import MediaCore
import Synchronization

/// Time as the audio output plays it: advanced by the samples the device
/// has consumed. ``TimeSourcePacing/driven``; the audio sink calls
/// ``consumed(samples:sampleRate:)`` from its device callback or write loop.
///
/// Exact: the sample count is kept per sample rate and converted with
/// `MediaTime` each time the time is read, so 24 hours of 1024-sample
/// periods at 44.1 kHz read exactly 86 400 000 000 µs. With several rates in
/// one run, each rate's share is rounded once (to the nearest µs).
/// The time moves in steps of whatever the sink reports (a device period);
/// it does not interpolate between callbacks.
///
/// Thread-safe.
public final class AudioPlaybackTimeSource: TimeSource {
    private let ledger = Mutex(TickLedger())
    private let observers = TimeSourceObservers()

    public init() {}

    public var nowUs: Int64 { ledger.withLock { $0.microseconds } }

    public var pacing: TimeSourcePacing { .driven }

    public func observeAdvances(_ handler: @escaping @Sendable () -> Void) -> TimeSourceObservation? {
        observers.add(handler)
    }

    /// Samples (per channel) consumed so far at `sampleRate` Hz.
    public func samplesConsumed(sampleRate: Int) -> Int64 {
        guard sampleRate > 0 else { return 0 }
        let key = Rational(1, Int64(sampleRate))
        return ledger.withLock { $0.ticks[key] ?? 0 }
    }

    /// Records that the device played `samples` frames (samples per channel)
    /// at `sampleRate` Hz, then wakes the clocks on this source.
    /// - Throws: `MediaError.invalidArgument` for a negative count or a rate of 0 or less.
    public func consumed(samples: Int, sampleRate: Int) throws(MediaError) {
        guard samples >= 0, sampleRate > 0 else {
            throw MediaError(.invalidArgument, operation: "advance audio playback time source",
                             message: "\(samples) samples at \(sampleRate) Hz: the count must be 0 or more and the rate positive")
        }
        ledger.withLock { $0.add(Int64(samples), timeBase: Rational(1, Int64(sampleRate))) }
        observers.notifyAll()
    }
}
