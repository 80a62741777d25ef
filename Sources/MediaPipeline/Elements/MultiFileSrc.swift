public import MediaCore
import MediaFFmpeg

/// `multifilesrc`: an image sequence (`location=img%04d.png`) as raw video at
/// `framerate`, decoded by FFmpeg (PNG, JPEG, PPM, BMP, TIFF, WebP...).
/// Frame n is stamped n/framerate from the first image found.
final class MultiFileSrc: SourceElement {
    let location: String
    let demuxer: Demuxer
    let track: TrackInfo
    var decoder: VideoDecoder?
    var ready: [VideoFrame] = []
    var drained = false

    init(_ p: Properties) throws(PipelineError) {
        guard let location = p.string("location"), !location.isEmpty else { throw PipelineError(.failed, "location is not set") }
        guard location.contains("%") else {
            throw PipelineError(.failed, "location '\(location)' has no sequence number pattern (like img%04d.png)")
        }
        self.location = location
        let rate = p.fraction("framerate") ?? Rational(30, 1)
        var options = ["framerate": "\(rate.num)/\(rate.den)"]
        if let first = p.int("start-index") { options["start_number"] = String(first) }
        demuxer = try media { () throws(MediaError) in try Demuxer(url: location, options: options) }
        guard let video = demuxer.tracks.first(where: { $0.isVideo }) else {
            throw PipelineError(.failed, "\(location) holds no images")
        }
        var t = video
        t.parameters.frameRate = rate
        track = t
    }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        let name = r.string("format") ?? "rgba8888"
        guard let format = PixelFormat(name: name) else { throw .notNegotiated("pixel format '\(name)' is not one of rgba8888, bgra8888, yuv420p, nv12") }
        let p = track.parameters
        decoder = try media { () throws(MediaError) in try VideoDecoder(parameters: p, outputFormat: format) }
        return ["src": .rawVideo(format, width: p.width, height: p.height, frameRate: p.frameRate ?? Rational(30, 1))]
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
        out.emit(.video(ready.removeFirst()))
        return ready.isEmpty && drained ? .eos : .ok
    }
}
