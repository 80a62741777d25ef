public import MediaCore

/// `timestamper`: gives encoded video decode timestamps derived from its
/// presentation timestamps, for streams read from containers that store
/// none (Matroska): a muxer such as MP4's needs them increasing. GStreamer's
/// `h264timestamper` and `h265timestamper` are this element.
///
/// Chunks are held in a window of `reorder-depth` + 1; each leaves, in
/// its order, with the smallest presentation time not yet given out, less
/// `reorder-depth` frame durations as its decode time: increasing, and
/// never after its own presentation time while frames are reordered by
/// at most `reorder-depth` places. Audio passes unchanged.
///
/// ```text
/// filesrc location=video.mkv ! demux ! timestamper ! mux format=mp4 ! filesink location=video.mp4
/// ```
final class Timestamper: DeclaredElement {
    struct Settings: ElementSettings {
        var reorderDepth = 3
        static let declaration: [Setting<Self>] = [
            .int("reorder-depth", \.reorderDepth, 0...16, unit: .frames, "most places a frame is moved between decode and display order (B-frames)"),
        ]
    }

    static let sink = PadTemplate.sink([.encodedVideo, .encodedAudio])
    static let src = PadTemplate.src([.encodedVideo, .encodedAudio])
    static let descriptor = ElementDescriptor(
        "timestamper", "Derives increasing decode timestamps for encoded video from its presentation timestamps",
        pads: [sink, src], example: "filesrc location=video.mkv ! demux ! timestamper ! mux format=mp4 ! filesink location=video.mp4")

    let settings: Settings
    private var frameUs: Int64 = 33_333
    private var isVideo = false
    private var window: [EncodedChunk] = []
    /// Presentation times not yet given out as decode times, ascending.
    private var pool: [Int64] = []
    private var lastDts: Int64?

    init(settings: Settings, context: ElementContext) { self.settings = settings }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        let input = try r.input("encoded chunks")
        guard case .encoded(let track) = input else {
            throw .notNegotiated("timestamper takes encoded chunks; its input is \(input)", pad: Self.sink.name)
        }
        isVideo = track.isVideo
        if let rate = track.parameters.frameRate, rate.num > 0 { frameUs = MediaTime.rescale(rate.den, multiplier: 1_000_000, divisor: rate.num) }
        return [Self.src.name: input]
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        guard case .encoded(let chunk) = item else { throw .unexpected(item, on: pad, expected: "encoded chunks") }
        guard isVideo else { out.emit(item, on: Self.src); return }
        window.append(chunk)
        pool.insert(chunk.timestampUs, at: pool.firstIndex { $0 > chunk.timestampUs } ?? pool.endIndex)
        if window.count > settings.reorderDepth { release(into: &out) }
    }

    func finish(into out: inout Outputs) throws(PipelineError) {
        while !window.isEmpty { release(into: &out) }
    }

    func flush() {
        window.removeAll()
        pool.removeAll()
        lastDts = nil
    }

    /// The oldest chunk leaves with the smallest presentation time not yet
    /// given out, less the reorder allowance, as its decode time.
    private func release(into out: inout Outputs) {
        var chunk = window.removeFirst()
        let smallest = pool.removeFirst()
        var dts = MediaTime.subtract(smallest, Int64(settings.reorderDepth) * frameUs)
        if let lastDts, dts <= lastDts { dts = lastDts + 1 }
        lastDts = dts
        chunk.decodeTimestampUs = dts
        out.emit(.encoded(chunk), on: Self.src)
    }
}
