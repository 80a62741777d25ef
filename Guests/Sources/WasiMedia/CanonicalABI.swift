// The canonical ABI's memory side, as docs/guest-abi.md (sections 4 and 5)
// describes it: the allocator the host calls, and the helpers that read and
// write strings and lists in linear memory.
//
// Every allocation a value crosses the boundary in, in either direction,
// comes from `cabi_realloc` (Swift's allocator, which is libc's `malloc`)
// and is freed with `deallocate()`.

/// Allocates memory for the host: `cabi_realloc(0, 0, align, size)` gives
/// `size` bytes aligned to `align`; a non-null `old` is resized (the host
/// never does that). Traps rather than return null.
@_expose(wasm, "cabi_realloc")
@_cdecl("cabi_realloc")
public func cabiRealloc(
    _ old: UnsafeMutableRawPointer?, _ oldSize: Int, _ alignment: Int, _ newSize: Int
) -> UnsafeMutableRawPointer {
    let new = CanonicalABI.allocate(byteCount: newSize, alignment: alignment)
    if let old {
        new.copyMemory(from: old, byteCount: min(oldSize, newSize))
        old.deallocate()
    }
    return new
}

/// Lifting and lowering helpers shared by the import wrappers and the world
/// modules. Not API for guest authors.
package enum CanonicalABI {
    /// The longest list or string the canonical ABI carries, in bytes:
    /// 2^28 - 1.
    package static let maxListBytes = 268_435_455

    /// `byteCount` bytes (at least one, so that the pointer is real and can
    /// be freed) aligned to `alignment`.
    package static func allocate(byteCount: Int, alignment: Int) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: max(alignment, 1))
    }

    /// The pointer a 32-bit core value stands for.
    @inline(__always)
    package static func pointer(_ bits: Int32) -> UnsafeMutableRawPointer? {
        UnsafeMutableRawPointer(bitPattern: Int(UInt32(bitPattern: bits)))
    }

    /// The 32-bit core value of a pointer.
    @inline(__always)
    package static func bits(_ pointer: UnsafeMutableRawPointer?) -> Int32 {
        Int32(truncatingIfNeeded: Int(bitPattern: pointer))
    }

    // MARK: - Loads and stores at byte offsets (little-endian, as wasm is)

    @inline(__always)
    package static func load<T>(_ base: UnsafeMutableRawPointer, _ offset: Int, as type: T.Type) -> T {
        base.loadUnaligned(fromByteOffset: offset, as: type)
    }

    @inline(__always)
    package static func store<T>(_ value: T, _ base: UnsafeMutableRawPointer, _ offset: Int) {
        base.storeBytes(of: value, toByteOffset: offset, as: T.self)
    }

    /// The (pointer, length) pair stored at `base + offset`.
    package static func loadPair(_ base: UnsafeMutableRawPointer, _ offset: Int) -> (UnsafeMutableRawPointer?, Int) {
        (pointer(load(base, offset, as: Int32.self)), Int(UInt32(bitPattern: load(base, offset + 4, as: Int32.self))))
    }

    package static func storePair(_ pointer: UnsafeMutableRawPointer?, _ count: Int, _ base: UnsafeMutableRawPointer, _ offset: Int) {
        store(bits(pointer), base, offset)
        store(Int32(truncatingIfNeeded: count), base, offset + 4)
    }

    // MARK: - Strings and byte lists the guest now owns

    /// A string the host allocated in guest memory; frees it.
    package static func takeString(_ pointer: UnsafeMutableRawPointer?, _ count: Int) -> String {
        guard let pointer else { return "" }
        let string = String(decoding: UnsafeRawBufferPointer(start: pointer, count: count), as: UTF8.self)
        pointer.deallocate()
        return string
    }

    /// A string stored as (pointer, length) at `base + offset`; frees its bytes.
    package static func takeString(at base: UnsafeMutableRawPointer, _ offset: Int) -> String {
        let (pointer, count) = loadPair(base, offset)
        return takeString(pointer, count)
    }

    /// A `list<u8>` the host allocated in guest memory; frees it.
    package static func takeByteArray(_ pointer: UnsafeMutableRawPointer?, _ count: Int) -> [UInt8] {
        guard let pointer else { return [] }
        let array = [UInt8](UnsafeRawBufferPointer(start: pointer, count: count))
        pointer.deallocate()
        return array
    }

    package static func takeByteArray(at base: UnsafeMutableRawPointer, _ offset: Int) -> [UInt8] {
        let (pointer, count) = loadPair(base, offset)
        return takeByteArray(pointer, count)
    }

    /// A `list<tuple<string, string>>` the host allocated: 16 bytes an
    /// element (key at +0, value at +8). Frees the strings and the list.
    package static func takeStringPairs(_ pointer: UnsafeMutableRawPointer?, _ count: Int) -> [(name: String, value: String)] {
        guard let pointer else { return [] }
        var pairs: [(name: String, value: String)] = []
        pairs.reserveCapacity(count)
        for i in 0..<count {
            let element = pointer + i * 16
            pairs.append((takeString(at: element, 0), takeString(at: element, 8)))
        }
        pointer.deallocate()
        return pairs
    }

    /// A `list<string>` the host allocated: 8 bytes an element. Frees all.
    package static func takeStrings(_ pointer: UnsafeMutableRawPointer?, _ count: Int) -> [String] {
        guard let pointer else { return [] }
        var strings: [String] = []
        strings.reserveCapacity(count)
        for i in 0..<count { strings.append(takeString(at: pointer, i * 8)) }
        pointer.deallocate()
        return strings
    }

    // MARK: - Values the guest hands to the host

    /// A copy of `string`'s UTF-8 bytes in fresh memory, for an export's
    /// result (freed by the `cabi_post_*` function).
    package static func copy(_ string: String) -> (UnsafeMutableRawPointer?, Int) {
        var string = string
        return string.withUTF8 { copy(UnsafeRawBufferPointer($0)) }
    }

    /// A copy of `bytes` in fresh memory, for an export's result.
    package static func copy(_ bytes: UnsafeRawBufferPointer) -> (UnsafeMutableRawPointer?, Int) {
        let pointer = allocate(byteCount: bytes.count, alignment: 1)
        if let base = bytes.baseAddress, bytes.count > 0 {
            pointer.copyMemory(from: base, byteCount: bytes.count)
        }
        return (pointer, bytes.count)
    }

    /// Frees the memory behind the (pointer, length) pair at `base + offset`.
    package static func freePair(_ base: UnsafeMutableRawPointer, _ offset: Int) {
        loadPair(base, offset).0?.deallocate()
    }

    // MARK: - Scratch memory

    /// The return area of import calls (large enough and aligned for every
    /// result of this package: at most 80 bytes, alignment 8). Imports
    /// never call back into the guest, so one area serves every call; a
    /// wrapper reads it completely before its next import call.
    nonisolated(unsafe) package static let importReturnArea = allocate(byteCount: 128, alignment: 8)

    /// The return area of export calls (at most 12 bytes here), read by the
    /// host before it calls the matching `cabi_post_*` function.
    nonisolated(unsafe) package static let exportReturnArea = allocate(byteCount: 16, alignment: 8)
}

/// Runs `body` with `string`'s UTF-8 bytes as a (pointer, length) pair that
/// stays valid during the call only.
@inline(__always)
package func withUTF8<R>(_ string: String, _ body: (UnsafeMutableRawPointer?, Int) -> R) -> R {
    var string = string
    return string.withUTF8 { body(UnsafeMutableRawPointer(mutating: $0.baseAddress), $0.count) }
}

/// Runs `body` with `bytes` as a (pointer, length) pair valid during the call.
@inline(__always)
package func withBytes<R>(_ bytes: [UInt8], _ body: (UnsafeMutableRawPointer?, Int) -> R) -> R {
    bytes.withUnsafeBytes { body(UnsafeMutableRawPointer(mutating: $0.baseAddress), $0.count) }
}
