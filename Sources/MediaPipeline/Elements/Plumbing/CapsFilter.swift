public import MediaCore

/// `capsfilter caps=...`: GStreamer's long form of a caps filter.
/// `a ! capsfilter caps=video/x-raw,width=640 ! b` is `a ! video/x-raw,width=640 ! b`:
/// the checker adds the caps to the link into it, so the element upstream
/// negotiates to them; the element itself passes items on.
///
/// ```text
/// videotestsrc num-buffers=30 ! capsfilter caps=video/x-raw,format=RGBA,width=640,height=360 ! fakesink
/// ```
final class CapsFilter: DeclaredElement {
    struct Settings: ElementSettings {
        var caps: Caps?
        static let declaration: [Setting<Self>] = [.caps("caps", \.caps, "what the stream into it must be; unset passes anything")]
    }

    static let sink = PadTemplate.sink(Set(StreamKind.allCases))
    static let src = PadTemplate.src(Set(StreamKind.allCases))
    static let descriptor = ElementDescriptor(
        "capsfilter", "Restricts the stream into it to caps (the long form of a caps filter)", pads: [sink, src],
        example: "videotestsrc num-buffers=30 ! capsfilter caps=video/x-raw,format=RGBA,width=640,height=360 ! fakesink",
        capabilities: .passesKindThrough)

    static func inputCaps(_ settings: Settings) -> Caps? { settings.caps }

    init(settings: Settings, context: ElementContext) {}

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        [Self.src.name: try r.input("any stream")]
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) { out.emit(item, on: Self.src) }
}
