#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The files and URLs a media-app guest may open: the directories the user
/// granted (`--dir` read-write, `--dir-ro` read-only) and URL prefixes
/// (`--allow-url`).
///
/// Paths are bytes, as the kernel sees them: they are split at the byte
/// `/` and compared byte for byte, never as Swift `String`s (which are
/// equal under Unicode canonical equivalence, and whose `Character`s can
/// swallow a `/` into a combining mark). A path is first resolved the way
/// the kernel would open it (relative to the working directory, `.` and
/// `..` applied, every symbolic link followed); it must land inside a
/// granted directory, else `access-denied` whether or not the file exists,
/// so a guest learns nothing about files outside. A dangling or looping
/// link is refused too (creating a file through it could land anywhere).
/// The file is then opened relative to the granted directory's descriptor,
/// held since the grant, with ``BeneathOpen`` (`openat2` with
/// `RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS`): a link
/// swapped in between the check and the open makes the open fail, never
/// leave the directory.
///
/// URLs are normalised (``NormalizedURL``) and must lie under a granted
/// prefix, on whole path segments; the same check applies to every URL
/// FFmpeg opens for the guest (a playlist's segments and keys, redirects).
///
/// A value; thread-safe.
public struct FileAccess: Sendable, Hashable {
    /// One granted directory, resolved (absolute, no links).
    public struct Directory: Sendable, Hashable {
        /// The resolved path as bytes.
        public let pathBytes: [UInt8]
        public internal(set) var writable: Bool
        /// Holds the directory open (`O_PATH`) for as long as the grant lives.
        let handle: DirectoryHandle

        /// The resolved path, for messages (bytes that are not UTF-8 shown as U+FFFD).
        public var path: String { String(decoding: pathBytes, as: UTF8.self) }

        public static func == (a: Directory, b: Directory) -> Bool {
            a.pathBytes == b.pathBytes && a.writable == b.writable
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(pathBytes)
            hasher.combine(writable)
        }
    }

    public enum Mode: Sendable, Hashable {
        case read, write
    }

    public private(set) var directories: [Directory] = []
    /// The URL prefixes granted to `demuxer.open`, as given (`rtsp://camera.local/`).
    public private(set) var urlPrefixes: [String] = []
    /// The same, normalised.
    private var urlGrants: [NormalizedURL] = []

    /// Grants nothing.
    public init() {}

    /// Grants `path` (which must be an existing directory) for reading, and
    /// for writing when `writable`.
    /// - Throws: ``FileAccessError`` when `path` is not an existing directory.
    public mutating func grant(directory path: String, writable: Bool) throws(FileAccessError) {
        guard let resolved = Self.realPath(Self.absolute(Array(path.utf8))) else {
            throw FileAccessError(path: path, reason: "no such directory")
        }
        let fd = BeneathOpen.withCString(resolved) { Glibc.open($0, BeneathOpen.pathOnly | O_DIRECTORY | O_CLOEXEC) }
        guard fd >= 0 else {
            throw FileAccessError(path: path, reason: errno == ENOTDIR ? "not a directory" : "cannot open it: \(Self.errorText(errno))")
        }
        let handle = DirectoryHandle(descriptor: fd)
        if let index = directories.firstIndex(where: { $0.pathBytes == resolved }) {
            directories[index].writable = directories[index].writable || writable
        } else {
            directories.append(Directory(pathBytes: resolved, writable: writable, handle: handle))
        }
    }

