import MediaCore
import MediaFFmpeg

/// `pngenc`: each raw video frame to a PNG image (FFmpeg's png encoder),
/// one encoded chunk per frame, every one a keyframe, stamped as the frame.
/// Lossless: a picture is stored as gray, RGB or RGBA, whichever is
/// smallest and keeps every value (``PNGEncoder``), and the same frame
/// always gives the same bytes.
///
/// Like GStreamer's, it takes RGB input only: its sink asks upstream for
/// `rgba8888` (a test source, `videoconvert` or a decoder then produce it);
/// other input is not negotiated. `multifilesink` writes one file per
/// image, `filesink` one file of them all (one image with `num-buffers=1`),
/// and `decode` turns them back into frames.
///
/// ```text
/// videotestsrc num-buffers=10 ! pngenc ! multifilesink location=frame%05d.png
/// ```
final class PNGEnc: DeclaredElement {
    struct Settings: ElementSettings {
        var compressionLevel = 6
        static let declaration: [Setting<Self>] = [
            .int("compression-level", \.compressionLevel, 0...9, "zlib level: 0 stores, 9 is smallest and slowest"),
        ]
    }

    static let sink = PadTemplate.sink([.rawVideo])
    static let src = PadTemplate.src([.encodedVideo])
    static let descriptor = ElementDescriptor(
        "pngenc", "Encodes each video frame as a PNG image (lossless)", pads: [sink, src],
        example: "videotestsrc num-buffers=10 ! pngenc ! multifilesink location=frame%05d.png")

    /// RGBA, as GStreamer's pngenc takes RGB formats only.
    static let rgba = Caps(mediaType: "video/x-raw", fields: [.init("format", .string(PixelFormat.rgba8888.witName))])
    static func inputCaps(_ settings: Settings) -> Caps? { rgba }

    let settings: Settings
    private var encoder: PNGEncoder?

    init(settings: Settings, context: ElementContext) { self.settings = settings }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        guard case .rawVideo(.rgba8888, let width, let height, let rate)? = r.input else {
            throw .notNegotiated("pngenc takes rgba8888 video (GStreamer's RGBA); its input is \(r.input.map { "\($0)" } ?? "missing") (put videoconvert before it)",
                                 pad: Self.sink.name)
        }
        let level = settings.compressionLevel
        encoder = try media { () throws(MediaError) in try PNGEncoder(compressionLevel: level) }
        let parameters = CodecParameters(kind: .video, codecName: "png", width: width, height: height, frameRate: rate)
        return [Self.src.name: .encoded(TrackInfo(id: 0, codec: "png", parameters: parameters))]
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        guard case .video(let frame) = item, let encoder else { throw .unexpected(item, on: pad, expected: "raw video frames") }
        let png = try media { () throws(MediaError) in try encoder.encode(frame) }
        out.emit(.encoded(EncodedChunk(data: png, timestampUs: frame.timestampUs, durationUs: frame.durationUs, isKeyframe: true)),
                 on: Self.src)
    }
}
