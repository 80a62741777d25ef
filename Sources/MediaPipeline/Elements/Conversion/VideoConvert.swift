public import MediaCore

/// `videoconvert`: converts the pixel format (libswscale, BT.601), and the
/// size too when downstream caps ask for another (GStreamer's
/// `videoconvertscale`). `format=` takes GStreamer's names (`RGBA`, `I420`).
///
/// ```text
/// videotestsrc num-buffers=30 ! videoconvert format=RGBA ! fakesink
/// ```
final class VideoConvert: DeclaredElement {
    struct Settings: ElementSettings {
        var format: PixelFormat?
        static let declaration: [Setting<Self>] = [
            .choice("format", \.format, "output pixel format; unset follows downstream caps, else keeps the input's"),
        ]
    }

    static let descriptor = ElementDescriptor("videoconvert", "Converts the pixel format (libswscale, BT.601)",
                                              pads: [VideoConversion.sink, VideoConversion.src],
                                              example: "videotestsrc num-buffers=30 ! videoconvert format=RGBA ! fakesink")

    let settings: Settings
    private let conversion = VideoConversion()

    init(settings: Settings, context: ElementContext) { self.settings = settings }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        try conversion.negotiate(r, format: settings.format, width: nil, height: nil)
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        try conversion.process(item, on: pad, into: &out)
    }
}
