public import MediaCore
import MediaFFmpeg

/// What `videoconvert` and `videoscale` share: a libswscale conversion to
/// a pixel format and size fixed at negotiation, from the element's
/// settings where it has them, else downstream caps, else the input's.
/// Runtime state: made in `negotiate`, used by the element's task only.
final class VideoConversion {
    static let sink = PadTemplate.sink([.rawVideo])
    static let src = PadTemplate.src([.rawVideo])

    private var scaler: VideoScaler?

    /// Fixes the output; `format`, `width` and `height` are the element's settings (nil: follow caps, then the input).
    func negotiate(_ r: NegotiationRequest, format fixed: PixelFormat?, width fixedWidth: Int?, height fixedHeight: Int?) throws(PipelineError) -> [String: StreamFormat] {
        guard case .rawVideo(let inFormat, let w, let h, let rate)? = r.input else {
            throw .notNegotiated("input is \(r.input.map { "\($0)" } ?? "missing"), not raw video", pad: Self.sink.name)
        }
        let wanted = try r.pixelFormat()
        if let wanted, let fixed, wanted != fixed {
            throw .notNegotiated("format=\(fixed.witName) conflicts with downstream caps format=\(wanted.witName)")
        }
        let format = fixed ?? wanted ?? inFormat
        let width = fixedWidth ?? r.int("width") ?? w
        let height = fixedHeight ?? r.int("height") ?? h
        scaler = try media { () throws(MediaError) in try VideoScaler(format: format, width: width, height: height) }
        return [Self.src.name: .rawVideo(format, width: width, height: height, frameRate: rate)]
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        guard case .video(let frame) = item else { throw .unexpected(item, on: pad, expected: "video frames") }
        guard let scaler else { throw PipelineError(.failed, "\(pad) was not negotiated", pad: pad) }
        out.emit(.video(try media { () throws(MediaError) in try scaler.scale(frame) }), on: Self.src)
    }
}
