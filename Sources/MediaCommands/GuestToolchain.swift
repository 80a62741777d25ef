import Foundation

/// What building a guest takes: the Swift toolchain, wasi-libc and the
/// compiler builtins, and the one list of compiler and linker flags every
/// guest is built with.
///
/// The flags live here and nowhere else: `wasi-media guest build` passes
/// them on SwiftPM's command line, and `scripts/build-guests.sh` builds the
/// repository's guests through `wasi-media guest build`. They are not in
/// the SDK's `Package.swift`: SwiftPM refuses `unsafeFlags` in a product of
/// a package depended on by version (`the target 'WasiMedia' in product
/// 'WasiMediaVideoFilter' contains unsafe build flags`), so a guest package
/// could not depend on the SDK by URL. On the command line they apply to
/// every target of the build, the guest's own included, which needs them
/// as much as the SDK does.
struct GuestToolchain {
    /// The target every guest is compiled for.
    static let triple = "wasm32-unknown-none-wasm"

    /// Given to `swiftc` for every target (`-Xswiftc`). Embedded Swift
    /// (the SDK's targets enable it in their settings too; the guest's own
    /// target gets it only from here), compiled whole-module as Embedded
    /// Swift requires, without stack protectors (wasm32-none has no
    /// `__stack_chk_guard`). When linking, `-nostartfiles` and `-nostdlib`
    /// keep out the C start files (`crt1.o`) and the host's C library: a
    /// guest is a reactor with no entry point.
    static let swiftFlags = [
        "-enable-experimental-feature", "Embedded",
        "-wmo",
        "-Xfrontend", "-disable-stack-protector",
        "-nostartfiles",
        "-Xclang-linker", "-nostdlib",
    ]

    /// Given to `wasm-ld` (`-Xlinker`): no entry point (a reactor exports
    /// only what the world module names with `@_expose(wasm, ...)`), and no
    /// DWARF (the name section stays, so a trap's backtrace has names).
    static let linkerFlags = ["--no-entry", "--strip-debug"]

    /// WebAssembly's 128-bit SIMD, for `guest build --simd`: Swift takes its
    /// target features from the Clang importer (`-Xcc`), and LLVM's cost
    /// model for WebAssembly keeps one vector per loop iteration unless told
    /// otherwise (docs/guests.md, "Speed"). Fast on Wasmtime, far slower
    /// than scalar code on WasmKit.
    static let simdFlags = ["-Xcc", "-msimd128", "-Xllvm", "-force-vector-interleave=4"]

    /// The `swift` executable.
    let swift: String
    /// The folder of wasi-libc's `libc.a` (`malloc` and friends).
    let libc: String
    /// `libclang_rt.builtins-wasm32.a` (the compiler's runtime helpers).
    let builtins: String
    /// The embedded stdlib's Unicode tables, linked when present: only a
    /// guest that compares or normalizes strings pulls anything from it.
    let unicodeTables: String?

    /// The arguments of `swift build` that compile and link for the guest
    /// target, after `--package-path`: triple, release configuration,
    /// every flag above, and the libraries.
    func buildArguments(simd: Bool) -> [String] {
        var arguments = ["--triple", Self.triple, "-c", "release"]
        for flag in Self.swiftFlags + (simd ? Self.simdFlags : []) { arguments += ["-Xswiftc", flag] }
        var linked = Self.linkerFlags + ["-L" + libc, "-lc", builtins]
        if let unicodeTables { linked.append(unicodeTables) }
        for flag in linked { arguments += ["-Xlinker", flag] }
        return arguments
    }

    /// Finds the toolchain's parts.
    /// - Throws: ``GuestToolchainError`` naming every missing part and how to get it.
    static func locate() throws(GuestToolchainError) -> GuestToolchain {
        var missing: [String] = []
        let swift = swiftExecutable()
        let toolchain = URL(fileURLWithPath: swift).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent()
        let embedded = toolchain.appendingPathComponent("lib/swift/embedded/\(triple)").path
        if !FileManager.default.fileExists(atPath: embedded) {
            missing.append("\(toolchain.path) has no embedded Swift stdlib for \(triple) (\(embedded)): Swift 6.3 or later needed")
        }
        let libc = "/usr/lib/wasm32-wasi"
        if !FileManager.default.fileExists(atPath: libc + "/libc.a") {
            missing.append("\(libc)/libc.a missing: apt-get install wasi-libc (or run scripts/setup.sh)")
        }
        let builtins = builtinsLibrary()
        if builtins == nil {
            missing.append("libclang_rt.builtins-wasm32.a missing: apt-get install libclang-rt-14-dev-wasm32 (or run scripts/setup.sh)")
        }
        guard missing.isEmpty, let builtins else { throw GuestToolchainError(missing: missing) }
        let unicode = embedded + "/libswiftUnicodeDataTables.a"
        return GuestToolchain(swift: swift, libc: libc, builtins: builtins,
                              unicodeTables: FileManager.default.fileExists(atPath: unicode) ? unicode : nil)
    }

    /// `swift` on `PATH`, else the toolchain of this machine's setup (`/opt/swift`).
    static func swiftExecutable() -> String {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = String(directory) + "/swift"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "/opt/swift/usr/bin/swift"
    }

    /// The compiler builtins of the newest LLVM under `/usr/lib` that has them for wasm32.
    static func builtinsLibrary() -> String? {
        let root = "/usr/lib"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter { $0.hasPrefix("llvm-") }
        for llvm in versions.sorted(by: { $0.compare($1, options: .numeric) == .orderedDescending }) {
            let clang = "\(root)/\(llvm)/lib/clang"
            for version in (try? FileManager.default.contentsOfDirectory(atPath: clang)) ?? [] {
                let path = "\(clang)/\(version)/lib/wasi/libclang_rt.builtins-wasm32.a"
                if FileManager.default.fileExists(atPath: path) { return path }
            }
        }
        return nil
    }
}

/// Parts of the guest toolchain that are missing, every one.
struct GuestToolchainError: Error, CustomStringConvertible {
    var missing: [String]
    var description: String { "cannot build guests here:\n" + missing.map { "  " + $0 }.joined(separator: "\n") }
}
