#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The files and URLs a media-app guest may open: the directories the user
/// granted (`--dir` read-write, `--dir-ro` read-only) and URL prefixes.
///
/// A path is resolved the way the kernel would open it (relative to the
/// working directory, `.` and `..` applied, every symbolic link followed)
/// before it is compared with the grants, and the resolved path is what the
/// host then opens. A path that resolves outside every granted directory is
/// refused with `access-denied` whether or not the file exists, so a guest
/// learns nothing about files outside. A dangling or looping symbolic link
/// is refused too (creating a file through it could land anywhere).
///
/// A value; thread-safe. Resolution happens at each open, so a link changed
/// between the check and the open by someone else is not caught: grant
/// directories that only the user writes to.
public struct FileAccess: Sendable, Hashable {
    /// One granted directory, resolved (absolute, no links).
    public struct Directory: Sendable, Hashable {
        public var path: String
        public var writable: Bool
    }

    public enum Mode: Sendable, Hashable {
        case read, write
    }

    public private(set) var directories: [Directory] = []
    /// URL prefixes `demuxer.open` accepts (`rtsp://camera.local/`).
    public private(set) var urlPrefixes: [String] = []

    /// Grants nothing.
    public init() {}

    /// Grants `path` (which must be an existing directory) for reading, and
    /// for writing when `writable`.
    /// - Throws: ``FileAccessError`` when `path` is not an existing directory.
    public mutating func grant(directory path: String, writable: Bool) throws(FileAccessError) {
        guard let resolved = Self.realPath(Self.absolute(path)) else {
            throw FileAccessError(path: path, reason: "no such directory")
        }
        var info = stat()
        guard stat(resolved, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw FileAccessError(path: path, reason: "not a directory")
        }
        if let index = directories.firstIndex(where: { $0.path == resolved }) {
            directories[index].writable = directories[index].writable || writable
        } else {
            directories.append(Directory(path: resolved, writable: writable))
        }
    }

    /// Grants every URL that starts with `prefix` to `demuxer.open`.
    public mutating func grant(urlPrefix prefix: String) {
        urlPrefixes.append(prefix)
    }

    /// Whether `path` looks like a URL (`scheme://...`) rather than a file path.
    static func isURL(_ path: String) -> Bool {
        let bytes = Array(path.utf8)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon > 0,
              bytes.count >= colon + 3, bytes[colon + 1] == UInt8(ascii: "/"), bytes[colon + 2] == UInt8(ascii: "/") else { return false }
        return bytes[..<colon].allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
    }

    /// What the host opens for the guest's `path`: the resolved file path
    /// inside a granted directory, or a granted URL (reading only).
    func resolve(_ path: String, for mode: Mode) throws(AppABI.Failure) -> String {
        if Self.isURL(path) {
            guard mode == .read, urlPrefixes.contains(where: { path.hasPrefix($0) }) else {
                throw AppABI.Failure(.accessDenied, "\(path): access denied: this URL was not granted to the guest")
            }
            return path
        }
        guard !path.isEmpty, !path.utf8.contains(0) else {
            throw AppABI.Failure(.invalidArgument, "an empty path or one containing NUL")
        }
        guard let resolved = Self.resolveLikeKernel(Self.absolute(path)) else {
            throw AppABI.Failure(.accessDenied, "\(path): the path goes through a symbolic link that does not resolve")
        }
        let granted = directories.first { resolved == $0.path || resolved.hasPrefix($0.path == "/" ? "/" : $0.path + "/") }
        guard let granted else {
            throw AppABI.Failure(.accessDenied, "\(path): access denied: outside every directory granted to the guest")
        }
        if mode == .write && !granted.writable {
            throw AppABI.Failure(.accessDenied, "\(path): access denied: \(granted.path) is granted read-only")
        }
        return resolved
    }

    // MARK: - Resolution

    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" + path }
        let cwd = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return cwd == "/" ? "/" + path : cwd + "/" + path
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Walks `path` (absolute) component by component: an existing prefix is
    /// replaced by its real path (links followed), `..` goes to the parent of
    /// what was resolved so far, a missing component is kept as written.
    /// Nil when a component exists but does not resolve (a dangling or
    /// looping link).
    static func resolveLikeKernel(_ path: String) -> String? {
        var current = "/"
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == ".." {
                if let slash = current.lastIndex(of: "/") {
                    current = slash == current.startIndex ? "/" : String(current[..<slash])
                }
                continue
            }
            let next = current == "/" ? "/" + component : current + "/" + component
            if let real = realPath(next) {
                current = real
            } else {
                var info = stat()
                if lstat(next, &info) == 0 { return nil }   // exists, yet does not resolve
                current = next
            }
        }
        return current
    }
}

/// A directory that cannot be granted.
public struct FileAccessError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot grant \(path): \(reason)" }
}
