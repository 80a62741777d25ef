public import MediaCore

/// `trim`: keeps the raw frames or audio shown in [start, end) µs, frame-exact,
/// and re-stamps them from 0. Audio runs that straddle a bound are cut at
/// the sample. Once negotiated it asks upstream to seek to `start` (a
/// demuxer reading a file lands on the keyframe before it, the decoder
/// clips), so a cut late in a long file does not decode what comes before.
///
/// ```text
/// filesrc location=in.mp4 ! demux ! decode ! trim start=1000000 end=3000000 ! encode ! mux ! filesink location=cut.mp4
/// ```
final class Trim: StartSeekingElement, DeclaredElement {
    struct Settings: ElementSettings {
        var start = 0
        var end: Int?
        static let declaration: [Setting<Self>] = [
            .int("start", \.start, 0...Int.max, unit: .microseconds, "first instant kept; the frame on screen then is the first out"),
            .int("end", \.end, 1...Int.max, unit: .microseconds, "first instant dropped; unset keeps to the end"),
        ]
    }

    static let sink = PadTemplate.sink([.rawVideo, .rawAudio])
    static let src = PadTemplate.src([.rawVideo, .rawAudio])
    static let descriptor = ElementDescriptor(
        "trim", "Keeps raw video/audio shown in [start, end) µs, frame-exact, re-stamped from 0", pads: [sink, src],
        example: "filesrc location=in.mp4 ! demux ! decode ! trim start=1000000 end=3000000 ! encode ! mux ! filesink location=cut.mp4")

    var startSeekUs: Int64? { startUs > 0 ? startUs : nil }

    let startUs: Int64
    let endUs: Int64?
    private var held: VideoFrame?

    init(settings: Settings, context: ElementContext) throws(PipelineError) {
        startUs = Int64(settings.start)
        endUs = settings.end.map(Int64.init)
        if let endUs, endUs <= startUs { throw PipelineError(.failed, "end \(endUs) µs is not after start \(startUs) µs") }
    }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        guard let input = r.input, input.kind == .rawVideo || input.kind == .rawAudio else {
            throw .notNegotiated("trim works on raw video or audio; its input is \(r.input.map { "\($0)" } ?? "missing") (decode first)", pad: "sink")
        }
        return [Self.src.name: input]
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        switch item {
        case .video(let frame):
            // The frame on screen at `start` is the last one at or before it: hold
            // each early frame until the next shows whether it was that one.
            if frame.timestampUs <= startUs {
                held = frame
                if frame.timestampUs == startUs { emit(frame, into: &out); held = nil }
                return
            }
            if let h = held { emit(h, into: &out); held = nil }
            if let endUs, frame.timestampUs >= endUs { return }
            emit(frame, into: &out)
        case .audio(let data):
            try emitAudio(data, into: &out)
        default:
            throw .unexpected(item, on: pad, expected: "raw video or audio")
        }
    }

    func finish(into out: inout Outputs) throws(PipelineError) {
        if let h = held { emit(h, into: &out) }
        held = nil
    }

    func flush() { held = nil }

    private func emit(_ frame: VideoFrame, into out: inout Outputs) {
        var f = frame
        f.timestampUs = max(0, MediaTime.subtract(frame.timestampUs, startUs))
        out.emit(.video(f), on: Self.src)
    }

    private func emitAudio(_ data: AudioData, into out: inout Outputs) throws(PipelineError) {
        let rate = Int64(data.sampleRate)
        let first = data.timestampUs
        // Sample offsets of the window inside this run.
        let from = max(0, Int(MediaTime.rescale(MediaTime.subtract(startUs, first), multiplier: rate, divisor: 1_000_000)))
        var to = data.frameCount
        if let endUs { to = min(to, Int(max(0, MediaTime.rescale(MediaTime.subtract(endUs, first), multiplier: rate, divisor: 1_000_000)))) }
        guard from < to else { return }
        let ts = max(0, MediaTime.subtract(MediaTime.add(first, MediaTime.rescale(Int64(from), multiplier: 1_000_000, divisor: rate)), startUs))
        let cut: AudioData
        switch data.format {
        case .f32Planar:
            let planes = (0..<data.channels).map { Array(data.samples(channel: $0)[from..<to]) }
            cut = try media { () throws(MediaError) in try AudioData(planar: planes, sampleRate: data.sampleRate, timestampUs: ts) }
        case .s16Interleaved:
            let bytesPerFrame = 2 * data.channels
            let bytes = Array(data.buffer.bytes[(from * bytesPerFrame)..<(to * bytesPerFrame)])
            cut = try media { () throws(MediaError) in
                try AudioData(bytes: bytes, format: .s16Interleaved, sampleRate: data.sampleRate, channels: data.channels, timestampUs: ts)
            }
        }
        out.emit(.audio(cut), on: Self.src)
    }
}

