#if canImport(Glibc)
import Glibc
#endif
import Crypto
import Foundation

/// Wasmtime's machine code for a module, kept on disk between processes, so
/// that a second `wasi-media run` with the same guest does not compile it
/// again (tens to hundreds of milliseconds for the example guests).
///
/// Where: `WASI_MEDIA_CACHE_DIR`, else `$XDG_CACHE_HOME/wasi-media`, else
/// `~/.cache/wasi-media`; under it `wasmtime/<sha256 of the module>.cwasm`.
/// `WASI_MEDIA_CACHE_DIR=off` turns it off.
///
/// A cached file is machine code that is loaded and run, so it must be as
/// trusted as the program: the folder is created private (0700) and used
/// only if it belongs to this user and nobody else may write to it.
/// Wasmtime refuses a file made by another version or configuration; such
/// a file, or any that cannot be loaded, is compiled again and replaced.
/// Files are written to a temporary name and renamed, so a reader never
/// sees half a file. Thread-safe.
enum WasmtimeDiskCache {
    /// The folder, or nil when the cache is off or the folder is not safe to use.
    static let directory: String? = {
        let environment = ProcessInfo.processInfo.environment
        let root: String
        if let explicit = environment["WASI_MEDIA_CACHE_DIR"], !explicit.isEmpty {
            if explicit == "off" { return nil }
            root = explicit
        } else if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            root = xdg + "/wasi-media"
        } else if let home = environment["HOME"], !home.isEmpty {
            root = home + "/.cache/wasi-media"
        } else {
            return nil
        }
        let folder = root + "/wasmtime"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        var info = stat()
        guard stat(folder, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == getuid(),
              info.st_mode & (S_IWGRP | S_IWOTH) == 0 else { return nil }
        return folder
    }()

    static func path(for digest: SHA256Digest) -> String? {
        directory.map { $0 + "/" + digest.map { String(format: "%02x", $0) }.joined() + ".cwasm" }
    }

    /// The module compiled earlier from bytes with this digest, if a usable file is there.
    static func load(_ digest: SHA256Digest, engine: WasmtimeEngine) -> OpaquePointer? {
        guard let path = path(for: digest), let data = FileManager.default.contents(atPath: path) else { return nil }
        let library = engine.library
        var module: OpaquePointer?
        let error = data.withUnsafeBytes { raw in
            library.moduleDeserialize(engine.engine.pointer, raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count, &module)
        }
        if let error {
            _ = library.consume(error: error)
            unlink(path)
            return nil
        }
        return module
    }

    /// Keeps `module`'s machine code for later processes; failures are ignored (the cache is an optimization).
    static func store(_ module: OpaquePointer, digest: SHA256Digest, engine: WasmtimeEngine) {
        guard let path = path(for: digest) else { return }
        let library = engine.library
        var bytes = WTByteVec()
        if let error = library.moduleSerialize(module, &bytes) {
            _ = library.consume(error: error)
            return
        }
        defer { library.byteVecDelete(&bytes) }
        guard let data = bytes.data, bytes.size > 0 else { return }
        let temporary = path + ".\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp"
        let written = FileManager.default.createFile(atPath: temporary, contents: Data(bytes: data, count: bytes.size),
                                                     attributes: [.posixPermissions: 0o600])
        if !written || rename(temporary, path) != 0 { unlink(temporary) }
    }
}
