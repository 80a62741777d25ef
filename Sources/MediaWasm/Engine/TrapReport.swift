/// Why a guest stopped.
public enum TrapReason: Sendable, Hashable, CustomStringConvertible {
    /// The guest executed `unreachable` (a Swift `fatalError`, a Rust panic...).
    case unreachable
    /// The guest itself loaded or stored outside its linear memory.
    case memoryOutOfBounds
    case integerDivideByZero
    case integerOverflow
    /// A float-to-integer conversion of NaN or an out-of-range value.
    case invalidConversionToInteger
    /// The guest's call stack outgrew the engine's stack (runaway recursion).
    case stackOverflow
    /// The call used up its fuel budget (see ``WasmLimits/fuelPerCall``).
    case outOfFuel(budget: UInt64)
    /// The call ran past its wall-clock limit (see ``WasmLimits/timeLimit``).
    case timeLimit(Duration)
    /// The host refused what the guest passed to an import (bad pointer, handle, UTF-8...).
    case guestFault(GuestFault)
    /// An import failed for a reason of the host's own (its error's description).
    case hostError(String)
    /// A guest function the host called while serving an import (such as
    /// `cabi_realloc`) trapped; the nested report says how.
    indirect case callback(TrapReport)
    /// The host refused to re-enter the guest more deeply (see ``WasmLimits/maxNestedCalls``).
    case nestingTooDeep(limit: Int)
    /// Anything else the engine reported (table access, indirect calls...), in its words.
    case engine(String)

    /// `2 s`, `0.25 s`: a duration as the reports print it.
    static func seconds(_ duration: Duration) -> String {
        let (whole, attoseconds) = duration.components
        if attoseconds == 0 { return "\(whole) s" }
        return "\((duration.inSeconds * 1000).rounded() / 1000) s"
    }

    public var description: String {
        switch self {
        case .unreachable: "unreachable executed"
        case .memoryOutOfBounds: "out-of-bounds memory access"
        case .integerDivideByZero: "integer divide by zero"
        case .integerOverflow: "integer overflow"
        case .invalidConversionToInteger: "invalid conversion to integer"
        case .stackOverflow: "call stack exhausted"
        case .outOfFuel(let budget): "fuel budget of \(budget) exhausted"
        case .timeLimit(let limit): "time limit of \(TrapReason.seconds(limit)) exceeded"
        case .guestFault(let fault): fault.description
        case .hostError(let message): "host error: \(message)"
        case .callback(let report): "the host's call back into the guest failed: \(report)"
        case .nestingTooDeep(let limit): "the host re-entered the guest more than \(limit) levels deep"
        case .engine(let message): message
        }
    }
}

/// A `memory.grow` the memory cap refused.
public struct RefusedGrowth: Sendable, Hashable {
    /// The memory size the guest asked for, in bytes.
    public var requestedBytes: Int
    /// The cap in force, in bytes.
    public var capBytes: Int

    public init(requestedBytes: Int, capBytes: Int) {
        self.requestedBytes = requestedBytes
        self.capBytes = capBytes
    }
}

/// Everything known about a guest trap. Carried by ``WasmError/trap(_:)``.
///
/// Examples of ``description``:
///
/// ```text
/// guest trapped in `run`: unreachable executed
/// guest exceeded its fuel budget of 100000 in `spin`
/// guest trapped in `run` while the host served `env#log`: pointer 0xfffffff0 + 64 bytes lies outside guest memory (65536 bytes)
/// guest trapped in `bomb`: unreachable executed (memory.grow to 67174400 bytes was refused: the memory cap is 67108864 bytes)
/// ```
public struct TrapReport: Sendable, Hashable, CustomStringConvertible {
    /// The guest function the host called: an export name, `cabi_realloc`,
    /// or `<start>` for the module's start function.
    public var export: String
    public var reason: TrapReason
    /// The host import that was running when the trap was raised, if any.
    public var hostImport: ImportName?
    /// The last `memory.grow` the memory cap refused during this call, if
    /// any: a guest that traps after its allocation failed ran into the cap.
    public var refusedGrowth: RefusedGrowth?
    /// The engine that ran the guest (`wasmkit`).
    public var engine: String
    /// The guest's call stack as the engine printed it, when it gave one
    /// (``GuestBacktrace`` reads it).
    public var backtrace: String?
    /// What the guest said last before it trapped: its last `critical`
    /// line of `wasi:logging` in this call (the Swift SDK logs a thrown
    /// error's code and message there before trapping).
    public var guestMessage: String?

    public init(export: String, reason: TrapReason, hostImport: ImportName? = nil,
                refusedGrowth: RefusedGrowth? = nil, engine: String, backtrace: String? = nil) {
        self.export = export
        self.reason = reason
        self.hostImport = hostImport
        self.refusedGrowth = refusedGrowth
        self.engine = engine
        self.backtrace = backtrace
    }

    /// Whether the memory cap was hit during the call.
    public var hitMemoryCap: Bool { refusedGrowth != nil }

    public var description: String {
        var text: String
        if case .outOfFuel(let budget) = reason {
            text = "guest exceeded its fuel budget of \(budget) in `\(export)`"
            if let hostImport { text += " while the host served `\(hostImport)`" }
        } else if case .timeLimit(let limit) = reason {
            text = "guest exceeded its time limit of \(TrapReason.seconds(limit)) in `\(export)`"
            if let hostImport { text += " while the host served `\(hostImport)`" }
        } else {
            text = "guest trapped in `\(export)`"
            if let hostImport { text += " while the host served `\(hostImport)`" }
            text += ": \(reason)"
        }
        if let refusedGrowth {
            text += " (memory.grow to \(refusedGrowth.requestedBytes) bytes was refused: the memory cap is \(refusedGrowth.capBytes) bytes)"
        }
        if let guestMessage {
            text += "; the guest said: \(guestMessage)"
        }
        return text
    }
}
