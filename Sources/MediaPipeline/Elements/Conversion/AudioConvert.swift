public import MediaCore

/// `audioconvert`: converts the sample format and channel count
/// (libswresample, FFmpeg's default down/up-mix); the rate follows caps.
/// `format=` takes GStreamer's names (`F32LE`, `S16LE`).
///
/// ```text
/// audiotestsrc num-buffers=50 ! audioconvert format=S16LE channels=1 ! fakesink
/// ```
final class AudioConvert: DeclaredElement {
    struct Settings: ElementSettings {
        var format: SampleFormat?
        var channels: Int?
        static let declaration: [Setting<Self>] = [
            .choice("format", \.format, "output sample format; unset follows downstream caps, else keeps the input's"),
            .int("channels", \.channels, 1...255, unit: .channels, "output channels (FFmpeg's default down/up-mix); unset follows downstream caps"),
        ]
    }

    static let descriptor = ElementDescriptor("audioconvert", "Converts sample format and channel count (libswresample)",
                                              pads: [AudioConversion.sink, AudioConversion.src],
                                              example: "audiotestsrc num-buffers=50 ! audioconvert format=S16LE channels=1 ! fakesink")

    let settings: Settings
    private let conversion = AudioConversion()

    init(settings: Settings, context: ElementContext) { self.settings = settings }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        try conversion.negotiate(r, format: settings.format, rate: nil, channels: settings.channels)
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        try conversion.process(item, on: pad, into: &out)
    }

    func finish(into out: inout Outputs) throws(PipelineError) { try conversion.finish(into: &out) }
}
