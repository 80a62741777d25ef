public import MediaCore
import MediaFFmpeg

/// `audiomixer`: mixes N inputs (request pads `sink_%u`) into one output whose
/// rate and channels are set on the element (the seed's `audio-context`).
///
/// Each input is resampled to the output format, multiplied by its gain
/// (`gains=` lists them by pad number; missing ones are 1.0) and summed
/// sample by sample. The output timeline starts at 0 and follows the mixed
/// samples; an input that has ended counts as silence. Output runs are
/// `samplesperbuffer` long, the last one shorter.
///
/// ```text
/// audiotestsrc freq=440 num-buffers=100 ! mix.  audiotestsrc freq=660 rate=44100 num-buffers=100 ! mix.  audiomixer name=mix gains=0.5,0.25 ! encode codec=flac ! mux format=mkv ! filesink location=mix.mkv
/// ```
final class AudioMixer: DeclaredElement {
    struct Settings: ElementSettings {
        var rate = 48_000
        var channels = 2
        var gains: String?
        var samplesPerBuffer = 1024
        static let declaration: [Setting<Self>] = [
            .int("rate", \.rate, 1...768_000, unit: .hertz, "output sample rate; inputs are resampled to it"),
            .int("channels", \.channels, 1...255, unit: .channels, "output channels; inputs are mixed up or down to it"),
            .string("gains", \.gains, "gains by sink pad number, comma-separated (gains=0.5,1.0); missing ones are 1.0"),
            .int("samplesperbuffer", \.samplesPerBuffer, 1...1_048_576, unit: .samples, "samples per channel in each output run"),
        ]
    }

    static let sink = PadTemplate("sink_%u", .sink, .request, kinds: [.rawAudio])
    static let src = PadTemplate.src([.rawAudio])
    static let descriptor = ElementDescriptor(
        "audiomixer", "Mixes inputs (request pads sink_%u) with per-pad gains into one f32-planar output", pads: [sink, src],
        example: "audiotestsrc freq=440 num-buffers=100 ! mix.  audiotestsrc freq=660 rate=44100 num-buffers=100 ! mix.  audiomixer name=mix gains=0.5,0.25 ! encode codec=flac ! mux format=mkv ! filesink location=mix.mkv")

    let rate: Int
    let channels: Int
    let block: Int
    let gains: [Float]
    private var inputs: [String: Input] = [:]
    private var produced: Int64 = 0

    private final class Input {
        let resampler: AudioResampler
        let gain: Float
        /// Pending samples per channel, already resampled.
        var pending: [[Float]]
        var ended = false
        init(resampler: AudioResampler, gain: Float, channels: Int) {
            self.resampler = resampler
            self.gain = gain
            pending = Array(repeating: [], count: channels)
        }
    }

    init(settings: Settings, context: ElementContext) throws(PipelineError) {
        rate = settings.rate
        channels = settings.channels
        block = settings.samplesPerBuffer
        var gains: [Float] = []
        for piece in (settings.gains ?? "").split(separator: ",") {
            guard let g = Float(piece.trimmingSpaces), g.isFinite, g >= 0 else {
                throw PipelineError(.failed, "gains: '\(piece)' is not a non-negative number (gains=0.5,1.0 lists one gain per sink pad)")
            }
            gains.append(g)
        }
        self.gains = gains
    }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        for (pad, format) in r.inputs {
            guard case .rawAudio = format else { throw .notNegotiated("\(pad) carries \(format), not raw audio", pad: pad) }
            let index = Int(pad.split(separator: "_").last ?? "") ?? 0
            let resampler = try media { () throws(MediaError) in try AudioResampler(format: .f32Planar, sampleRate: rate, channels: channels) }
            inputs[pad] = Input(resampler: resampler, gain: index < gains.count ? gains[index] : 1, channels: channels)
        }
        return [Self.src.name: .rawAudio(.f32Planar, sampleRate: rate, channels: channels)]
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        guard case .audio(let data) = item else { throw .unexpected(item, on: pad, expected: "audio") }
        guard let input = inputs[pad] else { throw PipelineError(.failed, "\(pad) was not negotiated", pad: pad) }
        let converted = try media { () throws(MediaError) in try input.resampler.convert(data) }
        append(converted, to: input)
        try mix(into: &out, final: false)
    }

    func finish(into out: inout Outputs) throws(PipelineError) {
        for input in inputs.values {
            if let rest = try media({ () throws(MediaError) in try input.resampler.flush() }) { append(rest, to: input) }
            input.ended = true
        }
        try mix(into: &out, final: true)
    }

    private func append(_ data: AudioData, to input: Input) {
        for c in 0..<channels { input.pending[c] += data.samples(channel: c) }
    }

    /// Emits whole blocks while every input that has not ended has a block ready.
    private func mix(into out: inout Outputs, final: Bool) throws(PipelineError) {
        while true {
            let live = inputs.values.filter { !$0.ended || !($0.pending.first?.isEmpty ?? true) }
            guard !live.isEmpty else { return }
            let available = live.map { $0.ended ? Int.max : $0.pending[0].count }.min() ?? 0
            let longest = live.map { $0.pending[0].count }.max() ?? 0
            let n = final ? min(block, longest) : (available >= block ? block : 0)
            guard n > 0 else { return }
            var mixed = [[Float]](repeating: [Float](repeating: 0, count: n), count: channels)
            for input in live {
                let take = min(n, input.pending[0].count)
                for c in 0..<channels {
                    let src = input.pending[c]
                    for i in 0..<take { mixed[c][i] += src[i] * input.gain }
                    input.pending[c].removeFirst(take)
                }
            }
            let ts = MediaTime.rescale(produced, multiplier: 1_000_000, divisor: Int64(rate))
            produced += Int64(n)
            out.emit(.audio(try media { () throws(MediaError) in try AudioData(planar: mixed, sampleRate: rate, timestampUs: ts) }), on: Self.src)
        }
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}
