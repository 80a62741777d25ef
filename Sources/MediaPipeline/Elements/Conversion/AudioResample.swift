public import MediaCore

/// `audioresample`: changes the sample rate (libswresample) to its `rate`,
/// or what downstream caps ask for; format and channels follow caps.
///
/// ```text
/// audiotestsrc rate=44100 num-buffers=50 ! audioresample rate=48000 ! fakesink
/// ```
final class AudioResample: DeclaredElement {
    struct Settings: ElementSettings {
        var rate: Int?
        static let declaration: [Setting<Self>] = [
            .int("rate", \.rate, 1...768_000, unit: .hertz, "output rate; unset follows downstream caps"),
        ]
    }

    static let descriptor = ElementDescriptor("audioresample", "Changes the sample rate (libswresample)",
                                              pads: [AudioConversion.sink, AudioConversion.src],
                                              example: "audiotestsrc rate=44100 num-buffers=50 ! audioresample rate=48000 ! fakesink")

    let settings: Settings
    private let conversion = AudioConversion()

    init(settings: Settings, context: ElementContext) { self.settings = settings }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        try conversion.negotiate(r, format: nil, rate: settings.rate, channels: nil)
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        try conversion.process(item, on: pad, into: &out)
    }

    func finish(into out: inout Outputs) throws(PipelineError) { try conversion.finish(into: &out) }
}
