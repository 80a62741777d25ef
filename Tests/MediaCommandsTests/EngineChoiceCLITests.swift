import Foundation
import MediaTestSupport
import MediaWasm
import Testing
import MediaTestWatchdog

/// Which engine runs guests, as a user sees it: `wasi-media engines`, and a
/// pipeline's `wasm` step with libwasmtime present and with it missing.
@Suite(.watchdog) struct EngineChoiceCLITests {
    /// Names a library that does not exist: only that path is tried.
    static let missing = ["WASI_MEDIA_WASMTIME_LIB": "/nonexistent/libwasmtime.so"]

    static func passThrough(engine: String) async throws -> String {
        "videotestsrc num-buffers=5 width=64 height=48 ! videoconvert format=rgba8888 ! wasm module=\(try await BuiltGuests.path("PassThrough")) engine=\(engine) ! fakesink"
    }

    @Test func enginesSaysWhatAutoPicks() throws {
        let result = try CLI.run(["engines"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("wasmkit: available (built in)"))
        if WasmtimeEngine.availability.isAvailable {
            #expect(result.stdout.contains("wasmtime: available ("))
            #expect(result.stdout.contains("auto: wasmtime (libwasmtime loaded from "))
        }
    }

    @Test func withoutLibwasmtimeAutoFallsBackAndWasmtimeSaysWhy() async throws {
        let engines = try CLI.run(["engines"], environment: Self.missing)
        #expect(engines.status == 0)
        #expect(engines.stdout.contains("wasmtime: unavailable: libwasmtime not found"))
        #expect(engines.stdout.contains("/nonexistent/libwasmtime.so: no such file"))
        #expect(engines.stdout.contains("auto: wasmkit (wasmtime is unavailable: "))

        let auto = try CLI.run(["run", try await Self.passThrough(engine: "auto")], environment: Self.missing)
        #expect(auto.status == 0, "\(auto.stderr)")

        let wasmtime = try CLI.run(["run", try await Self.passThrough(engine: "wasmtime")], environment: Self.missing)
        #expect(wasmtime.status != 0)
        #expect(wasmtime.stderr.contains("wasm0"))
        #expect(wasmtime.stderr.contains("engine 'wasmtime' is unavailable: libwasmtime not found"))
        #expect(wasmtime.stderr.contains("/nonexistent/libwasmtime.so"))
    }

    @Test(.enabled(if: WasmtimeEngine.availability.isAvailable || ProcessInfo.processInfo.environment["WASI_MEDIA_REQUIRE_WASMTIME"] == "1",
                   "libwasmtime is not available"))
    func withLibwasmtimeThePipelineRunsOnIt() async throws {
        let result = try CLI.run(["run", try await Self.passThrough(engine: "wasmtime")])
        #expect(result.status == 0, "\(result.stderr)")
    }
}

/// Wasmtime's machine code kept on disk: a second process loads it instead
/// of compiling; a damaged file is compiled again; a folder others may write
/// to is not used.
@Suite(.enabled(if: WasmtimeEngine.availability.isAvailable || ProcessInfo.processInfo.environment["WASI_MEDIA_REQUIRE_WASMTIME"] == "1",
                "libwasmtime is not available"), .watchdog)
struct WasmtimeDiskCacheCLITests {
    func compileLine(_ cache: String) async throws -> String {
        let result = try CLI.run(["engines", "--measure", "--module", try await BuiltGuests.path("PassThrough")],
                                 environment: ["WASI_MEDIA_CACHE_DIR": cache])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").first { $0.hasPrefix("wasmtime: compile") }.map(String.init) ?? ""
    }

    @Test func aSecondProcessLoadsTheCompiledModule() async throws {
        let cache = CLI.tempDir()
        #expect(try await compileLine(cache).contains("(cold)"))
        let files = try FileManager.default.contentsOfDirectory(atPath: cache + "/wasmtime")
        #expect(files.count == 1 && files[0].hasSuffix(".cwasm"))
        #expect(try await compileLine(cache).contains("(found compiled in a cache)"))

        // A damaged file is compiled again, and replaced.
        let file = cache + "/wasmtime/" + files[0]
        try Data(repeating: 0x5a, count: 100).write(to: URL(fileURLWithPath: file))
        #expect(try await compileLine(cache).contains("(cold)"))
        #expect(try await compileLine(cache).contains("(found compiled in a cache)"))

        // A folder others may write to is not used.
        chmod(cache + "/wasmtime", 0o777)
        #expect(try await compileLine(cache).contains("(cold)"))
        chmod(cache + "/wasmtime", 0o700)

        // Off is off.
        #expect(try await compileLine("off").contains("(cold)"))
    }
}
