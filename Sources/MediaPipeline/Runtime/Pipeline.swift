public import Logging
public import MediaCore
import Synchronization

/// Pipeline states (GStreamer's).
public enum PipelineState: String, Sendable, Hashable {
    case null, ready, paused, playing
}

/// What the pipeline tells the application, in order, as it runs.
public enum BusMessage: Sendable {
    case stateChanged(PipelineState)
    /// A link's format was fixed (before any item crossed it).
    case negotiated(element: String, pad: String, format: StreamFormat)
    case error(PipelineError)
    case warning(element: String, message: String)
    /// One sink received end of stream (exactly once per sink).
    case sinkEndOfStream(String)
    /// Every sink received end of stream: the pipeline is done.
    case endOfStream
    /// A sink's position, in µs of media time.
    case progress(element: String, positionUs: Int64)
}

/// What a finished run did.
public struct PipelineSummary: Sendable {
    /// Items each sink consumed, by element name.
    public var itemsPerSink: [String: Int] = [:]
    /// True when ``Pipeline/stop()`` ended it (sources sent end of stream early).
    public var stopped = false
}

/// A checked graph, run: one task per element, a bounded inbox per element,
/// formats negotiated in band before any item, end of stream drained
/// through every element (docs/pipelines.md).
///
/// `run()` once per instance. `stop()` and `bus` may be used from any task.
public final class Pipeline: Sendable {
    /// Messages in the order they happen; finishes when the run ends.
    public let bus: AsyncStream<BusMessage>
    private let busContinuation: AsyncStream<BusMessage>.Continuation
    private let graph: CheckedGraph
    private let stopping = Atomic<Bool>(false)
    /// The pipeline clock, when the graph has a live source (or one was
    /// given): sinks then wait for each item's time on it. nil runs as fast as
    /// possible on media timestamps (offline).
    public let clock: MediaClock?
    private let logger: Logger

    /// Items waiting per inbox by default (a `queue` element sets its own).
    public static let defaultInboxCapacity = 2

    /// - Throws: ``PipelineError`` (`invalidGraph`) when an element's factory cannot run.
    /// - Parameter clock: the clock live sinks sync to; nil picks a
    ///   system-monotonic clock when any source has `is-live=true`, else none.
    public init(_ graph: CheckedGraph, clock: MediaClock? = nil, logger: Logger = Logger(label: "wasi-media.pipeline")) throws(PipelineError) {
        for e in graph.elements where !(e.factory is any RunnableElementFactory) {
            throw PipelineError(.invalidGraph, "element '\(e.factory.name)' can be checked but not run", element: e.name)
        }
        self.graph = graph
        let live = graph.elements.contains { $0.properties["is-live"] == .bool(true) }
        self.clock = clock ?? (live ? MediaClock(source: .systemMonotonic) : nil)
        self.logger = logger
        (bus, busContinuation) = AsyncStream.makeStream(of: BusMessage.self, bufferingPolicy: .unbounded)
    }

    /// Parses, checks and prepares a launch line.
    /// - Throws: ``GraphError`` with every problem and its column.
    public convenience init(launch line: String, registry: ElementRegistry, clock: MediaClock? = nil,
                            logger: Logger = Logger(label: "wasi-media.pipeline")) throws(GraphError) {
        let (spec, map) = try LaunchLine.parse(line)
        let checked = try GraphChecker.check(spec, sourceMap: map, registry: registry)
        do { try self.init(checked, clock: clock, logger: logger) } catch {
            throw GraphError(issues: [GraphIssue(.unknownFactory, error.description, error.element.flatMap { map.elements[$0] })])
        }
    }

    /// Asks the sources to end their streams; everything downstream drains and
    /// finalizes (muxers write their trailers). Thread-safe; idempotent.
    public func stop() { stopping.store(true, ordering: .relaxed) }

    var isStopping: Bool { stopping.load(ordering: .relaxed) }

    enum Envelope: Sendable {
        case format(pad: String, StreamFormat)
        case item(pad: String, MediaItem)
        case endOfStream(pad: String)
    }

    struct Route: Sendable {
        /// Index of the inbox the items go to.
        var target: Int
        /// The downstream element takes positioned writes.
        var seekable: Bool
        var pad: String
        var caps: Caps?
        var link: CheckedGraph.Link
    }

