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

    public var description: String {
        "guest \(module)" + (function.map { " `\($0)`" } ?? "") + ": " + message
    }
}
