/// One reason a guest cannot be linked to the host: found when it is
/// compiled (exports, and imports no host module offers) or instantiated
/// (grants). ``WasmError/link(_:)`` carries every problem found, not only
/// the first.
public enum LinkProblem: Sendable, Hashable, CustomStringConvertible {
    /// The guest does not export a function the host requires.
    case missingExport(String)
    /// The guest exports the name, but not as a function of the required signature.
    case exportMismatch(String, required: WasmSignature?, found: String)
    /// No host module offers this import (neither the module nor the field).
    case unknownImport(ImportName)
    /// The host offers the import with a different signature.
    case importSignatureMismatch(ImportName, host: WasmSignature, guest: WasmSignature)
    /// The import is of a kind or type the host never provides (memories, tables, globals, v128...).
    case unsupportedImport(ImportName, reason: String)
    /// The host offers the import, but this guest was not granted its interface.
    case ungrantedImport(ImportName, grant: Grant)

    public var description: String {
        switch self {
        case .missingExport(let name):
            "the guest does not export `\(name)`"
        case .exportMismatch(let name, let required, let found):
            "the guest exports `\(name)` as \(found), not as a function\(required.map { " \($0)" } ?? "")"
        case .unknownImport(let name):
            "the guest imports `\(name.field)` from `\(name.module)`, which no host module offers"
        case .importSignatureMismatch(let name, let host, let guest):
            "the guest imports `\(name)` as \(guest), but the host offers \(host)"
        case .unsupportedImport(let name, let reason):
            "the guest imports `\(name)`, which cannot be provided: \(reason)"
        case .ungrantedImport(let name, let grant):
            "the guest imports `\(name)` but was not granted `\(grant)`"
        }
    }
}
