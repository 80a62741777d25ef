public import MediaCore
import MediaFFmpeg

/// `audioconvert` and `audioresample`: sample format, channels and rate through libswresample.
final class AudioConvert: Element {
    let fixedFormat: SampleFormat?
    let fixedRate: Int?
    let fixedChannels: Int?
    var resampler: AudioResampler?

    init(format: SampleFormat?, rate: Int?, channels: Int?) {
        fixedFormat = format
        fixedRate = rate
        fixedChannels = channels
    }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        guard case .rawAudio(let inFormat, let inRate, let inChannels)? = r.input else {
            throw .notNegotiated("input is \(r.input.map { "\($0)" } ?? "missing"), not raw audio", pad: "sink")
        }
        let name = r.string("format")
        let wanted = name.flatMap(SampleFormat.init(name:))
        if let name, wanted == nil { throw .notNegotiated("caps ask for sample format '\(name)', which is not one of f32-planar, s16-interleaved") }
        let format = fixedFormat ?? wanted ?? inFormat
        let rate = fixedRate ?? r.int("rate") ?? inRate
        let channels = fixedChannels ?? r.int("channels") ?? inChannels
        resampler = try media { () throws(MediaError) in try AudioResampler(format: format, sampleRate: rate, channels: channels) }
        return ["src": .rawAudio(format, sampleRate: rate, channels: channels)]
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        guard case .audio(let data) = item, let resampler else { return }
        let converted = try media { () throws(MediaError) in try resampler.convert(data) }
        if converted.frameCount > 0 { out.emit(.audio(converted)) }
    }

    func finish(into out: inout Outputs) throws(PipelineError) {
        guard let resampler, let rest = try media({ () throws(MediaError) in try resampler.flush() }) else { return }
        out.emit(.audio(rest))
    }
}

/// `audiomixer`: mixes N inputs (request pads `sink_%u`) into one output whose
/// rate and channels are set on the element (the seed's `audio-context`).
///
/// Each input is resampled to the output format, multiplied by its gain
/// (`gains=` lists them by pad number; missing ones are 1.0) and summed
/// sample by sample. The output timeline starts at 0 and follows the mixed
/// samples; an input that has ended counts as silence. Output runs are
/// `samplesperbuffer` long, the last one shorter.
final class AudioMixer: Element {
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

    init(_ p: Properties) throws(PipelineError) {
        rate = p.int("rate") ?? 48_000
        channels = p.int("channels") ?? 2
        block = p.int("samplesperbuffer") ?? 1024
        var gains: [Float] = []
        for piece in (p.string("gains") ?? "").split(separator: ",") {
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
        return ["src": .rawAudio(.f32Planar, sampleRate: rate, channels: channels)]
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        guard case .audio(let data) = item, let input = inputs[pad] else { return }
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
            out.emit(.audio(try media { () throws(MediaError) in try AudioData(planar: mixed, sampleRate: rate, timestampUs: ts) }))
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
