import Crypto

/// A module Wasmtime compiled (every function body validated and compiled
/// to machine code up front).
struct WasmtimeModule: WasmModule {
    let engine: WasmtimeEngine
    let module: ModuleBox
    let imports: [ModuleImport]
    let exports: [ModuleExport]
    let fromCache: Bool

    var engineName: String { WasmtimeEngine.name }

    /// Owns a `wasmtime_module_t` (thread-safe in Wasmtime).
    final class ModuleBox: @unchecked Sendable {
        let pointer: OpaquePointer
        let library: WasmtimeLibrary
        init(pointer: OpaquePointer, library: WasmtimeLibrary) {
            self.pointer = pointer
            self.library = library
        }
        deinit { library.moduleDelete(pointer) }
    }

    /// What compiling the bytes gave, shared through the cache.
    struct Compiled: Sendable {
        let module: ModuleBox
        let imports: [ModuleImport]
        let exports: [ModuleExport]
        /// The initial sizes the module declares, when they could be read.
        let declared: DeclaredLimits?
        /// Whether the machine code came from ``WasmtimeDiskCache`` instead of the compiler.
        let fromDisk: Bool
    }

    /// Compiled modules of the process's Wasmtime engine, by content.
    static let cache = ModuleCache<Compiled>()

    init(bytes: [UInt8], engine: WasmtimeEngine, requiredExports: [RequiredExport], host: HostImports?) throws(WasmError) {
        let (compiled, cached) = try Self.cache.entry(for: bytes) { (digest) throws(WasmError) in
            try Self.compile(bytes, digest: digest, engine: engine)
        }
        let fromCache = cached || compiled.fromDisk
        let imports = compiled.imports, exports = compiled.exports

        // Hosts provide functions only: anything else cannot link, whatever the host.
        let unsupported = HostImports().linkProblems(for: imports, grants: nil).filter {
            if case .unsupportedImport = $0 { true } else { false }
        }
        if !unsupported.isEmpty { throw .link(unsupported) }

        // Initial sizes over the engine's caps are turned away here, as WasmKit does.
        if let declared = compiled.declared {
            let limits = engine.limits
            if let bytes = declared.memoryBytes.first(where: { $0 > UInt64(limits.memoryCap) }) {
                throw .initialMemoryOverCap(bytes: bytes, cap: limits.memoryCap)
            }
            if declared.tableElements.contains(where: { $0 > UInt64(limits.tableElementCap) }) {
                throw .initialTableOverCap(cap: limits.tableElementCap)
            }
            if let problem = declared.segmentProblem { throw .instantiation(reason: problem) }
        }

        var problems = RequiredExport.problems(requiredExports, in: exports)
        if let host { problems += host.linkProblems(for: imports, grants: nil) }
        if !problems.isEmpty { throw .link(problems) }

        self.engine = engine
        self.module = compiled.module
        self.imports = imports
        self.exports = exports
        self.fromCache = fromCache
    }

    /// Validates and compiles `bytes` (whose SHA-256 is `digest`) to machine code, or loads
    /// it from ``WasmtimeDiskCache``, and lists the module's imports and exports.
    private static func compile(_ bytes: [UInt8], digest: SHA256Digest, engine: WasmtimeEngine) throws(WasmError) -> Compiled {
        let library = engine.library
        var pointer = WasmtimeDiskCache.load(digest, engine: engine)
        let fromDisk = pointer != nil
        if pointer == nil {
            let error = bytes.withUnsafeBufferPointer { buffer in
                library.moduleNew(engine.engine.pointer, buffer.baseAddress, buffer.count, &pointer)
            }
            if let error { throw .wasmtimeMalformed(library.consume(error: error)) }
        }
        guard let pointer else { throw .malformedModule(reason: "wasmtime compiled no module", offset: nil) }
        if !fromDisk { WasmtimeDiskCache.store(pointer, digest: digest, engine: engine) }
        let box = ModuleBox(pointer: pointer, library: library)

        var importTypes = WTPointerVec()
        library.moduleImports(pointer, &importTypes)
        let imports = importTypes.elements.compactMap { type -> ModuleImport? in
            guard let type else { return nil }
            let name = ImportName(module: WasmtimeLibrary.string(library.importTypeModule(type)),
                                  field: WasmtimeLibrary.string(library.importTypeName(type)))
            let (kind, signature) = Self.describe(library.importTypeType(type), library: library)
            return ModuleImport(name: name, kind: kind, signature: signature)
        }
        library.importTypeVecDelete(&importTypes)

        var exportTypes = WTPointerVec()
        library.moduleExports(pointer, &exportTypes)
        let exports = exportTypes.elements.compactMap { type -> ModuleExport? in
            guard let type else { return nil }
            let (kind, signature) = Self.describe(library.exportTypeType(type), library: library)
            return ModuleExport(name: WasmtimeLibrary.string(library.exportTypeName(type)), kind: kind, signature: signature)
        }
        library.exportTypeVecDelete(&exportTypes)
        return Compiled(module: box, imports: imports, exports: exports, declared: DeclaredLimits(module: bytes), fromDisk: fromDisk)
    }

