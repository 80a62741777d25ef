public import MediaCore
import MediaFFmpeg

/// What `audioconvert` and `audioresample` share: a libswresample
/// conversion to a sample format, rate and channel count fixed at
/// negotiation (the element's settings, else downstream caps, else the
/// input's). `finish` drains what the resampler holds.
final class AudioConversion {
    static let sink = PadTemplate.sink([.rawAudio])
    static let src = PadTemplate.src([.rawAudio])

    private var resampler: AudioResampler?

    func negotiate(_ r: NegotiationRequest, format fixed: SampleFormat?, rate fixedRate: Int?, channels fixedChannels: Int?) throws(PipelineError) -> [String: StreamFormat] {
        guard case .rawAudio(let inFormat, let inRate, let inChannels)? = r.input else {
            throw .notNegotiated("input is \(r.input.map { "\($0)" } ?? "missing"), not raw audio", pad: Self.sink.name)
        }
        let wanted = try r.sampleFormat()
        let format = fixed ?? wanted ?? inFormat
        let rate = fixedRate ?? r.int("rate") ?? inRate
        let channels = fixedChannels ?? r.int("channels") ?? inChannels
        resampler = try media { () throws(MediaError) in try AudioResampler(format: format, sampleRate: rate, channels: channels) }
        return [Self.src.name: .rawAudio(format, sampleRate: rate, channels: channels)]
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        guard case .audio(let data) = item else { throw .unexpected(item, on: pad, expected: "audio") }
        guard let resampler else { throw PipelineError(.failed, "\(pad) was not negotiated", pad: pad) }
        let converted = try media { () throws(MediaError) in try resampler.convert(data) }
        if converted.frameCount > 0 { out.emit(.audio(converted), on: Self.src) }
    }

    func finish(into out: inout Outputs) throws(PipelineError) {
        guard let resampler, let rest = try media({ () throws(MediaError) in try resampler.flush() }) else { return }
        out.emit(.audio(rest), on: Self.src)
    }
}
