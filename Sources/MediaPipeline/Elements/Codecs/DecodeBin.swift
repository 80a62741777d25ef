public import MediaCore

/// `decodebin`: container bytes, or one encoded stream, to raw streams:
/// a `demux` and a `decode` per stream in one element, as GStreamer's
/// decodebin. Its sometimes-pads are `video_%u` and `audio_%u` (named by
/// kind, where GStreamer's are `src_%u`), so `d. ! videoconvert` and
/// `d. ! audioconvert` each find theirs.
///
/// After `filesrc` it reads the file itself (pull mode: pads known at
/// negotiation, seekable); other bytes are demuxed as they come.
///
/// ```text
/// filesrc location=in.mp4 ! decodebin name=d  d. ! videoconvert ! fakesink  d. ! audioconvert ! fakesink
/// ```
final class DecodeBin: PullingElement, SeekableElement, DeclaredElement {
    typealias Settings = NoSettings

    static let sink = PadTemplate.sink([.bytes, .encodedVideo, .encodedAudio])
    static let video = PadTemplate("video_%u", .source, .sometimes, kinds: [.rawVideo])
    static let audio = PadTemplate("audio_%u", .source, .sometimes, kinds: [.rawAudio])
    static let descriptor = ElementDescriptor(
        "decodebin", "Demuxes and decodes: container bytes or an encoded stream to raw video_%u and audio_%u pads",
        pads: [sink, video, audio],
        example: "filesrc location=in.mp4 ! decodebin name=d  d. ! videoconvert ! fakesink  d. ! audioconvert ! fakesink",
        pullsFiles: true)

    private let demux = Demux()
    private let decoders = StreamDecoders()
    private var constraints: [String: [Caps]] = [:]
    /// For a single encoded input: the pad its decoded stream leaves on.
    private var directPad: String?

    init(settings: NoSettings, context: ElementContext) {}

    var isPulling: Bool { demux.isPulling }
    var canSeek: Bool { demux.canSeek }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        constraints = r.constraints
        let input = try r.input("container bytes or an encoded stream")
        if case .encoded(let track) = input {
            let pad = (track.isVideo ? Self.video : Self.audio).name.replacingFirst("%u", with: "0")
            directPad = pad
            return [pad: try decoders.open(pad, input, constraints: constraints)]
        }
        return try decoders.openAll(try demux.negotiate(r), constraints: constraints)
    }

    func produce(into out: inout Outputs) throws(PipelineError) -> FlowResult {
        try decoders.produce(from: demux, constraints: constraints, into: &out)
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        var inner = Outputs()
        if let directPad {
            guard case .encoded = item else { throw .unexpected(item, on: pad, expected: "encoded chunks") }
            inner.emit(item, on: directPad)
        } else {
            try demux.process(item, on: pad, into: &inner)
        }
        try decoders.route(inner, constraints: constraints, into: &out)
    }

    func finish(into out: inout Outputs) throws(PipelineError) {
        if directPad == nil {
            var inner = Outputs()
            try demux.finish(into: &inner)
            try decoders.route(inner, constraints: constraints, into: &out)
        }
        try decoders.finish(into: &out)
    }

    /// Moves the demuxer, and drops what the decoders hold: what follows
    /// starts at the keyframe before `timeUs`, clipped to it.
    func seek(toUs timeUs: Int64) throws(PipelineError) {
        try demux.seek(toUs: timeUs)
        decoders.flush()
        decoders.startSegment(atUs: timeUs)
    }
    func flush() { decoders.flush() }
    func startSegment(atUs startUs: Int64, on pad: String) { decoders.startSegment(atUs: startUs) }
}
