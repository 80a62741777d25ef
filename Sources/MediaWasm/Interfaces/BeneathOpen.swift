#if canImport(Glibc)
internal import Glibc
#endif

/// Opening a file by a path relative to a directory descriptor such that
/// the kernel never leaves that directory and follows no symbolic link.
///
/// With `openat2(2)` (Linux 5.6 and later) the kernel does it in one call:
/// `RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS`. Where the
/// system call is missing (`ENOSYS`) the path is walked one component at a
/// time with `openat(…, O_NOFOLLOW)`, each directory opened `O_PATH`
/// relative to the one before: the same guarantee, a few more calls.
/// Thread-safe.
enum BeneathOpen {
    /// What the open is for.
    enum Access: Sendable {
        /// `O_RDONLY`.
        case read
        /// `O_WRONLY | O_CREAT | O_TRUNC`, mode 0666 before the umask.
        case createOrTruncate
    }

    /// How the path is resolved.
    enum Method: Sendable {
        /// `openat2` where the kernel has it, else ``walk``.
        case automatic
        /// One `openat(…, O_NOFOLLOW)` per component.
        case walk
    }

    // Linux's values for x86-64 and AArch64 (the same on both).
    static let pathOnly: Int32 = 0o10000000          // O_PATH
    static let resolveNoMagicLinks: UInt64 = 0x02    // RESOLVE_NO_MAGICLINKS
    static let resolveNoSymlinks: UInt64 = 0x04      // RESOLVE_NO_SYMLINKS
    static let resolveBeneath: UInt64 = 0x08         // RESOLVE_BENEATH
    static let openat2Number = 437                   // SYS_openat2, the same on every architecture

    /// `syscall(2)`, which Swift cannot call (it is variadic). On Linux's
    /// x86-64 and AArch64 calling conventions, integer and pointer arguments
    /// of a variadic function travel as a fixed function's do, so the
    /// symbol is called through this fixed signature.
    typealias Syscall = @convention(c) (Int, Int32, UnsafePointer<CChar>, UnsafeRawPointer, Int) -> Int

    private static let syscallFunction: Syscall? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "syscall") else { return nil }
        return unsafeBitCast(symbol, to: Syscall.self)
    }()

    /// Whether the running kernel has `openat2`, asked once.
    static let kernelHasOpenat2: Bool = {
        let fd = openat2(AT_FDCWD, Array("/".utf8), flags: pathOnly | O_DIRECTORY | O_CLOEXEC, mode: 0, resolve: 0)
        if fd >= 0 { close(fd) }
        return fd >= 0 || errno != ENOSYS
    }()

    /// Opens `relative` (no leading `/`, no `.` or `..`, no symbolic link
    /// along it; empty for the directory itself) under `directory`.
    /// - Returns: the descriptor (close-on-exec), or `-errno`: `ELOOP` when
    ///   a component is a symbolic link, `EXDEV` when it would leave the
    ///   directory, `ENOENT`, `EACCES`… as `open(2)` reports them.
    static func open(_ relative: [UInt8], under directory: Int32, for access: Access,
                     method: Method = .automatic) -> Int32 {
        let flags: Int32, mode: UInt32
        switch access {
        case .read: (flags, mode) = (O_RDONLY | O_CLOEXEC | O_NOCTTY, 0)
        case .createOrTruncate: (flags, mode) = (O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0o666)
        }
        let components = relative.split(separator: Byte.slash).map(Array.init)
        if components.contains(where: { $0 == [Byte.dot] || $0 == [Byte.dot, Byte.dot] }) { return -EXDEV }
        if method == .automatic && kernelHasOpenat2 {
            let path = components.isEmpty ? [Byte.dot] : Array(components.joined(separator: [Byte.slash]))
            let fd = openat2(directory, path, flags: flags, mode: UInt64(mode),
                             resolve: resolveBeneath | resolveNoSymlinks | resolveNoMagicLinks)
            return fd >= 0 ? fd : -errno
        }
        return walk(components, under: directory, flags: flags, mode: mode)
    }

    /// The fallback: each directory on the way opened `O_PATH | O_DIRECTORY
    /// | O_NOFOLLOW` relative to the previous one, the last component
    /// `O_NOFOLLOW`.
    static func walk(_ components: [[UInt8]], under directory: Int32, flags: Int32, mode: UInt32) -> Int32 {
        guard let last = components.last else {
            let fd = withCString([Byte.dot]) { openat(directory, $0, flags, mode_t(mode)) }
            return fd >= 0 ? fd : -errno
        }
        var current = directory
        defer { if current != directory { close(current) } }
        for component in components.dropLast() {
            let next = withCString(component) { openat(current, $0, pathOnly | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
            guard next >= 0 else { return errno == ENOTDIR ? -linkOrNotDirectory(current, component) : -errno }
            if current != directory { close(current) }
            current = next
        }
        let fd = withCString(last) { openat(current, $0, flags | O_NOFOLLOW, mode_t(mode)) }
        return fd >= 0 ? fd : -errno
    }

    /// `O_NOFOLLOW | O_PATH | O_DIRECTORY` on a symbolic link reports
    /// `ENOTDIR`; report `ELOOP` then, as `openat2` would.
    private static func linkOrNotDirectory(_ directory: Int32, _ component: [UInt8]) -> Int32 {
        var info = stat()
        let isLink = withCString(component) { fstatat(directory, $0, &info, AT_SYMLINK_NOFOLLOW) } == 0
            && info.st_mode & S_IFMT == S_IFLNK
        return isLink ? ELOOP : ENOTDIR
    }

    /// `openat2(2)`: -1 and `errno` on failure, `ENOSYS` when there is no
    /// `syscall` symbol either.
    static func openat2(_ directory: Int32, _ path: [UInt8], flags: Int32, mode: UInt64, resolve: UInt64) -> Int32 {
        guard let syscallFunction else {
            errno = ENOSYS
            return -1
        }
        // struct open_how { __u64 flags; __u64 mode; __u64 resolve; }
        let how: [UInt64] = [UInt64(UInt32(bitPattern: flags)), mode, resolve]
        return how.withUnsafeBytes { howBytes in
            withCString(path) { Int32(truncatingIfNeeded: syscallFunction(openat2Number, directory, $0, howBytes.baseAddress!, howBytes.count)) }
        }
    }

    /// Runs `body` on `bytes` as a NUL-terminated C string.
    static func withCString<R>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
        (bytes + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
        }
    }
}
