/// Owned bytes of uncompressed media with their plane layout
/// (`wasi:media/types.media-buffer`).
///
/// A value type with copy-on-write storage: copies are cheap until one of
/// them is written. Not thread-safe to mutate from several tasks; a value
/// may be sent to another task (it is `Sendable`).
public struct MediaBuffer: Sendable, Equatable {
    /// The bytes. Planes are found through ``planes``.
    public private(set) var bytes: [UInt8]
    /// Where each plane sits inside ``bytes``. Every plane lies inside the buffer.
    public let planes: [PlaneLayout]

    /// Bytes allocated past the end of buffers this type allocates itself:
    /// SIMD converters (libswscale) may touch a few bytes past a plane's last row.
    public static let slack = 64

    /// A zero-filled buffer of `count` bytes holding `planes`.
    /// - Precondition: every plane lies within `count` bytes (checked; traps otherwise,
    ///   because a layout is always computed by the library, never taken from input).
    public init(count: Int, planes: [PlaneLayout]) {
        precondition(planes.allSatisfy { $0.fits(in: count) }, "plane outside buffer")
        self.bytes = [UInt8](unsafeUninitializedCapacity: count + Self.slack) { buffer, initialized in
            buffer.initialize(repeating: 0)
            initialized = count
        }
        self.planes = planes
    }

    /// Wraps existing bytes. Returns nil if a plane does not fit inside `bytes`
    /// (negative or overflowing offsets, strides and row counts included).
    public init?(bytes: [UInt8], planes: [PlaneLayout]) {
        guard planes.allSatisfy({ $0.fits(in: bytes.count) }) else { return nil }
        self.bytes = bytes
        self.planes = planes
    }

    /// Allocates `count` bytes without zeroing them first and lets `initialize`
    /// write every byte. Used where a converter fills the whole buffer; the
    /// allocation has ``slack`` bytes past the end for SIMD writers.
    public init<E: Error>(uninitializedCount count: Int, planes: [PlaneLayout],
                          initializingWith initialize: (UnsafeMutableRawBufferPointer) throws(E) -> Void) throws(E) {
        precondition(planes.allSatisfy { $0.fits(in: count) }, "plane outside buffer")
        var failure: E? = nil
        self.bytes = [UInt8](unsafeUninitializedCapacity: count + Self.slack) { buffer, initialized in
            // The closure sees exactly `count` bytes; the slack stays allocated past them.
            let visible = UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
            do throws(E) { try initialize(UnsafeMutableRawBufferPointer(visible)) } catch { failure = error }
            initialized = count
        }
        if let failure { throw failure }
        self.planes = planes
    }

    /// The byte size of the buffer (WIT `size`).
    public var size: Int { bytes.count }

    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        let result: Result<R, E> = bytes.withUnsafeBytes { raw in
            do throws(E) { return .success(try body(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    public mutating func withUnsafeMutableBytes<R, E: Error>(_ body: (UnsafeMutableRawBufferPointer) throws(E) -> R) throws(E) -> R {
        let result: Result<R, E> = bytes.withUnsafeMutableBytes { raw in
            do throws(E) { return .success(try body(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Reads `count` bytes at `offset`; nil if the range is outside the buffer.
    public func read(offset: Int, count: Int) -> ArraySlice<UInt8>? {
        guard offset >= 0, count >= 0, offset <= bytes.count - count else { return nil }
        return bytes[offset..<(offset + count)]
    }

    /// Writes `data` at `offset`; false (and nothing written) if it does not fit.
    @discardableResult
    public mutating func write(offset: Int, _ data: some Collection<UInt8>) -> Bool {
        guard offset >= 0, offset <= bytes.count - data.count else { return false }
        bytes.replaceSubrange(offset..<(offset + data.count), with: data)
        return true
    }

    /// The bytes of plane `index`.
    /// - Precondition: `index` names a plane.
    public func plane(_ index: Int) -> ArraySlice<UInt8> {
        let p = planes[index]
        return bytes[p.offset..<(p.offset + p.byteCount)]
    }
}
