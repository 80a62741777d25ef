public import MediaCore

/// `videoscale`: resizes video (libswscale, bicubic) to its `width` and
/// `height`, or what downstream caps ask for; the pixel format follows caps.
///
/// ```text
/// videotestsrc num-buffers=30 ! videoscale width=640 height=360 ! fakesink
/// ```
final class VideoScale: DeclaredElement {
    struct Settings: ElementSettings {
        var width: Int?
        var height: Int?
        static let declaration: [Setting<Self>] = [
            .int("width", \.width, 1...16384, unit: .pixels, "output width; unset follows downstream caps"),
            .int("height", \.height, 1...16384, unit: .pixels, "output height; unset follows downstream caps"),
        ]
    }

    static let descriptor = ElementDescriptor("videoscale", "Resizes video (libswscale, bicubic)",
                                              pads: [VideoConversion.sink, VideoConversion.src],
                                              example: "videotestsrc num-buffers=30 ! videoscale width=640 height=360 ! fakesink")

    let settings: Settings
    private let conversion = VideoConversion()

    init(settings: Settings, context: ElementContext) { self.settings = settings }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        try conversion.negotiate(r, format: nil, width: settings.width, height: settings.height)
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        try conversion.process(item, on: pad, into: &out)
    }
}
