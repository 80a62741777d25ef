import MediaCore

/// The state machine of a ``MediaClock``: a pure value, given the source
/// time by its caller for every operation, so it is tested without a source.
///
/// `now = base + (source − anchor) × rate` while running, `base` while paused.
/// Each operation re-anchors: `base` becomes the presentation time at that
/// instant (or the seek target) and `anchor` the source time. The product is
/// computed by `MediaTime.rescale` with 128-bit intermediates and one rounding,
/// so a segment of any length is exact; a re-anchor rounds at most once.
struct ClockTimeline: Sendable, Hashable {
    private(set) var isRunning = false
    /// In lowest terms, positive.
    private(set) var rate = Rational(1, 1)
    /// Presentation time at the anchor, µs.
    private(set) var baseUs: Int64 = 0
    /// Source time at the last start, rate change or seek, µs.
    private(set) var anchorSourceUs: Int64 = 0

    func now(sourceUs: Int64) -> Int64 {
        guard isRunning else { return baseUs }
        let elapsed = max(0, sourceUs - anchorSourceUs)
        return ClockArithmetic.add(baseUs, MediaTime.rescale(elapsed, multiplier: rate.num, divisor: rate.den))
    }

    mutating func start(sourceUs: Int64) {
        guard !isRunning else { return }
        anchorSourceUs = sourceUs
        isRunning = true
    }

    mutating func pause(sourceUs: Int64) {
        guard isRunning else { return }
        baseUs = now(sourceUs: sourceUs)
        isRunning = false
    }

    mutating func seek(toUs target: Int64, sourceUs: Int64) {
        baseUs = target
        anchorSourceUs = sourceUs
    }

    /// `newRate` must be validated (positive, lowest terms).
    mutating func setRate(_ newRate: Rational, sourceUs: Int64) {
        baseUs = now(sourceUs: sourceUs)
        anchorSourceUs = sourceUs
        rate = newRate
    }

    /// The source time at which `now` should reach `targetUs`, rounded up by
    /// at least 1 µs (callers re-check after waking); nil while paused.
    func sourceDeadline(forUs targetUs: Int64, sourceUs: Int64) -> Int64? {
        guard isRunning else { return nil }
        let remaining = targetUs - now(sourceUs: sourceUs)
        guard remaining > 0 else { return sourceUs }
        let sourceRemaining = MediaTime.rescale(remaining, multiplier: rate.den, divisor: rate.num)
        return ClockArithmetic.add(sourceUs, ClockArithmetic.add(sourceRemaining, 1))
    }
}