    /// Grants every URL under `prefix` to `demuxer.open`: the same scheme,
    /// host and port (the scheme's default when left out) and user
    /// information, and a path whose segments begin with the prefix's
    /// (`http://h/media` admits `http://h/media/a.ts`, not `http://h/media-b`).
    /// - Throws: ``FileAccessError`` when `prefix` is not a URL that can be
    ///   normalised, or has a query or fragment.
    public mutating func grant(urlPrefix prefix: String) throws(FileAccessError) {
        let url: NormalizedURL
        do { url = try NormalizedURL(prefix) } catch {
            throw FileAccessError(path: prefix, reason: "the URL \(error.reason)")
        }
        guard !url.hasQueryOrFragment else {
            throw FileAccessError(path: prefix, reason: "a URL prefix cannot have a query or fragment")
        }
        urlPrefixes.append(prefix)
        urlGrants.append(url)
    }

    /// Whether `path` looks like a URL (`scheme://...`) rather than a file path.
    static func isURL(_ path: String) -> Bool {
        let bytes = Array(path.utf8)
        guard let colon = bytes.firstIndex(of: Byte.colon), colon > 0,
              bytes.count >= colon + 3, bytes[colon + 1] == Byte.slash, bytes[colon + 2] == Byte.slash else { return false }
        return bytes[..<colon].allSatisfy { Byte.isLetter($0) || Byte.isDigit($0) || $0 == Byte.plus || $0 == Byte.minus || $0 == Byte.dot }
    }

    // MARK: - Checking

    /// Where the guest's `path` lands: the resolved path, and the granted
    /// directory holding it with the rest of the path below it.
    struct Placement {
        var resolved: [UInt8]
        var directory: Directory
        /// Below `directory`: no leading `/`, no `.`, `..` or links; empty for the directory itself.
        var relative: [UInt8]
    }

    /// Checks the guest's file `path` for `mode` without opening it.
    func place(_ path: String, for mode: Mode) throws(AppABI.Failure) -> Placement {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, !bytes.contains(0) else {
            throw AppABI.Failure(.invalidArgument, "an empty path or one containing NUL")
        }
        // Never read as a relative path (`http:` then an empty component...).
        guard !Self.isURL(path) else {
            throw AppABI.Failure(.accessDenied, "\(path): access denied: a URL, not a file (URLs are granted to demuxer.open for reading only)")
        }
        guard let resolved = Self.resolveLikeKernel(Self.absolute(bytes)) else {
            throw AppABI.Failure(.accessDenied, "\(path): access denied: the path goes through a symbolic link that does not resolve")
        }
        let containing = directories.compactMap { directory -> (Directory, [UInt8])? in
            Self.relative(resolved, below: directory.pathBytes).map { (directory, $0) }
        }
        // The innermost grant that allows the mode (a writable one for writing).
        let innermost = containing.filter { mode == .read || $0.0.writable }.max { $0.0.pathBytes.count < $1.0.pathBytes.count }
        guard let (granted, relative) = innermost ?? containing.first else {
            throw AppABI.Failure(.accessDenied, "\(path): access denied: outside every directory granted to the guest")
        }
        if mode == .write && !granted.writable {
            throw AppABI.Failure(.accessDenied, "\(path): access denied: \(granted.path) is granted read-only")
        }
        return Placement(resolved: resolved, directory: granted, relative: relative)
    }

    /// What the host would open for the guest's `path`: the resolved file
    /// path inside a granted directory, or a granted URL (reading only).
    func resolve(_ path: String, for mode: Mode) throws(AppABI.Failure) -> String {
        if Self.isURL(path) {
            guard mode == .read else { return String(decoding: try place(path, for: mode).resolved, as: UTF8.self) }
            try checkURL(path)
            return path
        }
        return String(decoding: try place(path, for: mode).resolved, as: UTF8.self)
    }

