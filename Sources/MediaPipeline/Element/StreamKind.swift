/// What a link carries, fixed when the graph is linked (docs/pipelines.md).
public enum StreamKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case rawVideo = "raw-video"
    case rawAudio = "raw-audio"
    case encodedVideo = "encoded-video"
    case encodedAudio = "encoded-audio"
    /// Runs of container or file bytes.
    case bytes

    public var description: String { rawValue }

    /// The kind a caps filter's media type names, if any: `video/x-raw`,
    /// `audio/x-raw`, `video/x-<codec>`, `audio/x-<codec>`, `application/x-container`.
    public init?(mediaType: String) {
        switch mediaType {
        case "video/x-raw": self = .rawVideo
        case "audio/x-raw": self = .rawAudio
        case "application/x-container", "application/octet-stream": self = .bytes
        case "audio/mpeg": self = .encodedAudio    // GStreamer's name for AAC (mpegversion=4) and MP3 (mpegversion=1)
        default:
            if mediaType.hasPrefix("video/x-") { self = .encodedVideo }
            else if mediaType.hasPrefix("audio/x-") { self = .encodedAudio }
            else { return nil }
        }
    }
}

/// Where a pad sits.
public enum PadDirection: String, Sendable, Hashable {
    case sink, source
}

/// When a pad exists (GStreamer's presence).
public enum PadPresence: String, Sendable, Hashable {
    /// Always there (`sink`, `src`).
    case always
    /// Appears while running, e.g. a demuxer's `video_%u` once the header is read.
    case sometimes
    /// Made when a link asks for it, e.g. a muxer's `sink_%u`.
    case request
}

/// A pad an element can have: a name or a pattern with `%u` (`sink_%u`),
/// its direction, presence, and the stream kinds it accepts.
public struct PadTemplate: Sendable, Hashable {
    public var name: String
    public var direction: PadDirection
    public var presence: PadPresence
    public var kinds: Set<StreamKind>

    public init(_ name: String, _ direction: PadDirection, _ presence: PadPresence = .always, kinds: Set<StreamKind>) {
        self.name = name
        self.direction = direction
        self.presence = presence
        self.kinds = kinds
    }

    /// True when `pad` is this template's name or an instance of its `%u` pattern.
    public func matches(_ pad: String) -> Bool {
        guard let range = name.firstRange(of: "%u") else { return pad == name }
        let prefix = name[..<range.lowerBound], suffix = name[range.upperBound...]
        guard pad.hasPrefix(prefix), pad.hasSuffix(suffix), pad.count > prefix.count + suffix.count else { return false }
        let middle = pad.dropFirst(prefix.count).dropLast(suffix.count)
        return middle.allSatisfy(\.isNumber)
    }
}
