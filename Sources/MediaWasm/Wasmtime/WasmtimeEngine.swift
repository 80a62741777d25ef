/// The Wasmtime backend: a JIT compiler, in libwasmtime loaded at run time.
///
/// Present only when the library is (see ``availability``); `init` returns
/// nil otherwise. Fuel metering is always on, so every instance can be given
/// a fuel budget. Thread-safe: one engine may compile and instantiate from
/// many tasks (Wasmtime's engine and modules are thread-safe).
public struct WasmtimeEngine: WasmEngine {
    /// `wasmtime`.
    public static let name = EngineChoice.wasmtime.rawValue
    public var name: String { Self.name }
    public let limits: WasmLimits

    let library: WasmtimeLibrary
    let engine: EngineBox

    /// Whether libwasmtime could be loaded, and from where or why not.
    public static var availability: EngineAvailability {
        switch WasmtimeLibrary.shared {
        case .success(let library): .available(detail: library.path)
        case .failure(let failure): .unavailable(reason: failure.text)
        }
    }

    /// Owns a `wasm_engine_t`.
    final class EngineBox: @unchecked Sendable {
        let pointer: OpaquePointer
        let library: WasmtimeLibrary
        init(pointer: OpaquePointer, library: WasmtimeLibrary) {
            self.pointer = pointer
            self.library = library
        }
        deinit { library.engineDelete(pointer) }
    }

    /// The process's one Wasmtime engine, made on first use: fuel metering
    /// and epoch interruption on, multi-memory off, linear memories from
    /// ``WasmtimeMemoryCreator``. One engine, so
    /// that a module compiled for one `WasmtimeEngine` value (whatever its
    /// limits) is in the cache for all of them.
    static let sharedEngine: EngineBox? = {
        guard case .success(let library) = WasmtimeLibrary.shared,
              let config = library.configNew() else { return nil }
        library.configConsumeFuelSet(config, true)
        // Linear memories come from the host, which enforces the memory cap.
        var creator = WasmtimeMemoryCreator.creator()
        library.configHostMemoryCreatorSet(config, &creator)
        // Copy-on-write images need Wasmtime's own mmap memories: data segments are copied instead.
        library.configMemoryInitCowSet(config, false)
        // One memory per guest: the memory cap applies to each memory, so several would multiply it.
        library.configMultiMemorySet(config, false)
        // Time limits: the deadline watchdog bumps the epoch, and running code calls back into its instance.
        library.configEpochInterruptionSet(config, true)
        // The engine takes the configuration over.
        guard let engine = library.engineNewWithConfig(config) else { return nil }
        return EngineBox(pointer: engine, library: library)
    }()

    /// - Parameter limits: the limits instances get unless instantiated with others.
    /// - Returns: nil when libwasmtime is not available (``availability`` says why).
    public init?(limits: WasmLimits = .standard) {
        guard let engine = Self.sharedEngine else { return nil }
        self.library = engine.library
        self.engine = engine
        self.limits = limits
    }

    public func compile(_ bytes: [UInt8], requiredExports: [RequiredExport] = [],
                        host: HostImports? = nil) throws(WasmError) -> any WasmModule {
        try WasmtimeModule(bytes: bytes, engine: self, requiredExports: requiredExports, host: host)
    }
}

/// Whether an engine can run here.
public enum EngineAvailability: Sendable, Hashable, CustomStringConvertible {
    /// Present; `detail` says what was loaded (a library's path).
    case available(detail: String)
    /// Absent, and why (the paths tried, the loader's text).
    case unavailable(reason: String)

    public var isAvailable: Bool {
        if case .available = self { true } else { false }
    }

    public var description: String {
        switch self {
        case .available(let detail): "available (\(detail))"
        case .unavailable(let reason): "unavailable: \(reason)"
        }
    }
}
