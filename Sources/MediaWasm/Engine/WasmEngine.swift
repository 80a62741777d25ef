/// A WebAssembly engine: compiles guest modules and runs them sandboxed.
///
/// ```
///  bytes --compile--> WasmModule --instantiate(host:grants:limits:)--> WasmInstance --call--> results
///          (validate,  (Sendable,      (link imports by grant,           (not Sendable: one
///           exports,    shared by       memory cap, start/_initialize)     task at a time; fuel
///           imports)    many tasks)                                        per call; traps poison)
/// ```
///
/// Backends: ``WasmKitEngine`` (pure Swift interpreter, always available).
/// Engine types never appear in this protocol family, so code written
/// against it runs on any backend. Engines are thread-safe.
public protocol WasmEngine: Sendable {
    /// The engine's stable name, as `engine=` spells it: `wasmkit`.
    var name: String { get }

    /// The limits instances get unless instantiated with others.
    var limits: WasmLimits { get }

    /// Decodes and validates a module (every function body included), and
    /// checks it against what the host needs.
    ///
    /// - Parameters:
    ///   - requiredExports: exports the guest must have, with their signatures.
    ///   - host: when given, every function import must be one this table
    ///     offers, with the same signature (grants are checked at instantiation).
    /// - Throws: ``WasmError/malformedModule(reason:offset:)`` for bytes that are not a valid
    ///   module; ``WasmError/link(_:)`` listing every missing export and
    ///   every import the host cannot provide.
    func compile(_ bytes: [UInt8], requiredExports: [RequiredExport], host: HostImports?) throws(WasmError) -> any WasmModule
}

extension WasmEngine {
    /// Decodes and validates a module without checking it against a host.
    public func compile(_ bytes: [UInt8]) throws(WasmError) -> any WasmModule {
        try compile(bytes, requiredExports: [], host: nil)
    }
}

/// A validated module, ready to instantiate any number of times.
///
/// Immutable and `Sendable`: compile once, instantiate in each task that runs the guest.
public protocol WasmModule: Sendable {
    /// The name of the engine that compiled it.
    var engineName: String { get }
    var imports: [ModuleImport] { get }
    var exports: [ModuleExport] { get }
    /// Whether `compile` found this module already compiled: same bytes
    /// (SHA-256), same engine. See docs/engines.md, "Module cache".
    var fromCache: Bool { get }

    /// Links the module to `host` and creates an instance.
    ///
    /// Each function import must be offered by `host` with the same
    /// signature, from a module whose grant is in `grants`. Then memory and
    /// tables are created within `limits`, and the module's start function
    /// and `_initialize` export (a WASI reactor's), if any, run with the fuel
    /// budget of one call.
    ///
    /// - Parameter limits: nil means the engine's ``WasmEngine/limits``.
    /// - Throws: ``WasmError/link(_:)`` listing every import that is unknown,
    ///   ungranted or of another signature; ``WasmError/instantiation(reason:)``;
    ///   ``WasmError/trap(_:)`` if the start function or `_initialize` trapped.
    func instantiate(host: HostImports, grants: Set<Grant>, limits: WasmLimits?) throws(WasmError) -> any WasmInstance
}

extension WasmModule {
    /// Instantiates with the engine's default limits.
    public func instantiate(host: HostImports, grants: Set<Grant>) throws(WasmError) -> any WasmInstance {
        try instantiate(host: host, grants: grants, limits: nil)
    }

    /// The export named `name`, if the module has one.
    public func export(_ name: String) -> ModuleExport? {
        exports.first { $0.name == name }
    }
}

/// One running guest: its memory, globals, tables and host-side state.
///
/// Not `Sendable`: an instance is created in the task that runs it and used
/// by one thread at a time (host functions it calls run on that thread and
/// may call back into it, e.g. `cabi_realloc`).
///
/// A trap poisons the instance: its state may be half-updated, so every
/// later call throws ``WasmError/poisoned(_:)``. Make a new instance from
/// the same ``WasmModule`` to go on. Other instances are unaffected.
public protocol WasmInstance: AnyObject {
    /// The name of the engine that runs it.
    var engineName: String { get }
    var limits: WasmLimits { get }
    var exports: [ModuleExport] { get }
    /// Host-side state for this instance (handle tables...).
    var state: InstanceState { get }
    /// The guest's exported `memory`, if it has one.
    var memory: GuestMemory? { get }
    /// The trap that poisoned the instance, if one did.
    var poisonedBy: TrapReport? { get }
    /// The fuel the last outermost call used (nil before the first call, or
    /// when fuel is unlimited). A call that trapped counts too.
    var fuelUsedByLastCall: UInt64? { get }

    /// Calls the exported function `export`.
    ///
    /// Called from the host's own code, this is an outermost call: it gets
    /// a fresh fuel budget and a trap poisons the instance. Called from a
    /// host function the guest is waiting on, it re-enters the guest within
    /// the current call's budget, at most ``WasmLimits/maxNestedCalls`` deep.
    ///
    /// - Throws: ``WasmError/trap(_:)``, ``WasmError/poisoned(_:)``, or
    ///   ``WasmError/invalidCall(export:reason:)`` for an unknown export or
    ///   arguments that do not match its signature.
    func call(_ export: String, _ arguments: [WasmValue]) throws(WasmError) -> [WasmValue]

    /// The signature of the exported function `name`, if there is one.
    func signature(of name: String) -> WasmSignature?

    /// Poisons the instance with `report` unless a trap already did. The
    /// host does this when it finds what a guest returned unusable.
    func poison(with report: TrapReport)
}

extension WasmInstance {
    /// The checks every backend makes before calling `export` `depth` calls
    /// deep: a function of that name, arguments of its types, an instance not
    /// poisoned, nesting within the limit (going past it poisons the instance).
    /// Returns the export's signature.
    func checkCall(_ export: String, _ arguments: [WasmValue], depth: Int) throws(WasmError) -> WasmSignature {
        guard let signature = signature(of: export) else {
            let reason = exports.contains { $0.name == export }
                ? "it is not a function of i32, i64, f32 and f64 values"
                : "the guest exports no function of that name"
            throw .invalidCall(export: export, reason: reason)
        }
        guard arguments.count == signature.parameters.count,
              zip(arguments, signature.parameters).allSatisfy({ $0.type == $1 }) else {
            throw .invalidCall(export: export, reason: "it takes \(signature), not (\(arguments.map(\.type.rawValue).joined(separator: ", ")))")
        }
        if let poisonedBy { throw .poisoned(poisonedBy) }
        guard depth <= limits.maxNestedCalls else {
            let report = TrapReport(export: export, reason: .nestingTooDeep(limit: limits.maxNestedCalls), engine: engineName)
            poison(with: report)
            throw .trap(report)
        }
        return signature
    }
}
