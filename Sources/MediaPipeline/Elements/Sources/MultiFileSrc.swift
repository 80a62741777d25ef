public import MediaCore
import MediaFFmpeg

/// `multifilesrc`: an image sequence (`location=img%04d.png`) as raw video at
/// `framerate`, decoded by FFmpeg (PNG, JPEG, PPM, BMP, TIFF, WebP...).
/// Frame n is stamped n/framerate from the first image found. The first
/// image is read when the element is made; the pixel format follows
/// downstream caps (rgba8888 unless they ask).
///
/// ```text
/// multifilesrc location=frames/img%04d.png framerate=24/1 ! encode codec=h264 ! mux ! filesink location=movie.mp4
/// ```
final class MultiFileSrc: SourceElement, DeclaredElement {
    struct Settings: ElementSettings {
        var location: String?
        var framerate = Rational(30, 1)
        var startIndex: Int?
        static let declaration: [Setting<Self>] = [
            .string("location", \.location, "file pattern with a sequence number, like img%04d.png"),
            .fraction("framerate", \.framerate, unit: .framesPerSecond, "rate to stamp the images with"),
            .int("start-index", \.startIndex, 0...Int(Int32.max), "first number to look for; unset finds the first that exists"),
        ]
    }

    static let src = PadTemplate.src([.rawVideo])
    static let descriptor = ElementDescriptor(
        "multifilesrc", "An image sequence (img%04d.png) as video at a frame rate", pads: [src],
        example: "multifilesrc location=frames/img%04d.png framerate=24/1 ! encode codec=h264 ! mux ! filesink location=movie.mp4")

    let location: String
    let demuxer: Demuxer
    let track: TrackInfo
    var decoder: VideoDecoder?
    var ready: [VideoFrame] = []
    var drained = false

    init(settings: Settings, context: ElementContext) throws(PipelineError) {
        guard let location = settings.location, !location.isEmpty else { throw PipelineError(.failed, "location is not set") }
        guard location.contains("%") else {
            throw PipelineError(.failed, "location '\(location)' has no sequence number pattern (like img%04d.png)")
        }
        self.location = location
        let rate = settings.framerate
        var options = ["framerate": "\(rate.num)/\(rate.den)"]
        if let first = settings.startIndex { options["start_number"] = String(first) }
        demuxer = try media { () throws(MediaError) in try Demuxer(url: location, options: options) }
        guard let video = demuxer.tracks.first(where: { $0.isVideo }) else {
            throw PipelineError(.failed, "\(location) holds no images")
        }
        var t = video
        t.parameters.frameRate = rate
        track = t
    }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        let format = try r.pixelFormat() ?? .rgba8888
        let p = track.parameters
        decoder = try media { () throws(MediaError) in try VideoDecoder(parameters: p, outputFormat: format) }
        return [Self.src.name: .rawVideo(format, width: p.width, height: p.height, frameRate: p.frameRate ?? Rational(30, 1))]
    }

    func produce(into out: inout Outputs) throws(PipelineError) -> FlowResult {
        guard let decoder else { return .eos }
        while ready.isEmpty && !drained {
            if let chunk = try media({ () throws(MediaError) in try demuxer.readChunk(trackId: track.id) }) {
                try media { () throws(MediaError) in try decoder.decode(chunk) }
            } else {
                try media { () throws(MediaError) in try decoder.flush() }
                drained = true
            }
            ready += decoder.takeDecodedFrames()
        }
        guard !ready.isEmpty else { return .eos }
        out.emit(.video(ready.removeFirst()), on: Self.src)
        return ready.isEmpty && drained ? .eos : .ok
    }
}
