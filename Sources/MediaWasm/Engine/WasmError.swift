/// The one error type of `MediaWasm`.
///
/// The engine's own errors appear only as text inside these cases.
public enum WasmError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bytes are not a valid WebAssembly module: the engine's reason and,
    /// where it gave one, the byte offset of the fault.
    case malformedModule(reason: String, offset: Int?)
    /// The module cannot be linked to the host: every problem found.
    case link([LinkProblem])
    /// Instantiation failed after linking (initial memory over the cap,
    /// a data segment out of bounds...).
    case instantiation(reason: String)
    /// The guest trapped. The instance is poisoned (see ``WasmInstance``).
    case trap(TrapReport)
    /// The instance trapped earlier and refuses further calls; the report is the earlier trap's.
    case poisoned(TrapReport)
    /// The call itself was wrong: no such export, or arguments of the wrong types.
    case invalidCall(export: String, reason: String)
    /// The guest misbehaved outside a call (e.g. its `cabi_realloc` returned
    /// a block outside its memory while the host lowered a value into it).
    case guestFault(GuestFault)

    public var description: String {
        switch self {
        case .malformedModule(let reason, let offset):
            "malformed module: \(reason)" + (offset.map { " (at byte offset \($0))" } ?? "")
        case .link(let problems):
            problems.count == 1
                ? "cannot link the guest: \(problems[0])"
                : "cannot link the guest (\(problems.count) problems): " + problems.map(\.description).joined(separator: "; ")
        case .instantiation(let reason):
            "cannot instantiate the guest: \(reason)"
        case .trap(let report):
            report.description
        case .poisoned(let report):
            "the instance is unusable since an earlier trap: \(report)"
        case .invalidCall(let export, let reason):
            "cannot call `\(export)`: \(reason)"
        case .guestFault(let fault):
            "guest fault: \(fault)"
        }
    }
}
