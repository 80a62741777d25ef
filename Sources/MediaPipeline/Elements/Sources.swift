public import MediaCore

/// `videotestsrc`: deterministic test video (the frame index drawn in blocks, a moving box).
final class VideoTestSrc: SourceElement, SeekableElement {
    let numBuffers: Int
    let monochrome: Bool
    let props: Properties
    var format: StreamFormat?
    var index = 0

    init(_ p: Properties) {
        props = p
        numBuffers = p.int("num-buffers") ?? -1
        monochrome = p.bool("monochrome") ?? false
    }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        let width = r.int("width") ?? props.int("width") ?? 320
        let height = r.int("height") ?? props.int("height") ?? 240
        let rate = r.fraction("framerate") ?? props.fraction("framerate") ?? Rational(30, 1)
        let formatName = r.string("format") ?? props.string("format") ?? "yuv420p"
        guard let pixel = PixelFormat(name: formatName) else { throw .notNegotiated("pixel format '\(formatName)' is not one of rgba8888, bgra8888, yuv420p, nv12") }
        guard rate.num > 0 else { throw .notNegotiated("frame rate \(rate) must be positive") }
        let f = StreamFormat.rawVideo(pixel, width: width, height: height, frameRate: rate)
        format = f
        return ["src": f]
    }

    func produce(into out: inout Outputs) throws(PipelineError) -> FlowResult {
        if numBuffers >= 0 && index >= numBuffers { return .eos }
        guard case .rawVideo(let pixel, let w, let h, let rate)? = format else { return .eos }
        let frame = try media { () throws(MediaError) in try TestPattern.videoFrame(index: index, width: w, height: h, frameRate: rate, format: pixel, monochrome: monochrome) }
        out.emit(.video(frame))
        index += 1
        return numBuffers >= 0 && index >= numBuffers ? .eos : .ok
    }

    /// The next frame is the one on screen at `timeUs`.
    func seek(toUs timeUs: Int64) throws(PipelineError) {
        guard case .rawVideo(_, _, _, let rate)? = format else { return }
        index = Int(max(0, MediaTime.rescale(timeUs, multiplier: rate.num, divisor: rate.den * 1_000_000)))
    }
}

/// `audiotestsrc`: a sine tone.
final class AudioTestSrc: SourceElement, SeekableElement {
    let numBuffers: Int
    let frequency: Double
    let samplesPerBuffer: Int
    let props: Properties
    var format: StreamFormat?
    var buffers = 0

    init(_ p: Properties) {
        props = p
        numBuffers = p.int("num-buffers") ?? -1
        frequency = p.double("freq") ?? 440
        samplesPerBuffer = p.int("samplesperbuffer") ?? 1024
    }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        let rate = r.int("rate") ?? props.int("rate") ?? 48_000
        let channels = r.int("channels") ?? props.int("channels") ?? 2
        let name = r.string("format") ?? "f32-planar"
        guard let sample = SampleFormat(name: name) else { throw .notNegotiated("sample format '\(name)' is not one of f32-planar, s16-interleaved") }
        guard rate > 0, channels > 0, channels <= 255 else { throw .notNegotiated("rate \(rate) and channels \(channels) must be positive") }
        let f = StreamFormat.rawAudio(sample, sampleRate: rate, channels: channels)
        format = f
        return ["src": f]
    }

    func produce(into out: inout Outputs) throws(PipelineError) -> FlowResult {
        if numBuffers >= 0 && buffers >= numBuffers { return .eos }
        guard case .rawAudio(let sample, let rate, let channels)? = format else { return .eos }
        let data = try media { () throws(MediaError) in
            try TestPattern.tone(frequency: frequency, sampleRate: rate, channels: channels,
                                 startSample: buffers * samplesPerBuffer, frameCount: samplesPerBuffer, format: sample)
        }
        out.emit(.audio(data))
        buffers += 1
        return numBuffers >= 0 && buffers >= numBuffers ? .eos : .ok
    }

    /// The next buffer is the one playing at `timeUs`.
    func seek(toUs timeUs: Int64) throws(PipelineError) {
        guard case .rawAudio(_, let rate, _)? = format else { return }
        let sample = max(0, MediaTime.rescale(timeUs, multiplier: Int64(rate), divisor: 1_000_000))
        buffers = Int(sample) / samplesPerBuffer
    }
}
