public import MediaCore

/// `concat`: its inputs (request pads `sink_%u`) one after another, each
/// re-stamped to start where the previous ended. Inputs must share a format
/// (put videoconvert/videoscale or audioconvert before it). A later input
/// waits upstream until the earlier ones end: nothing is held in memory.
///
/// ```text
/// videotestsrc num-buffers=30 ! c.  videotestsrc num-buffers=30 pattern=ball ! c.  concat name=c ! encode ! mux ! filesink location=joined.mp4
/// ```
final class Concat: DeclaredElement {
    typealias Settings = NoSettings

    static let sink = PadTemplate("sink_%u", .sink, .request, kinds: [.rawVideo, .rawAudio])
    static let src = PadTemplate.src([.rawVideo, .rawAudio])
    static let descriptor = ElementDescriptor(
        "concat", "Plays its inputs (request pads sink_%u) one after another, re-stamped", pads: [sink, src],
        example: "videotestsrc num-buffers=30 ! c.  videotestsrc num-buffers=30 pattern=ball ! c.  concat name=c ! encode ! mux ! filesink location=joined.mp4",
        readsInputsInOrder: true)

    init(settings: NoSettings, context: ElementContext) {}

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
        guard let format else { throw .notNegotiated("concat has no input", pad: Self.sink.name) }
        return [Self.src.name: format]
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
            out.emit(.video(f), on: Self.src)
        case .audio(var a):
            if firstOfCurrent == nil { firstOfCurrent = a.timestampUs }
            a.timestampUs = MediaTime.add(offset, MediaTime.subtract(a.timestampUs, firstOfCurrent!))
            endOfCurrent = max(endOfCurrent, MediaTime.add(a.timestampUs, a.durationUs))
            out.emit(.audio(a), on: Self.src)
        default:
            throw .unexpected(item, on: pad, expected: "raw video or audio")
        }
    }
}