    /// Runs to the end of every stream.
    /// - Throws: the first ``PipelineError`` (also posted on the bus); the other
    ///   elements are then stopped.
    public func run() async throws(PipelineError) -> PipelineSummary {
        let elements = graph.elements
        let index = Dictionary(uniqueKeysWithValues: elements.enumerated().map { ($1.name, $0) })
        var routes = [[String: Route]](repeating: [:], count: elements.count)
        var sinkPads = [[String]](repeating: [], count: elements.count)
        var sourcePads = [[String]](repeating: [], count: elements.count)
        for link in graph.links {
            let from = index[link.from.element]!, to = index[link.to.element]!
            sinkPads[to].append(link.toPad)
            sourcePads[from].append(link.fromPad)
        }
        // Inboxes: one per element, or one per sink pad for elements that read
        // their inputs one after another (so a later input waits upstream, not in memory).
        var inboxes: [Inbox<Envelope>] = []
        var inboxIndex: [Int: [String: Int]] = [:]
        for i in elements.indices where !sinkPads[i].isEmpty {
            let factory = elements[i].factory
            if factory.readsInputsInOrder {
                for pad in sinkPads[i] {
                    inboxIndex[i, default: [:]][pad] = inboxes.count
                    inboxes.append(Inbox<Envelope>(capacity: Self.defaultInboxCapacity))
                }
                continue
            }
            let inbox: Inbox<Envelope>
            if factory.name == "queue" {
                // A queue's own settings shape its inbox: depth, and what to drop when full.
                let p = Properties(elements[i].properties, schema: factory.properties)
                inbox = Inbox<Envelope>(capacity: max(1, p.int("max-size-buffers") ?? Self.defaultInboxCapacity),
                                        leak: p.string("leaky").flatMap(LeakPolicy.init(rawValue:)) ?? .none,
                                        droppable: { if case .item = $0 { return true } else { return false } })
            } else {
                inbox = Inbox<Envelope>(capacity: Self.defaultInboxCapacity)
            }
            for pad in sinkPads[i] { inboxIndex[i, default: [:]][pad] = inboxes.count }
            inboxes.append(inbox)
        }
        for link in graph.links {
            let from = index[link.from.element]!, to = index[link.to.element]!
            routes[from][link.fromPad] = Route(target: inboxIndex[to]![link.toPad]!, seekable: elements[to].factory.takesPositionedWrites,
                                               pad: link.toPad, caps: link.caps, link: link)
        }
        let sinks = Set(elements.indices.filter { sourcePads[$0].isEmpty })
        let run = RunState(inboxes: inboxes, bus: busContinuation, sinkCount: sinks.count)
        let bus = busContinuation

        bus.yield(.stateChanged(.ready))
        bus.yield(.stateChanged(.paused))
        bus.yield(.stateChanged(.playing))
        clock?.start()
        await withTaskGroup(of: Void.self) { group in
            for i in elements.indices {
                let mine = sinkPads[i].map { ($0, inboxes[inboxIndex[i]![$0]!]) }
                let runner = ElementRunner(spec: elements[i],
                                           context: ElementContext(name: elements[i].name, sourcePads: sourcePads[i], sinkPads: sinkPads[i]),
                                           routes: routes[i], padInboxes: mine, inboxes: inboxes, bus: bus, pipeline: self)
                let isSink = sinks.contains(i)
                group.addTask {
                    do throws(PipelineError) {
                        let consumed = try await runner.run()
                        if isSink { run.sinkFinished(runner.spec.name, consumed: consumed) }
                    } catch {
                        var e = error
                        if e.element == nil { e.element = runner.spec.name }
                        run.fail(e)
                    }
                }
            }
        }
        bus.yield(.stateChanged(.null))
        bus.finish()
        if let error = run.failure.withLock({ $0 }) {
            logger.error("pipeline failed", metadata: ["error": "\(error)"])
            throw error
        }
        var result = run.summary.withLock { $0 }
        result.stopped = stopping.load(ordering: .relaxed)
        return result
    }
}

/// What the element tasks of one run share.
final class RunState: Sendable {
    let failure = Mutex<PipelineError?>(nil)
    let summary = Mutex(PipelineSummary())
    let remainingSinks: Atomic<Int>
    let inboxes: [Inbox<Pipeline.Envelope>]
    let bus: AsyncStream<BusMessage>.Continuation

    init(inboxes: [Inbox<Pipeline.Envelope>], bus: AsyncStream<BusMessage>.Continuation, sinkCount: Int) {
        self.inboxes = inboxes
        self.bus = bus
        remainingSinks = Atomic(sinkCount)
    }

    /// Records the first failure, posts it, and wakes every task so all stop.
    func fail(_ error: PipelineError) {
        let first = failure.withLock { f -> Bool in
            if f == nil { f = error; return true }
            return false
        }
        guard first else { return }
        bus.yield(.error(error))
        inboxes.forEach { $0.close() }
    }

