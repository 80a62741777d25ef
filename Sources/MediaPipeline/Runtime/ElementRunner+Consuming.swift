public import MediaCore

extension ElementRunner {
    /// Reads the inbox (or each pad's inbox in turn, for elements that read
    /// their inputs in order) until the run is torn down: formats are
    /// negotiated as they come, items are processed (a sink holds its first
    /// one until playing: preroll), end of stream on every pad drains the
    /// element (a sink then reports it), and a flush starts a new stream
    /// (also after end of stream: a seek after the end).
    func consume(_ element: any Element) async throws(PipelineError) {
        let inOrder = spec.factory.readsInputsInOrder
        let order = inOrder ? padInboxes.map(\.1) : [padInboxes[0].1]
        var current = 0
        var consumed = 0
        var formats: [String: StreamFormat] = [:]
        var files: [String: String] = [:]
        var negotiated = false
        var pending: [(String, MediaItem)] = []
        var ended = Set<String>()
        let expected = Set(context.sinkPads)
        var lastProgress: Int64 = .min
        // Sinks report their position; so do elements whose output has no
        // timestamps (a muxer's bytes), since what follows them cannot.
        var reportsProgress = isSink
        while true {
            let inbox = order[min(current, order.count - 1)]
            guard let (envelope, flushes) = await inbox.receiveCounted() else { return }   // torn down
            switch envelope {
            case .format(let pad, let format, let file):
                formats[pad] = format
                files[pad] = file
                if inOrder {
                    // Each input's format is offered as it starts (an element may refuse a change).
                    try await negotiate(element, inputs: negotiated ? formats : [pad: format], files: files)
                    negotiated = true
                } else if !negotiated && Set(formats.keys) == expected {
                    let outputs = try await negotiate(element, inputs: formats, files: files)
                    reportsProgress = reportsProgress || outputs.values.contains { $0.kind == .bytes }
                    negotiated = true
                    if let puller = element as? any PullingElement, puller.isPulling {
                        try await produceUntilTornDown(element) { (out: inout Outputs) throws(PipelineError) in try puller.produce(into: &out) }
                        return
                    }
                    requestStartSeek(element)
                    for (p, item) in pending where !awaitingOwnFlush { try await handle(element, item, pad: p) }
                    pending.removeAll()
                } else if negotiated {
                    try await negotiate(element, inputs: formats, files: files)
                }
            case .item(let pad, let item):
                if awaitingOwnFlush || run.flushingSeek.load(ordering: .relaxed) > seenSeek { continue }
                if isSink {
                    switch try await present(item, from: inbox, flushes: flushes) {
                    case .consume: break
                    case .drop: continue
                    case .tornDown: return
                    }
                }
                consumed += 1
                if reportsProgress, let ts = item.timestampUs, MediaTime.subtract(ts, lastProgress) >= 500_000 {
                    lastProgress = ts
                    bus.post(.progress(element: spec.name, positionUs: ts))
                }
                if negotiated { try await handle(element, item, pad: pad) } else { pending.append((pad, item)) }
            case .endOfStream(let pad):
                ended.insert(pad)
                if inOrder { current += 1 }
                if ended == expected {
                    try await drainAndEnd(element)
                    if isSink { run.sinkEnded(index, name: spec.name, consumed: consumed) }
                }
            case .flush(_, let request):
                try element.flush()
                pending.removeAll()
                // A new segment follows: after end of stream, the stream starts again.
                ended = []
                current = 0
                if request.origin == index {
                    awaitingOwnFlush = false   // this element's own seek: it stops here
                    continue
                }
                if request.origin == nil { seenSeek = max(seenSeek, request.seq) }
                if isSink {
                    flushSeq = request.seq
                    prerolled = false
                }
                for r in routes.values { inboxes[r.target].purge(then: .flush(pad: r.pad, request)) }
                run.signal.notify()
            case .segment(let pad, let request):
                if request.origin == index { continue }
                element.startSegment(atUs: request.targetUs, on: pad)
                for r in routes.values {
                    guard await inboxes[r.target].send(.segment(pad: r.pad, request)) == .delivered else { return }
                }
            }
        }
    }

    /// What a sink does with an item it received.
    enum Presentation: Sendable, Hashable {
        case consume
        /// A flush came past it while it waited.
        case drop
        case tornDown
    }

    /// A sink's item: the first since the flow opened (or a flush) is held
    /// until playing (preroll); in a live pipeline each is presented at its
    /// time on the clock.
    private func present(_ item: MediaItem, from inbox: Inbox<Envelope>, flushes: Int) async throws(PipelineError) -> Presentation {
        if !prerolled {
            prerolled = true
            run.sinkPrerolled(index, flush: flushSeq)
        }
        switch await run.waitForPlaying(inbox, flushes: flushes) {
        case .play: break
        case .drop: return .drop
        case .tornDown: return .tornDown
        }
        if syncs, let clock, let ts = item.timestampUs {
            switch await clock.wait(untilUs: ts) {
            case .reached: break
            case .unscheduled: if inbox.flushes != flushes { return .drop }
            case .cancelled: return .tornDown
            }
        }
        return .consume
    }

    /// `trim start=`: asks the producers upstream to seek to where the element starts.
    private func requestStartSeek(_ element: any Element) {
        guard let seeker = element as? any StartSeekingElement, let target = seeker.startSeekUs, target > 0 else { return }
        switch run.requestSeek(from: index, toUs: target) {
        case .requested:
            awaitingOwnFlush = true
        case .refused(let why):
            bus.post(.warning(element: spec.name, message: "\(why); decoding from the start to reach \(target) µs"))
        }
    }

    private func handle(_ element: any Element, _ item: MediaItem, pad: String) async throws(PipelineError) {
        var out = Outputs()
        try element.process(item, on: pad, into: &out)
        _ = try await forward(out)
    }
}
