// Logging through `wasi:logging/logging`, which every world imports: the
// host shows each line on stderr and posts it on the pipeline's bus,
// naming the element. `print` goes the same way, as `info`.

/// How much a log line matters, least to most (`wasi:logging`'s `level`).
public enum LogLevel: UInt8, Sendable {
    /// The flow of control and the values of variables.
    case trace
    /// What someone debugging the guest wants to see.
    case debug
    /// What someone watching the guest run wants to see.
    case info
    /// Something that may go wrong.
    case warn
    /// Something that went wrong.
    case error
    /// Something the guest cannot go on after. The host keeps the last
    /// such line of a call and shows it with the trap that follows.
    case critical
}

/// Sends one line to the host's log.
///
/// ```swift
/// log(.debug, "strip \(index) of \(count)", context: "kernel")
/// ```
///
/// The host drops lines below the level the user asked for (`info` unless
/// the element's `log-level` says otherwise) before reading them, and
/// drops lines past its rate limit, saying how many it dropped; so logging
/// costs little when nobody listens, but it is not free: keep it out of
/// per-pixel loops.
public func log(_ level: LogLevel, _ message: String, context: String = "") {
    guard level == .critical || LineBudget.take() else { return }
    withUTF8(context) { c, cn in
        withUTF8(message) { m, mn in loggingLog(Int32(level.rawValue), c, cn, m, mn) }
    }
}

/// The lines one call of a filter's or transform's export may log: the
/// rest are counted, not sent, and one `warn` line at the end of the call
/// says how many. A guest logging in a per-pixel loop so costs its
/// pipeline one host call per line up to the budget, not millions. A
/// media app's `run`, one long call, has no budget (the host's rate limit
/// still applies).
package enum LineBudget {
    /// Lines per export call.
    package static let perCall = 100
    nonisolated(unsafe) static var left: Int? = nil
    nonisolated(unsafe) static var withheld = 0

    /// Whether one more line may go to the host now; counts it either way.
    @inline(__always)
    static func take() -> Bool {
        guard let remaining = left else { return true }
        guard remaining > 0 else {
            withheld += 1
            return false
        }
        left = remaining - 1
        return true
    }

    /// Runs one export call's work under a fresh budget.
    package static func during<R>(_ body: () -> R) -> R {
        left = perCall
        withheld = 0
        let result = body()
        left = nil
        if withheld > 0 {
            log(.warn, text(withheld) + " log lines of this call were not sent: at most " + text(perCall) + " a call", context: "wasi-media")
        }
        return result
    }

    private static func text(_ n: Int) -> String {
        var digits: [UInt8] = []
        var n = n
        repeat { digits.append(UInt8(ascii: "0") + UInt8(n % 10)); n /= 10 } while n > 0
        return String(decoding: digits.reversed(), as: UTF8.self)
    }
}

/// The line `print` is building, sent at each newline.
nonisolated(unsafe) private var printLine: [UInt8] = []

/// What Embedded Swift's `print` writes a character with. Defined here, so
/// that printing in a guest logs a line at `info` instead of pulling in
/// WASI's `fd_write`, which no world imports.
@_cdecl("putchar")
public func _putcharToLog(_ character: Int32) -> Int32 {
    let byte = UInt8(truncatingIfNeeded: character)
    if byte == UInt8(ascii: "\n") {
        if LineBudget.take() {
            printLine.withUnsafeMutableBytes { bytes in
                loggingLog(Int32(LogLevel.info.rawValue), nil, 0, bytes.baseAddress, bytes.count)
            }
        }
        printLine.removeAll(keepingCapacity: true)
    } else {
        printLine.append(byte)
    }
    return character
}

extension ErrorCode {
    /// The WIT name of the code: `invalid-argument`, `out-of-bounds`...
    public var witName: StaticString {
        switch self {
        case .invalidArgument: "invalid-argument"
        case .unsupported: "unsupported"
        case .notFound: "not-found"
        case .accessDenied: "access-denied"
        case .invalidData: "invalid-data"
        case .invalidState: "invalid-state"
        case .outOfBounds: "out-of-bounds"
        case .io: "io"
        case .failed: "failed"
        }
    }
}

/// Ends the guest after an error its export cannot return (the world's
/// `process`, `transform` and `flush` return no error): logs the error at
/// `critical`, which the host shows with the trap, then traps.
package func trapAfter(_ function: StaticString, _ error: MediaError) -> Never {
    trapAfter(function, text(error.code.witName) + ": " + error.message)
}

/// The same for a message of the guest's own.
package func trapAfter(_ function: StaticString, _ message: String) -> Never {
    log(.critical, text(function) + " threw " + message, context: "trap")
    fatalError()
}

/// A `StaticString` as a `String` (Embedded Swift has no `String(describing:)`).
func text(_ string: StaticString) -> String {
    String(decoding: UnsafeBufferPointer(start: string.utf8Start, count: string.utf8CodeUnitCount), as: UTF8.self)
}
