public import MediaCore

/// `uridecodebin`: the media behind a URL, demuxed and decoded (GStreamer's
/// uridecodebin): raw `video_%u` and `audio_%u` pads, as `decodebin`'s.
/// Opens anything FFmpeg opens (file paths, `file://`, http, rtsp, srt...);
/// seekable when the source is.
///
/// ```text
/// uridecodebin uri=http://127.0.0.1:8080/clip.webm name=d  d. ! videoconvert ! encode ! mux ! filesink location=copy.mp4
/// ```
final class URIDecodeBin: SourceElement, SeekableElement, DeclaredElement {
    struct Settings: ElementSettings {
        var uri: String?
        static let declaration: [Setting<Self>] = [.string("uri", \.uri, "the URL (or path) to read")]
    }

    static let descriptor = ElementDescriptor(
        "uridecodebin", "Reads, demuxes and decodes the media behind a URL: raw video_%u and audio_%u pads",
        pads: [DecodeBin.video, DecodeBin.audio],
        example: "uridecodebin uri=http://127.0.0.1:8080/clip.webm name=d  d. ! videoconvert ! encode ! mux ! filesink location=copy.mp4")

    private let uri: String
    private let demux = Demux()
    private let decoders = StreamDecoders()
    private var constraints: [String: [Caps]] = [:]

    init(settings: Settings, context: ElementContext) throws(PipelineError) {
        guard let uri = settings.uri, !uri.isEmpty else { throw PipelineError(.failed, "uri is not set") }
        self.uri = uri.hasPrefix("file://") ? String(uri.dropFirst("file://".count)) : uri
    }

    var canSeek: Bool { demux.canSeek }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        constraints = r.constraints
        return try decoders.openAll(try demux.open(url: uri), constraints: constraints)
    }

    func produce(into out: inout Outputs) throws(PipelineError) -> FlowResult {
        try decoders.produce(from: demux, constraints: constraints, into: &out)
    }

    func finish(into out: inout Outputs) throws(PipelineError) { try decoders.finish(into: &out) }
    /// Moves the demuxer, and drops what the decoders hold: what follows
    /// starts at the keyframe before `timeUs`, clipped to it.
    func seek(toUs timeUs: Int64) throws(PipelineError) {
        try demux.seek(toUs: timeUs)
        decoders.flush()
        decoders.startSegment(atUs: timeUs)
    }
    func flush() { decoders.flush() }
}
