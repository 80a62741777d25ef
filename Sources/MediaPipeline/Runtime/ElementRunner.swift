/// Runs one element inside its task: makes it (ready), waits for the flow
/// (paused), then either produces (a source, a demuxer in pull mode) or
/// consumes its inbox, until the run is torn down. End of stream does not
/// end the task: a seek may restart the stream.
///
/// Used by its task only (hence `@unchecked Sendable`: it crosses into the
/// task once). What it shares with the other tasks goes through
/// ``RunState`` and the inboxes.
final class ElementRunner: @unchecked Sendable {
    /// How a stretch of work ended.
    enum Outcome: Sendable, Hashable {
        /// It did its work (reached end of stream, performed the seek).
        case done
        /// The run is being torn down: the task ends.
        case tornDown
    }

    let index: Int
    let spec: CheckedGraph.Element
    let context: ElementContext
    let routes: [String: Topology.Route]
    /// The inbox of each sink pad (the same one for all, unless the element reads its inputs in order).
    let padInboxes: [(String, Inbox<Envelope>)]
    let inboxes: [Inbox<Envelope>]
    let run: RunState
    let bus: Bus
    /// The pipeline clock (live pipelines, or one given).
    let clock: MediaClock?
    let isSink: Bool
    let capabilities: ElementCapabilities
    var isLive: Bool { capabilities.contains(.liveSource) }
    /// A sink that presents items on the clock.
    var syncs: Bool { capabilities.contains(.syncsToClock) }

    /// Sometimes-pads that appeared (`video_0`), bound to the link made for their pattern (`video_%u`).
    var aliases: [String: String] = [:]
    /// Pads found to have no link. Candidates only shrink as patterns are bound,
    /// so a miss stays a miss: later items skip the search, and an item can never
    /// bind a pattern its pad's announced format was refused for.
    var unrouted: Set<String> = []
    /// The last format announced on each source pad: a repeat is not sent again.
    var announced: [String: StreamFormat] = [:]
    /// A file this source hands to a downstream element that reads it itself.
    var offeredFile: String?
    /// Sinks: the application seek whose flush came last, and whether an item since then was held.
    var flushSeq = 0
    var prerolled = false
    /// Items are dropped until the flush of this element's own seek arrives.
    var awaitingOwnFlush = false
    /// The last application seek whose flush reached this element.
    var seenSeek = 0
    /// True while this element produces on its own (a source, a pulling demuxer).
    var producing = false

    init(index: Int, run: RunState, clock: MediaClock?) {
        let topology = run.topology
        self.index = index
        spec = topology.elements[index]
        context = ElementContext(name: spec.name, sourcePads: topology.sourcePads[index], sinkPads: topology.sinkPads[index])
        routes = topology.routes[index]
        padInboxes = topology.sinkPads[index].map { ($0, topology.inboxes[topology.inboxIndex[index]![$0]!]) }
        inboxes = topology.inboxes
        self.run = run
        bus = run.bus
        self.clock = clock
        isSink = topology.sinks.contains(index)
        capabilities = topology.capabilities[index]
    }

    /// Makes the element (state ready), waits for paused, then runs it
    /// until the run is torn down.
    func run() async throws(PipelineError) {
        let factory = spec.factory as! any RunnableElementFactory
        let element = try factory.make(spec.properties, context: context)
        run.elementMade()
        guard await run.waitForFlow() == .open else { return }
        if let source = element as? any SourceElement {
            // A file handed to elements that read it themselves: the format, then end of stream.
            if let offering = element as? any FileOfferingElement, !routes.isEmpty, routes.values.allSatisfy(\.pulls) {
                offeredFile = offering.offeredFile
                _ = try await negotiate(element, inputs: [:], files: [:])
                await sendEndOfStream()
                return
            }
            run.registerProducer(index, name: spec.name, seekable: (element as? any SeekableElement)?.canSeek ?? false)
            _ = try await negotiate(element, inputs: [:], files: [:])
            try await produceUntilTornDown(element) { (out: inout Outputs) throws(PipelineError) in try source.produce(into: &out) }
            return
        }
        guard !padInboxes.isEmpty else { return }
        try await consume(element)
    }

    // MARK: - Producing

    /// Produces to end of stream and drains; then waits for a seek that
    /// restarts the stream, again and again until the run is torn down.
    func produceUntilTornDown(_ element: any Element,
                              _ step: (inout Outputs) throws(PipelineError) -> FlowResult) async throws(PipelineError) {
        while true {
            guard try await produce(element, step) == .done else { return }
            try await drainAndEnd(element)
            guard let request = await run.waitForRestart(index) else { return }
            guard try await perform(request, element) == .done else { return }
        }
    }

    /// Produces until end of stream or stop, performing seeks between calls.
    private func produce(_ element: any Element,
                         _ step: (inout Outputs) throws(PipelineError) -> FlowResult) async throws(PipelineError) -> Outcome {
        producing = true
        defer { producing = false }
        while !run.isStopRequested {
            if run.isTornDown { return .tornDown }
            if let request = run.takeSeek(index) {
                guard try await perform(request, element) == .done else { return .tornDown }
                continue
            }
            var out = Outputs()
            let result = try step(&out)
            // A live source produces in real time: each item when the clock reaches it.
            if isLive, let clock, let ts = out.items.lazy.compactMap(\.item.timestampUs).first {
                if await clock.wait(untilUs: ts) == .cancelled { return .tornDown }
            }
            if try await forward(out) == .flushing {
                if run.isTornDown { return .tornDown }
                continue   // a seek is waiting: it is taken before the next step
            }
            if result == .eos {
                // A seek that came in meanwhile goes on at once; otherwise this stream is done.
                guard let request = run.endProducing(index) else { break }
                guard try await perform(request, element) == .done else { return .tornDown }
            }
        }
        return .done
    }

    /// Seeks, then flushes every output and starts a new segment at the target.
    func perform(_ request: SeekRequest, _ element: any Element) async throws(PipelineError) -> Outcome {
        if let seekable = element as? any SeekableElement {
            try seekable.seek(toUs: request.targetUs)
        }
        for r in routes.values { inboxes[r.target].purge(then: .flush(pad: r.pad, request)) }
        run.signal.notify()
        for r in routes.values {
            guard await inboxes[r.target].send(.segment(pad: r.pad, request)) == .delivered else { return .tornDown }
        }
        run.seekPerformed(request, by: index)
        return .done
    }

    /// End of stream reached this element: it drains (FFmpeg's send-NULL),
    /// what that gave goes downstream, then end of stream on every link.
    func drainAndEnd(_ element: any Element) async throws(PipelineError) {
        var out = Outputs()
        try element.finish(into: &out)
        _ = try await forward(out)
        await sendEndOfStream()
    }
}
