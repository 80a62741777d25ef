public import MediaCore

/// `identity`: passes every item on unchanged (GStreamer's, for tests and
/// for GStreamer lines), with two test hooks: `drop-probability` drops
/// items at random (a seeded sequence, so runs repeat), `error-after`
/// fails the pipeline after that many items. GStreamer's parsers
/// (`h264parse`, `vp9parse`...) are this element narrowed to encoded
/// streams: this host's encoded chunks are already whole access units.
///
/// ```text
/// videotestsrc num-buffers=30 ! identity error-after=10 ! fakesink
/// ```
final class Identity: DeclaredElement {
    struct Settings: ElementSettings {
        var dropProbability = 0.0
        var errorAfter = -1
        var silent = true

        static let declaration: [Setting<Self>] = [
            .double("drop-probability", \.dropProbability, 0...1, "chance that an item is dropped (seeded: the same run drops the same items)"),
            .int("error-after", \.errorAfter, -1...Int(Int32.max), unit: .buffers, "fail the pipeline after this many items; -1 for never"),
            .bool("silent", \.silent, "GStreamer's switch for per-buffer messages; this host posts none either way"),
        ]
    }

    static let sink = PadTemplate.sink(Set(StreamKind.allCases))
    static let src = PadTemplate.src(Set(StreamKind.allCases))
    static let descriptor = ElementDescriptor("identity", "Passes items on unchanged; can drop some or fail after N (test hooks)",
                                              pads: [sink, src], example: "videotestsrc num-buffers=30 ! identity error-after=10 ! fakesink",
                                              capabilities: .passesKindThrough)

    let settings: Settings
    private var seen = 0
    private var random: UInt64 = 0x1D_E471_7E

    init(settings: Settings, context: ElementContext) { self.settings = settings }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        [Self.src.name: try r.input("any stream")]
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        seen += 1
        if settings.errorAfter >= 0 && seen > settings.errorAfter {
            throw PipelineError(.failed, "error-after=\(settings.errorAfter): failing at item \(seen), as asked", pad: pad)
        }
        if settings.dropProbability > 0 {
            random = random &* 6364136223846793005 &+ 1442695040888963407
            if Double(random >> 11) / Double(1 << 53) < settings.dropProbability { return }
        }
        out.emit(item, on: Self.src)
    }
}
