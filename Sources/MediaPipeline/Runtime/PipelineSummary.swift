/// What a finished run did.
public struct PipelineSummary: Sendable {
    /// Items each sink consumed, by element name (over every stream, when a
    /// seek after the end played again).
    public var itemsPerSink: [String: Int] = [:]
    /// True when ``Pipeline/stop()`` ended it (sources sent end of stream early).
    public var stopped = false
}

/// How full one element's input queue got, and what it dropped.
public struct QueueLevel: Sendable, Hashable {
    /// Most items waiting at once.
    public var maxItems: Int
    /// Most bytes waiting at once.
    public var maxBytes: Int
    /// Items a leaky queue dropped.
    public var dropped: Int
}
