public import MediaCore

/// Drives one element without a pipeline, for tests (GStreamer's gst-check):
/// set its input formats, push items, finish (EOS), pull what came out.
///
/// Synchronous and deterministic: no tasks, no clock. Not thread-safe.
///
/// ```swift
/// let h = try ElementHarness("videoconvert", properties: ["format": "rgba8888"])
/// try h.start(inputs: ["sink": .rawVideo(.yuv420p, width: 64, height: 48, frameRate: Rational(30, 1))])
/// try h.push(.video(frame))
/// try h.finish()
/// let out = h.pull()          // every item, in order
/// #expect(h.isClean)          // nothing left over
/// ```
public final class ElementHarness {
    public let element: any Element
    public let factory: any RunnableElementFactory
    /// The typed settings the element was made with (an alias's already translated).
    public let properties: [String: PropertyValue]
    /// Formats the element fixed, by source pad (including those announced later).
    public private(set) var formats: [String: StreamFormat] = [:]
    private var outputs: [(pad: String, item: MediaItem)] = []
    /// Every warning the element posted, in order.
    public private(set) var warnings: [String] = []
    /// Log lines the element posted, in order.
    public private(set) var logs: [ElementLog] = []
    /// Every position the element posted as progress (`Outputs.reportProgress`), µs, in order.
    public private(set) var progress: [Int64] = []
    private var finished = false

    /// Makes `factory` from `registry` with text properties (typed by its schema).
    /// `sourcePads`/`sinkPads` name the pads linked, as a graph would.
    public init(_ factory: String, properties: [String: String] = [:], sinkPads: [String] = ["sink"],
                sourcePads: [String] = ["src"], registry: ElementRegistry = .standard) throws(PipelineError) {
        guard let named = registry.factory(named: factory) else {
            throw PipelineError(.invalidGraph, registry.unknownFactoryMessage(factory))
        }
        var typed: [String: PropertyValue] = [:]
        for (key, text) in properties {
            guard let schema = named.property(key) else { throw PipelineError(.invalidGraph, "'\(factory)' has no property '\(key)'") }
            switch schema.parse(text) {
            case .success(let v): typed[key] = v
            case .failure(let p): throw PipelineError(.invalidGraph, p.message)
            }
        }
        // An alias (x264enc) is its target with the values translated, as in a graph.
        var resolved: any ElementFactory = named
        if let alias = named as? ElementAlias {
            do { typed = try alias.translate(typed) } catch { throw PipelineError(.invalidGraph, error.message) }
            resolved = alias.target
        }
        guard let f = resolved as? any RunnableElementFactory else {
            throw PipelineError(.invalidGraph, "'\(factory)' can be checked but not run")
        }
        self.properties = typed
        self.factory = f
        let pads = f.templates(.source).isEmpty ? [] : sourcePads
        let sinks = f.templates(.sink).isEmpty ? [] : sinkPads
        element = try f.make(typed, context: ElementContext(name: factory + "0", sourcePads: pads, sinkPads: sinks))
    }

    /// Negotiates with these input formats and caps filters on the outputs.
    public func start(inputs: [String: StreamFormat] = [:], constraints: [String: [Caps]] = [:]) throws(PipelineError) {
        formats = try element.negotiate(NegotiationRequest(inputs: inputs, constraints: constraints))
    }

    /// Pushes one item into sink pad `pad`.
    public func push(_ item: MediaItem, on pad: String = "sink") throws(PipelineError) {
        var out = Outputs()
        try element.process(item, on: pad, into: &out)
        collect(out)
    }

    /// For sources: produces until end of stream or `limit` calls.
    @discardableResult
    public func produce(limit: Int = 100_000) throws(PipelineError) -> Int {
        guard let source = element as? any SourceElement else { return 0 }
        var calls = 0
        while calls < limit {
            var out = Outputs()
            let result = try source.produce(into: &out)
            collect(out)
            calls += 1
            if result == .eos { break }
        }
        return calls
    }

    /// End of stream on every input: the element drains.
    public func finish() throws(PipelineError) {
        var out = Outputs()
        try element.finish(into: &out)
        collect(out)
        finished = true
    }

    /// Everything emitted since the last pull, in order, with its pad.
    public func pull() -> [(pad: String, item: MediaItem)] {
        defer { outputs.removeAll() }
        return outputs
    }

    /// True once finished with everything pulled: nothing left over.
    public var isClean: Bool { finished && outputs.isEmpty }

    private func collect(_ out: Outputs) {
        warnings += out.warnings
        logs += out.logs
        progress += out.progress
        for (pad, format) in out.formats { formats[pad] = format }
        outputs += out.items
    }
}
