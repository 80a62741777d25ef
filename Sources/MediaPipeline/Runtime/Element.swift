public import MediaCore

/// Where an element's outputs go during one call: pairs of source pad and item,
/// and any format change. The runtime forwards them after the call returns.
public struct Outputs {
    var items: [(pad: String, item: MediaItem)] = []
    var formats: [(pad: String, format: StreamFormat)] = []
    /// Warnings the runtime posts on the bus, naming the element.
    public private(set) var warnings: [String] = []

    public init() {}

    /// Positions to post on the bus as progress, µs.
    public private(set) var progress: [Int64] = []

    /// Log lines to post on the bus (`BusMessage.log`), naming this element.
    public private(set) var logs: [ElementLog] = []

    /// Posts a log line on the bus (`BusMessage.log`) naming this element:
    /// what a sandboxed guest said, for instance.
    public mutating func log(_ entry: ElementLog) { logs.append(entry) }

    /// Posts a warning on the bus (`BusMessage.warning`) naming this element; the stream goes on.
    public mutating func warn(_ message: String) { warnings.append(message) }

    /// Posts the stream's position on the bus (`BusMessage.progress`) naming this element.
    public mutating func reportProgress(positionUs: Int64) { progress.append(positionUs) }

    public mutating func emit(_ item: MediaItem, on pad: String = "src") { items.append((pad, item)) }

    /// Announces a new format on `pad` (after the first negotiation: a mid-stream change).
    public mutating func setFormat(_ format: StreamFormat, on pad: String = "src") { formats.append((pad, format)) }
}

/// What an element is told when its inputs' formats are known.
public struct NegotiationRequest: Sendable {
    /// The fixed format on each linked sink pad.
    public var inputs: [String: StreamFormat]
    /// For each linked source pad, the caps filters downstream asked for (possibly none).
    public var constraints: [String: [Caps]]
    /// Source pads whose downstream element takes positioned writes (`MediaItem.write`): a file.
    public var seekableOutputs: Set<String> = []
    /// Sink pads whose upstream offers a file to read directly (`filesrc`), for
    /// elements whose factory `pullsFiles`: reading it gives pull mode.
    public var inputFiles: [String: String] = [:]

    public init(inputs: [String: StreamFormat], constraints: [String: [Caps]], seekableOutputs: Set<String> = [],
                inputFiles: [String: String] = [:]) {
        self.inputs = inputs
        self.constraints = constraints
        self.seekableOutputs = seekableOutputs
        self.inputFiles = inputFiles
    }
}

/// A running element. Built by its factory inside the task that runs it, used
/// by that task only: elements are not `Sendable` and need no locks.
///
/// Lifecycle: `negotiate` once every linked sink pad has a format (sources:
/// at start, with no inputs), then `process` per item, then `finish` when
/// every sink pad reached end of stream (FFmpeg's send-NULL drain).
public protocol Element: AnyObject {
    /// Fixes the format of every linked source pad, honouring the constraints.
    /// - Throws: ``PipelineError`` with `notNegotiated` when no format satisfies them.
    func negotiate(_ request: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat]
    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError)
    func finish(into out: inout Outputs) throws(PipelineError)
    /// A flushing seek is under way: drop anything held for later
    /// (a decoder's frames in flight, a held frame). Items that follow come
    /// from the new position. Nothing is emitted: what a flush would give out
    /// belongs before the seek.
    /// - Throws: ``PipelineError`` when the element cannot drop its state (the pipeline fails).
    func flush() throws(PipelineError)
    /// What follows on `pad` starts at `startUs` (a seek's target): elements
    /// that clip (decoders) drop what ends before it.
    func startSegment(atUs startUs: Int64, on pad: String)
}

/// A source that can hand its file to a downstream element that reads files
/// itself (pull mode): the runtime then sends the file's path with the format
/// and no bytes.
public protocol FileOfferingElement: SourceElement {
    var offeredFile: String { get }
}

/// An element with no inputs: the runtime calls `produce` until it returns `.eos`
/// or the pipeline is stopping.
public protocol SourceElement: Element {
    func produce(into out: inout Outputs) throws(PipelineError) -> FlowResult
}

extension Element {
    public func finish(into out: inout Outputs) throws(PipelineError) {}
    public func flush() throws(PipelineError) {}
    public func startSegment(atUs startUs: Int64, on pad: String) {}
}

/// An element that can move its stream to a time: sources, and a demuxer
/// reading a file. The runtime calls `seek` in the element's own task, then
/// sends `flush` and a new segment downstream (docs/pipelines.md, "Seeking").
public protocol SeekableElement: Element {
    /// Moves to `timeUs`: what is produced next starts at or before it
    /// (a demuxer lands on the keyframe before; decoders clip to the segment).
    func seek(toUs timeUs: Int64) throws(PipelineError)
    /// False when this instance cannot seek after all (a demuxer fed a stream of bytes).
    var canSeek: Bool { get }
}

extension SeekableElement {
    public var canSeek: Bool { true }
}

/// An element that, once negotiated, produces on its own from its input
/// (GStreamer's pull mode): a demuxer given a file reads it itself, so it
/// can seek. The runtime then runs it like a source.
public protocol PullingElement: Element {
    /// True when negotiation chose pull mode.
    var isPulling: Bool { get }
    func produce(into out: inout Outputs) throws(PipelineError) -> FlowResult
}

/// An element that wants its input to start at a time (`trim start=`): once
/// negotiated, the runtime asks the producers upstream to seek there, and
/// drops what reaches the element before that seek's flush.
public protocol StartSeekingElement: Element {
    /// Where the input should start, µs; nil or 0 for no seek.
    var startSeekUs: Int64? { get }
}

extension SourceElement {
    public func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {}
}

/// A factory that can also make its element (all real elements; the checker
/// needs only ``ElementFactory``).
public protocol RunnableElementFactory: ElementFactory {
    /// Makes the element with typed properties (defaults applied by the caller
    /// where the graph left them unset). Called inside the element's task.
    func make(_ properties: [String: PropertyValue], context: ElementContext) throws(PipelineError) -> any Element
}

/// What an element may know about its place in the pipeline.
public struct ElementContext: Sendable {
    /// The element's name in the graph.
    public var name: String
    /// Its linked source pads and sink pads, in link order.
    public var sourcePads: [String]
    public var sinkPads: [String]

    public init(name: String, sourcePads: [String], sinkPads: [String]) {
        self.name = name
        self.sourcePads = sourcePads
        self.sinkPads = sinkPads
    }
}

/// A failure inside a pipeline, with where it happened.
public struct PipelineError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case notNegotiated = "not-negotiated"
        case failed
        case invalidGraph = "invalid-graph"
    }
    public var code: Code
    /// The element's name, when known (filled in by the runtime).
    public var element: String?
    public var pad: String?
    public var message: String
    public var cause: MediaError?

    public init(_ code: Code, _ message: String, element: String? = nil, pad: String? = nil, cause: MediaError? = nil) {
        self.code = code
        self.message = message
        self.element = element
        self.pad = pad
        self.cause = cause
    }

    /// Wraps a media library failure.
    public init(_ cause: MediaError, element: String? = nil, pad: String? = nil) {
        self.init(.failed, cause.description, element: element, pad: pad, cause: cause)
    }

    public var description: String {
        var path = element ?? "pipeline"
        if let pad { path += "." + pad }
        return "\(path): \(code == .failed ? "" : code.rawValue + ": ")\(message)"
    }
}
