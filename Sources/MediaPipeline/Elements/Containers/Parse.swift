public import MediaCore

/// `parse`: one encoded stream, framed. Given bytes (a file of one stream:
/// MP3, AAC in ADTS, FLAC, H.264/HEVC Annex B, IVF...) it reads the first
/// stream out of them, as `demux` would; given encoded chunks it passes
/// them on, as they are whole access units already. GStreamer's parsers
/// (`mpegaudioparse`, `h264parse`, `aacparse`...) are this element.
///
/// After `filesrc` it reads the file itself (pull mode), so it can seek.
///
/// ```text
/// filesrc location=music.mp3 ! parse ! decode ! audioconvert ! encode codec=flac ! filesink location=music.flac
/// ```
final class Parse: PullingElement, SeekableElement, DeclaredElement {
    typealias Settings = NoSettings

    static let sink = PadTemplate.sink([.bytes, .encodedVideo, .encodedAudio])
    static let src = PadTemplate.src([.encodedVideo, .encodedAudio])
    static let descriptor = ElementDescriptor(
        "parse", "Frames one encoded stream from its file's bytes, or passes encoded chunks on", pads: [sink, src],
        example: "filesrc location=music.mp3 ! parse ! decode ! audioconvert ! encode codec=flac ! filesink location=music.flac",
        pullsFiles: true)

    /// For bytes: the demuxer reading them, and the pad of the stream taken.
    private var demux: Demux?
    private var stream: String?

    init(settings: NoSettings, context: ElementContext) {}

    var isPulling: Bool { demux?.isPulling ?? false }
    var canSeek: Bool { demux?.canSeek ?? false }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        let input = try r.input("bytes of one stream, or encoded chunks")
        guard case .bytes = input else { return [Self.src.name: input] }
        let d = Demux()
        demux = d
        let formats = try d.negotiate(r)
        guard let (pad, format) = formats.sorted(by: { $0.key < $1.key }).first else { return [:] }   // push mode: found in the header
        stream = pad
        return [Self.src.name: format]
    }

    func produce(into out: inout Outputs) throws(PipelineError) -> FlowResult {
        guard let demux else { return .eos }
        var inner = Outputs()
        let result = try demux.produce(into: &inner)
        forward(inner, into: &out)
        return result
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        guard let demux else {
            guard case .encoded = item else { throw .unexpected(item, on: pad, expected: "encoded chunks") }
            out.emit(item, on: Self.src)
            return
        }
        var inner = Outputs()
        try demux.process(item, on: pad, into: &inner)
        forward(inner, into: &out)
    }

    func finish(into out: inout Outputs) throws(PipelineError) {
        guard let demux else { return }
        var inner = Outputs()
        try demux.finish(into: &inner)
        forward(inner, into: &out)
    }

    func seek(toUs timeUs: Int64) throws(PipelineError) {
        guard let demux else { throw PipelineError(.failed, "parse cannot seek: its input is encoded chunks") }
        try demux.seek(toUs: timeUs)
    }

    /// The taken stream's format and chunks, on `src`; the other streams' are dropped.
    private func forward(_ inner: Outputs, into out: inout Outputs) {
        for w in inner.warnings { out.warn(w) }
        for (pad, format) in inner.formats where stream == nil || stream == pad {
            stream = pad
            out.setFormat(format, on: Self.src.name)
        }
        for (pad, item) in inner.items where pad == stream { out.emit(item, on: Self.src) }
    }
}
