/// A core WebAssembly number type, as host functions and exports see them.
///
/// Only the four number types cross the boundary between host and guest in
/// this project: the canonical ABI flattens every WIT value into them.
public enum WasmValueType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case i32, i64, f32, f64

    public var description: String { rawValue }
}

/// A core WebAssembly value.
///
/// Integers are stored as their bit pattern: `i32` of `-1` is `.i32(0xFFFF_FFFF)`.
/// The signed initializers and the `s32`/`s64` accessors give signed views.
public enum WasmValue: Sendable, Equatable, CustomStringConvertible {
    case i32(UInt32)
    case i64(UInt64)
    case f32(Float)
    case f64(Double)

    /// A signed 32-bit integer, stored as its bit pattern.
    public init(_ value: Int32) { self = .i32(UInt32(bitPattern: value)) }
    /// A signed 64-bit integer, stored as its bit pattern.
    public init(_ value: Int64) { self = .i64(UInt64(bitPattern: value)) }

    public var type: WasmValueType {
        switch self {
        case .i32: .i32
        case .i64: .i64
        case .f32: .f32
        case .f64: .f64
        }
    }

    /// The value as an unsigned 32-bit integer, or nil if it is not an `i32`.
    public var u32: UInt32? { if case .i32(let v) = self { v } else { nil } }
    /// The value as a signed 32-bit integer, or nil if it is not an `i32`.
    public var s32: Int32? { u32.map { Int32(bitPattern: $0) } }
    /// The value as an unsigned 64-bit integer, or nil if it is not an `i64`.
    public var u64: UInt64? { if case .i64(let v) = self { v } else { nil } }
    /// The value as a signed 64-bit integer, or nil if it is not an `i64`.
    public var s64: Int64? { u64.map { Int64(bitPattern: $0) } }

    /// The raw 64-bit slot the value occupies in a host call (see ``HostCall``):
    /// integers zero-extended, floats by bit pattern.
    var rawBits: UInt64 {
        switch self {
        case .i32(let v): UInt64(v)
        case .i64(let v): v
        case .f32(let v): UInt64(v.bitPattern)
        case .f64(let v): v.bitPattern
        }
    }

    /// Reads a value of `type` from its raw 64-bit slot.
    init(rawBits: UInt64, type: WasmValueType) {
        switch type {
        case .i32: self = .i32(UInt32(truncatingIfNeeded: rawBits))
        case .i64: self = .i64(rawBits)
        case .f32: self = .f32(Float(bitPattern: UInt32(truncatingIfNeeded: rawBits)))
        case .f64: self = .f64(Double(bitPattern: rawBits))
        }
    }

    public var description: String {
        switch self {
        case .i32(let v): "i32:\(v)"
        case .i64(let v): "i64:\(v)"
        case .f32(let v): "f32:\(v)"
        case .f64(let v): "f64:\(v)"
        }
    }
}

/// The core type of a function: its parameter and result types.
///
/// Printed the way the text format reads, `(i32, i32) -> i32`.
public struct WasmSignature: Sendable, Hashable, CustomStringConvertible {
    public var parameters: [WasmValueType]
    public var results: [WasmValueType]

    public init(_ parameters: [WasmValueType], _ results: [WasmValueType] = []) {
        self.parameters = parameters
        self.results = results
    }

    public var description: String {
        "(" + parameters.map(\.rawValue).joined(separator: ", ") + ") -> "
            + (results.count == 1 ? results[0].rawValue : "(" + results.map(\.rawValue).joined(separator: ", ") + ")")
    }
}
