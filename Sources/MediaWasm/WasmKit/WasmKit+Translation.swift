import WasmKit

// MARK: - Types and values

extension WasmValueType {
    /// Nil for the types that never cross this project's boundary (v128, references).
    init?(_ type: ValueType) {
        switch type {
        case .i32: self = .i32
        case .i64: self = .i64
        case .f32: self = .f32
        case .f64: self = .f64
        case .v128, .ref: return nil
        }
    }

    var wasmKit: ValueType {
        switch self {
        case .i32: .i32
        case .i64: .i64
        case .f32: .f32
        case .f64: .f64
        }
    }
}

extension WasmSignature {
    init?(_ type: FunctionType) {
        var parameters: [WasmValueType] = []
        var results: [WasmValueType] = []
        for type in type.parameters {
            guard let converted = WasmValueType(type) else { return nil }
            parameters.append(converted)
        }
        for type in type.results {
            guard let converted = WasmValueType(type) else { return nil }
            results.append(converted)
        }
        self.init(parameters, results)
    }
}

extension WasmValue {
    var wasmKit: Value {
        switch self {
        case .i32(let v): .i32(v)
        case .i64(let v): .i64(v)
        case .f32(let v): .f32(v.bitPattern)
        case .f64(let v): .f64(v.bitPattern)
        }
    }
}

extension Value {
    /// The raw 64-bit slot of a host call (see ``HostCall``).
    var rawBits: UInt64 {
        switch self {
        case .i32(let v): UInt64(v)
        case .i64(let v): v
        case .f32(let v): UInt64(v)
        case .f64(let v): v
        case .v128, .ref: 0
        }
    }

    init(rawBits: UInt64, type: WasmValueType) {
        switch type {
        case .i32: self = .i32(UInt32(truncatingIfNeeded: rawBits))
        case .i64: self = .i64(rawBits)
        case .f32: self = .f32(UInt32(truncatingIfNeeded: rawBits))
        case .f64: self = .f64(rawBits)
        }
    }
}

// MARK: - Errors

extension WasmError {
    /// A parse or validation error: WasmKit's text, with the byte offset
    /// taken out of it (WasmKit keeps the offset itself `package`-internal
    /// and prints it as `"reason" at offset 0x1f`).
    static func malformed(_ error: any Error) -> WasmError {
        var reason = Substring(String(describing: error))
        var offset: Int?
        if let marker = reason.firstRange(of: " at offset 0x") {
            let digits = reason[marker.upperBound...].prefix { $0.isHexDigit }
            offset = Int(digits, radix: 16)
            reason.removeSubrange(marker.lowerBound..<digits.endIndex)
        }
        // A message with an offset is quoted; the parser's own messages print
        // as `"Message(text: "...")"` (its message type has no description).
        func unquote(_ text: Substring) -> Substring {
            text.count >= 2 && text.hasPrefix("\"") && text.hasSuffix("\"") ? text.dropFirst().dropLast() : text
        }
        reason = unquote(reason)
        if reason.hasPrefix("Message(text: "), reason.hasSuffix(")") {
            reason = unquote(reason.dropFirst("Message(text: ".count).dropLast())
        }
        return .malformedModule(reason: String(reason), offset: offset)
    }
}

/// What a WasmKit trap says, taken apart.
///
/// `Trap.reason` is `package`-internal in WasmKit 0.4.2; its public face is
/// `description`: `"Trap: <reason>"`, then the backtrace, one frame a line.
struct WasmKitTrapText {
    var reason: String
    var backtrace: String?

    init(_ trap: Trap) {
        let text = trap.description
        let body = text.hasPrefix("Trap: ") ? text.dropFirst("Trap: ".count) : Substring(text)
        if let newline = body.firstIndex(of: "\n") {
            reason = String(body[..<newline])
            let rest = body[body.index(after: newline)...]
            backtrace = rest.isEmpty ? nil : String(rest)
        } else {
            reason = String(body)
            backtrace = nil
        }
    }

    /// Our reason for the trap; `fuelBudget` is the budget of the running call.
    func trapReason(fuelBudget: UInt64?) -> TrapReason {
        switch reason {
        case "unreachable": .unreachable
        case "out of bounds memory access": .memoryOutOfBounds
        case "integer divide by zero": .integerDivideByZero
        case "integer overflow": .integerOverflow
        case "invalid conversion to integer": .invalidConversionToInteger
        case "call stack exhausted": .stackOverflow
        case "out of fuel": .outOfFuel(budget: fuelBudget ?? 0)
        default: .engine(reason)
        }
    }

    /// Whether the trap is a resource limit refusing an instance's initial memory or table.
    var isInitialSizeOverLimit: Bool {
        reason.hasPrefix("initial memory size exceeds") || reason.hasPrefix("initial table size exceeds")
    }
}
