import ArgumentParser
import Foundation
import MediaWasm

/// `wasi-media guest build DIR -o OUT.wasm [--product NAME]`: builds a
/// guest package (Embedded Swift for wasm32) with the recipe of
/// scripts/build-guests.sh.
struct GuestBuild: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build a guest package (Embedded Swift, wasm32-unknown-none-wasm) into one .wasm file.",
        discussion: "Needs the Debian packages wasi-libc and libclang-rt-14-dev-wasm32 (scripts/setup.sh installs them).")

    @Argument(help: "The guest package directory (with its Package.swift).") var directory: String
    @Option(name: .shortAndLong, help: "Where to write the module.") var output: String
    @Option(help: "The product to build, when the package has several.") var product: String?

    func run() throws {
        let swift = Self.swiftExecutable()
        let libc = "/usr/lib/wasm32-wasi"
        guard FileManager.default.fileExists(atPath: libc + "/libc.a") else {
            printError("error: \(libc)/libc.a missing: apt-get install wasi-libc (or run scripts/setup.sh)")
            throw ExitCode.failure
        }
        guard let builtins = Self.builtins() else {
            printError("error: libclang_rt.builtins-wasm32.a missing: apt-get install libclang-rt-14-dev-wasm32 (or run scripts/setup.sh)")
            throw ExitCode.failure
        }
        var common = ["--package-path", directory, "--triple", "wasm32-unknown-none-wasm", "-c", "release"]
        if let product { common += ["--product", product] }
        var build = ["build"] + common + ["-Xswiftc", "-Xfrontend", "-Xswiftc", "-disable-stack-protector",
                                          "-Xlinker", "-L" + libc, "-Xlinker", "-lc", "-Xlinker", builtins]
        let toolchain = URL(fileURLWithPath: swift).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent()
        let unicode = toolchain.appendingPathComponent("lib/swift/embedded/wasm32-unknown-none-wasm/libswiftUnicodeDataTables.a").path
        if FileManager.default.fileExists(atPath: unicode) { build += ["-Xlinker", unicode] }
        guard try Self.execute(swift, build).status == 0 else {
            printError("error: swift build of \(directory) failed")
            throw ExitCode.failure
        }
        let bin = try Self.execute(swift, ["build"] + common + ["--show-bin-path"], capture: true).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let built: String
        if let product {
            built = bin + "/" + product + ".wasm"
        } else {
            let modules = ((try? FileManager.default.contentsOfDirectory(atPath: bin)) ?? []).filter { $0.hasSuffix(".wasm") }.sorted()
            guard modules.count == 1 else {
                printError("error: \(modules.isEmpty ? "no .wasm was built" : "several modules were built (\(modules.joined(separator: ", "))): choose one with --product")")
                throw ExitCode.failure
            }
            built = bin + "/" + modules[0]
        }
        guard let bytes = FileManager.default.contents(atPath: built) else {
            printError("error: \(built) was not built")
            throw ExitCode.failure
        }
        try bytes.write(to: URL(fileURLWithPath: output))
        print("\(output): \(bytes.count) bytes")
    }

    static func swiftExecutable() -> String {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = String(directory) + "/swift"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "/opt/swift/usr/bin/swift"
    }

    static func builtins() -> String? {
        let root = "/usr/lib"
        for llvm in ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter({ $0.hasPrefix("llvm-") }).sorted() {
            let clang = "\(root)/\(llvm)/lib/clang"
            for version in (try? FileManager.default.contentsOfDirectory(atPath: clang)) ?? [] {
                let path = "\(clang)/\(version)/lib/wasi/libclang_rt.builtins-wasm32.a"
                if FileManager.default.fileExists(atPath: path) { return path }
            }
        }
        return nil
    }

    static func execute(_ tool: String, _ arguments: [String], capture: Bool = false) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        if capture { process.standardOutput = pipe }
        try process.run()
        let data = capture ? pipe.fileHandleForReading.readDataToEndOfFile() : Data()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
