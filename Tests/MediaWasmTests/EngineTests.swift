import MediaWasm
import Testing
import MediaTestWatchdog

/// Choosing an engine, and what is particular to each one: how it is found
/// and the words its parser and validator use. Everything else is asserted
/// alike for every engine by the suites parameterized over `testedEngines`.
@Suite(.watchdog) struct EngineTests {
    @Test func unknownEngineIsRefusedNamingTheChoices() throws {
        #expect(throws: EngineChoiceError.self) { _ = try Engines.make("v8") }
        do {
            _ = try Engines.make("v8")
        } catch {
            #expect(error.message == "no engine named 'v8' (choose auto, wasmtime, wasmkit)")
        }
        #expect(Engines.names == ["auto", "wasmtime", "wasmkit"])
        #expect(Engines.availability.map(\.name) == ["wasmtime", "wasmkit"])
        // auto: Wasmtime where it loads (ModuleCacheTests.autoPrefersWasmtimeWherePresent).
        #expect(try Engines.make("auto").name == (WasmtimeEngine.availability.isAvailable ? "wasmtime" : "wasmkit"))
    }

    /// With `WASI_MEDIA_REQUIRE_WASMTIME=1`, every guest test runs on
    /// Wasmtime too, and fails saying why where libwasmtime is missing.
    @Test func requiredWasmtimeIsNeverSkipped() {
        #expect(testedEngines.first == "wasmkit")
        if wasmtimeRequired || WasmtimeEngine.availability.isAvailable {
            #expect(testedEngines == ["wasmkit", "wasmtime"])
        }
        if !WasmtimeEngine.availability.isAvailable {
            do {
                _ = try Engines.make("wasmtime")
                Issue.record("made a Wasmtime engine without libwasmtime")
            } catch {
                #expect(error.message == "engine 'wasmtime' is \(WasmtimeEngine.availability)")
            }
        }
    }

    @Test func wasmKitParsersWords() throws {
        #expect(wasmError { _ = try WasmKitEngine().compile([0x00, 0x61, 0x73, 0x6D, 0x02, 0, 0, 0]) }
            == .malformedModule(reason: "unknown binary version: [2, 0, 0, 0]", offset: 8))
        guard case .malformedModule(let garbage, _) = wasmError({ _ = try WasmKitEngine().compile(Array("hello".utf8)) }) else {
            Issue.record("expected malformedModule"); return
        }
        #expect(garbage.hasPrefix("magic header not detected"))
        let invalid = wasmError { _ = try WasmKitEngine().compile(try wasm(#"(module (func (export "f") (result i32) (i64.const 1)))"#)) }
        guard case .malformedModule(let reason, let offset) = invalid else { Issue.record("expected malformedModule"); return }
        #expect(reason == "Expected i32 on the stack top but got i64")
        #expect(offset != nil)
    }

    @Test func wasmKitTrapWords() throws {
        let instance = try instantiate(on: WasmKitEngine.name, TrapTests.guest)
        let report = try #require(wasmError { _ = try instance.call("indirect", []) }?.trapReport)
        guard case .engine(let text) = report.reason else { Issue.record("expected an engine reason, got \(report.reason)"); return }
        #expect(text.contains("indirect call"), "\(text)")
    }
}

/// What only Wasmtime gives. Runs where libwasmtime loads, and wherever
/// Wasmtime is required (then failing with the reason it is missing).
@Suite(.enabled(if: testedEngines.contains(WasmtimeEngine.name), "libwasmtime is not available"), .watchdog)
struct WasmtimeEngineTests {
    func wasmtime(_ limits: WasmLimits = .standard) throws -> any WasmEngine {
        try engine(WasmtimeEngine.name, limits)
    }

    @Test func availabilityNamesTheLibrary() throws {
        guard case .available(let path) = WasmtimeEngine.availability else {
            Issue.record("libwasmtime is not available: \(WasmtimeEngine.availability)"); return
        }
        #expect(path.hasSuffix("wasmtime.so"))
        #expect(try wasmtime().name == "wasmtime")
    }

    @Test func trapsCarryWasmtimesBacktrace() throws {
        let instance = try instantiate(on: WasmtimeEngine.name, """
            (module (func $inner unreachable) (func (export "outer") (call $inner)))
            """)
        let report = try #require(wasmError { _ = try instance.call("outer", []) }?.trapReport)
        #expect(report.reason == .unreachable)
        #expect(report.engine == "wasmtime")
        // One frame a line, innermost first; the module has no names section.
        let backtrace = try #require(report.backtrace)
        let frames = backtrace.split(separator: "\n")
        #expect(frames.count == 2, "\(backtrace)")
        #expect(frames.first?.contains("<wasm function 0>") == true, "\(backtrace)")
        #expect(!report.description.contains("wasm function"))
    }

    @Test func trapWordsAreWasmtimes() throws {
        let instance = try instantiate(on: WasmtimeEngine.name, TrapTests.guest)
        let report = try #require(wasmError { _ = try instance.call("indirect", []) }?.trapReport)
        #expect(report.reason == .engine("wasm trap: uninitialized element"))
    }

    @Test func compileErrorsAreInWasmtimesWordsWithTheOffset() throws {
        guard case .malformedModule(let reason, _) = wasmError({ _ = try wasmtime().compile([0, 1, 2, 3]) }) else {
            Issue.record("expected malformedModule"); return
        }
        #expect(!reason.isEmpty)
        let invalid = wasmError { _ = try wasmtime().compile(try wasm(#"(module (func (export "f") (result i32) (i64.const 1)))"#)) }
        guard case .malformedModule(let text, let offset) = invalid else { Issue.record("expected malformedModule"); return }
        #expect(text.contains("type mismatch"))
        #expect(offset != nil)
    }
}
