public import MediaCore

/// `videorate`: regular frame timing at a set rate, by dropping and repeating
/// frames. Output slot k starts at first-timestamp + k/rate (exact µs, never
/// accumulated) and shows the input frame on screen at that instant: the last
/// one whose timestamp is not after it.
///
/// ```text
/// videotestsrc num-buffers=60 ! videorate framerate=24/1 ! encode ! mux ! filesink location=24fps.mp4
/// ```
final class VideoRate: DeclaredElement {
    struct Settings: ElementSettings {
        var framerate: Rational?
        static let declaration: [Setting<Self>] = [
            .fraction("framerate", \.framerate, unit: .framesPerSecond, "output rate; unset follows downstream caps, else keeps the input's"),
        ]
    }

    static let sink = PadTemplate.sink([.rawVideo])
    static let src = PadTemplate.src([.rawVideo])
    static let descriptor = ElementDescriptor(
        "videorate", "Regular frame timing at a set rate, dropping or repeating frames", pads: [sink, src],
        example: "videotestsrc num-buffers=60 ! videorate framerate=24/1 ! encode ! mux ! filesink location=24fps.mp4")

    let fixedRate: Rational?
    private var rate = Rational(30, 1)
    private var start: Int64?
    private var slot: Int64 = 0
    private var current: VideoFrame?

    init(settings: Settings, context: ElementContext) { fixedRate = settings.framerate }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        guard case .rawVideo(let format, let w, let h, let inRate)? = r.input else {
            throw .notNegotiated("input is \(r.input.map { "\($0)" } ?? "missing"), not raw video", pad: "sink")
        }
        let wanted = r.fraction("framerate")
        if let wanted, let fixedRate, wanted != fixedRate {
            throw .notNegotiated("framerate=\(fixedRate) conflicts with downstream caps framerate=\(wanted)")
        }
        rate = fixedRate ?? wanted ?? inRate
        guard rate.num > 0, rate.den > 0 else { throw .notNegotiated("frame rate \(rate) must be positive") }
        return [Self.src.name: .rawVideo(format, width: w, height: h, frameRate: rate)]
    }

    private func slotTime(_ k: Int64) -> Int64 {
        MediaTime.add(start ?? 0, MediaTime.rescale(k * rate.den, multiplier: 1_000_000, divisor: rate.num))
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        guard case .video(let frame) = item else { throw .unexpected(item, on: pad, expected: "video frames") }
        if start == nil { start = frame.timestampUs }
        // Slots before this frame's time show the frame before it.
        if let current { emitSlots(before: frame.timestampUs, showing: current, into: &out) }
        current = frame
    }

    func finish(into out: inout Outputs) throws(PipelineError) {
        guard let current else { return }
        let end = MediaTime.add(current.timestampUs, current.durationUs ?? MediaTime.rescale(rate.den, multiplier: 1_000_000, divisor: rate.num))
        emitSlots(before: end, showing: current, into: &out)
    }

    private func emitSlots(before limit: Int64, showing frame: VideoFrame, into out: inout Outputs) {
        while slotTime(slot) < limit {
            var copy = frame
            copy.timestampUs = slotTime(slot)
            copy.durationUs = slotTime(slot + 1) - copy.timestampUs
            out.emit(.video(copy), on: Self.src)
            slot += 1
        }
    }
}
