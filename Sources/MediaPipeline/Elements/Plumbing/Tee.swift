public import MediaCore

/// `tee`: copies its input to every linked source pad (request pads
/// `src_%u`); each branch usually starts with a `queue`.
///
/// ```text
/// videotestsrc num-buffers=30 ! tee name=t ! queue ! fakesink  t. ! queue ! encode ! mux ! filesink location=copy.mp4
/// ```
final class Tee: DeclaredElement {
    typealias Settings = NoSettings

    static let sink = PadTemplate.sink(Set(StreamKind.allCases))
    static let src = PadTemplate("src_%u", .source, .request, kinds: Set(StreamKind.allCases))
    static let descriptor = ElementDescriptor(
        "tee", "Copies its input to every linked source pad (request pads src_%u)", pads: [sink, src],
        example: "videotestsrc num-buffers=30 ! tee name=t ! queue ! fakesink  t. ! queue ! encode ! mux ! filesink location=copy.mp4",
        capabilities: .passesKindThrough)

    let pads: [String]
    init(settings: NoSettings, context: ElementContext) { pads = context.sourcePads }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        let input = try r.input("any stream")
        for pad in pads {
            for caps in r.filters(pad) where !input.satisfies(caps) {
                throw .notNegotiated("tee passes \(input) unchanged, but \(pad) asks for \(caps)", pad: pad)
            }
        }
        return Dictionary(uniqueKeysWithValues: pads.map { ($0, input) })
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        for p in pads { out.emit(item, on: p) }
    }
}
