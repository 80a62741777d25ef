@_spi(Fuzzing) import WasmKit
import WasmParser

/// The WasmKit backend: a pure-Swift interpreter, always available.
///
/// Fuel metering is always on (it costs the interpreter some speed; see
/// `docs/engines.md`), so every instance can be given a fuel budget.
/// Thread-safe: one engine may compile and instantiate from many tasks.
public struct WasmKitEngine: WasmEngine {
    /// `wasmkit`.
    public static let name = EngineChoice.wasmkit.rawValue
    public var name: String { Self.name }
    public let limits: WasmLimits

    /// Runs instances: fuel-metered, functions translated on first call.
    let runtime: Engine
    /// Validates in ``compile(_:requiredExports:host:)``: translates every
    /// function eagerly, so a bad function body is found before any instance exists.
    let validator: Engine

    /// The WebAssembly features guests may use: WebAssembly 2.0 (bulk memory,
    /// multi-value, sign extension, non-trapping conversions), reference
    /// types and 128-bit SIMD. No threads, memory64 or exceptions.
    static let features: WasmFeatureSet = [.referenceTypes, .simd]

    /// - Parameter limits: the limits instances get unless instantiated with others.
    public init(limits: WasmLimits = .standard) {
        self.limits = limits
        runtime = Engine(configuration: EngineConfiguration(features: Self.features, fuelMetering: true))
        validator = Engine(configuration: EngineConfiguration(compilationMode: .eager, features: Self.features))
    }

    public func compile(_ bytes: [UInt8], requiredExports: [RequiredExport] = [],
                        host: HostImports? = nil) throws(WasmError) -> any WasmModule {
        try WasmKitModule(bytes: bytes, engine: self, requiredExports: requiredExports, host: host)
    }
}
