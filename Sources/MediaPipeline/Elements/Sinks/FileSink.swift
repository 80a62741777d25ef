import MediaCore
import MediaFFmpeg
#if canImport(Glibc)
import Glibc
#endif

/// `filesink`: writes what reaches it to a file, created or truncated when
/// the element is made (the pipeline's `ready`). Bytes are written as they
/// come (positioned writes where a muxer asks); one encoded stream is
/// written in its codec's own file format, as GStreamer's encoders hand
/// filesink a playable stream: MP3, FLAC, AAC as ADTS, Opus in Ogg,
/// H.264/HEVC as Annex B, AV1 as OBUs, VP9 in IVF, PNG images one after
/// another. Raw video is written frame after frame in the canonical plane
/// layout of its format, as GStreamer's filesink writes raw buffers
/// (`rawvideoparse` reads it back).
///
/// Every write reaches the OS at once, so a killed pipeline loses nothing written.
///
/// ```text
/// audiotestsrc num-buffers=100 ! encode codec=mp3 ! filesink location=tone.mp3
/// ```
final class FileSink: DeclaredElement {
    struct Settings: ElementSettings {
        var location: String?
        static let declaration: [Setting<Self>] = [.string("location", \.location, "the file to create or truncate")]
    }

    static let sink = PadTemplate.sink([.bytes, .encodedVideo, .encodedAudio, .rawVideo])
    static let descriptor = ElementDescriptor(
        "filesink", "Writes bytes to a file (one encoded stream: in its codec's own file format; raw video: frame after frame)", pads: [sink],
        example: "audiotestsrc num-buffers=100 ! encode codec=mp3 ! filesink location=tone.mp3",
        takesPositionedWrites: true)

    let location: String
    private var file: UnsafeMutablePointer<FILE>?
    /// For an encoded stream: the writer of its file format.
    private var muxer: Muxer?

    init(settings: Settings, context: ElementContext) throws(PipelineError) {
        guard let location = settings.location, !location.isEmpty else { throw PipelineError(.failed, "location is not set") }
        self.location = location
        guard let f = fopen(location, "wb") else {
            throw PipelineError(.failed, "cannot open \(location) for writing: \(String(cString: strerror(errno)))")
        }
        file = f
    }

    deinit { if let file { fclose(file) } }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        switch r.input {
        case .bytes?, .rawVideo?:
            return [:]
        case .encoded(var track)?:
            track.id = 0
            let t = track
            muxer = try media { () throws(MediaError) in
                let m = try Muxer(elementaryStreamOf: t.parameters.codecName)
                try m.addTrack(t)
                return m
            }
            return [:]
        default:
            throw .notNegotiated("filesink writes bytes, raw video or one encoded stream; its input is \(r.input.map { "\($0)" } ?? "missing") (put a mux before it)",
                                 pad: Self.sink.name)
        }
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        switch item {
        case .bytes(let b): try write(b, at: nil)
        case .write(let b, let offset): try write(b, at: offset)
        case .video(let frame):
            try write(Array(frame.buffer.bytes.prefix(frame.format.byteCount(width: frame.width, height: frame.height))), at: nil)
        case .encoded(let chunk):
            guard let muxer else { throw .unexpected(item, on: pad, expected: "bytes") }
            try media { () throws(MediaError) in try muxer.writeChunk(trackId: 0, chunk) }
            for w in muxer.takeOutputWrites() { try write(w.bytes, at: w.offset) }
        default:
            throw .unexpected(item, on: pad, expected: "bytes, video frames or encoded chunks")
        }
    }

    private func write(_ bytes: [UInt8], at offset: Int64?) throws(PipelineError) {
        guard let file else { return }
        if let offset, fseeko(file, off_t(offset), SEEK_SET) != 0 {
            throw PipelineError(.failed, "seeking \(location) to \(offset) failed: \(String(cString: strerror(errno)))")
        }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == bytes.count else {
            throw PipelineError(.failed, "writing \(location) failed: \(String(cString: strerror(errno)))")
        }
        // Hand the bytes to the OS as they come, so a killed pipeline loses nothing written.
        fflush(file)
    }

    func finish(into out: inout Outputs) throws(PipelineError) {
        if let muxer {
            try media { () throws(MediaError) in try muxer.finalize() }
            for w in muxer.takeOutputWrites() { try write(w.bytes, at: w.offset) }
        }
        if let file, fclose(file) != 0 {
            self.file = nil
            throw PipelineError(.failed, "closing \(location) failed: \(String(cString: strerror(errno)))")
        }
        file = nil
    }
}
