import MediaCore

/// `rawvideoparse`: bytes (from `filesrc`, say) cut into raw video frames
/// of `format` at `width` x `height` in the canonical tight plane layout
/// (``PixelFormat``: what `filesink` and `multifilesink` write for raw
/// video, and `ffmpeg -f rawvideo`), frame n stamped n/`framerate`.
/// GStreamer's defaults: 320x240 I420 at 25/1.
///
/// Input may split or join frames anyhow; each complete frame is emitted
/// as soon as its last byte arrives. `frame-size`, when larger than a
/// frame, is the distance from one frame's start to the next: the bytes
/// between are skipped. Bytes left at the end that do not make a whole
/// frame are dropped with a warning on the bus saying how many.
///
/// ```text
/// filesrc location=video.raw ! rawvideoparse width=640 height=480 format=I420 framerate=30/1 ! videoconvert ! pngenc ! multifilesink location=frame%05d.png
/// ```
final class RawVideoParse: DeclaredElement {
    struct Settings: ElementSettings {
        var width = 320
        var height = 240
        var format: PixelFormat = .yuv420p
        var framerate = Rational(25, 1)
        var frameSize = 0
        var useSinkCaps = false
        static let declaration: [Setting<Self>] = [
            .int("width", \.width, 1...VideoFrame.maxDimension, unit: .pixels, "width of the frames"),
            .int("height", \.height, 1...VideoFrame.maxDimension, unit: .pixels, "height of the frames"),
            .choice("format", \.format, "pixel format of the frames (GStreamer's names too: I420, NV12, RGBA, BGRA)"),
            .fraction("framerate", \.framerate, unit: .framesPerSecond, "rate to stamp the frames with"),
            .int("frame-size", \.frameSize, 0...Int(Int32.max), unit: .bytes,
                 "bytes from one frame's start to the next; 0, or less than a frame, means frames are packed together"),
            .bool("use-sink-caps", \.useSinkCaps, "take the layout from upstream caps; bytes carry none here, so only false is accepted"),
        ]
    }

    static let sink = PadTemplate.sink([.bytes])
    static let src = PadTemplate.src([.rawVideo])
    static let descriptor = ElementDescriptor(
        "rawvideoparse", "Cuts bytes into raw video frames of a given size and format", pads: [sink, src],
        example: "filesrc location=video.raw ! rawvideoparse width=640 height=480 format=I420 framerate=30/1 ! videoconvert ! pngenc ! multifilesink location=frame%05d.png")

    let settings: Settings
    /// Bytes of one frame, and from one frame's start to the next.
    let frameBytes: Int
    let stride: Int
    private var pending: [UInt8] = []
    /// Padding after the last frame still to skip.
    private var toSkip = 0
    private var emitted: Int64 = 0

    init(settings: Settings, context: ElementContext) throws(PipelineError) {
        guard !settings.useSinkCaps else {
            throw PipelineError(.invalidGraph, "use-sink-caps=true takes the layout from upstream caps, but bytes carry none here; set width, height, format and framerate")
        }
        guard settings.framerate.num > 0, settings.framerate.den > 0 else {
            throw PipelineError(.invalidGraph, "framerate \(settings.framerate.num)/\(settings.framerate.den) must be positive")
        }
        self.settings = settings
        frameBytes = settings.format.byteCount(width: settings.width, height: settings.height)
        stride = max(frameBytes, settings.frameSize)
    }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        guard case .bytes? = r.input else {
            throw .notNegotiated("rawvideoparse takes bytes; its input is \(r.input.map { "\($0)" } ?? "missing")", pad: Self.sink.name)
        }
        let s = settings
        return [Self.src.name: .rawVideo(s.format, width: s.width, height: s.height, frameRate: s.framerate)]
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        guard case .bytes(let bytes) = item else { throw .unexpected(item, on: pad, expected: "bytes") }
        pending += bytes
        var start = 0
        while true {
            if toSkip > 0 {
                let skipped = min(toSkip, pending.count - start)
                start += skipped
                toSkip -= skipped
                if toSkip > 0 { break }
            }
            guard pending.count - start >= frameBytes else { break }
            try emitFrame(Array(pending[start..<(start + frameBytes)]), into: &out)
            start += frameBytes
            toSkip = stride - frameBytes
        }
        pending.removeFirst(start)
    }

    func finish(into out: inout Outputs) throws(PipelineError) {
        guard !pending.isEmpty else { return }
        let s = settings
        out.warn("the input ends with \(pending.count) bytes that are not a whole frame (\(s.format.witName) \(s.width)x\(s.height) is \(frameBytes) bytes); they are dropped")
        pending.removeAll()
    }

    func flush() throws(PipelineError) {
        pending.removeAll()
        toSkip = 0
    }

    private func emitFrame(_ bytes: [UInt8], into out: inout Outputs) throws(PipelineError) {
        let s = settings
        let rate = s.framerate
        let ts = MediaTime.rescale(emitted * rate.den, multiplier: 1_000_000, divisor: rate.num)
        let next = MediaTime.rescale((emitted + 1) * rate.den, multiplier: 1_000_000, divisor: rate.num)
        let frame = try media { () throws(MediaError) in
            try VideoFrame(bytes: bytes, format: s.format, width: s.width, height: s.height, timestampUs: ts, durationUs: next - ts)
        }
        emitted += 1
        out.emit(.video(frame), on: Self.src)
    }
}
