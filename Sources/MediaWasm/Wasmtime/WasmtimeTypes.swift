/// The few C structs of libwasmtime's API this backend reads or writes,
/// declared with the same layout (x86_64 and arm64, LP64).

/// `wasm_byte_vec_t` (also `wasm_name_t`, `wasm_message_t`): size, then data.
struct WTByteVec {
    var size: Int = 0
    var data: UnsafeMutablePointer<UInt8>? = nil
}

/// A `wasm_*_vec_t` of pointers (import types, export types, value types).
struct WTPointerVec {
    var size: Int = 0
    var data: UnsafeMutablePointer<OpaquePointer?>? = nil

    var elements: UnsafeBufferPointer<OpaquePointer?> { UnsafeBufferPointer(start: data, count: data == nil ? 0 : size) }
}

/// `wasmtime_func_t`: the store's id and an index.
struct WTFunc {
    var storeID: UInt64 = 0
    var index: Int = 0
}

/// `wasmtime_instance_t`: the store's id and an index.
struct WTInstance {
    var storeID: UInt64 = 0
    var index: Int = 0
}

/// `wasmtime_memory_t`: the store's id and two private fields (24 bytes).
struct WTMemory {
    var storeID: UInt64 = 0
    var first: Int = 0
    var second: UInt32 = 0
}

/// `wasmtime_extern_t`: a kind byte, then (at offset 8) a 24-byte union.
struct WTExtern {
    var kind: UInt8 = 0
    var payload: (UInt64, UInt64, UInt64) = (0, 0, 0)

    static let function: UInt8 = 0
    static let memory: UInt8 = 3

    init() {}

    init(function: WTFunc) {
        kind = Self.function
        withUnsafeMutableBytes(of: &payload) { $0.storeBytes(of: function, as: WTFunc.self) }
    }

    var asFunction: WTFunc? {
        kind == Self.function ? withUnsafeBytes(of: payload) { $0.loadUnaligned(as: WTFunc.self) } : nil
    }

    var asMemory: WTMemory? {
        kind == Self.memory ? withUnsafeBytes(of: payload) { $0.loadUnaligned(as: WTMemory.self) } : nil
    }
}

/// `wasmtime_val_raw_t`: a 16-byte union; numbers little-endian from byte 0.
struct WTRawValue {
    var low: UInt64 = 0
    var high: UInt64 = 0
}

/// A host function's callback for `wasmtime_func_new_unchecked`:
/// (environment, caller, parameters and results in place, slot count) -> trap or nil.
/// `wasmtime_store_epoch_deadline_callback`'s function: (context, data,
/// out delta, out update kind) -> error, or nil to go on with the new delta.
typealias WTEpochCallback = @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, UnsafeMutablePointer<UInt64>?, UnsafeMutablePointer<UInt8>?) -> OpaquePointer?
typealias WTHostCallback = @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafeMutableRawPointer?, Int) -> OpaquePointer?

/// `wasm_externtype_kind` values.
enum WTExternKind {
    static let function: UInt8 = 0, global: UInt8 = 1, table: UInt8 = 2, memory: UInt8 = 3
}

/// `wasm_valtype_kind` values.
enum WTValueKind {
    static let i32: UInt8 = 0, i64: UInt8 = 1, f32: UInt8 = 2, f64: UInt8 = 3
}

/// `wasmtime_trap_code` values this backend maps to a ``TrapReason``.
enum WTTrapCode {
    static let stackOverflow: UInt8 = 0
    static let memoryOutOfBounds: UInt8 = 1
    static let integerOverflow: UInt8 = 6
    static let integerDivisionByZero: UInt8 = 7
    static let badConversionToInteger: UInt8 = 8
    static let unreachable: UInt8 = 9
    static let outOfFuel: UInt8 = 11
}

/// `wasmtime_memory_get_callback_t`: (env, byte size out, byte capacity out) -> base.
typealias WTMemoryGetCallback = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?, UnsafeMutablePointer<Int>?) -> UnsafeMutablePointer<UInt8>?
/// `wasmtime_memory_grow_callback_t`: (env, new byte size) -> error or nil.
typealias WTMemoryGrowCallback = @convention(c) (UnsafeMutableRawPointer?, Int) -> OpaquePointer?
/// `wasmtime_new_memory_callback_t`: (env, memory type, minimum, maximum,
/// reserved bytes (0: none asked), guard bytes, the memory out) -> error or nil.
typealias WTNewMemoryCallback = @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, Int, Int, Int, Int, UnsafeMutableRawPointer?) -> OpaquePointer?

/// `wasmtime_linear_memory_t`: env, get, grow, finalizer.
struct WTLinearMemory {
    var env: UnsafeMutableRawPointer?
    var getMemory: WTMemoryGetCallback
    var growMemory: WTMemoryGrowCallback
    var finalizer: (@convention(c) (UnsafeMutableRawPointer?) -> Void)?
}

/// `wasmtime_memory_creator_t`: env, new_memory, finalizer.
struct WTMemoryCreator {
    var env: UnsafeMutableRawPointer?
    var newMemory: WTNewMemoryCallback
    var finalizer: (@convention(c) (UnsafeMutableRawPointer?) -> Void)?
}
