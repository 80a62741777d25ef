import ArgumentParser
import MediaWasm

/// The engines a benchmark measures: both, or one.
enum EngineSelection: String, CaseIterable, ExpressibleByArgument {
    case all, wasmtime, wasmkit

    /// The engines' names, as ``Engines`` knows them.
    var engines: [String] {
        switch self {
        case .all: [EngineChoice.wasmtime.rawValue, EngineChoice.wasmkit.rawValue]
        case .wasmtime: [EngineChoice.wasmtime.rawValue]
        case .wasmkit: [EngineChoice.wasmkit.rawValue]
        }
    }
}