    /// Opens the guest's file `path` for `mode`: placed inside a grant,
    /// then opened beneath the granted directory's descriptor.
    /// - Throws: `access-denied` outside the grants, for writing under a
    ///   read-only grant, or when the path changed between the check and
    ///   the open; `not-found`; `invalid-argument` for an empty path, one
    ///   with NUL, or a directory.
    func open(_ path: String, for mode: Mode) throws(AppABI.Failure) -> OpenedFile {
        let placement = try place(path, for: mode)
        let fd = BeneathOpen.open(placement.relative, under: placement.directory.handle.descriptor,
                                  for: mode == .read ? .read : .createOrTruncate)
        guard fd >= 0 else { throw Self.openFailure(path, errno: -fd, mode: mode) }
        var info = stat()
        if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            close(fd)
            throw AppABI.Failure(.invalidArgument, "\(path): is a directory, not a media file")
        }
        return OpenedFile(descriptor: fd, resolvedPath: placement.resolved)
    }

    /// Checks a URL the guest asked for, or one FFmpeg opens on its behalf.
    /// - Throws: `access-denied` naming `url` and why.
    func checkURL(_ url: String) throws(AppABI.Failure) {
        let normalized: NormalizedURL
        do { normalized = try NormalizedURL(url) } catch {
            throw AppABI.Failure(.accessDenied, "\(url): access denied: the URL \(error.reason)")
        }
        guard urlGrants.contains(where: { $0.admits(normalized) }) else {
            throw AppABI.Failure(.accessDenied,
                                 "\(url): access denied: \(normalized) (user information left out) is outside every URL prefix granted to the guest")
        }
    }

    static func openFailure(_ path: String, errno code: Int32, mode: Mode) -> AppABI.Failure {
        switch code {
        case ENOENT:
            return AppABI.Failure(.notFound, mode == .read ? "\(path): no such file" : "\(path): a directory on the way does not exist")
        case ENOTDIR:
            return AppABI.Failure(.notFound, "\(path): a component on the way is not a directory")
        case ELOOP, EXDEV:
            return AppABI.Failure(.accessDenied, "\(path): access denied: the path changed while it was being opened (a symbolic link or mount appeared on it)")
        case EACCES, EPERM, EROFS:
            return AppABI.Failure(.accessDenied, "\(path): access denied by the file system: \(errorText(code))")
        case EISDIR:
            return AppABI.Failure(.invalidArgument, "\(path): is a directory, not a media file")
        default:
            return AppABI.Failure(.io, "\(path): cannot open: \(errorText(code))")
        }
    }

    static func errorText(_ code: Int32) -> String {
        strerror(code).map { String(cString: $0) } ?? "error \(code)"
    }
}

/// A granted directory held open with `O_PATH`; closed when the last grant
/// holding it goes.
final class DirectoryHandle: Sendable {
    let descriptor: Int32
    init(descriptor: Int32) { self.descriptor = descriptor }
    deinit { close(descriptor) }
}

/// A file opened for a guest inside a grant. FFmpeg reopens it through
/// ``ffmpegURL``; the descriptor stays open as long as this object (keep
/// it beside the muxer or demuxer using it). Closed when released.
final class OpenedFile {
    let descriptor: Int32
    /// The path it was opened by, resolved (for messages).
    let resolvedPath: [UInt8]

    init(descriptor: Int32, resolvedPath: [UInt8]) {
        self.descriptor = descriptor
        self.resolvedPath = resolvedPath
    }

    deinit { close(descriptor) }

    /// What FFmpeg's `file` protocol opens: `file:/proc/self/fd/N`, which
    /// reopens this very file (no path lookup happens again); without
    /// `/proc`, the resolved path, looked up again by name (nil when that
    /// is not UTF-8 and so cannot be handed over unchanged).
    var ffmpegURL: String? {
        let proc = "/proc/self/fd/\(descriptor)"
        var mine = stat(), there = stat()
        if fstat(descriptor, &mine) == 0, stat(proc, &there) == 0, mine.st_dev == there.st_dev, mine.st_ino == there.st_ino {
            return "file:" + proc
        }
        return String(validating: resolvedPath, as: UTF8.self).map { "file:" + $0 }
    }
}

/// A directory that cannot be granted, or a URL prefix that cannot.
public struct FileAccessError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot grant \(path): \(reason)" }
}
