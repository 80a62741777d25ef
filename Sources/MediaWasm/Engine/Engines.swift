/// The engines this build knows, and choosing one by the name `engine=` gives.
///
/// Thread-safe.
public enum Engines {
    /// What `engine=` accepts: `auto`, `wasmtime`, `wasmkit`.
    ///
    /// `auto` is Wasmtime where libwasmtime loads (a JIT, 10x and more
    /// faster), and WasmKit otherwise; both give the same results, traps and
    /// limits (docs/engines.md). ``autoChoice`` says which and why.
    public static let names = EngineChoice.allCases.map(\.rawValue)

    /// Each engine by name, and whether it can run here.
    public static var availability: [(name: String, availability: EngineAvailability)] {
        [(WasmtimeEngine.name, WasmtimeEngine.availability),
         (WasmKitEngine.name, .available(detail: "built in"))]
    }

    /// The engine `auto` picks here, and why.
    public static var autoChoice: (name: String, reason: String) {
        switch WasmtimeEngine.availability {
        case .available(let detail): (WasmtimeEngine.name, "libwasmtime loaded from \(detail)")
        case .unavailable(let reason): (WasmKitEngine.name, "wasmtime is unavailable: \(reason)")
        }
    }

    /// The engine `auto` chooses (``autoChoice``), with `limits`.
    public static func auto(limits: WasmLimits = .standard) -> any WasmEngine {
        WasmtimeEngine(limits: limits) ?? WasmKitEngine(limits: limits)
    }

    /// The engine `name` chooses, with `limits`.
    /// - Throws: ``EngineChoiceError`` for an unknown name or an engine absent here (saying why).
    public static func make(_ name: String, limits: WasmLimits = .standard) throws(EngineChoiceError) -> any WasmEngine {
        switch name {
        case "auto":
            return auto(limits: limits)
        case WasmKitEngine.name:
            return WasmKitEngine(limits: limits)
        case WasmtimeEngine.name:
            guard let engine = WasmtimeEngine(limits: limits) else {
                throw EngineChoiceError(message: "engine 'wasmtime' is \(WasmtimeEngine.availability)")
            }
            return engine
        default:
            throw EngineChoiceError(message: "no engine named '\(name)' (choose \(names.joined(separator: ", ")))")
        }
    }
}

/// Why ``Engines/make(_:limits:)`` gave no engine.
public struct EngineChoiceError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