    /// A sink saw end of stream on every input: posted once per sink, then once for the pipeline.
    func sinkFinished(_ name: String, consumed: Int) {
        summary.withLock { $0.itemsPerSink[name] = consumed }
        guard failure.withLock({ $0 == nil }) else { return }
        bus.yield(.sinkEndOfStream(name))
        if remainingSinks.subtract(1, ordering: .relaxed).newValue == 0 { bus.yield(.endOfStream) }
    }
}

/// Runs one element inside its task; used by that task only.
final class ElementRunner: @unchecked Sendable {
    let spec: CheckedGraph.Element
    let context: ElementContext
    let routes: [String: Pipeline.Route]
    /// The inbox of each sink pad (the same one for all, unless the element reads its inputs in order).
    let padInboxes: [(String, Inbox<Pipeline.Envelope>)]
    let inboxes: [Inbox<Pipeline.Envelope>]
    let bus: AsyncStream<BusMessage>.Continuation
    let pipeline: Pipeline
    /// Sometimes-pads that appeared (`video_0`), bound to the link made for their pattern (`video_%u`).
    private var aliases: [String: String] = [:]
    /// Pads found to have no link. Candidates only shrink as patterns are bound,
    /// so a miss stays a miss: later items skip the search, and an item can never
    /// bind a pattern its pad's announced format was refused for.
    private var unrouted: Set<String> = []

    /// The last format announced on each source pad: a repeat is not sent again.
    private var announced: [String: StreamFormat] = [:]

    init(spec: CheckedGraph.Element, context: ElementContext, routes: [String: Pipeline.Route],
         padInboxes: [(String, Inbox<Pipeline.Envelope>)],
         inboxes: [Inbox<Pipeline.Envelope>], bus: AsyncStream<BusMessage>.Continuation, pipeline: Pipeline) {
        self.spec = spec
        self.context = context
        self.routes = routes
        self.padInboxes = padInboxes
        self.inboxes = inboxes
        self.bus = bus
        self.pipeline = pipeline
    }

    /// The route for an output pad: its own link, or the pattern link it was bound to when it appeared.
    private func route(for pad: String, format: StreamFormat?) -> (key: String, route: Pipeline.Route)? {
        if let r = routes[pad] { return (pad, r) }
        if let key = aliases[pad] { return routes[key].map { (key, $0) } }
        if unrouted.contains(pad) { return nil }
        let bound = Set(aliases.values)
        for (key, r) in routes.sorted(by: { $0.key < $1.key }) where key.contains("%u") && !bound.contains(key) {
            let template = PadTemplate(key, .source, .sometimes, kinds: r.link.kinds)
            guard template.matches(pad), format.map({ r.link.kinds.contains($0.kind) }) ?? true else { continue }
            aliases[pad] = key
            return (key, r)
        }
        unrouted.insert(pad)
        return nil
    }

    /// Checks `format` against the link's caps filter and sends it downstream.
    private func announce(_ format: StreamFormat, on pad: String) async throws(PipelineError) -> Bool {
        guard let (_, r) = route(for: pad, format: format) else { return true }   // an unlinked pad
        if announced[pad] == format { return true }
        announced[pad] = format
        if let caps = r.caps, !format.satisfies(caps) {
            throw PipelineError(.notNegotiated,
                                "\(spec.name).\(pad) (\(format)) cannot link to \(r.link.to.element).\(r.pad) through caps \(caps)",
                                pad: pad)
        }
        bus.yield(.negotiated(element: spec.name, pad: pad, format: format))
        return await inboxes[r.target].send(.format(pad: r.pad, format))
    }

