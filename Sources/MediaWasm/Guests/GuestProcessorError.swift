/// Why a guest processor could not load, or why a call into it failed.
///
/// Always names the module file; for calls, the guest function and the
/// reason (a trap report, or the message the guest returned).
public struct GuestProcessorError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The file cannot be read.
        case unreadable
        /// Not a valid module, or not one of the worlds, or it cannot be linked.
        case invalidModule
        /// The guest trapped (or was stopped by fuel or the memory cap).
        case trap
        /// The guest answered `configure`/`start` with an error of its own.
        case refused
        /// The guest returned something the host cannot use.
        case badResult
        /// A property the guest does not declare, or a value its declaration refuses.
        case invalidProperty
    }

    public var kind: Kind
    /// The module file.
    public var module: String
    /// The guest function involved (`process`, `configure`), if any.
    public var function: String?
    public var message: String
    /// The engine's report when the guest trapped.
    public var trap: TrapReport?

    public init(_ kind: Kind, module: String, function: String? = nil, _ message: String, trap: TrapReport? = nil) {
        self.kind = kind
        self.module = module
        self.function = function
        self.message = message
        self.trap = trap
    }

    /// The guest's call stack at the trap, when the engine gave one.
    public var backtrace: GuestBacktrace? { trap?.backtrace.flatMap(GuestBacktrace.init(engineText:)) }

    /// One line naming the module, function and reason; then, for a trap
    /// whose engine gave one, the guest's backtrace.
    public var description: String {
        guard let backtrace else { return summary }
        var text = summary
        if trap?.reason == .unreachable, trap?.guestMessage == nil {
            text += "\n(the guest stopped itself: in Swift, a failed runtime check (an index out of range, an arithmetic "
                + "overflow, nil unwrapped) or fatalError, in the innermost frame below)"
        }
        return text + "\n" + backtrace.description
    }

    /// The first line of ``description``: module, function and reason.
    public var summary: String {
        "guest \(module)" + (function.map { " `\($0)`" } ?? "") + ": " + message
    }
}
