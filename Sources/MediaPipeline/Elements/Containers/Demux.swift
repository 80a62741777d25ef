public import MediaCore
import MediaFFmpeg

/// `demux`: container bytes to encoded streams on sometimes-pads `video_%u`
/// and `audio_%u`, which appear (with their formats) once the header is read.
///
/// After `filesrc` it reads the file itself (pull mode): its pads are known
/// at negotiation, and it can seek. Fed any other bytes (a URL, a pipe), it
/// demuxes them as they come (push mode) and cannot seek. Reads whatever
/// FFmpeg reads (MP4, Matroska/WebM, MPEG-TS, Ogg, AVI, WAV, MP3...).
///
/// ```text
/// filesrc location=in.mkv ! demux name=d  d.video_0 ! decode ! videoscale width=640 height=360 ! encode ! mux ! filesink location=small.mp4
/// ```
final class Demux: PullingElement, SeekableElement, DeclaredElement {
    typealias Settings = NoSettings

    static let sink = PadTemplate.sink([.bytes])
    static let video = PadTemplate("video_%u", .source, .sometimes, kinds: [.encodedVideo])
    static let audio = PadTemplate("audio_%u", .source, .sometimes, kinds: [.encodedAudio])
    static let descriptor = ElementDescriptor(
        "demux", "Splits container bytes into encoded streams (sometimes pads video_%u, audio_%u)",
        pads: [sink, video, audio],
        example: "filesrc location=in.mkv ! demux name=d  d.video_0 ! decode ! videoscale width=640 height=360 ! encode ! mux ! filesink location=small.mp4",
        pullsFiles: true)

    private let stream = StreamingDemuxer(label: "demux")
    private var file: Demuxer?
    private var pads: [Int: String] = [:]     // track id -> pad name
    private var announced = false

    init(settings: NoSettings, context: ElementContext) {}
    /// A demuxer inside another element (decodebin).
    init() {}

    var isPulling: Bool { file != nil }
    var canSeek: Bool { file != nil }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        guard case .bytes? = r.input else {
            throw .notNegotiated("demux reads container bytes; its input is \(r.input.map { "\($0)" } ?? "missing")", pad: Self.sink.name)
        }
        guard let path = r.inputFiles[Self.sink.name] else { return [:] }   // push mode: pads appear with the header
        return try open(url: path)
    }

    /// Pull mode on a file or URL: reads the header now and gives every pad's format.
    func open(url: String) throws(PipelineError) -> [String: StreamFormat] {
        let demuxer = try media { () throws(MediaError) in try Demuxer(url: url) }
        file = demuxer
        var out = Outputs()
        announce(demuxer.tracks, into: &out)
        return Dictionary(out.formats.map { ($0.pad, $0.format) }, uniquingKeysWith: { a, _ in a })
    }

    func produce(into out: inout Outputs) throws(PipelineError) -> FlowResult {
        guard let file else { return .eos }
        // A few chunks per call keeps the per-call cost low without holding much.
        for _ in 0..<8 {
            guard let (id, chunk) = try media({ () throws(MediaError) in try file.readNext() }) else { return .eos }
            if let pad = pads[id] { out.emit(.encoded(chunk), on: pad) }
        }
        return .ok
    }

    func seek(toUs timeUs: Int64) throws(PipelineError) {
        guard let file else { throw PipelineError(.failed, "demux cannot seek: its input is a stream of bytes, not a file") }
        try media { () throws(MediaError) in try file.seek(toUs: timeUs) }
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        guard case .bytes(let bytes) = item else { throw .unexpected(item, on: pad, expected: "container bytes") }
        guard file == nil else { return }   // pull mode: the file is read directly; the bytes offered are none
        stream.append(bytes)
        try drain(into: &out)
    }

    func finish(into out: inout Outputs) throws(PipelineError) {
        if file != nil { return }
        stream.finish()
        try drain(into: &out)
        if !announced {
            throw PipelineError(.failed, "the input ended before a container header could be read")
        }
    }

    /// Names a pad per audio or video track and announces its format, once.
    private func announce(_ tracks: [TrackInfo], into out: inout Outputs) {
        var counts: [String: Int] = [:]
        for t in tracks where t.kind == .video || t.kind == .audio {
            let template = t.isVideo ? Self.video : Self.audio
            let pad = template.name.replacingFirst("%u", with: String(counts[template.name, default: 0]))
            counts[template.name, default: 0] += 1
            pads[t.id] = pad
            out.setFormat(.encoded(t), on: pad)
        }
        announced = true
    }

    /// Announces pads once, then emits every chunk available so far, in container order per track.
    private func drain(into out: inout Outputs) throws(PipelineError) {
        if !announced {
            let tracks = try media { () throws(MediaError) in try stream.tracks() }
            guard !tracks.isEmpty else { return }
            announce(tracks, into: &out)
        }
        var progressed = true
        while progressed {
            progressed = false
            for (id, pad) in pads.sorted(by: { $0.key < $1.key }) {
                if let chunk = try media({ () throws(MediaError) in try stream.readChunk(trackId: id) }) {
                    out.emit(.encoded(chunk), on: pad)
                    progressed = true
                }
            }
        }
    }
}
