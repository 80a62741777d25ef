/// Pixel formats of uncompressed frames (`pixel-format`). Every frame uses
/// the tight canonical layout described in `wit/types.wit`.
public enum PixelFormat: UInt8, Sendable {
    /// One plane, 4 bytes a pixel (R, G, B, A), `width * 4` bytes a row.
    case rgba8888
    /// One plane, 4 bytes a pixel (B, G, R, A), `width * 4` bytes a row.
    case bgra8888
    /// Y plane, then U, then V, each `(width + 1) / 2` x `(height + 1) / 2`.
    case yuv420p
    /// Y plane, then interleaved U,V pairs at half resolution.
    case nv12

    /// The byte size of a frame of this format at `width` x `height`.
    public func byteCount(width: Int, height: Int) -> Int {
        switch self {
        case .rgba8888, .bgra8888:
            return width * height * 4
        case .yuv420p, .nv12:
            return width * height + 2 * ((width + 1) / 2) * ((height + 1) / 2)
        }
    }
}

/// Sample formats of uncompressed audio (`sample-format`).
public enum SampleFormat: UInt8, Sendable {
    /// Little-endian 32-bit floats in [-1, 1], one plane per channel.
    case f32Planar
    /// Little-endian signed 16-bit samples, channels interleaved.
    case s16Interleaved

    /// Bytes per sample of one channel.
    public var bytesPerSample: Int {
        switch self {
        case .f32Planar: return 4
        case .s16Interleaved: return 2
        }
    }
}
