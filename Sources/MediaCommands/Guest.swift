import ArgumentParser
import Foundation
import MediaWasm

/// `wasi-media guest run|build`: run a media-app guest, or build a guest package.
struct Guest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a media-app WebAssembly guest, or build a guest package.",
        subcommands: [GuestRun.self, GuestBuild.self])
}

/// `wasi-media guest run MODULE.wasm [--dir PATH] [--dir-ro PATH] [--grant codec,container,…]
/// [--device ID] [--allow-url PREFIX] [--fuel N] [--memory BYTES] [--host-memory SIZE] [--time-limit SECONDS] -- ARGS…`
///
/// Exit status: 0 when `run` returns ok; 1 when it returns an error (the
/// message on stderr); 2 when the guest traps (the trap report on stderr)
/// or cannot be loaded, linked or instantiated.
struct GuestRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a media-app guest's run(args), sandboxed to the granted interfaces, directories and devices.",
        discussion: """
            Files open only inside a granted directory (symbolic links and '..' resolved first): \
            --dir grants reading and writing, --dir-ro reading. Anything else is access-denied. \
            Without --grant, every interface of the media-app world is granted; with it, only those named \
            (types always), and a guest importing another fails to instantiate, naming the import.
            """)

    @Argument(help: "The guest module (.wasm).") var module: String
    @Option(name: .customLong("dir"), help: "A directory the guest may read and write (repeatable).") var directories: [String] = []
    @Option(name: .customLong("dir-ro"), help: "A directory the guest may read (repeatable).") var readOnlyDirectories: [String] = []
    @Option(name: .customLong("grant"), help: "Interfaces the guest may import, comma-separated (repeatable): \(MediaAppHost.interfaces.joined(separator: ", ")).")
    var grants: [String] = []
    @Option(name: .customLong("device"), help: "A capture or playback device id the guest may use, or 'all' (repeatable).") var devices: [String] = []
    @Option(name: .customLong("allow-url"), help: "A URL prefix demuxer.open may read, whole path segments (repeatable).") var urlPrefixes: [String] = []
    @Option(help: "Fuel for the run call (about one unit per instruction); default unlimited.") var fuel: UInt64?
    @Option(help: "The most linear memory the guest may have, in bytes (default 268435456).") var memory: Int?
    @Option(name: .customLong("host-memory"),
            help: "The most memory the host may hold for the guest (buffers, codecs, containers, queued data): bytes, or a number with KiB, MiB or GiB (default \(WasmLimits.defaultHostMemory >> 20)MiB).")
    var hostMemory: String?
    @Option(name: .customLong("time-limit"),
            help: "Wall-clock limit of the run call in seconds, time in host imports included (default: none, the run is the whole program).")
    var timeLimit: String?
    @Option(help: "The engine to run the guest on: \(Engines.names.joined(separator: ", ")) (auto: wasmtime where libwasmtime loads, wasmkit otherwise).")
    var engine = "auto"
    @Argument(parsing: .postTerminator, help: "Arguments passed to the guest's run.") var arguments: [String] = []

    /// The host and grants the options describe, or every problem with them.
    func host() throws(ValidationError) -> (host: MediaAppHost, grants: Set<Grant>) {
        var problems: [String] = []
        var files = FileAccess()
        for directory in directories {
            do { try files.grant(directory: directory, writable: true) } catch { problems.append(error.description) }
        }
        for directory in readOnlyDirectories {
            do { try files.grant(directory: directory, writable: false) } catch { problems.append(error.description) }
        }
        for prefix in urlPrefixes {
            do { try files.grant(urlPrefix: prefix) } catch { problems.append(error.description) }
        }
        var access = DeviceAccess()
        for device in devices { access.grant(device) }
        let names = grants.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
            .filter { !$0.isEmpty }
        for name in names where !MediaAppHost.interfaces.contains(name) {
            problems.append("--grant: unknown interface '\(name)' (\(MediaAppHost.interfaces.joined(separator: ", ")))")
        }
        if let memory, memory <= 0 { problems.append("--memory: must be a positive number of bytes") }
        if let hostMemory, WasmLimits.byteCount(hostMemory) == nil {
            problems.append("--host-memory: '\(hostMemory)' is not a size (bytes, or a number with KiB, MiB or GiB)")
        }
        if let timeLimit, WasmLimits.timeLimit(seconds: timeLimit) == nil {
            problems.append("--time-limit: '\(timeLimit)' is not a number of seconds (0 for none)")
        }
        guard problems.isEmpty else { throw ValidationError(problems.joined(separator: "\n")) }
        let host = MediaAppHost(files: files, devices: access)
        return (host, grants.isEmpty ? host.allGrants : Set(names.map { Grant($0) }))
    }

    func run() throws {
        let (host, grants) = try host()
        guard let data = FileManager.default.contents(atPath: module) else {
            printError("error: cannot read \(module)")
            throw ExitCode(2)
        }
        var limits = WasmLimits.standard
        limits.fuelPerCall = fuel
        if let memory { limits.memoryCap = memory }
        if let hostMemory, let bytes = WasmLimits.byteCount(hostMemory) { limits.hostMemory = bytes }
        // The run call is the whole program: no time limit unless asked for.
        limits.timeLimit = timeLimit.flatMap { WasmLimits.timeLimit(seconds: $0) } ?? nil
        let runner: any WasmEngine
        do { runner = try Engines.make(engine, limits: limits) } catch {
            printError("error: --engine: \(error.message)")
            throw ExitCode(2)
        }
        do {
            switch try host.run([UInt8](data), arguments: arguments, grants: grants, limits: limits, engine: runner) {
            case .success:
                return
            case .failure(let message):
                printError(message)
                throw ExitCode.failure
            }
        } catch let error as WasmError {
            printError(error.description)
            throw ExitCode(2)
        }
    }
}

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
