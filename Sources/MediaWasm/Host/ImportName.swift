/// The two-level name a core module imports a function by: module and field.
///
/// Printed as `module#field`, the way exports of an interface are spelled
/// (`wasi:media/codec@0.1.0-draft#[method]video-encoder.encode`).
public struct ImportName: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The import module, for this project an interface: `wasi:media/codec@0.1.0-draft`.
    public var module: String
    /// The field inside the module: `[constructor]video-encoder`, `query-video-encoder-support`.
    public var field: String

    public init(module: String, field: String) {
        self.module = module
        self.field = field
    }

    public var description: String { "\(module)#\(field)" }

    public static func < (lhs: ImportName, rhs: ImportName) -> Bool {
        (lhs.module, lhs.field) < (rhs.module, rhs.field)
    }
}

/// Permission for a guest to import from one interface.
///
/// A guest instantiated without a host module's grant cannot import anything
/// from that module: instantiation fails naming the import and the grant.
/// A host module's grant is derived from its name: the interface name of
/// `namespace:package/interface@version` (`wasi:media/codec@0.1.0-draft` →
/// `codec`), or the whole module name when it has no `/` (`env` → `env`).
public struct Grant: Sendable, Hashable, Comparable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var name: String

    public init(_ name: String) { self.name = name }
    public init(stringLiteral value: String) { self.name = value }

    /// The grant that covers imports from `module`.
    public init(forModule module: String) {
        var interface = Substring(module)
        if let slash = interface.lastIndex(of: "/") {
            interface = interface[interface.index(after: slash)...]
        }
        if let at = interface.firstIndex(of: "@") {
            interface = interface[..<at]
        }
        self.name = interface.isEmpty ? module : String(interface)
    }

    public var description: String { name }

    public static func < (lhs: Grant, rhs: Grant) -> Bool { lhs.name < rhs.name }
}
