import MediaWasm
import Synchronization
import WAT

/// Test guests are WebAssembly text; this turns one into module bytes.
func wasm(_ text: String) throws -> [UInt8] {
    try wat2wasm(text)
}

/// The engine every test runs on, with the limits given.
func engine(_ limits: WasmLimits = .standard) -> WasmKitEngine {
    WasmKitEngine(limits: limits)
}

/// Compiles `text` and instantiates it against `host`, granting everything the host offers.
func instantiate(_ text: String, host: HostImports = HostImports(), limits: WasmLimits = .standard) throws -> any WasmInstance {
    let module = try engine(limits).compile(try wasm(text), requiredExports: [], host: host)
    return try module.instantiate(host: host, grants: host.allGrants)
}

/// As ``instantiate(_:host:limits:)``, on the engine named `engineName`.
func instantiate(on engineName: String, _ text: String, host: HostImports = HostImports(), limits: WasmLimits = .standard) throws -> any WasmInstance {
    let module = try Engines.make(engineName, limits: limits).compile(try wasm(text), requiredExports: [], host: host)
    return try module.instantiate(host: host, grants: host.allGrants)
}

/// The error `body` throws, which must be a `WasmError`.
func wasmError(_ body: () throws -> Void) -> WasmError? {
    do {
        try body()
        return nil
    } catch let error as WasmError {
        return error
    } catch {
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

/// The engines the parameterized suites run on: WasmKit, and Wasmtime where libwasmtime loads.
let testedEngines: [String] = [WasmKitEngine.name] + (WasmtimeEngine.availability.isAvailable ? [WasmtimeEngine.name] : [])
