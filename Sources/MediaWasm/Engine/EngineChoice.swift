/// The engine a guest runs on, as `engine=` and `--engine` name it.
public enum EngineChoice: String, Sendable, CaseIterable, Hashable {
    /// Wasmtime where libwasmtime loads, WasmKit otherwise (``Engines/autoChoice``).
    case auto
    /// Wasmtime's JIT (``WasmtimeEngine``), when libwasmtime is present.
    case wasmtime
    /// The WasmKit interpreter (``WasmKitEngine``), always present.
    case wasmkit
}
