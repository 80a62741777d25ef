/// A packet of compressed audio or video (`encoded-chunk`), as codecs and
/// containers exchange them.
public struct EncodedChunk {
    public var data: [UInt8]
    /// Presentation timestamp in microseconds.
    public var timestampUs: Int64
    /// Duration in microseconds, if known.
    public var durationUs: UInt64?
    /// Whether the chunk decodes on its own.
    public var isKeyframe: Bool
    /// Decode timestamp in microseconds, when decode order differs from
    /// presentation order; nil means the same as `timestampUs`.
    public var decodeTimestampUs: Int64?

    public init(data: [UInt8], timestampUs: Int64, durationUs: UInt64? = nil, isKeyframe: Bool,
                decodeTimestampUs: Int64? = nil) {
        self.data = data
        self.timestampUs = timestampUs
        self.durationUs = durationUs
        self.isKeyframe = isKeyframe
        self.decodeTimestampUs = decodeTimestampUs
    }
}

extension EncodedChunk {
    package static let size = 56
    package static let alignment = 8

    /// Lifts the chunk stored at `base + offset` and frees its data.
    package static func take(at base: UnsafeMutableRawPointer, _ offset: Int) -> EncodedChunk {
        let p = base + offset
        return EncodedChunk(
            data: CanonicalABI.takeByteArray(at: p, 0),
            timestampUs: CanonicalABI.load(p, 8, as: Int64.self),
            durationUs: CanonicalABI.load(p, 16, as: UInt8.self) != 0 ? CanonicalABI.load(p, 24, as: UInt64.self) : nil,
            isKeyframe: CanonicalABI.load(p, 32, as: UInt8.self) != 0,
            decodeTimestampUs: CanonicalABI.load(p, 40, as: UInt8.self) != 0 ? CanonicalABI.load(p, 48, as: Int64.self) : nil)
    }

    package static func takeList(_ pointer: UnsafeMutableRawPointer?, _ count: Int) -> [EncodedChunk] {
        guard let pointer else { return [] }
        var chunks: [EncodedChunk] = []
        chunks.reserveCapacity(count)
        for i in 0..<count { chunks.append(take(at: pointer, i * size)) }
        pointer.deallocate()
        return chunks
    }

    /// Runs `body` with the chunk's 8 flat core values (data as pointer and
    /// length, valid during the call).
    package func withFlat<R>(_ body: (UnsafeMutableRawPointer?, Int, Int64, Int32, Int64, Int32, Int32, Int64) -> R) -> R {
        withBytes(data) { pointer, count in
            body(pointer, count, timestampUs, durationUs == nil ? 0 : 1, Int64(bitPattern: durationUs ?? 0),
                 isKeyframe ? 1 : 0, decodeTimestampUs == nil ? 0 : 1, decodeTimestampUs ?? 0)
        }
    }
}