    /// The kind of an extern type, and its signature if it is a function of numbers.
    static func describe(_ type: OpaquePointer, library: WasmtimeLibrary) -> (ExternKind, WasmSignature?) {
        switch library.externTypeKind(type) {
        case WTExternKind.function:
            guard let function = library.externTypeAsFuncType(type) else { return (.function, nil) }
            func types(_ vec: UnsafeRawPointer) -> [WasmValueType]? {
                var result: [WasmValueType] = []
                for value in vec.load(as: WTPointerVec.self).elements {
                    guard let value else { return nil }
                    switch library.valTypeKind(value) {
                    case WTValueKind.i32: result.append(.i32)
                    case WTValueKind.i64: result.append(.i64)
                    case WTValueKind.f32: result.append(.f32)
                    case WTValueKind.f64: result.append(.f64)
                    default: return nil
                    }
                }
                return result
            }
            guard let parameters = types(library.funcTypeParams(function)),
                  let results = types(library.funcTypeResults(function)) else { return (.function, nil) }
            return (.function, WasmSignature(parameters, results))
        case WTExternKind.global: return (.global, nil)
        case WTExternKind.table: return (.table, nil)
        case WTExternKind.memory: return (.memory, nil)
        default: return (.tag, nil)
        }
    }

    func instantiate(host: HostImports, grants: Set<Grant>, limits: WasmLimits?) throws(WasmError) -> any WasmInstance {
        let problems = host.linkProblems(for: imports, grants: grants)
        guard problems.isEmpty else { throw .link(problems) }
        return try WasmtimeInstance(module: self, host: host, limits: limits ?? engine.limits)
    }
}

extension WasmError {
    /// A compile error in Wasmtime's words: the innermost cause (the last
    /// line of its cause chain), the byte offset taken out of it.
    static func wasmtimeMalformed(_ message: String) -> WasmError {
        let lines = message.split(separator: "\n").map { $0.trimmingPrefix(while: \.isWhitespace) }.filter { !$0.isEmpty }
        var reason = lines.last ?? Substring(message)
        // "Caused by:" entries are numbered: "1: reason".
        if let colon = reason.firstIndex(of: ":"), reason[..<colon].allSatisfy(\.isNumber), !reason[..<colon].isEmpty {
            reason = reason[reason.index(after: colon)...].trimmingPrefix(while: \.isWhitespace)
        }
        var offset: Int?
        // The parser says "reason (at offset 0x9)"; the validator
        // "Invalid input WebAssembly code at offset 33: reason".
        if let marker = reason.firstRange(of: " (at offset 0x") {
            let digits = reason[marker.upperBound...].prefix { $0.isHexDigit }
            offset = Int(digits, radix: 16)
            reason = reason[..<marker.lowerBound]
        } else if let marker = reason.firstRange(of: " at offset ") {
            let digits = reason[marker.upperBound...].prefix(while: \.isNumber)
            offset = Int(digits)
            let rest = reason[digits.endIndex...]
            if rest.hasPrefix(": ") { reason = rest.dropFirst(2) }
        }
        return .malformedModule(reason: String(reason), offset: offset)
    }
}
