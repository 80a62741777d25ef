/// Sample formats of uncompressed audio (`wasi:media/types.sample-format`).
public enum SampleFormat: String, Sendable, CaseIterable, Hashable, Codable {
    /// 32-bit float samples in [-1, 1], one plane per channel.
    case f32Planar = "f32-planar"
    /// Signed 16-bit samples, channels interleaved in one plane.
    case s16Interleaved = "s16-interleaved"

    public var witName: String { rawValue }

    /// Other names, lowercased: FFmpeg's (`fltp`, `s16`) and GStreamer's
    /// (`F32LE`, `S16LE`: the sample type; how channels are laid out is this
    /// host's choice, so `F32LE` is `f32-planar`).
    public static let aliases: [String: SampleFormat] = ["fltp": .f32Planar, "f32p": .f32Planar, "f32le": .f32Planar,
                                                         "s16": .s16Interleaved, "s16le": .s16Interleaved]

    /// Parses a WIT name (`f32-planar`) or an alias (`fltp`, `S16LE`), in any case.
    public init?(name: String) {
        let lower = name.lowercased()
        guard let format = SampleFormat(rawValue: lower) ?? Self.aliases[lower] else { return nil }
        self = format
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
