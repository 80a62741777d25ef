import MediaCore
#if canImport(Glibc)
import Glibc
#endif

/// `multifilesink`: writes every buffer it receives to a file of its own,
/// named by `location` (`frame%05d.png`: one printf integer conversion, see
/// ``FileNamePattern``) with `index`, then index + 1... As GStreamer's
/// (`next-file=buffer`, its default): an encoded chunk's bytes as they are
/// (a PNG from `pngenc` is a whole image file), a run of bytes as it came,
/// a raw video frame or audio run in the canonical layout of its format
/// (what `rawvideoparse` reads back).
///
/// Files are created or truncated; the directory must exist (GStreamer's
/// does not create it either). `max-files` keeps only the newest files,
/// deleting the oldest this element wrote. A pattern with no `%`
/// conversion, or a directory that does not exist, is an error when the
/// element is made.
///
/// ```text
/// videotestsrc num-buffers=10 ! pngenc ! multifilesink location=frame%05d.png
/// ```
final class MultiFileSink: DeclaredElement {
    struct Settings: ElementSettings {
        var location: String?
        var index = 0
        var maxFiles = 0
        static let declaration: [Setting<Self>] = [
            .string("location", \.location, "file name with one printf integer conversion, like frame%05d.png; the directory must exist"),
            .int("index", \.index, 0...Int(Int32.max), "number of the first file, one more for each buffer"),
            .int("max-files", \.maxFiles, 0...Int(Int32.max), "most files kept: the oldest written is deleted to make room; 0 keeps every file"),
        ]
    }

    static let sink = PadTemplate.sink([.encodedVideo, .encodedAudio, .bytes, .rawVideo, .rawAudio])
    static let descriptor = ElementDescriptor(
        "multifilesink", "Writes each buffer to its own file (frame%05d.png)", pads: [sink],
        example: "videotestsrc num-buffers=10 ! pngenc ! multifilesink location=frame%05d.png")

    let pattern: FileNamePattern
    let maxFiles: Int
    private var index: Int
    /// Files written, oldest first (only tracked when `max-files` is set).
    private var kept: [String] = []

    init(settings: Settings, context: ElementContext) throws(PipelineError) {
        guard let location = settings.location, !location.isEmpty else {
            throw PipelineError(.invalidGraph, "location is not set; give a file name pattern like frame%05d.png")
        }
        do {
            pattern = try FileNamePattern(location)
        } catch {
            throw PipelineError(.invalidGraph, "location \(error.message)")
        }
        let first = pattern.name(settings.index)
        let directory = Self.directory(of: first)
        var info = stat()
        guard stat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw PipelineError(.failed, "directory '\(directory)' (of the first file, \(first)) does not exist; multifilesink does not create directories")
        }
        index = settings.index
        maxFiles = settings.maxFiles
    }

    /// The directory part of a path (`.` for a bare name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] { [:] }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        switch item {
        case .encoded(let chunk): try writeNext(chunk.data)
        case .bytes(let bytes): try writeNext(bytes)
        case .video(let frame): try writeNext(Array(frame.buffer.bytes.prefix(frame.format.byteCount(width: frame.width, height: frame.height))))
        case .audio(let audio): try writeNext(audio.buffer.bytes)
        case .write:
            throw .unexpected(item, on: pad, expected: "buffers to write one per file, not positioned writes")
        }
    }

    private func writeNext(_ bytes: [UInt8]) throws(PipelineError) {
        let name = pattern.name(index)
        if maxFiles > 0, kept.count >= maxFiles {
            unlink(kept.removeFirst())
        }
        guard let file = fopen(name, "wb") else {
            throw PipelineError(.failed, "cannot create \(name) (file \(index)): \(String(cString: strerror(errno)))")
        }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, bytes.count, file) }
        let writeErrno = errno
        guard fclose(file) == 0, written == bytes.count else {
            let code = written == bytes.count ? errno : writeErrno
            throw PipelineError(.failed, "writing \(name) (file \(index)) failed after \(written) of \(bytes.count) bytes: \(String(cString: strerror(code)))")
        }
        if maxFiles > 0 { kept.append(name) }
        index += 1
    }
}
