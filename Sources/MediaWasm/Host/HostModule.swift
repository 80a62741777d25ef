/// A host function a guest can import.
///
/// `body` runs on the thread that called into the guest, while the guest
/// waits; it reads its parameters from and writes its results to the
/// ``HostCall`` it is given. Anything it throws traps the guest: the trap
/// report names the import and carries the error (a ``GuestFault`` when the
/// guest's arguments were at fault, any other error as a host error).
public struct HostFunction: Sendable {
    public typealias Body = @Sendable (borrowing HostCall) throws -> Void

    public let name: ImportName
    public let signature: WasmSignature
    public let body: Body

    public init(_ name: ImportName, _ signature: WasmSignature, _ body: @escaping Body) {
        self.name = name
        self.signature = signature
        self.body = body
    }
}

/// The functions the host offers under one import module name, with the
/// grant a guest needs to import any of them.
///
/// ```swift
/// var log = HostModule("env")
/// log.define("log", WasmSignature([.i32, .i32])) { call in
///     let text = try call.memory().readString(at: call.u32(0), byteCount: call.u32(1))
///     logger.info("\(text)")
/// }
/// ```
public struct HostModule: Sendable {
    /// The import module name, e.g. `wasi:media/codec@0.1.0-draft`.
    public let name: String
    /// The grant a guest needs to import from this module.
    public let grant: Grant
    /// Whether every guest may import it, granted or not (`wasi:logging`:
    /// what a guest says reaches no one but the user).
    public let alwaysGranted: Bool
    public private(set) var functions: [String: HostFunction] = [:]

    /// - Parameter grant: defaults to ``Grant/init(forModule:)`` of `name`.
    public init(_ name: String, grant: Grant? = nil, alwaysGranted: Bool = false) {
        self.name = name
        self.grant = grant ?? Grant(forModule: name)
        self.alwaysGranted = alwaysGranted
    }

    /// Defines (or replaces) the function `field`.
    public mutating func define(_ field: String, _ signature: WasmSignature, _ body: @escaping HostFunction.Body) {
        functions[field] = HostFunction(ImportName(module: name, field: field), signature, body)
    }
}

/// The import table a guest is linked against: host modules by name.
///
/// A value: build it once and share it between instances (it is `Sendable`);
/// per-instance state lives in ``InstanceState``, reached from ``HostCall``.
public struct HostImports: Sendable {
    public private(set) var modules: [String: HostModule] = [:]

    public init(_ modules: [HostModule] = []) {
        for module in modules { add(module) }
    }

    /// Adds a host module; one with the same name is replaced.
    public mutating func add(_ module: HostModule) {
        modules[module.name] = module
    }

    /// Every grant a module of this table requires: granting all of them
    /// lets a guest import anything the table offers.
    public var allGrants: Set<Grant> { Set(modules.values.map(\.grant)) }

    /// The function a guest importing `name` would be linked to, if any.
    public func function(_ name: ImportName) -> HostFunction? {
        modules[name.module]?.functions[name.field]
    }

    /// Checks `imports` against this table and `grants` and returns every
    /// problem found (not only the first), in import order.
    ///
    /// - Parameter grants: nil skips the grant check (used when compiling,
    ///   before anyone has said who runs the guest).
    func linkProblems(for imports: [ModuleImport], grants: Set<Grant>?) -> [LinkProblem] {
        var problems: [LinkProblem] = []
        for entry in imports {
            guard entry.kind == .function else {
                problems.append(.unsupportedImport(entry.name, reason: "it imports a \(entry.kind); hosts provide functions only"))
                continue
            }
            guard let signature = entry.signature else {
                problems.append(.unsupportedImport(entry.name, reason: "its signature uses types other than i32, i64, f32 and f64"))
                continue
            }
            guard let module = modules[entry.name.module], let function = module.functions[entry.name.field] else {
                problems.append(.unknownImport(entry.name))
                continue
            }
            if let grants, !module.alwaysGranted, !grants.contains(module.grant) {
                problems.append(.ungrantedImport(entry.name, grant: module.grant))
                continue
            }
            if function.signature != signature {
                problems.append(.importSignatureMismatch(entry.name, host: function.signature, guest: signature))
            }
        }
        return problems
    }
}
