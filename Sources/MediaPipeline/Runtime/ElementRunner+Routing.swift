extension ElementRunner {
    /// The route for an output pad: its own link, or the pattern link it was bound to when it appeared.
    func route(for pad: String, format: StreamFormat?) -> (key: String, route: Topology.Route)? {
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

    /// Checks `format` against the link's caps filter and sends it downstream
    /// (an unlinked pad, or a repeat, sends nothing).
    func announce(_ format: StreamFormat, on pad: String) async throws(PipelineError) -> Delivery {
        guard let (_, r) = route(for: pad, format: format) else { return .delivered }
        if announced[pad] == format { return .delivered }
        announced[pad] = format
        if let caps = r.caps, !format.satisfies(caps) {
            throw PipelineError(.notNegotiated,
                                "\(spec.name).\(pad) (\(format)) cannot link to \(r.link.to.element).\(r.pad) through caps \(caps)",
                                pad: pad)
        }
        bus.post(.negotiated(element: spec.name, pad: pad, format: format))
        return await inboxes[r.target].send(.format(pad: r.pad, format, file: offeredFile))
    }

    /// Asks the element for its output formats and announces them downstream.
    @discardableResult
    func negotiate(_ element: any Element, inputs: [String: StreamFormat], files: [String: String]) async throws(PipelineError) -> [String: StreamFormat] {
        var constraints: [String: [Caps]] = [:]
        for pad in context.sourcePads { constraints[pad] = routes[pad]?.caps.map { [$0] } ?? [] }
        let seekable = Set(routes.filter { $0.value.seekable }.map(\.key))
        let formats = try element.negotiate(NegotiationRequest(inputs: inputs, constraints: constraints, seekableOutputs: seekable,
                                                               inputFiles: files))
        // A puller becomes a producer before anything downstream can ask it to seek.
        if let puller = element as? any PullingElement, puller.isPulling {
            run.registerProducer(index, name: spec.name, seekable: (element as? any SeekableElement)?.canSeek ?? false)
        }
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

    /// Sends outputs downstream. `.flushing` when the rest of the batch was
    /// dropped: this producer has a seek to perform, or downstream is gone
    /// (the run is being torn down).
    func forward(_ out: Outputs) async throws(PipelineError) -> FlowResult {
        for warning in out.warnings { bus.post(.warning(element: spec.name, message: warning)) }
        for entry in out.logs { bus.post(.log(element: spec.name, entry)) }
        for positionUs in out.progress { bus.post(.progress(element: spec.name, positionUs: positionUs)) }
        for (pad, format) in out.formats {
            guard try await announce(format, on: pad) == .delivered else { return .flushing }
        }
        for (pad, item) in out.items {
            if producing && run.hasSeek(index) { return .flushing }   // stale: the seek comes first
            guard let (_, r) = route(for: pad, format: nil) else { continue }   // an unlinked pad: dropped
            guard await inboxes[r.target].send(.item(pad: r.pad, item)) == .delivered else { return .flushing }
        }
        return .ok
    }

    /// End of stream on every link; a warning for each linked sometimes-pad that never appeared.
    func sendEndOfStream() async {
        let bound = Set(aliases.values)
        let sometimes = spec.factory.templates(.source).filter { $0.presence == .sometimes }
        for (key, route) in routes.sorted(by: { $0.key < $1.key }) {
            let isSometimes = sometimes.contains { $0.name == key || $0.matches(key) }
            let appeared = key.contains("%u") ? bound.contains(key) : announced[key] != nil
            if isSometimes && !appeared {
                bus.post(.warning(element: spec.name,
                                  message: "pad \(key) never appeared (the input has no such stream), so \(route.link.to.element) got nothing"))
            }
            _ = await inboxes[route.target].send(.endOfStream(pad: route.pad))
        }
    }
}
