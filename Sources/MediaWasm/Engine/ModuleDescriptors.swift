/// What kind of entity a module imports or exports.
public enum ExternKind: String, Sendable, Hashable, CustomStringConvertible {
    case function, memory, table, global, tag

    public var description: String { rawValue }
}

/// One import a compiled module declares.
public struct ModuleImport: Sendable, Hashable, CustomStringConvertible {
    public var name: ImportName
    public var kind: ExternKind
    /// The function's core signature; nil for other kinds, and for functions
    /// whose signature uses types other than i32, i64, f32 and f64.
    public var signature: WasmSignature?

    public init(name: ImportName, kind: ExternKind, signature: WasmSignature?) {
        self.name = name
        self.kind = kind
        self.signature = signature
    }

    public var description: String {
        "import \(name): \(signature.map(\.description) ?? kind.rawValue)"
    }
}

/// One export a compiled module declares.
public struct ModuleExport: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var kind: ExternKind
    /// The function's core signature; nil for other kinds, and for functions
    /// whose signature uses types other than i32, i64, f32 and f64 (those
    /// cannot be called through ``WasmInstance/call(_:_:)``).
    public var signature: WasmSignature?

    public init(name: String, kind: ExternKind, signature: WasmSignature?) {
        self.name = name
        self.kind = kind
        self.signature = signature
    }

    public var description: String {
        "export \(name): \(signature.map(\.description) ?? kind.rawValue)"
    }
}

/// An export the host needs a guest to have, checked when it is compiled.
public struct RequiredExport: Sendable, Hashable, ExpressibleByStringLiteral {
    public var name: String
    /// The core signature it must have; nil accepts any function.
    public var signature: WasmSignature?

    public init(_ name: String, _ signature: WasmSignature? = nil) {
        self.name = name
        self.signature = signature
    }

    public init(stringLiteral value: String) { self.init(value) }

    /// Every required export that `exports` lacks or has with another kind
    /// or signature (the same check for every engine).
    static func problems(_ required: [RequiredExport], in exports: [ModuleExport]) -> [LinkProblem] {
        var problems: [LinkProblem] = []
        for required in required {
            guard let found = exports.first(where: { $0.name == required.name }) else {
                problems.append(.missingExport(required.name))
                continue
            }
            if found.kind != .function {
                problems.append(.exportMismatch(required.name, required: required.signature, found: "a \(found.kind)"))
            } else if let signature = required.signature, found.signature != signature {
                problems.append(.exportMismatch(required.name, required: signature,
                                                found: found.signature.map { "a function \($0)" } ?? "a function of unsupported types"))
            }
        }
        return problems
    }
}
