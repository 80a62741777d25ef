/// Pipeline states (GStreamer's), in order. `ready`: every element is made
/// and has opened its resources. `paused`: data flows until every sink holds
/// its first item (preroll). `playing`: sinks consume (live ones on the clock).
/// The transitions: ``PipelineStateMachine``.
public enum PipelineState: String, Sendable, Hashable, Comparable, CaseIterable {
    case null, ready, paused, playing

    var rank: Int {
        switch self {
        case .null: 0
        case .ready: 1
        case .paused: 2
        case .playing: 3
        }
    }

    public static func < (a: PipelineState, b: PipelineState) -> Bool { a.rank < b.rank }
}

/// How a state change ended (GStreamer's `GstStateChangeReturn`, without
/// its asynchronous case: ``Pipeline/setState(_:)`` returns once the state is reached).
public enum StateChangeResult: Sendable, Hashable {
    /// The state is reached; in paused, every sink holds its first item (or has ended).
    case success
    /// Paused without preroll: a live pipeline's sinks hold nothing until playing.
    case noPreroll
    /// Paused, but these sinks hold nothing: nothing more can move until
    /// playing, because their branches wait for data that other branches
    /// hold back (a tee before an encoder with lookahead, whose other
    /// branch's sink holds its first frame and so stops the tee). Playing
    /// starts them.
    case partialPreroll(starved: [String])
}
