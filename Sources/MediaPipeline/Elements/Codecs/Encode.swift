public import MediaCore
import MediaFFmpeg

/// `encode`: raw video or audio to a compressed stream, through the codec
/// `codec=` names (unset: h264 for video, aac for audio), hardware first
/// where a hardware encoder opens. GStreamer's encoders (`x264enc`,
/// `vp9enc`, `opusenc`...) are this element under their names, with their
/// properties and units mapped (`wasi-media elements x264enc`).
///
/// Rate control: `bitrate` (average), or `quantizer` (constant QP), or
/// `quality` (constant quality, CRF); unset, the codec's default quality.
/// A `profile` field in downstream caps (`video/x-h264,profile=baseline`)
/// picks the profile when the setting does not. `finish` drains the codec.
///
/// ```text
/// videotestsrc num-buffers=90 ! encode codec=vp9 bitrate=500000 ! mux format=webm ! filesink location=out.webm
/// ```
final class Encode: DeclaredElement {
    struct Settings: ElementSettings {
        var codec: MediaCodec?
        var bitrate: Int?
        var width: Int?
        var height: Int?
        var framerate: Rational?
        var keyIntMax: Int?
        var preset: String?
        var tune: String?
        var profile: String?
        var quantizer: Int?
        var quality: Int?
        var rate: Int?

        static let declaration: [Setting<Self>] = [
            .choice("codec", \.codec, "codec; unset is h264 for video, aac for audio"),
            .int("bitrate", \.bitrate, 1...2_000_000_000, unit: .bitsPerSecond, "average bitrate; unset is the codec's default quality"),
            .int("width", \.width, 2...16384, unit: .pixels, "output width (the encoder resizes)"),
            .int("height", \.height, 2...16384, unit: .pixels, "output height (the encoder resizes)"),
            .fraction("framerate", \.framerate, unit: .framesPerSecond, "nominal frame rate for rate control; unset takes the input's"),
            .int("key-int-max", \.keyIntMax, 1...100_000, unit: .frames, "frames between keyframes; unset is the codec's default"),
            .string("preset", \.preset, "encoder speed preset (libx264/libx265 names like veryfast; SVT-AV1 0...13); unset is a real-time speed"),
            .string("tune", \.tune, "encoder tuning (libx264/libx265: zerolatency, fastdecode, film...; several joined by commas)"),
            .string("profile", \.profile, "codec profile (baseline, main, high, main10); unset: downstream caps' profile, else the encoder's"),
            .int("quantizer", \.quantizer, 0...63, "constant quantizer (QP) for every frame; overrides bitrate"),
            .int("quality", \.quality, 0...63, "constant quality (CRF; lower is better); overrides bitrate"),
            .int("rate", \.rate, 1...768_000, unit: .hertz, "audio sample rate to encode at (the encoder resamples)"),
        ]
    }

    static let sink = PadTemplate.sink([.rawVideo, .rawAudio])
    static let src = PadTemplate.src([.encodedVideo, .encodedAudio])
    static let descriptor = ElementDescriptor(
        "encode", "Encodes raw video or audio (the WIT codecs, hardware first)", pads: [sink, src],
        example: "videotestsrc num-buffers=90 ! encode codec=vp9 bitrate=500000 ! mux format=webm ! filesink location=out.webm")

    let settings: Settings
    private var video: VideoEncoder?
    private var audio: AudioEncoder?

    init(settings: Settings, context: ElementContext) { self.settings = settings }

    /// FFmpeg's (libx264's, libx265's) name for a GStreamer profile name.
    static func encoderProfile(_ name: String) -> String {
        switch name {
        case "constrained-baseline": "baseline"
        case "high-10": "high10"
        case "high-4:2:2": "high422"
        case "high-4:4:4": "high444"
        case "main-10": "main10"
        default: name
        }
    }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        let s = settings
        switch r.input {
        case .rawVideo(_, let w, let h, let rate)?:
            let codec: VideoCodec
            switch s.codec {
            case nil: codec = .h264
            case .video(let c)?: codec = c
            case .audio(let c)?: throw .notNegotiated("codec=\(c.witName) is not a video codec, but the input is raw video", pad: Self.sink.name)
            }
            let fps = s.framerate ?? rate
            let profile = (s.profile ?? r.string("profile")).map(Self.encoderProfile)
            let config = VideoEncoderConfig(codec: codec, width: s.width ?? w, height: s.height ?? h, bitrate: s.bitrate,
                                            framerate: max(1, Int(fps.doubleValue.rounded())), sourceWidth: w, sourceHeight: h,
                                            keyframeInterval: s.keyIntMax, preset: s.preset, tune: s.tune, profile: profile,
                                            quantizer: s.quantizer, quality: s.quality)
            let encoder = try media { () throws(MediaError) in try VideoEncoder(config: config) }
            video = encoder
            var parameters = encoder.parameters
            parameters.frameRate = fps
            return [Self.src.name: .encoded(TrackInfo(id: 0, codec: encoder.codecString, parameters: parameters))]
        case .rawAudio(_, let rate, let channels)?:
            let codec: AudioCodec
            switch s.codec {
            case nil: codec = .aac
            case .audio(let c)?: codec = c
            case .video(let c)?: throw .notNegotiated("codec=\(c.witName) is not an audio codec, but the input is raw audio", pad: Self.sink.name)
            }
            let config = AudioEncoderConfig(codec: codec, sampleRate: s.rate ?? rate, channels: channels, bitrate: s.bitrate)
            let encoder = try media { () throws(MediaError) in try AudioEncoder(config: config) }
            audio = encoder
            return [Self.src.name: .encoded(TrackInfo(id: 0, codec: encoder.codecString, parameters: encoder.parameters))]
        default:
            throw .notNegotiated("input is \(r.input.map { "\($0)" } ?? "missing"), not raw audio or video", pad: Self.sink.name)
        }
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        switch item {
        case .video(let frame):
            guard let video else { throw .unexpected(item, on: pad, expected: "audio (it negotiated raw audio)") }
            try media { () throws(MediaError) in try video.encode(frame) }
            for c in video.takeEncodedChunks() { out.emit(.encoded(c), on: Self.src) }
        case .audio(let data):
            guard let audio else { throw .unexpected(item, on: pad, expected: "video frames (it negotiated raw video)") }
            try media { () throws(MediaError) in try audio.encode(data) }
            for c in audio.takeEncodedChunks() { out.emit(.encoded(c), on: Self.src) }
        default:
            throw .unexpected(item, on: pad, expected: "raw video or audio")
        }
    }

    func finish(into out: inout Outputs) throws(PipelineError) {
        if let video {
            try media { () throws(MediaError) in try video.flush() }
            for c in video.takeEncodedChunks() { out.emit(.encoded(c), on: Self.src) }
        }
        if let audio {
            try media { () throws(MediaError) in try audio.flush() }
            for c in audio.takeEncodedChunks() { out.emit(.encoded(c), on: Self.src) }
        }
    }
}
