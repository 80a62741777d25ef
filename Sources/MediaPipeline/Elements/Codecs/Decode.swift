public import MediaCore
import MediaFFmpeg

/// `decode`: an encoded stream to raw video frames (in `format`, or what
/// downstream caps ask for) or f32-planar audio, with any decoder FFmpeg has.
///
/// After a seek it clips to the new segment: video before the segment's
/// start is dropped but for the frame on screen at the start (held until
/// the next frame shows which one that is); audio that ends before it is
/// dropped. `flush` drops what the codec holds; `finish` drains it.
///
/// ```text
/// filesrc location=in.mp4 ! demux name=d  d.video_0 ! decode format=rgba8888 ! fakesink
/// ```
final class Decode: DeclaredElement {
    struct Settings: ElementSettings {
        var format: PixelFormat = .yuv420p
        static let declaration: [Setting<Self>] = [
            .choice("format", \.format, "pixel format of decoded video (downstream caps win)"),
        ]
    }

    static let sink = PadTemplate.sink([.encodedVideo, .encodedAudio])
    static let src = PadTemplate.src([.rawVideo, .rawAudio])
    static let descriptor = ElementDescriptor(
        "decode", "Decodes an encoded stream to raw video (format= picks the pixel format) or f32-planar audio",
        pads: [sink, src], example: "filesrc location=in.mp4 ! demux name=d  d.video_0 ! decode format=rgba8888 ! fakesink")

    let settings: Settings
    private var video: VideoDecoder?
    private var audio: AudioDecoder?
    private var audioConverter: AudioResampler?
    /// After a seek: the segment's start (see the type's doc).
    private var clipUs: Int64?
    private var held: VideoFrame?

    init(settings: Settings, context: ElementContext) { self.settings = settings }

    func flush() {
        video?.reset()
        audio?.reset()
        held = nil
        clipUs = nil
    }

    func startSegment(atUs startUs: Int64, on pad: String) {
        clipUs = startUs
        held = nil
    }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        guard case .encoded(let track)? = r.input else {
            throw .notNegotiated("decode takes an encoded stream; its input is \(r.input.map { "\($0)" } ?? "missing")", pad: Self.sink.name)
        }
        let p = track.parameters
        if track.isVideo {
            let format = try r.pixelFormat() ?? settings.format
            video = try media { () throws(MediaError) in try VideoDecoder(parameters: p, outputFormat: format) }
            return [Self.src.name: .rawVideo(format, width: p.width, height: p.height, frameRate: p.frameRate ?? Rational(30, 1))]
        }
        audio = try media { () throws(MediaError) in try AudioDecoder(parameters: p) }
        audioConverter = try media { () throws(MediaError) in try AudioResampler(format: .f32Planar, sampleRate: p.sampleRate, channels: p.channels) }
        return [Self.src.name: .rawAudio(.f32Planar, sampleRate: p.sampleRate, channels: p.channels)]
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        guard case .encoded(let chunk) = item else { throw .unexpected(item, on: pad, expected: "encoded chunks") }
        if let video {
            try media { () throws(MediaError) in try video.decode(chunk) }
            emitVideo(video.takeDecodedFrames(), into: &out)
        } else if let audio {
            try media { () throws(MediaError) in try audio.decode(chunk) }
            try emitAudio(audio.takeDecodedAudio(), into: &out)
        }
    }

    func finish(into out: inout Outputs) throws(PipelineError) {
        if let video {
            try media { () throws(MediaError) in try video.flush() }
            emitVideo(video.takeDecodedFrames(), into: &out)
            if let h = held { out.emit(.video(h), on: Self.src); held = nil }
        }
        if let audio {
            try media { () throws(MediaError) in try audio.flush() }
            try emitAudio(audio.takeDecodedAudio(), into: &out)
        }
    }

    private func emitVideo(_ frames: [VideoFrame], into out: inout Outputs) {
        for f in frames {
            guard let clip = clipUs else { out.emit(.video(f), on: Self.src); continue }
            if f.timestampUs < clip { held = f; continue }
            if f.timestampUs > clip, let h = held { out.emit(.video(h), on: Self.src) }
            held = nil
            clipUs = nil
            out.emit(.video(f), on: Self.src)
        }
    }

    /// Decoders give f32-planar or s16; the pad promised f32-planar.
    private func emitAudio(_ runs: [AudioData], into out: inout Outputs) throws(PipelineError) {
        for a in runs {
            if let clip = clipUs {
                let end = MediaTime.add(a.timestampUs, MediaTime.rescale(Int64(a.frameCount), multiplier: 1_000_000, divisor: Int64(max(1, a.sampleRate))))
                if end <= clip { continue }
                clipUs = nil
            }
            if a.format == .f32Planar { out.emit(.audio(a), on: Self.src); continue }
            guard let audioConverter else { continue }
            let converted = try media { () throws(MediaError) in try audioConverter.convert(a) }
            if converted.frameCount > 0 { out.emit(.audio(converted), on: Self.src) }
        }
    }
}
