/// Pixel formats of uncompressed video frames (`wasi:media/types.pixel-format`).
///
/// Every frame uses the canonical tight layout: planes stored one after the
/// other with no row padding. For `yuv420p` and `nv12` the chroma planes have
/// `(width + 1) / 2` samples per row and `(height + 1) / 2` rows.
public enum PixelFormat: String, Sendable, CaseIterable, Hashable, Codable {
    case rgba8888
    case bgra8888
    case yuv420p
    case nv12

    /// The name used by the WIT interface and on the command line.
    public var witName: String { rawValue }

    /// Other names, lowercased: GStreamer's (`RGBA`, `BGRA`, `I420`) and FFmpeg's.
    public static let aliases: [String: PixelFormat] = ["rgba": .rgba8888, "bgra": .bgra8888, "i420": .yuv420p]

    /// Parses a WIT name (`rgba8888`) or an alias (`rgba`, `I420`), in any case.
    public init?(name: String) {
        let lower = name.lowercased()
        guard let format = PixelFormat(rawValue: lower) ?? Self.aliases[lower] else { return nil }
        self = format
    }

    /// True when chroma is subsampled 2x2 (both YUV formats).
    public var isSubsampled420: Bool { self == .yuv420p || self == .nv12 }

    /// The plane layout of a `width` x `height` frame in the canonical tight layout.
    public func planes(width: Int, height: Int) -> [PlaneLayout] {
        let chromaWidth = (width + 1) / 2
        let chromaHeight = (height + 1) / 2
        switch self {
        case .rgba8888, .bgra8888:
            return [PlaneLayout(offset: 0, stride: width * 4, rows: height)]
        case .yuv420p:
            let luma = width * height
            let chroma = chromaWidth * chromaHeight
            return [
                PlaneLayout(offset: 0, stride: width, rows: height),
                PlaneLayout(offset: luma, stride: chromaWidth, rows: chromaHeight),
                PlaneLayout(offset: luma + chroma, stride: chromaWidth, rows: chromaHeight),
            ]
        case .nv12:
            return [
                PlaneLayout(offset: 0, stride: width, rows: height),
                PlaneLayout(offset: width * height, stride: chromaWidth * 2, rows: chromaHeight),
            ]
        }
    }

    /// Bytes per row of plane `plane` for a frame `width` pixels wide.
    public func rowBytes(plane: Int, width: Int) -> Int {
        planes(width: width, height: 1)[plane].stride
    }

    /// The byte size of a `width` x `height` frame in the canonical layout.
    public func byteCount(width: Int, height: Int) -> Int {
        planes(width: width, height: height).reduce(0) { $0 + $1.stride * $1.rows }
    }
}

/// Where one plane sits inside a ``MediaBuffer``.
public struct PlaneLayout: Sendable, Hashable, Codable {
    /// Byte offset of the plane's first row from the start of the buffer.
    public var offset: Int
    /// Bytes from the start of one row to the start of the next.
    public var stride: Int
    /// Number of rows.
    public var rows: Int

    public init(offset: Int, stride: Int, rows: Int) {
        self.offset = offset
        self.stride = stride
        self.rows = rows
    }

    /// Bytes the plane occupies.
    public var byteCount: Int { stride * rows }

    /// True when the plane lies inside a buffer of `size` bytes, with no
    /// negative field and no arithmetic overflow.
    public func fits(in size: Int) -> Bool {
        guard offset >= 0, stride >= 0, rows >= 0 else { return false }
        let (bytes, o1) = stride.multipliedReportingOverflow(by: rows)
        let (end, o2) = offset.addingReportingOverflow(bytes)
        return !o1 && !o2 && end <= size
    }
}
