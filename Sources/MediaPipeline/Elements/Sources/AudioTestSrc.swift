public import MediaCore

/// `audiotestsrc`: a test tone, a sine unless `wave=` picks another of
/// GStreamer's waveforms. Rate and channels follow downstream caps where
/// they fix them, else the settings; samples are f32-planar unless caps ask
/// for s16-interleaved. Seekable to the buffer playing at the target.
///
/// ```text
/// audiotestsrc wave=saw freq=660 num-buffers=100 ! encode codec=opus ! mux format=webm ! filesink location=tone.webm
/// ```
final class AudioTestSrc: SourceElement, SeekableElement, DeclaredElement {
    struct Settings: ElementSettings {
        var numBuffers = -1
        var freq = 440.0
        var volume = 0.5
        var wave: AudioWave = .sine
        var samplesPerBuffer = 1024
        var rate = 48_000
        var channels = 2
        var isLive = false

        static let declaration: [Setting<Self>] = [
            .int("num-buffers", \.numBuffers, -1...Int(Int32.max), unit: .buffers, "buffers to produce; -1 for no end"),
            .double("freq", \.freq, 1...96_000, unit: .hertz, "tone frequency"),
            .double("volume", \.volume, 0...1, "amplitude, 1 for full scale (GStreamer's default is 0.8)"),
            .choice("wave", \.wave, "waveform"),
            .int("samplesperbuffer", \.samplesPerBuffer, 1...1_048_576, unit: .samples, "samples per channel in each buffer"),
            .int("rate", \.rate, 1...768_000, unit: .hertz, "sample rate (downstream caps win)"),
            .int("channels", \.channels, 1...255, unit: .channels, "channel count (downstream caps win)"),
            .bool("is-live", \.isLive, "a live source: the pipeline's sinks then present each buffer at its time on the clock"),
        ]
    }

    static let src = PadTemplate.src([.rawAudio])
    static let descriptor = ElementDescriptor(
        "audiotestsrc", "A test tone: sine, square, saw, triangle, silence or white noise",
        pads: [src], example: "audiotestsrc wave=saw freq=660 num-buffers=100 ! encode codec=opus ! mux format=webm ! filesink location=tone.webm",
        capabilities: .liveSource)

    static func capabilities(_ settings: Settings) -> ElementCapabilities { settings.isLive ? .liveSource : [] }

    let settings: Settings
    private var format: StreamFormat?
    private var buffers = 0

    init(settings: Settings, context: ElementContext) { self.settings = settings }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        let rate = r.int("rate") ?? settings.rate
        let channels = r.int("channels") ?? settings.channels
        let sample = try r.sampleFormat() ?? .f32Planar
        guard rate > 0, channels > 0, channels <= 255 else { throw .notNegotiated("rate \(rate) and channels \(channels) must be positive") }
        let f = StreamFormat.rawAudio(sample, sampleRate: rate, channels: channels)
        format = f
        return [Self.src.name: f]
    }

    func produce(into out: inout Outputs) throws(PipelineError) -> FlowResult {
        let limit = settings.numBuffers
        if limit >= 0 && buffers >= limit { return .eos }
        guard case .rawAudio(let sample, let rate, let channels)? = format else { return .eos }
        let s = settings, start = buffers * settings.samplesPerBuffer
        let data = try media { () throws(MediaError) in
            try TestPattern.tone(frequency: s.freq, sampleRate: rate, channels: channels, startSample: start,
                                 frameCount: s.samplesPerBuffer, format: sample, wave: s.wave, volume: s.volume)
        }
        out.emit(.audio(data), on: Self.src)
        buffers += 1
        return limit >= 0 && buffers >= limit ? .eos : .ok
    }

    /// The next buffer is the one playing at `timeUs`.
    func seek(toUs timeUs: Int64) throws(PipelineError) {
        guard case .rawAudio(_, let rate, _)? = format else { return }
        let sample = max(0, MediaTime.rescale(timeUs, multiplier: Int64(rate), divisor: 1_000_000))
        buffers = Int(sample) / settings.samplesPerBuffer
    }
}
