public import MediaCore
import MediaFFmpeg

/// `mux`: encoded streams on request pads into container bytes (MP4,
/// Matroska, WebM, MPEG-TS). Request pads are `sink_%u` for any stream, or
/// GStreamer's `video_%u` and `audio_%u`; tracks are numbered in pad-name
/// order. Before a file (`filesink`) it writes positioned bytes, so the
/// container can go back to finish its header; MP4 is fragmented, so a
/// killed recording stays playable.
///
/// ```text
/// videotestsrc num-buffers=60 ! encode ! mux name=m format=mkv ! filesink location=out.mkv  audiotestsrc num-buffers=94 ! encode codec=opus ! m.
/// ```
final class Mux: DeclaredElement {
    struct Settings: ElementSettings {
        var format: ContainerFormat = .mp4
        static let declaration: [Setting<Self>] = [
            .choice("format", \.format, "container; mp4 is fragmented so a killed recording stays playable"),
        ]
    }

    static let sink = PadTemplate("sink_%u", .sink, .request, kinds: [.encodedVideo, .encodedAudio])
    static let video = PadTemplate("video_%u", .sink, .request, kinds: [.encodedVideo])
    static let audio = PadTemplate("audio_%u", .sink, .request, kinds: [.encodedAudio])
    static let src = PadTemplate.src([.bytes])
    static let descriptor = ElementDescriptor(
        "mux", "Packages encoded streams into a container (request pads sink_%u, video_%u, audio_%u)", pads: [sink, video, audio, src],
        example: "videotestsrc num-buffers=60 ! encode ! mux name=m format=mkv ! filesink location=out.mkv  audiotestsrc num-buffers=94 ! encode codec=opus ! m.")

    let format: ContainerFormat
    private var muxer: Muxer?
    private var seekable = false
    private var trackIds: [String: Int] = [:]

    init(settings: Settings, context: ElementContext) { format = settings.format }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        guard muxer == nil else { throw .notNegotiated("the muxer cannot change its tracks once writing") }
        // A file downstream lets the container go back to finish its header.
        seekable = r.seekableOutputs.contains(Self.src.name)
        let format = self.format, seekable = self.seekable
        let m = try media { () throws(MediaError) in seekable ? try Muxer(seekableFormat: format) : try Muxer(format: format) }
        for (i, pad) in r.inputs.keys.sorted().enumerated() {
            guard case .encoded(var track)? = r.inputs[pad] else {
                throw .notNegotiated("\(pad) carries \(r.inputs[pad]!), not an encoded stream", pad: pad)
            }
            track.id = i
            trackIds[pad] = i
            let t = track
            do { try m.addTrack(t) } catch { throw PipelineError(.notNegotiated, error.description, pad: pad, cause: error) }
        }
        muxer = m
        return [Self.src.name: .bytes(format)]
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        guard case .encoded(let chunk) = item else { throw .unexpected(item, on: pad, expected: "encoded chunks") }
        guard let muxer, let id = trackIds[pad] else { throw PipelineError(.failed, "\(pad) was not negotiated", pad: pad) }
        try media { () throws(MediaError) in try muxer.writeChunk(trackId: id, chunk) }
        emitOutput(muxer, into: &out)
    }

    private func emitOutput(_ muxer: Muxer, into out: inout Outputs) {
        if seekable {
            for w in muxer.takeOutputWrites() { out.emit(.write(w.bytes, offset: w.offset), on: Self.src) }
        } else {
            let bytes = muxer.takeOutputBytes()
            if !bytes.isEmpty { out.emit(.bytes(bytes), on: Self.src) }
        }
    }

    func finish(into out: inout Outputs) throws(PipelineError) {
        guard let muxer else { return }
        try media { () throws(MediaError) in try muxer.finalize() }
        emitOutput(muxer, into: &out)
    }
}
