public import MediaCore

/// `videotestsrc`: deterministic test video. The default picture carries
/// the frame index in 16 blocks along the top (``TestPattern/frameIndex(in:)``
/// reads it back, through a codec), and a moving box; `pattern=` gives
/// GStreamer's pictures (smpte, snow, black, white, ball...).
///
/// Size, rate and format follow downstream caps where they fix them, else
/// the settings. With `is-live=true` the pipeline runs on a clock and
/// syncing sinks present each frame at its time. Seekable: the next frame
/// is the one on screen at the target.
///
/// ```text
/// videotestsrc num-buffers=300 pattern=smpte ! video/x-raw,width=1280,height=720 ! fakesink
/// ```
final class VideoTestSrc: SourceElement, SeekableElement, DeclaredElement {
    struct Settings: ElementSettings {
        var numBuffers = -1
        var width = 320
        var height = 240
        var framerate = Rational(30, 1)
        var format: PixelFormat = .yuv420p
        var pattern: VideoPattern = .index
        var isLive = false
        var monochrome = false

        static let declaration: [Setting<Self>] = [
            .int("num-buffers", \.numBuffers, -1...Int(Int32.max), unit: .frames, "frames to produce; -1 for no end"),
            .int("width", \.width, 16...16384, unit: .pixels, "width (downstream caps win)"),
            .int("height", \.height, 16...16384, unit: .pixels, "height (downstream caps win)"),
            .fraction("framerate", \.framerate, unit: .framesPerSecond, "frame rate (downstream caps win)"),
            .choice("format", \.format, "pixel format (downstream caps win)"),
            .choice("pattern", \.pattern, "the picture: index (the frame number in blocks, a moving box) or one of GStreamer's"),
            .bool("is-live", \.isLive, "a live source: the pipeline's sinks then present each frame at its time on the clock"),
            .bool("monochrome", \.monochrome, "the same picture in gray: neutral chroma, R = G = B"),
        ]
    }

    static let src = PadTemplate.src([.rawVideo])
    static let descriptor = ElementDescriptor(
        "videotestsrc", "Deterministic test video: the frame index in blocks along the top, a moving box, or GStreamer's patterns",
        pads: [src], example: "videotestsrc num-buffers=300 pattern=smpte ! video/x-raw,width=1280,height=720 ! fakesink",
        capabilities: .liveSource)

    static func capabilities(_ settings: Settings) -> ElementCapabilities { settings.isLive ? .liveSource : [] }

    let settings: Settings
    private var format: StreamFormat?
    private var index = 0

    init(settings: Settings, context: ElementContext) { self.settings = settings }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        let pixel = try r.pixelFormat() ?? settings.format
        let rate = r.fraction("framerate") ?? settings.framerate
        guard rate.num > 0 else { throw .notNegotiated("frame rate \(rate) must be positive") }
        let f = StreamFormat.rawVideo(pixel, width: r.int("width") ?? settings.width, height: r.int("height") ?? settings.height, frameRate: rate)
        format = f
        return [Self.src.name: f]
    }

    func produce(into out: inout Outputs) throws(PipelineError) -> FlowResult {
        let limit = settings.numBuffers
        if limit >= 0 && index >= limit { return .eos }
        guard case .rawVideo(let pixel, let w, let h, let rate)? = format else { return .eos }
        let (i, monochrome, pattern) = (index, settings.monochrome, settings.pattern)
        let frame = try media { () throws(MediaError) in
            try TestPattern.videoFrame(index: i, width: w, height: h, frameRate: rate, format: pixel, monochrome: monochrome, pattern: pattern)
        }
        out.emit(.video(frame), on: Self.src)
        index += 1
        return limit >= 0 && index >= limit ? .eos : .ok
    }

    /// The next frame is the one on screen at `timeUs`.
    func seek(toUs timeUs: Int64) throws(PipelineError) {
        guard case .rawVideo(_, _, _, let rate)? = format else { return }
        index = Int(max(0, MediaTime.rescale(timeUs, multiplier: rate.num, divisor: rate.den * 1_000_000)))
    }
}
