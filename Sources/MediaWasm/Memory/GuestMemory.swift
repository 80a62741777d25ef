/// A guest's linear memory, as the host reads and writes it.
///
/// Every access names a guest pointer and a length and is checked before the
/// host touches a byte: `pointer + length` must lie inside the memory,
/// computed without overflow. A bad range throws ``GuestFault/outOfBounds(pointer:length:memorySize:)``;
/// thrown from a host function, that traps the guest and names the import
/// being served. Multi-byte integers are little-endian, as in WebAssembly,
/// and may be unaligned.
///
/// Not thread-safe: use it on the thread that runs the instance, during a
/// host call or between calls. The memory can move when the guest grows it,
/// so a pointer given to a `with...` closure is valid only inside it, and the
/// closure must not call into the guest.
public struct GuestMemory {
    let backend: any LinearMemoryBackend
    /// Where the bytes copied are counted, to be charged to the guest's fuel.
    let meter: HostWorkMeter?

    init(_ backend: any LinearMemoryBackend, meter: HostWorkMeter? = nil) {
        self.backend = backend
        self.meter = meter
    }

    /// The current size of the memory in bytes (a multiple of 64 KiB). It only grows.
    public var byteCount: Int { backend.byteCount }

    /// The byte range `pointer ..< pointer + length`, checked against the memory's current size.
    public func range(at pointer: UInt32, count: UInt32) throws(GuestFault) -> Range<Int> {
        try range(at: UInt64(pointer), count: UInt64(count))
    }

    /// As ``range(at:count:)``, for any count; no count past 4 GiB ever fits.
    func range(at pointer: UInt64, count: UInt64) throws(GuestFault) -> Range<Int> {
        let size = backend.byteCount
        // Both are below 2^33 here or rejected, so the sum cannot overflow UInt64.
        guard pointer <= UInt64(UInt32.max), count <= UInt64(UInt32.max) + 1,
              pointer + count <= UInt64(size)
        else { throw .outOfBounds(pointer: pointer, length: count, memorySize: size) }
        return Int(pointer)..<Int(pointer + count)
    }

    /// Throws ``GuestFault/misaligned(pointer:alignment:)`` unless `pointer` is a multiple of `alignment` (a power of two).
    public func requireAligned(_ pointer: UInt32, to alignment: UInt32) throws(GuestFault) {
        guard alignment <= 1 || pointer & (alignment &- 1) == 0 else {
            throw .misaligned(pointer: pointer, alignment: alignment)
        }
    }

    // MARK: - Integers

    /// Reads a little-endian integer at `pointer` (any alignment).
    public func load<T: FixedWidthInteger>(_ type: T.Type, at pointer: UInt32) throws(GuestFault) -> T {
        let range = try range(at: UInt64(pointer), count: UInt64(MemoryLayout<T>.size))
        return backend.withUnsafeBytes(in: range) { T(littleEndian: $0.loadUnaligned(as: T.self)) }
    }

    /// Writes `value` little-endian at `pointer` (any alignment).
    public func store<T: FixedWidthInteger>(_ value: T, at pointer: UInt32) throws(GuestFault) {
        let range = try range(at: UInt64(pointer), count: UInt64(MemoryLayout<T>.size))
        backend.withUnsafeBytes(in: range) { $0.storeBytes(of: value.littleEndian, as: T.self) }
    }

    // MARK: - Bytes

    /// Copies `count` bytes out of the guest.
    public func read(at pointer: UInt32, count: UInt32) throws(GuestFault) -> [UInt8] {
        let range = try range(at: pointer, count: count)
        meter?.bytes &+= UInt64(range.count)
        return [UInt8](unsafeUninitializedCapacity: range.count) { buffer, initialized in
            copyOut(range, into: UnsafeMutableRawBufferPointer(buffer))
            initialized = range.count
        }
    }

    /// Copies `destination.count` bytes from `pointer` into `destination`.
    public func copy(from pointer: UInt32, into destination: UnsafeMutableRawBufferPointer) throws(GuestFault) {
        let range = try range(at: UInt64(pointer), count: UInt64(destination.count))
        meter?.bytes &+= UInt64(range.count)
        copyOut(range, into: destination)
    }

    /// Copies `source` into the guest at `pointer`.
    public func write(_ source: UnsafeRawBufferPointer, at pointer: UInt32) throws(GuestFault) {
        let range = try range(at: UInt64(pointer), count: UInt64(source.count))
        meter?.bytes &+= UInt64(range.count)
        guard !range.isEmpty, let base = source.baseAddress else { return }
        backend.withUnsafeBytes(in: range) { $0.copyMemory(from: UnsafeRawBufferPointer(start: base, count: range.count)) }
    }

    /// Copies `bytes` into the guest at `pointer`.
    public func write(_ bytes: [UInt8], at pointer: UInt32) throws(GuestFault) {
        let result: Result<Void, GuestFault> = bytes.withUnsafeBytes { raw in
            do throws(GuestFault) { try write(raw, at: pointer); return .success(()) } catch { return .failure(error) }
        }
        try result.get()
    }

    /// Reads `byteCount` bytes at `pointer` as UTF-8 (the canonical ABI's
    /// `string`). Invalid UTF-8 throws ``GuestFault/invalidUTF8(pointer:length:)``.
    public func readString(at pointer: UInt32, byteCount: UInt32) throws(GuestFault) -> String {
        let range = try range(at: pointer, count: byteCount)
        meter?.bytes &+= UInt64(range.count)
        let text: String? = backend.withUnsafeBytes(in: range) { raw in
            String(validating: UnsafeRawBufferPointer(raw).bindMemory(to: UInt8.self), as: UTF8.self)
        }
        guard let text else { throw .invalidUTF8(pointer: pointer, length: byteCount) }
        return text
    }

    /// Runs `body` on the guest bytes `pointer ..< pointer + count`, read-only, without copying.
    ///
    /// Throws ``GuestFault`` for a bad range (before `body` runs), or what `body` throws.
    public func withBytes<R>(at pointer: UInt32, count: UInt32,
                             _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let range = try range(at: pointer, count: count)
        meter?.bytes &+= UInt64(range.count)
        return try backend.withUnsafeBytes(in: range) { try body(UnsafeRawBufferPointer($0)) }
    }

    /// Runs `body` on the guest bytes `pointer ..< pointer + count`, writable, without copying.
    ///
    /// Throws ``GuestFault`` for a bad range (before `body` runs), or what `body` throws.
    public func withMutableBytes<R>(at pointer: UInt32, count: UInt32,
                                    _ body: (UnsafeMutableRawBufferPointer) throws -> R) throws -> R {
        let range = try range(at: pointer, count: count)
        meter?.bytes &+= UInt64(range.count)
        return try backend.withUnsafeBytes(in: range, body)
    }

    private func copyOut(_ range: Range<Int>, into destination: UnsafeMutableRawBufferPointer) {
        guard !range.isEmpty else { return }
        backend.withUnsafeBytes(in: range) { destination.copyMemory(from: UnsafeRawBufferPointer($0)) }
    }
}

/// An engine's linear memory, reduced to what ``GuestMemory`` needs.
protocol LinearMemoryBackend {
    var byteCount: Int { get }
    /// Gives `body` the bytes in `range`.
    /// - Precondition: `range` lies inside `0 ..< byteCount` (``GuestMemory`` checks
    ///   before calling). An implementation answers an empty range with an empty
    ///   buffer without asking the engine (a memory of 0 pages may have no address).
    func withUnsafeBytes<R>(in range: Range<Int>, _ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R
}
