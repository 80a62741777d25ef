public import MediaCore

/// The decoders behind a demuxer, one per stream pad (`video_0` in,
/// `video_0` out, now raw): what `decodebin` and `uridecodebin` share.
/// Used by one element's task.
final class StreamDecoders {
    private var decoders: [String: Decode] = [:]
    private var order: [String] = []

    /// The decoded format of the stream on `pad`, making its decoder;
    /// `constraints` are the caps downstream of the element, by pad or pattern.
    func open(_ pad: String, _ format: StreamFormat, constraints: [String: [Caps]]) throws(PipelineError) -> StreamFormat {
        let decoder = Decode(settings: Decode.Settings(), context: ElementContext(name: pad, sourcePads: ["src"], sinkPads: ["sink"]))
        let pattern = pad.hasPrefix("video_") ? "video_%u" : "audio_%u"
        let wanted = constraints[pad] ?? constraints[pattern] ?? []
        let formats = try decoder.negotiate(NegotiationRequest(inputs: ["sink": format], constraints: ["src": wanted]))
        guard let decoded = formats["src"] else { throw .notNegotiated("no decoder output for \(pad)", pad: pad) }
        decoders[pad] = decoder
        order.append(pad)
        return decoded
    }

    /// Decodes what a demuxer emitted (new pads first) and emits it on the same pads.
    /// A decoder for each of a demuxer's pads, in pad order: the decoded formats by pad.
    func openAll(_ formats: [String: StreamFormat], constraints: [String: [Caps]]) throws(PipelineError) -> [String: StreamFormat] {
        var decoded: [String: StreamFormat] = [:]
        for (pad, format) in formats.sorted(by: { $0.key < $1.key }) {
            decoded[pad] = try open(pad, format, constraints: constraints)
        }
        return decoded
    }

    /// One step of `demux`, its chunks decoded into `out`.
    func produce(from demux: Demux, constraints: [String: [Caps]], into out: inout Outputs) throws(PipelineError) -> FlowResult {
        var inner = Outputs()
        let result = try demux.produce(into: &inner)
        try route(inner, constraints: constraints, into: &out)
        return result
    }

    func route(_ inner: Outputs, constraints: [String: [Caps]], into out: inout Outputs) throws(PipelineError) {
        for w in inner.warnings { out.warn(w) }
        for (pad, format) in inner.formats {
            if case .encoded = format { out.setFormat(try open(pad, format, constraints: constraints), on: pad) }
            else { out.setFormat(format, on: pad) }
        }
        for (pad, item) in inner.items {
            guard let decoder = decoders[pad] else { continue }
            var decoded = Outputs()
            try decoder.process(item, on: "sink", into: &decoded)
            forward(decoded, as: pad, into: &out)
        }
    }

    /// Drains every decoder, in the order their pads appeared.
    func finish(into out: inout Outputs) throws(PipelineError) {
        for pad in order {
            var decoded = Outputs()
            try decoders[pad]?.finish(into: &decoded)
            forward(decoded, as: pad, into: &out)
        }
    }

    func flush() { decoders.values.forEach { $0.flush() } }

    func startSegment(atUs startUs: Int64) { decoders.values.forEach { $0.startSegment(atUs: startUs, on: "sink") } }

    private func forward(_ decoded: Outputs, as pad: String, into out: inout Outputs) {
        for w in decoded.warnings { out.warn(w) }
        for (_, format) in decoded.formats { out.setFormat(format, on: pad) }
        for (_, item) in decoded.items { out.emit(item, on: pad) }
    }
}
