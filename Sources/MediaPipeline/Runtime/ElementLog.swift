/// One log line an element posts on the bus: for the `wasm` element, what
/// its guest logged through `wasi:logging/logging`.
public struct ElementLog: Sendable, Hashable, CustomStringConvertible {
    /// How much a line matters, least to most: the levels of `wasi:logging`.
    public enum Level: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
        case trace, debug, info, warn, error, critical

        public static func < (a: Level, b: Level) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    public var level: Level
    /// What the line is about, as its author grouped it; may be empty.
    public var context: String
    public var message: String

    public init(_ level: Level, context: String = "", _ message: String) {
        self.level = level
        self.context = context
        self.message = message
    }

    /// `warn [decoder]: message`, or `info: message` without a context.
    public var description: String {
        context.isEmpty ? "\(level.rawValue): \(message)" : "\(level.rawValue) [\(context)]: \(message)"
    }
}