    /// Returns the number of items consumed (for sinks).
    func run() async throws(PipelineError) -> Int {
        let factory = spec.factory as! any RunnableElementFactory
        let element = try factory.make(spec.properties, context: context)
        var consumed = 0
        if let source = element as? any SourceElement {
            _ = try await negotiate(element, inputs: [:])
            while !pipeline.isStopping {
                var out = Outputs()
                let result = try source.produce(into: &out)
                guard try await forward(out) else { return consumed }
                if result == .eos { break }
            }
            var out = Outputs()
            try element.finish(into: &out)
            _ = try await forward(out)
            await sendEndOfStream()
            return consumed
        }
        guard let inbox = padInboxes.first?.1 else { return 0 }
        if spec.factory.readsInputsInOrder { return try await runInOrder(element) }
        var formats: [String: StreamFormat] = [:]
        var negotiated = false
        var pending: [(String, MediaItem)] = []
        var ended = Set<String>()
        let expected = Set(context.sinkPads)
        var lastProgress: Int64 = .min
        // Sinks report their position; so do elements whose output has no
        // timestamps (a muxer's bytes), since what follows them cannot.
        var reportsProgress = context.sourcePads.isEmpty
        while let envelope = await inbox.receive() {
            switch envelope {
            case .format(let pad, let format):
                formats[pad] = format
                if !negotiated && Set(formats.keys) == expected {
                    let outputs = try await negotiate(element, inputs: formats)
                    reportsProgress = reportsProgress || outputs.values.contains { $0.kind == .bytes }
                    negotiated = true
                    for (p, item) in pending { try await handle(element, item, pad: p) }
                    pending.removeAll()
                } else if negotiated {
                    _ = try await negotiate(element, inputs: formats)
                }
            case .item(let pad, let item):
                consumed += 1
                // A live pipeline's sinks present each item at its time on the clock.
                if context.sourcePads.isEmpty, let clock = pipeline.clock, let ts = item.timestampUs {
                    switch await clock.wait(untilUs: ts) {
                    case .reached, .unscheduled: break
                    case .cancelled: return consumed
                    }
                }
                if reportsProgress, let ts = item.timestampUs, MediaTime.subtract(ts, lastProgress) >= 500_000 {
                    lastProgress = ts
                    bus.yield(.progress(element: spec.name, positionUs: ts))
                }
                if negotiated { try await handle(element, item, pad: pad) } else { pending.append((pad, item)) }
            case .endOfStream(let pad):
                ended.insert(pad)
                if ended == expected {
                    var out = Outputs()
                    try element.finish(into: &out)
                    _ = try await forward(out)
                    await sendEndOfStream()
                    return consumed
                }
            }
        }
        // Closed before end of stream: the pipeline is failing; stop quietly.
        return consumed
    }

    /// Reads each sink pad's inbox to its end of stream before the next one's.
    /// The element negotiates with the first input's format; each later input's
    /// format is offered again as it starts (an element may refuse a change).
    private func runInOrder(_ element: any Element) async throws(PipelineError) -> Int {
        var consumed = 0
        var formats: [String: StreamFormat] = [:]
        var negotiated = false
        for (_, inbox) in padInboxes {
            reading: while let envelope = await inbox.receive() {
                switch envelope {
                case .format(let p, let format):
                    formats[p] = format
                    _ = try await negotiate(element, inputs: negotiated ? formats : [p: format])
                    negotiated = true
                case .item(let p, let item):
                    consumed += 1
                    try await handle(element, item, pad: p)
                case .endOfStream:
                    break reading
                }
            }
        }
        var out = Outputs()
        try element.finish(into: &out)
        _ = try await forward(out)
        await sendEndOfStream()
        return consumed
    }

    private func handle(_ element: any Element, _ item: MediaItem, pad: String) async throws(PipelineError) {
        var out = Outputs()
        try element.process(item, on: pad, into: &out)
        _ = try await forward(out)
    }

    @discardableResult
    private func negotiate(_ element: any Element, inputs: [String: StreamFormat]) async throws(PipelineError) -> [String: StreamFormat] {
        var constraints: [String: [Caps]] = [:]
        for pad in context.sourcePads { constraints[pad] = routes[pad]?.caps.map { [$0] } ?? [] }
        let seekable = Set(routes.filter { $0.value.seekable }.map(\.key))
        let formats = try element.negotiate(NegotiationRequest(inputs: inputs, constraints: constraints, seekableOutputs: seekable))
        // Always-pads must be fixed now; sometimes-pads (patterns) announce their format when they appear.
        let later = spec.factory.templates(.source).filter { $0.presence == .sometimes }
        for pad in context.sourcePads where formats[pad] == nil && !later.contains(where: { $0.name == pad || $0.matches(pad) }) {
            throw PipelineError(.notNegotiated, "the element fixed no format for its linked pad", pad: pad)
        }
        for (pad, format) in formats.sorted(by: { $0.key < $1.key }) {
            _ = try await announce(format, on: pad)
        }
        return formats
    }

    /// Sends outputs downstream; false when downstream is gone (the pipeline is failing).
    private func forward(_ out: Outputs) async throws(PipelineError) -> Bool {
        for (pad, format) in out.formats {
            guard try await announce(format, on: pad) else { return false }
        }
        for (pad, item) in out.items {
            guard let (_, r) = route(for: pad, format: nil) else { continue }   // an unlinked pad: dropped
            guard await inboxes[r.target].send(.item(pad: r.pad, item)) else { return false }
        }
        return true
    }

    private func sendEndOfStream() async {
        for route in routes.values {
            _ = await inboxes[route.target].send(.endOfStream(pad: route.pad))
        }
    }
}
