internal import MediaCore

/// Canonical-ABI pieces the media-app interfaces share (`codec`, `container`,
/// `audio-mixer`, `clock`, `capture`, `playback`): return areas, the
/// `media-error` result, options, lists, and the records of section 4 of
/// `docs/guest-abi.md` that carry no `media-buffer`.
///
/// Everything here runs inside a host function, on the thread of the
/// instance it serves. A ``GuestFault`` (or a `WasmError` from a call back
/// into the guest) thrown out of these helpers traps the guest; a
/// ``AppABI/Failure`` is what the WIT calls a `media-error` and is written
/// into the guest's return area instead.
enum AppABI {
    /// The longest list or string the canonical ABI carries: 2^28 - 1 elements.
    static let maxListLength: UInt64 = (1 << 28) - 1

    /// `wasi:media/<interface>@0.1.0-draft`: the import module of an interface.
    static func module(_ interface: String) -> String { "wasi:media/\(interface)@0.1.0-draft" }

    /// `wasi:media/types.error-code`, by case index (the types host's enum).
    typealias ErrorCode = WITErrorCode

    /// A `media-error` the host returns to the guest (never a trap).
    struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        var code: ErrorCode
        var message: String

        init(_ code: ErrorCode, _ message: String) {
            self.code = code
            self.message = message
        }

        init(_ error: MediaError) {
            self.init(ErrorCode(error.code), error.description)
        }

        var description: String { "\(code): \(message)" }
    }

    // MARK: - Memory

    static func memory(_ instance: any WasmInstance) throws(GuestFault) -> GuestMemory {
        guard let memory = instance.memory else { throw .noMemory }
        return memory
    }

    /// Checks the return area the guest passed: aligned and inside memory.
    static func returnArea(_ instance: any WasmInstance, _ pointer: UInt32, size: UInt32, alignment: UInt32) throws(GuestFault) -> UInt32 {
        try TypesHost.checkReturnArea(pointer, size: size, alignment: alignment, memory: memory(instance))
        return pointer
    }

    /// The bytes of a `list<u8>` the guest passed, checked and copied.
    static func bytes(_ instance: any WasmInstance, _ pointer: UInt32, _ count: UInt32, what: String) throws(GuestFault) -> [UInt8] {
        guard UInt64(count) <= maxListLength else {
            throw .invalidValue("\(what): \(count) bytes is longer than the canonical ABI's 2^28 - 1")
        }
        return try memory(instance).read(at: pointer, count: count)
    }

    /// A `string` the guest passed, checked (bounds, length, UTF-8) and copied.
    static func string(_ instance: any WasmInstance, _ pointer: UInt32, _ count: UInt32, what: String) throws(GuestFault) -> String {
        guard UInt64(count) <= maxListLength else {
            throw .invalidValue("\(what): a string of \(count) bytes is longer than the canonical ABI's 2^28 - 1")
        }
        return try memory(instance).readString(at: pointer, byteCount: count)
    }

    /// Whether an `option`'s case index says `some`; anything but 0 or 1 is a fault.
    static func isSome(_ caseIndex: UInt32, what: String) throws(GuestFault) -> Bool {
        switch caseIndex {
        case 0: return false
        case 1: return true
        default: throw .invalidValue("\(what): option case \(caseIndex) is neither 0 (none) nor 1 (some)")
        }
    }

    /// An `enum` case index, checked against the case count.
    static func enumCase(_ index: UInt32, count: Int, what: String) throws(GuestFault) -> Int {
        guard index < UInt32(count) else {
            throw .invalidValue("\(what): enum case \(index) is out of range (\(count) cases)")
        }
        return Int(index)
    }

    // MARK: - Results

    /// Runs `body`, which writes the `ok` case itself; a ``Failure``, a
    /// `MediaError` or a ``HostBudgetRefusal`` (`out-of-bounds`) it throws
    /// becomes the `error` case, with the
    /// `media-error` at `payloadOffset` (4, or 8 when the `ok` payload has
    /// 8-byte alignment). Faults and engine errors propagate (they trap).
    static func respond(_ instance: any WasmInstance, area: UInt32, payloadOffset: UInt32 = 4,
                        _ body: () throws -> Void) throws {
        let failure: Failure
        do {
            try body()
            return
        } catch let error as Failure {
            failure = error
        } catch let error as MediaError {
            failure = Failure(error)
        } catch let refusal as HostBudgetRefusal {
            failure = Failure(.outOfBounds, refusal.description)
        }
        try storeError(instance, failure, area: area, payloadOffset: payloadOffset)
    }

    /// `result<_, media-error>`'s `ok`.
    static func storeOk(_ instance: any WasmInstance, area: UInt32) throws(GuestFault) {
        try memory(instance).store(UInt8(0), at: area)
    }

    /// The `error` case of a result: case 1 at `area`, the `media-error`
    /// (code, then the message the guest gets to free) at `payloadOffset`.
    static func storeError(_ instance: any WasmInstance, _ failure: Failure, area: UInt32, payloadOffset: UInt32) throws {
        let message = try instance.lower(string: failure.message)
        let memory = try memory(instance)
        try memory.store(UInt8(1), at: area)
        try memory.store(failure.code.rawValue, at: area + payloadOffset)
        try memory.store(message.pointer, at: area + payloadOffset + 4)
        try memory.store(message.length, at: area + payloadOffset + 8)
    }

    /// Stores an `option<T>` whose case is at `at` and payload at `at + payloadOffset`.
    static func storeOption<T: FixedWidthInteger>(_ instance: any WasmInstance, _ value: T?, at: UInt32, payloadOffset: UInt32) throws(GuestFault) {
        let memory = try memory(instance)
        try memory.store(UInt8(value == nil ? 0 : 1), at: at)
        try memory.store(value ?? 0, at: at + payloadOffset)
    }

    /// Allocates a list of `count` elements of `size` bytes aligned to
    /// `alignment` in the guest and returns its address.
    static func allocateList(_ instance: any WasmInstance, count: Int, size: Int, alignment: UInt32) throws -> UInt32 {
        guard UInt64(count) <= maxListLength, let bytes = UInt32(exactly: count * size) else {
            throw GuestFault.tooLarge(byteCount: count * size)
        }
        return try instance.allocate(size: bytes, alignment: alignment)
    }

    /// Lowers `bytes` as a `list<u8>` the guest owns afterwards.
    static func lowerBytes(_ instance: any WasmInstance, _ bytes: [UInt8]) throws -> (pointer: UInt32, length: UInt32) {
        guard UInt64(bytes.count) <= maxListLength else { throw GuestFault.tooLarge(byteCount: bytes.count) }
        return try instance.lower(bytes: bytes)
    }
}
