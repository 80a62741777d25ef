/// Raw media bytes held by the host (`media-buffer`): a frame's pixels or an
/// audio run's samples. A guest copies bytes in and out with `read` and
/// `write`; the size is fixed.
///
/// The object owns one handle. Its `deinit` drops the handle
/// (`[resource-drop]media-buffer`) unless the buffer was handed to the host
/// first: returned in a frame from `process`, or passed to an import that
/// takes ownership (an encoder's `encode`). After that, calling a method
/// traps, as does handing it over twice.
public final class MediaBuffer {
    /// The guest's handle; 0 once the buffer has moved to the host.
    package private(set) var handle: Int32

    /// Takes ownership of a handle the host issued.
    package init(adopting handle: Int32) {
        precondition(handle != 0, "media-buffer handle 0")
        self.handle = handle
    }

    /// A zero-filled buffer of `size` bytes. The host traps if it cannot
    /// allocate that much.
    public convenience init(size: Int) {
        self.init(adopting: mediaBufferNew(Int64(size)))
    }

    deinit {
        if handle != 0 { mediaBufferDrop(handle) }
    }

    /// Hands the handle to the host (lowering an `own<media-buffer>`).
    package func take() -> Int32 {
        let h = live
        handle = 0
        return h
    }

    private var live: Int32 {
        precondition(handle != 0, "media-buffer used after it moved to the host")
        return handle
    }

    /// The byte size.
    public var size: Int {
        Int(mediaBufferSize(live))
    }

    /// Copies `count` bytes from `offset` (all bytes from `offset` when
    /// `count` is nil) into guest memory. Reads longer than the canonical
    /// ABI's list limit are split into several calls.
    /// - Throws: `outOfBounds` when the range leaves the buffer.
    public func read(offset: Int = 0, count: Int? = nil) throws(MediaError) -> Bytes {
        let count = count ?? max(size - offset, 0)
        if count <= CanonicalABI.maxListBytes {
            let (pointer, got) = try readPiece(offset: offset, count: count)
            return Bytes(adopting: pointer ?? CanonicalABI.allocate(byteCount: 0, alignment: 1), count: got)
        }
        let bytes = Bytes(zeros: count)
        var done = 0
        while done < count {
            let (pointer, got) = try readPiece(offset: offset + done, count: min(count - done, CanonicalABI.maxListBytes))
            if let pointer {
                (bytes.base + done).copyMemory(from: pointer, byteCount: got)
                pointer.deallocate()
            }
            done += got
        }
        return bytes
    }

    private func readPiece(offset: Int, count: Int) throws(MediaError) -> (UnsafeMutableRawPointer?, Int) {
        let area = CanonicalABI.importReturnArea
        mediaBufferRead(live, Int64(offset), Int64(count), area)
        if CanonicalABI.load(area, 0, as: UInt8.self) != 0 { throw MediaError.take(at: area, 4) }
        return CanonicalABI.loadPair(area, 4)
    }

    /// Copies `bytes` into the buffer from `offset`.
    /// - Throws: `outOfBounds` when they would reach past the end; nothing
    ///   is written then.
    public func write(_ bytes: UnsafeRawBufferPointer, at offset: Int = 0) throws(MediaError) {
        var done = 0
        repeat {
            let n = min(bytes.count - done, CanonicalABI.maxListBytes)
            let area = CanonicalABI.importReturnArea
            mediaBufferWrite(live, Int64(offset + done),
                             bytes.baseAddress.map { UnsafeMutableRawPointer(mutating: $0) + done }, n, area)
            try MediaError.check(area)
            done += n
        } while done < bytes.count
    }

    /// Copies `bytes` into the buffer from `offset`.
    public func write(_ bytes: borrowing Bytes, at offset: Int = 0) throws(MediaError) {
        try write(UnsafeRawBufferPointer(start: bytes.base, count: bytes.count), at: offset)
    }

    /// Copies `bytes` into the buffer from `offset`.
    public func write(_ bytes: [UInt8], at offset: Int = 0) throws(MediaError) {
        let failure = bytes.withUnsafeBytes { raw -> MediaError? in
            do throws(MediaError) { try write(raw, at: offset); return nil } catch { return error }
        }
        if let failure { throw failure }
    }

    /// A new buffer with the same bytes; later writes to either do not show
    /// in the other.
    public func duplicate() -> MediaBuffer {
        MediaBuffer(adopting: mediaBufferDuplicate(live))
    }
}
