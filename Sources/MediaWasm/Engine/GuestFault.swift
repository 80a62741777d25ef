/// Something a guest handed the host that the host refuses to act on.
///
/// Thrown by ``GuestMemory``, ``HandleTable`` and the lowering helpers before
/// the host touches anything. Thrown out of a host function, it traps the
/// guest (``TrapReason/guestFault(_:)``); the host itself is unaffected.
public enum GuestFault: Error, Sendable, Hashable, CustomStringConvertible {
    /// `pointer + length` reaches past the end of guest memory (or overflows).
    case outOfBounds(pointer: UInt64, length: UInt64, memorySize: Int)
    /// A pointer is not aligned as the canonical ABI requires for its type.
    case misaligned(pointer: UInt32, alignment: UInt32)
    /// Bytes the guest passed as a string are not valid UTF-8.
    case invalidUTF8(pointer: UInt32, length: UInt32)
    /// The guest exports no linear memory named `memory`.
    case noMemory
    /// The guest exports no `cabi_realloc(i32, i32, i32, i32) -> i32`, needed to pass it a list or string.
    case noRealloc
    /// `cabi_realloc` returned a block that is not inside guest memory or not aligned.
    case badAllocation(pointer: UInt32, size: UInt32, alignment: UInt32, memorySize: Int)
    /// A list or string is longer than the guest's 32-bit address space can hold.
    case tooLarge(byteCount: Int)
    /// A resource handle the table never gave out (0 is never given out).
    case handleNeverIssued(resource: String, handle: UInt32)
    /// A resource handle that was given out, then dropped or moved.
    case handleAlreadyDropped(resource: String, handle: UInt32)
    /// A borrowed handle used where an owned one is required.
    case handleNotOwned(resource: String, handle: UInt32)
    /// The guest holds as many live handles of this resource as allowed.
    case tooManyHandles(resource: String, limit: Int)
    /// A value the interface does not allow (an enum case out of range, a bad flag...).
    case invalidValue(String)
    /// The guest called an import while the host was running one of its
    /// canonical-ABI functions (`cabi_realloc`, `cabi_post_*`), which the
    /// component model forbids (the "may leave" rule).
    case importDuringCallback(callback: String)

    public var description: String {
        switch self {
        case .outOfBounds(let pointer, let length, let size):
            "pointer \(hex(pointer)) + \(length) bytes lies outside guest memory (\(size) bytes)"
        case .misaligned(let pointer, let alignment):
            "pointer \(hex(UInt64(pointer))) is not aligned to \(alignment) bytes"
        case .invalidUTF8(let pointer, let length):
            "the \(length) bytes at \(hex(UInt64(pointer))) are not valid UTF-8"
        case .noMemory:
            "the guest exports no memory named `memory`"
        case .noRealloc:
            "the guest exports no `cabi_realloc(i32, i32, i32, i32) -> i32`"
        case .badAllocation(let pointer, let size, let alignment, let memorySize):
            "cabi_realloc returned \(hex(UInt64(pointer))) for \(size) bytes aligned to \(alignment), "
                + "which is not an aligned block inside guest memory (\(memorySize) bytes)"
        case .tooLarge(let count):
            "\(count) bytes do not fit in a 32-bit guest"
        case .handleNeverIssued(let resource, let handle):
            "\(resource) handle \(handle) was never issued"
        case .handleAlreadyDropped(let resource, let handle):
            "\(resource) handle \(handle) was already dropped"
        case .handleNotOwned(let resource, let handle):
            "\(resource) handle \(handle) is borrowed, not owned"
        case .tooManyHandles(let resource, let limit):
            "the guest already holds \(limit) \(resource) handles, the most allowed"
        case .invalidValue(let text):
            text
        case .importDuringCallback(let callback):
            "the guest called an import from inside its `\(callback)`, which the canonical ABI forbids "
                + "(a guest may not call the host while the host is lowering values into it or releasing them)"
        }
    }
}

func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }
