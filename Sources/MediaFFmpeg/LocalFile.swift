#if canImport(Glibc)
internal import Glibc
#endif
internal import MediaCore

/// Whole-file reads and writes of local paths for ``StillImage`` and
/// ``WaveFile``, with errors that name the file and say what was wrong.
///
/// Paths are never URLs here: `http://...` is a file name like any other.
/// Thread-safe (no state).
enum LocalFile {
    /// The size in bytes of the regular file at `path`.
    /// - Throws: `notFound` when nothing is there; `invalidArgument` for a
    ///   directory or another kind of file; `io` when it cannot be examined.
    static func size(_ path: String, operation: String) throws(MediaError) -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR {
                throw MediaError(.notFound, operation: operation, message: "no such file", file: path)
            }
            throw MediaError(.io, operation: operation, message: "cannot examine the file: \(errorText(code))", file: path)
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return Int(info.st_size)
        case S_IFDIR: throw MediaError(.invalidArgument, operation: operation, message: "is a directory, not a file", file: path)
        default: throw MediaError(.invalidArgument, operation: operation, message: "is not a regular file", file: path)
        }
    }

    /// Every byte of the regular file at `path`.
    static func read(_ path: String, operation: String) throws(MediaError) -> [UInt8] {
        let expected = try size(path, operation: operation)
        guard let file = fopen(path, "rb") else {
            throw MediaError(.io, operation: operation, message: "cannot open the file: \(errorText(errno))", file: path)
        }
        defer { fclose(file) }
        var bytes = [UInt8](repeating: 0, count: expected)
        let count = bytes.withUnsafeMutableBytes { fread($0.baseAddress, 1, expected, file) }
        guard count == expected, ferror(file) == 0 else {
            throw MediaError(.io, operation: operation, message: "read \(count) of its \(expected) bytes: \(errorText(errno))", file: path)
        }
        return bytes
    }

    /// Creates or truncates `path` and writes `bytes`; on failure the partial
    /// file is removed. The directory must exist (it is not created).
    static func write(_ bytes: [UInt8], to path: String, operation: String) throws(MediaError) {
        guard let file = fopen(path, "wb") else {
            let code = errno
            throw MediaError(code == ENOENT ? .notFound : .io, operation: operation,
                             message: "cannot create the file: \(errorText(code))", file: path)
        }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, bytes.count, file) }
        let writeErrno = errno
        let closed = fclose(file) == 0
        guard written == bytes.count, closed else {
            let code = written == bytes.count ? errno : writeErrno
            unlink(path)
            throw MediaError(.io, operation: operation,
                             message: "wrote \(written) of \(bytes.count) bytes: \(errorText(code)); the partial file was removed", file: path)
        }
    }

    private static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
