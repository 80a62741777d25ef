import ArgumentParser
import Foundation
import MediaPipeline
import MediaWasm

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
    @Option(help: "The engine to run the guest on (auto: wasmtime where libwasmtime loads, wasmkit otherwise).")
    var engine: EngineChoice = .auto
    @Option(name: .customLong("log-level"),
            help: "The least level of the guest's log lines shown on stderr: trace, debug, info, warn, error, critical.")
    var logLevel: String = "info"
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
        if ElementLog.Level(rawValue: logLevel) == nil {
            problems.append("--log-level: '\(logLevel)' is not a level (\(ElementLog.Level.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard problems.isEmpty else { throw ValidationError(problems.joined(separator: "\n")) }
        var host = MediaAppHost(files: files, devices: access)
        host.logLevel = ElementLog.Level(rawValue: logLevel) ?? .info
        host.logOrigin = URL(fileURLWithPath: module).lastPathComponent
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
        do { runner = try Engines.make(engine.rawValue, limits: limits) } catch {
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
            if case .trap(let report) = error, let backtrace = report.backtrace.flatMap(GuestBacktrace.init(engineText:)) {
                printError(backtrace.description)
            }
            throw ExitCode(2)
        }
    }
}
