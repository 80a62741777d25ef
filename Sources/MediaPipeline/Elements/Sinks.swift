public import MediaCore
#if canImport(Glibc)
import Glibc
#endif

/// `filesink`: writes bytes to a file, created or truncated at start.
final class FileSink: Element {
    let location: String
    private var file: UnsafeMutablePointer<FILE>?

    init(_ p: Properties) throws(PipelineError) {
        guard let location = p.string("location"), !location.isEmpty else {
            throw PipelineError(.failed, "location is not set")
        }
        self.location = location
        guard let f = fopen(location, "wb") else {
            throw PipelineError(.failed, "cannot open \(location) for writing: \(String(cString: strerror(errno)))")
        }
        file = f
    }

    deinit { if let file { fclose(file) } }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        guard case .bytes? = r.input else {
            throw .notNegotiated("filesink writes bytes; its input is \(r.input.map { "\($0)" } ?? "missing") (put a mux before it)", pad: "sink")
        }
        return [:]
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        guard let file else { return }
        let bytes: [UInt8]
        switch item {
        case .bytes(let b): bytes = b
        case .write(let b, let offset):
            guard fseeko(file, off_t(offset), SEEK_SET) == 0 else {
                throw PipelineError(.failed, "seeking \(location) to \(offset) failed: \(String(cString: strerror(errno)))")
            }
            bytes = b
        default: return
        }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == bytes.count else {
            throw PipelineError(.failed, "writing \(location) failed: \(String(cString: strerror(errno)))")
        }
        // Hand the bytes to the OS as they come, so a killed pipeline loses nothing written.
        fflush(file)
    }

    func finish(into out: inout Outputs) throws(PipelineError) {
        if let file, fclose(file) != 0 {
            self.file = nil
            throw PipelineError(.failed, "closing \(location) failed: \(String(cString: strerror(errno)))")
        }
        file = nil
    }
}

/// `fakesink`: takes anything and drops it.
final class FakeSink: Element {
    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] { [:] }
    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {}
}
