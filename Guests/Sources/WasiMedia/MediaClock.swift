/// What drives a `MediaClock` (`clock-source`).
public enum ClockSource: UInt8, Sendable {
    case audioPlayback, videoSurface, systemMonotonic
}

/// A media timeline (`media-clock`), paused at 0 with rate 1 when made.
/// Times are microseconds. Dropped when the object goes away.
public final class MediaClock {
    let handle: Int32

    public init(source: ClockSource) {
        handle = mediaClockNew(Int32(source.rawValue))
    }

    deinit { mediaClockDrop(handle) }

    /// Starts or resumes the clock.
    public func start() { mediaClockStart(handle) }

    /// Pauses the clock.
    public func pause() { mediaClockPause(handle) }

    /// Sets the speed. `invalidArgument` for 0, NaN, infinities;
    /// `unsupported` for negative rates.
    public func setRate(_ rate: Float) throws(MediaError) {
        let area = CanonicalABI.importReturnArea
        mediaClockSetRate(handle, rate, area)
        try MediaError.check(area)
    }

    /// Moves the timeline to `timeUs`, keeping state and rate.
    public func seek(toUs timeUs: Int64) { mediaClockSeek(handle, timeUs) }

    /// The current presentation time in microseconds.
    public var nowUs: Int64 { mediaClockNow(handle) }

    /// Waits until the clock reaches `targetUs`; returns how late it was,
    /// in microseconds. `invalidState` on a paused clock.
    public func wait(untilUs targetUs: Int64) throws(MediaError) -> UInt64 {
        let area = CanonicalABI.importReturnArea
        mediaClockWaitUntil(handle, targetUs, area)
        if CanonicalABI.load(area, 0, as: UInt8.self) != 0 { throw MediaError.take(at: area, 8) }
        return CanonicalABI.load(area, 8, as: UInt64.self)
    }
}
