/// What drives a ``MediaClock``: WIT `wasi:media/clock.clock-source`.
///
/// The raw value is the WIT name. ``MediaClock/init(source:)`` builds the
/// matching ``TimeSource``; ``systemMonotonic`` is the default.
public enum ClockSource: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The audio output's consumption of samples (``AudioPlaybackTimeSource``).
    /// The recommended master for media players: audio never has to be
    /// resampled to follow another clock.
    case audioPlayback = "audio-playback"
    /// The display's presentation of frames (``VideoSurfaceTimeSource``).
    /// The recommended master for pure video, UI rendering and games.
    case videoSurface = "video-surface"
    /// The OS monotonic clock (``SystemMonotonicTimeSource``). The recommended
    /// clock for headless live pipelines and stream multiplexing; the default.
    case systemMonotonic = "system-monotonic"

    /// ``systemMonotonic``.
    public static let `default`: ClockSource = .systemMonotonic

    /// The WIT enum case name (`system-monotonic`).
    public var witName: String { rawValue }

    /// The case named `witName` in WIT, or nil for an unknown name.
    public init?(witName: String) { self.init(rawValue: witName) }

    public var description: String { rawValue }
}
