public import MediaCore

/// An enum whose cases are the words a property accepts (`format=rgba8888`):
/// the property's list, its error messages and `wasi-media elements` all
/// come from `allCases`, so adding a case adds the word everywhere.
public protocol SettingChoice: CaseIterable, Sendable, Hashable {
    /// The word in launch lines and JSON (the WIT name where there is one).
    var settingName: String { get }
    /// Other spellings accepted, lowercased (GStreamer's `rgba`, `i420`, or
    /// its enum numbers); matching ignores case.
    static var settingAliases: [String: Self] { get }
}

extension SettingChoice {
    public static var settingAliases: [String: Self] { [:] }

    /// The case named `word` (any case) or one of its aliases.
    public init?(settingName word: String) {
        let lower = word.lowercased()
        guard let found = Self.allCases.first(where: { $0.settingName.lowercased() == lower }) ?? Self.settingAliases[lower] else { return nil }
        self = found
    }

    /// Every case's word, comma-separated, for messages.
    public static var wordList: String { allCases.map(\.settingName).joined(separator: ", ") }

    /// The aliases as words: what a ``PropertySchema`` keeps.
    static var aliasWords: [String: String] { settingAliases.mapValues(\.settingName) }
}

extension SettingChoice where Self: RawRepresentable, RawValue == String {
    public var settingName: String { rawValue }
}

extension PixelFormat: SettingChoice {
    public static var settingAliases: [String: PixelFormat] { PixelFormat.aliases }
}

extension SampleFormat: SettingChoice {
    public static var settingAliases: [String: SampleFormat] { SampleFormat.aliases }
}

extension VideoCodec: SettingChoice {
    /// GStreamer's caps name for HEVC.
    public static var settingAliases: [String: VideoCodec] { ["h265": .hevc] }
}

extension AudioCodec: SettingChoice {}
extension ContainerFormat: SettingChoice {
    public static var settingAliases: [String: ContainerFormat] { ["matroska": .mkv, "mpegts": .ts, "mov": .mp4] }
}

extension VideoPattern: SettingChoice {
    public static var settingAliases: [String: VideoPattern] {
        Dictionary(uniqueKeysWithValues: allCases.compactMap { p in p.gstreamerNumber.map { (String($0), p) } })
    }
}

extension AudioWave: SettingChoice {
    public static var settingAliases: [String: AudioWave] {
        Dictionary(uniqueKeysWithValues: allCases.map { (String($0.gstreamerNumber), $0) })
    }
}

/// A video or an audio codec: what `encode codec=` takes.
public enum MediaCodec: SettingChoice {
    case video(VideoCodec)
    case audio(AudioCodec)

    public static var allCases: [MediaCodec] { VideoCodec.allCases.map(MediaCodec.video) + AudioCodec.allCases.map(MediaCodec.audio) }
    public static var settingAliases: [String: MediaCodec] { VideoCodec.settingAliases.mapValues(MediaCodec.video) }

    public var settingName: String {
        switch self {
        case .video(let c): c.witName
        case .audio(let c): c.witName
        }
    }
}
