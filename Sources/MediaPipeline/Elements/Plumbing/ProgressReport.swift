public import MediaCore

/// `progressreport`: passes items on and posts the stream's position on
/// the bus (`BusMessage.progress`, naming this element) every
/// `update-freq` seconds of media time, and once at the end.
/// `wasi-media run` shows it on its progress bar; `--json` prints it.
///
/// ```text
/// videotestsrc num-buffers=300 ! progressreport update-freq=1 ! fakesink
/// ```
final class ProgressReport: DeclaredElement {
    struct Settings: ElementSettings {
        var updateFreq = 5
        var silent = false
        static let declaration: [Setting<Self>] = [
            .int("update-freq", \.updateFreq, 1...Int(Int32.max), unit: .seconds, "media time between reports"),
            .bool("silent", \.silent, "post no reports"),
        ]
    }

    static let sink = PadTemplate.sink(Set(StreamKind.allCases))
    static let src = PadTemplate.src(Set(StreamKind.allCases))
    static let descriptor = ElementDescriptor(
        "progressreport", "Passes items on and posts the position on the bus every update-freq seconds",
        pads: [sink, src], example: "videotestsrc num-buffers=300 ! progressreport update-freq=1 ! fakesink",
        capabilities: .passesKindThrough)

    let settings: Settings
    private var next: Int64?
    private var last: Int64?

    init(settings: Settings, context: ElementContext) { self.settings = settings }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        [Self.src.name: try r.input("any stream")]
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        if !settings.silent, let ts = item.timestampUs {
            last = ts
            if ts >= next ?? Int64.min {
                out.reportProgress(positionUs: ts)
                next = MediaTime.add(ts, Int64(settings.updateFreq) * 1_000_000)
            }
        }
        out.emit(item, on: Self.src)
    }

    func finish(into out: inout Outputs) throws(PipelineError) {
        if !settings.silent, let last { out.reportProgress(positionUs: last) }
    }

    func flush() { next = nil }
}
