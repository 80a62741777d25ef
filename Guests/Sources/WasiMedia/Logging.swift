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
    withUTF8(context) { c, cn in
        withUTF8(message) { m, mn in loggingLog(Int32(level.rawValue), c, cn, m, mn) }
    }
}

/// The line `print` is building, sent at each newline.
nonisolated(unsafe) private var printLine: [UInt8] = []

/// What Embedded Swift's `print` writes a character with. Defined here, so
/// that printing in a guest logs a line at `info` instead of pulling in
/// WASI's `fd_write`, which no world imports.
@_cdecl("putchar")
public func sdkPutchar(_ character: Int32) -> Int32 {
    let byte = UInt8(truncatingIfNeeded: character)
    if byte == UInt8(ascii: "\n") {
        printLine.withUnsafeMutableBytes { bytes in
            loggingLog(Int32(LogLevel.info.rawValue), nil, 0, bytes.baseAddress, bytes.count)
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
