#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Path resolution on bytes: components are what lies between `/` bytes,
/// compared byte for byte.
extension FileAccess {
    /// The most symbolic links one resolution follows (Linux's limit).
    static let maxLinks = 40

    /// `path` made absolute against the working directory.
    static func absolute(_ path: [UInt8]) -> [UInt8] {
        if path.first == Byte.slash { return path }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return [Byte.slash] + path }
        let cwd = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return cwd == [Byte.slash] ? [Byte.slash] + path : cwd + [Byte.slash] + path
    }

    /// `realpath(3)` of `path`, or nil when it does not resolve.
    static func realPath(_ path: [UInt8]) -> [UInt8]? {
        guard let resolved = BeneathOpen.withCString(path, { realpath($0, nil) }) else { return nil }
        defer { free(resolved) }
        return Array(UnsafeRawBufferPointer(start: resolved, count: strlen(resolved)))
    }

    /// A `String` path's real path, for tests and messages.
    static func realPath(_ path: String) -> String? {
        realPath(Array(path.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Walks `path` (absolute) component by component, as the kernel would:
    /// `.` is skipped, `..` goes to the parent of what was resolved so far,
    /// a symbolic link is replaced by its target (resolved the same way,
    /// from the link's directory, or from `/` for an absolute target), a
    /// missing component is kept as written.
    /// - Returns: the absolute path with no `.`, `..` or link in what
    ///   exists, or nil when a link does not resolve (its target, or part
    ///   of it, is missing, or links loop).
    static func resolveLikeKernel(_ path: [UInt8]) -> [UInt8]? {
        var links = 0
        guard let components = walk(path, from: [], targetOfLink: false, links: &links) else { return nil }
        return components.isEmpty ? [Byte.slash] : components.flatMap { [Byte.slash] + $0 }
    }

    /// The components `path` resolves to, starting from `base` (for a
    /// relative `path`). Inside a link's target every component must exist.
    private static func walk(_ path: [UInt8], from base: [[UInt8]], targetOfLink: Bool, links: inout Int) -> [[UInt8]]? {
        var current = path.first == Byte.slash ? [] : base
        for component in path.split(separator: Byte.slash).map(Array.init) {
            if component == [Byte.dot] { continue }
            if component == [Byte.dot, Byte.dot] {
                if !current.isEmpty { current.removeLast() }
                continue
            }
            let next = current + [component]
            let nextPath = next.flatMap { [Byte.slash] + $0 }
            var info = stat()
            guard BeneathOpen.withCString(nextPath, { lstat($0, &info) }) == 0 else {
                if targetOfLink { return nil }   // a dangling link
                current = next                   // missing: kept as written
                continue
            }
            guard info.st_mode & S_IFMT == S_IFLNK else {
                current = next
                continue
            }
            links += 1
            guard links <= maxLinks, let target = readLink(nextPath), !target.isEmpty,
                  let resolved = walk(target, from: current, targetOfLink: true, links: &links) else { return nil }
            current = resolved
        }
        return current
    }

    /// The target of the symbolic link at `path`.
    static func readLink(_ path: [UInt8]) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = BeneathOpen.withCString(path) { link in
            buffer.withUnsafeMutableBufferPointer { readlink(link, UnsafeMutableRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), $0.count) }
        }
        guard count >= 0, count < buffer.count else { return nil }
        return Array(buffer.prefix(count))
    }

    /// The part of `path` below `directory` (both resolved, absolute): nil
    /// when `path` is not `directory` or inside it; empty when it is
    /// `directory`. Whole components, byte for byte: `/a` holds `/a/b`,
    /// not `/ab`.
    static func relative(_ path: [UInt8], below directory: [UInt8]) -> [UInt8]? {
        if directory == [Byte.slash] { return Array(path.drop { $0 == Byte.slash }) }
        guard path.starts(with: directory) else { return nil }
        if path.count == directory.count { return [] }
        guard path[directory.count] == Byte.slash else { return nil }
        return Array(path[(directory.count + 1)...])
    }
}
