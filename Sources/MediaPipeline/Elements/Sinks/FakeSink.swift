public import MediaCore

/// `fakesink`: takes anything and drops it. In a live pipeline it still
/// presents each item at its time on the clock unless `sync=false`.
///
/// ```text
/// audiotestsrc num-buffers=1000 ! fakesink sync=false
/// ```
final class FakeSink: DeclaredElement {
    struct Settings: ElementSettings {
        var sync = true
        var silent = true
        static let declaration: [Setting<Self>] = [
            .bool("sync", \.sync, "present each item at its time on the pipeline clock (when there is one); false takes items as they come"),
            .bool("silent", \.silent, "GStreamer's switch for per-buffer messages; this host posts none either way"),
        ]
    }

    static let sink = PadTemplate.sink(Set(StreamKind.allCases))
    static let descriptor = ElementDescriptor("fakesink", "Takes anything and drops it", pads: [sink],
                                              example: "audiotestsrc num-buffers=1000 ! fakesink sync=false", capabilities: .syncsToClock)

    static func capabilities(_ settings: Settings) -> ElementCapabilities { settings.sync ? .syncsToClock : [] }

    init(settings: Settings, context: ElementContext) {}

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] { [:] }
    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {}
}
