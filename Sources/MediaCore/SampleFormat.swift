/// Sample formats of uncompressed audio (`wasi:media/types.sample-format`).
public enum SampleFormat: String, Sendable, CaseIterable, Hashable, Codable {
    /// 32-bit float samples in [-1, 1], one plane per channel.
    case f32Planar = "f32-planar"
    /// Signed 16-bit samples, channels interleaved in one plane.
    case s16Interleaved = "s16-interleaved"

    public var witName: String { rawValue }

    /// Parses a WIT name (`f32-planar`) or an FFmpeg-style alias (`fltp`, `s16`).
    public init?(name: String) {
        switch name.lowercased() {
        case "f32-planar", "fltp", "f32p": self = .f32Planar
        case "s16-interleaved", "s16": self = .s16Interleaved
        default: return nil
        }
    }

    public var bytesPerSample: Int {
        switch self {
        case .f32Planar: 4
        case .s16Interleaved: 2
        }
    }

    public var isPlanar: Bool { self == .f32Planar }

    /// The plane layout of `frames` samples per channel of `channels` channels.
    public func planes(channels: Int, frames: Int) -> [PlaneLayout] {
        switch self {
        case .f32Planar:
            let size = frames * 4
            return (0..<channels).map { PlaneLayout(offset: $0 * size, stride: size, rows: 1) }
        case .s16Interleaved:
            return [PlaneLayout(offset: 0, stride: frames * channels * 2, rows: 1)]
        }
    }
}
