import Foundation
import MediaWasm
import Synchronization
import Testing
import WAT

/// Test guests are WebAssembly text; this turns one into module bytes.
func wasm(_ text: String) throws -> [UInt8] {
    try wat2wasm(text)
}

/// The engine named `name` (one of ``testedEngines``), with the limits given.
///
/// Throws ``EngineChoiceError`` saying why when the engine cannot run here,
/// so a test required to run on it fails with the reason.
func engine(_ name: String, _ limits: WasmLimits = .standard) throws -> any WasmEngine {
    try Engines.make(name, limits: limits)
}

/// Compiles `text` on the engine named `engineName` and instantiates it
/// against `host`, granting everything the host offers.
func instantiate(on engineName: String, _ text: String, host: HostImports = HostImports(), limits: WasmLimits = .standard) throws -> any WasmInstance {
    let module = try engine(engineName, limits).compile(try wasm(text), requiredExports: [], host: host)
    #expect(module.engineName == engineName)
    return try module.instantiate(host: host, grants: host.allGrants)
}

/// The error `body` throws, which must be a `WasmError` (any other error,
/// such as an engine that cannot run here, is recorded as an issue).
func wasmError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> WasmError? {
    do {
        try body()
        return nil
    } catch let error as WasmError {
        return error
    } catch {
        Issue.record(error, "expected a WasmError", sourceLocation: sourceLocation)
        return nil
    }
}

/// The trap report of a `WasmError.trap`, if that is what it is.
extension WasmError {
    var trapReport: TrapReport? {
        if case .trap(let report) = self { report } else { nil }
    }
}

/// A bump allocator as a guest's `cabi_realloc`: never frees, aligns as asked.
let bumpAllocator = """
  (global $heap (mut i32) (i32.const 1024))
  (func $realloc (export "cabi_realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
                           (i32.sub (i32.const 0) (local.get $align))))
    (global.set $heap (i32.add (local.get $p) (local.get $size)))
    (local.get $p))
"""

/// A thread-safe list host functions append to and tests read.
final class Recorder<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])
    func append(_ value: Value) { values.withLock { $0.append(value) } }
    var all: [Value] { values.withLock { $0 } }
}

/// Whether this test run must cover Wasmtime (CI sets `WASI_MEDIA_REQUIRE_WASMTIME=1`).
let wasmtimeRequired = ProcessInfo.processInfo.environment["WASI_MEDIA_REQUIRE_WASMTIME"] == "1"

/// The engines every suite that runs a guest is parameterized over:
/// WasmKit, and Wasmtime where libwasmtime loads. When Wasmtime is
/// required it is always listed, so that a machine without libwasmtime
/// fails those tests with the reason instead of silently skipping them.
let testedEngines: [String] = [WasmKitEngine.name]
    + (WasmtimeEngine.availability.isAvailable || wasmtimeRequired ? [WasmtimeEngine.name] : [])

/// A trap report as every engine must give it: without the engine's name
/// and its backtrace, which are the only parts allowed to differ.
extension TrapReport {
    var engineIndependent: TrapReport {
        var report = self
        report.engine = ""
        report.backtrace = nil
        if case .callback(let inner) = reason { report.reason = .callback(inner.engineIndependent) }
        return report
    }
}
