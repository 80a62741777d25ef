public import MediaCore

/// What the pipeline tells the application, in order, as it runs.
public enum BusMessage: Sendable {
    case stateChanged(PipelineState)
    /// A link's format was fixed (before any item crossed it).
    case negotiated(element: String, pad: String, format: StreamFormat)
    case error(PipelineError)
    case warning(element: String, message: String)
    /// A log line of an element: what a guest logged through `wasi:logging`.
    case log(element: String, ElementLog)
    /// One sink received end of stream (once per sink per stream: a seek
    /// after the end starts a new stream).
    case sinkEndOfStream(String)
    /// Every sink received end of stream. The pipeline stays in its state
    /// (a seek plays again); ``Pipeline/run()`` tears it down then.
    case endOfStream
    /// A sink's position, in µs of media time.
    case progress(element: String, positionUs: Int64)
    /// A flushing seek finished: every source moved to `positionUs`.
    case seekDone(positionUs: Int64)
}

/// The writing end of ``Pipeline/bus``: unbounded (a slow reader never
/// holds the pipeline back), finished when the run's tasks have all ended.
/// Thread-safe.
struct Bus: Sendable {
    let messages: AsyncStream<BusMessage>
    private let continuation: AsyncStream<BusMessage>.Continuation

    init() {
        (messages, continuation) = AsyncStream.makeStream(of: BusMessage.self, bufferingPolicy: .unbounded)
    }

    func post(_ message: BusMessage) { continuation.yield(message) }

    func finish() { continuation.finish() }
}
