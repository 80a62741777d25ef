public import MediaCore

/// `trim`: keeps the raw frames or audio shown in [start, end) µs, frame-exact,
/// and re-stamps them from 0. Audio runs that straddle a bound are cut at
/// the sample. Once negotiated it asks upstream to seek to `start` (a
/// demuxer reading a file lands on the keyframe before it, the decoder
/// clips), so a cut late in a long file does not decode what comes before.
final class Trim: StartSeekingElement {
    var startSeekUs: Int64? { startUs > 0 ? startUs : nil }

    let startUs: Int64
    let endUs: Int64?
    private var held: VideoFrame?

    init(_ p: Properties) throws(PipelineError) {
        startUs = Int64(p.int("start") ?? 0)
        endUs = p.int("end").map(Int64.init)
        if let endUs, endUs <= startUs { throw PipelineError(.failed, "end \(endUs) µs is not after start \(startUs) µs") }
    }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        guard let input = r.input, input.kind == .rawVideo || input.kind == .rawAudio else {
            throw .notNegotiated("trim works on raw video or audio; its input is \(r.input.map { "\($0)" } ?? "missing") (decode first)", pad: "sink")
        }
        return ["src": input]
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
            return
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
        out.emit(.video(f))
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
        out.emit(.audio(cut))
    }
}

/// `concat`: its inputs (request pads `sink_%u`) one after another, each
/// re-stamped to start where the previous ended. Inputs must share a format
/// (put videoconvert/videoscale or audioconvert before it). A later input
/// waits upstream until the earlier ones end: nothing is held in memory.
final class Concat: Element {
    private var format: StreamFormat?
    private var currentPad: String?
    private var offset: Int64 = 0
    private var firstOfCurrent: Int64?
    private var endOfCurrent: Int64 = 0

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        for (pad, f) in r.inputs.sorted(by: { $0.key < $1.key }) {
            guard f.kind == .rawVideo || f.kind == .rawAudio else {
                throw .notNegotiated("\(pad) carries \(f); concat joins raw video or raw audio (decode first)", pad: pad)
            }
            if let format, f != format {
                throw .notNegotiated("\(pad) is \(f) but the first input is \(format); convert or scale it before concat", pad: pad)
            }
            format = format ?? f
        }
        return ["src": format!]
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        if pad != currentPad {
            // A new input: it starts where the last one ended.
            offset = endOfCurrent
            currentPad = pad
            firstOfCurrent = nil
        }
        switch item {
        case .video(var f):
            if firstOfCurrent == nil { firstOfCurrent = f.timestampUs }
            f.timestampUs = MediaTime.add(offset, MediaTime.subtract(f.timestampUs, firstOfCurrent!))
            // Decoders do not always know a frame's duration; the negotiated rate does.
            var nominal: Int64 = 0
            if case .rawVideo(_, _, _, let rate)? = format, rate.num > 0 {
                nominal = MediaTime.rescale(rate.den, multiplier: 1_000_000, divisor: rate.num)
            }
            endOfCurrent = max(endOfCurrent, MediaTime.add(f.timestampUs, f.durationUs ?? nominal))
            out.emit(.video(f))
        case .audio(var a):
            if firstOfCurrent == nil { firstOfCurrent = a.timestampUs }
            a.timestampUs = MediaTime.add(offset, MediaTime.subtract(a.timestampUs, firstOfCurrent!))
            endOfCurrent = max(endOfCurrent, MediaTime.add(a.timestampUs, a.durationUs))
            out.emit(.audio(a))
        default:
            return
        }
    }
}
