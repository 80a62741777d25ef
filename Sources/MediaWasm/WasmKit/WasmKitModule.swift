@_spi(Fuzzing) import WasmKit

/// A module WasmKit parsed and validated.
struct WasmKitModule: WasmModule {
    let engine: WasmKitEngine
    let module: Module
    let imports: [ModuleImport]
    let exports: [ModuleExport]
    let fromCache: Bool

    var engineName: String { WasmKitEngine.name }

    /// What parsing and validating the bytes gave, shared through the cache.
    struct Compiled: @unchecked Sendable {
        let module: Module
        let imports: [ModuleImport]
        let exports: [ModuleExport]
    }

    /// Validated modules, by content and the caps validation applied.
    static let cache = ModuleCache<Compiled>()

    /// Parses `bytes`, validates every function by instantiating a copy
    /// with stand-in imports and no start function on the eager validator
    /// engine, then checks exports and imports against the host.
    init(bytes: [UInt8], engine: WasmKitEngine, requiredExports: [RequiredExport], host: HostImports?) throws(WasmError) {
        let variant = "\(engine.limits.memoryCap)/\(engine.limits.tableElementCap)"
        let (compiled, cached) = try Self.cache.entry(for: bytes, variant: variant) { (_) throws(WasmError) in
            try Self.compile(bytes, engine: engine)
        }
        var problems = RequiredExport.problems(requiredExports, in: compiled.exports)
        if let host { problems += host.linkProblems(for: compiled.imports, grants: nil) }
        if !problems.isEmpty { throw .link(problems) }

        self.engine = engine
        self.module = compiled.module
        self.imports = compiled.imports
        self.exports = compiled.exports
        self.fromCache = cached
    }

    /// Parses and validates `bytes` against `engine`'s caps, and lists imports and exports.
    private static func compile(_ bytes: [UInt8], engine: WasmKitEngine) throws(WasmError) -> Compiled {
        let module: Module
        do { module = try parseWasm(bytes: bytes, features: WasmKitEngine.features) } catch { throw .malformed(error) }

        let imports = module.imports.map { entry -> ModuleImport in
            let name = ImportName(module: entry.module, field: entry.name)
            switch entry.descriptor {
            case .function(let typeIndex):
                return ModuleImport(name: name, kind: .function,
                                    signature: module.functionType(at: typeIndex).flatMap { WasmSignature($0) })
            case .memory: return ModuleImport(name: name, kind: .memory, signature: nil)
            case .table: return ModuleImport(name: name, kind: .table, signature: nil)
            case .global: return ModuleImport(name: name, kind: .global, signature: nil)
            case .tag: return ModuleImport(name: name, kind: .tag, signature: nil)
            }
        }
        // Hosts provide functions only: anything else cannot link, whatever the host.
        let unsupported = HostImports().linkProblems(for: imports, grants: nil).filter {
            if case .unsupportedImport = $0 { true } else { false }
        }
        if !unsupported.isEmpty { throw .link(unsupported) }

        let validated = try Self.validate(module, engine: engine.validator, limits: engine.limits)
        let exports = module.exports.map { entry -> ModuleExport in
            switch entry.descriptor {
            case .function:
                return ModuleExport(name: entry.name, kind: .function,
                                    signature: validated.exports[function: entry.name].flatMap { WasmSignature($0.type) })
            case .memory: return ModuleExport(name: entry.name, kind: .memory, signature: nil)
            case .table: return ModuleExport(name: entry.name, kind: .table, signature: nil)
            case .global: return ModuleExport(name: entry.name, kind: .global, signature: nil)
            case .tag: return ModuleExport(name: entry.name, kind: .tag, signature: nil)
            }
        }

        return Compiled(module: module, imports: imports, exports: exports)
    }

    /// Instantiates `module` once, start function dropped, in a throwaway
    /// store whose imports trap if called: WasmKit validates function bodies
    /// only when it translates them, and the eager engine translates all of
    /// them during instantiation. The engine's memory and table caps apply,
    /// so a guest asking for more initial memory than it allows is turned
    /// away here, before anything is allocated.
    private static func validate(_ module: Module, engine: Engine, limits: WasmLimits) throws(WasmError) -> Instance {
        var module = module
        module.dropStartFunction()
        let store = Store(engine: engine)
        let limiter = MemoryCapLimiter(limits: limits)
        store.resourceLimiter = limiter
        var stubs = Imports()
        for entry in module.imports {
            guard case .function(let typeIndex) = entry.descriptor, let type = module.functionType(at: typeIndex) else { continue }
            stubs.define(module: entry.module, name: entry.name, Function(store: store, type: type) { _, _ in
                throw StandInCalled()
            })
        }
        do {
            return try module.instantiate(store: store, imports: stubs)
        } catch let trap as Trap {
            let text = WasmKitTrapText(trap)
            if text.isInitialSizeOverLimit { throw limiter.initialSizeError }
            // Segments that do not fit their memory or table trap at instantiation.
            throw .instantiation(reason: text.reason)
        } catch {
            throw .malformed(error)
        }
    }

    /// What a stand-in import throws; never called, since nothing runs.
    private struct StandInCalled: Error {}

    func instantiate(host: HostImports, grants: Set<Grant>, limits: WasmLimits?) throws(WasmError) -> any WasmInstance {
        let problems = host.linkProblems(for: imports, grants: grants)
        guard problems.isEmpty else { throw .link(problems) }
        return try WasmKitInstance(module: self, host: host, limits: limits ?? engine.limits)
    }
}
