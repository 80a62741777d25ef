/// Bytes in guest memory that this value owns and frees when it goes away:
/// what `MediaBuffer.read` returns, without a copy of what the host wrote.
///
/// Not copyable: hand it on with `consume`, or copy it out with `array`.
public struct Bytes: ~Copyable {
    package let base: UnsafeMutableRawPointer
    /// The number of bytes.
    public let count: Int

    /// Takes ownership of `count` bytes at `base`, allocated by
    /// `cabi_realloc` or Swift's allocator.
    package init(adopting base: UnsafeMutableRawPointer, count: Int) {
        self.base = base
        self.count = count
    }

    /// `count` zero bytes.
    public init(zeros count: Int) {
        base = CanonicalABI.allocate(byteCount: count, alignment: 8)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: max(count, 1))
        self.count = count
    }

    /// A copy of `bytes`.
    public init(_ bytes: [UInt8]) {
        self.init(zeros: bytes.count)
        bytes.withUnsafeBytes { if let p = $0.baseAddress { base.copyMemory(from: p, byteCount: count) } }
    }

    deinit { base.deallocate() }

    /// The byte at `index`; traps when `index` is outside `0..<count`.
    public subscript(index: Int) -> UInt8 {
        get {
            precondition(index >= 0 && index < count)
            return base.load(fromByteOffset: index, as: UInt8.self)
        }
        nonmutating set {
            precondition(index >= 0 && index < count)
            base.storeBytes(of: newValue, toByteOffset: index, as: UInt8.self)
        }
    }

    /// A copy of the bytes as an array.
    public var array: [UInt8] {
        [UInt8](UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Calls `body` with the bytes, valid during the call only.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Calls `body` with the bytes to change them, valid during the call only.
    public mutating func withUnsafeMutableBytes<R, E: Error>(
        _ body: (UnsafeMutableRawBufferPointer) throws(E) -> R
    ) throws(E) -> R {
        try body(UnsafeMutableRawBufferPointer(start: base, count: count))
    }
}
