public import MediaCore
#if canImport(Glibc)
import Glibc
#endif

/// `filesrc`: a file's bytes, in blocks of `blocksize`. The file is opened
/// when the element is made (the pipeline's `ready`). Elements that read
/// files themselves (`demux`, `decodebin`, `parse`) are offered the file
/// instead, and read it in pull mode, so they can seek.
///
/// ```text
/// filesrc location=in.mp4 ! demux name=d  d.video_0 ! decode ! fakesink
/// ```
final class FileSrc: FileOfferingElement, DeclaredElement {
    struct Settings: ElementSettings {
        var location: String?
        var blockSize = 65_536
        static let declaration: [Setting<Self>] = [
            .string("location", \.location, "the file to read"),
            .int("blocksize", \.blockSize, 1...16_777_216, unit: .bytes, "bytes per block"),
        ]
    }

    static let src = PadTemplate.src([.bytes])
    static let descriptor = ElementDescriptor("filesrc", "Reads a file's bytes", pads: [src],
                                              example: "filesrc location=in.mp4 ! demux name=d  d.video_0 ! decode ! fakesink")

    var offeredFile: String { location }
    let location: String
    let blockSize: Int
    private var file: UnsafeMutablePointer<FILE>?

    init(settings: Settings, context: ElementContext) throws(PipelineError) {
        guard let location = settings.location, !location.isEmpty else { throw PipelineError(.failed, "location is not set") }
        guard let f = fopen(location, "rb") else {
            throw PipelineError(.failed, "cannot open \(location): \(String(cString: strerror(errno)))")
        }
        self.location = location
        blockSize = settings.blockSize
        file = f
    }

    deinit { if let file { fclose(file) } }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        [Self.src.name: .bytes(ContainerFormat(path: location))]
    }

    func produce(into out: inout Outputs) throws(PipelineError) -> FlowResult {
        guard let file else { return .eos }
        var block = [UInt8](repeating: 0, count: blockSize)
        let n = block.withUnsafeMutableBytes { fread($0.baseAddress, 1, blockSize, file) }
        if n > 0 { out.emit(.bytes(Array(block.prefix(n))), on: Self.src) }
        if n < blockSize {
            if ferror(file) != 0 { throw PipelineError(.failed, "reading \(location) failed: \(String(cString: strerror(errno)))") }
            return .eos
        }
        return .ok
    }
}
