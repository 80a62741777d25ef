public import MediaCore

/// The fixed format of one link, agreed before any item crosses it.
public enum StreamFormat: Sendable, Hashable, CustomStringConvertible {
    case rawVideo(PixelFormat, width: Int, height: Int, frameRate: Rational)
    case rawAudio(SampleFormat, sampleRate: Int, channels: Int)
    /// Compressed audio or video, with everything a decoder or muxer needs.
    case encoded(TrackInfo)
    /// Container or file bytes; the container when known.
    case bytes(ContainerFormat?)

    public var kind: StreamKind {
        switch self {
        case .rawVideo: .rawVideo
        case .rawAudio: .rawAudio
        case .encoded(let t): t.isVideo ? .encodedVideo : .encodedAudio
        case .bytes: .bytes
        }
    }

    /// The caps spelling (docs/pipelines.md, "What flows").
    public var caps: Caps {
        switch self {
        case .rawVideo(let f, let w, let h, let r):
            return Caps(mediaType: "video/x-raw", fields: [.init("format", .string(f.witName)), .init("width", .int(w)),
                                                          .init("height", .int(h)), .init("framerate", .fraction(Int(r.num), Int(r.den)))])
        case .rawAudio(let f, let rate, let ch):
            return Caps(mediaType: "audio/x-raw", fields: [.init("format", .string(f.witName)), .init("rate", .int(rate)), .init("channels", .int(ch))])
        case .encoded(let t):
            return Caps(mediaType: (t.isVideo ? "video/x-" : "audio/x-") + t.parameters.codecName, fields: [.init("codec", .string(t.codec))])
        case .bytes(let c):
            return Caps(mediaType: "application/x-container", fields: c.map { [.init("format", .string($0.witName))] } ?? [])
        }
    }

    public var description: String { caps.description }

    /// True when every field `filter` names has the same value here (and the media type matches).
    ///
    /// GStreamer's spellings are understood: pixel and sample formats by any
    /// of their names (`RGBA`, `I420`, `F32LE`), `framerate=30` as 30/1,
    /// `video/x-h265` for HEVC, `audio/mpeg,mpegversion=4` for AAC (1 for
    /// MP3), an H.264/HEVC `profile` by name. `pixel-aspect-ratio` must be
    /// 1/1 and `interlace-mode` progressive (what this host carries); fields
    /// describing a layout this host chooses itself (`layout`,
    /// `channel-mask`, `stream-format`, `alignment`, `parsed`,
    /// `colorimetry`, `chroma-site`) are met by any format.
    public func satisfies(_ filter: Caps) -> Bool {
        let mine = caps
        guard Self.sameMediaType(filter, mine) || (filter.mediaType == "application/octet-stream" && kind == .bytes) else { return false }
        return filter.fields.allSatisfy { meets($0, mine) }
    }

    /// Fields this host leaves to itself: any value is met.
    static let layoutFields: Set<String> = ["layout", "channel-mask", "stream-format", "alignment", "parsed",
                                            "colorimetry", "chroma-site", "multiview-mode", "multiview-flags", "mpegversion", "layer"]

    static func sameMediaType(_ filter: Caps, _ mine: Caps) -> Bool {
        if filter.mediaType == mine.mediaType { return true }
        switch (filter.mediaType, mine.mediaType) {
        case ("video/x-h265", "video/x-hevc"): return true
        case ("audio/mpeg", "audio/x-aac"): return filter["mpegversion"].map { $0 == .int(4) || $0 == .int(2) } ?? true
        case ("audio/mpeg", "audio/x-mp3"): return filter["mpegversion"].map { $0 == .int(1) } ?? true
        default: return false
        }
    }

    private func meets(_ field: Caps.Field, _ mine: Caps) -> Bool {
        if Self.layoutFields.contains(field.name) { return true }
        switch field.name {
        case "pixel-aspect-ratio" where kind == .rawVideo:
            return Self.rational(field.value) == Rational(1, 1)
        case "interlace-mode" where kind == .rawVideo:
            return field.value == .string("progressive")
        case "profile":
            guard case .encoded(let t) = self, case .string(let wanted) = field.value else { return false }
            return Self.profileNames(codec: t.parameters.codecName, profile: t.parameters.profile ?? Self.profileNumber(codecString: t.codec)).contains(wanted)
        default:
            break
        }
        guard let value = mine[field.name] else { return false }
        if value == field.value { return true }
        // Formats by any of their names (rgba for rgba8888, I420 for yuv420p, F32LE for f32-planar).
        if field.name == "format", case .string(let a) = field.value, case .string(let b) = value {
            return PixelFormat(name: a).map { $0.witName == b } == true || SampleFormat(name: a).map { $0.witName == b } == true
        }
        // 30 is 30/1; 60/2 is 30/1.
        if let a = Self.rational(field.value), let b = Self.rational(value) { return a == b }
        return false
    }

    /// An integer or fraction caps value as a reduced rational.
    static func rational(_ v: Caps.Value) -> Rational? {
        switch v {
        case .int(let n): return Rational(Int64(n), 1).reduced
        case .fraction(let n, let d): return d > 0 ? Rational(Int64(n), Int64(d)).reduced : nil
        case .string: return nil
        }
    }

    /// FFmpeg's profile number from a WebCodecs codec string: `avc1.42c01e`
    /// (profile_idc 0x42, constraint_set1 makes it constrained baseline) or
    /// `hvc1.1.6.L93.B0` (general_profile_idc 1).
    static func profileNumber(codecString: String) -> Int? {
        let parts = codecString.split(separator: ".")
        guard parts.count >= 2 else { return nil }
        switch parts[0] {
        case "avc1", "avc3":
            let hex = parts[1]
            guard hex.count == 6, let idc = Int(hex.prefix(2), radix: 16), let flags = Int(hex.dropFirst(2).prefix(2), radix: 16) else { return nil }
            return idc == 66 && flags & 0x40 != 0 ? 578 : idc
        case "hvc1", "hev1":
            return Int(parts[1].drop { $0.isLetter })
        default:
            return nil
        }
    }

    /// GStreamer's names for an H.264 or HEVC profile given as FFmpeg's number.
    static func profileNames(codec: String, profile: Int?) -> Set<String> {
        guard let profile else { return [] }
        switch (codec, profile) {
        case ("h264", 66): return ["baseline"]
        case ("h264", 578): return ["constrained-baseline", "baseline"]
        case ("h264", 77): return ["main"]
        case ("h264", 88): return ["extended"]
        case ("h264", 100): return ["high"]
        case ("h264", 110): return ["high-10"]
        case ("h264", 122): return ["high-4:2:2"]
        case ("h264", 244): return ["high-4:4:4"]
        case ("hevc", 1): return ["main"]
        case ("hevc", 2): return ["main-10"]
        case ("hevc", 3): return ["main-still-picture"]
        default: return []
        }
    }
}

/// One item on a link.
public enum MediaItem: Sendable {
    case video(VideoFrame)
    case audio(AudioData)
    case encoded(EncodedChunk)
    case bytes([UInt8])
    /// Bytes to write at a position (from a muxer whose destination can seek).
    case write([UInt8], offset: Int64)

    /// Presentation time in µs, where the item has one.
    public var timestampUs: Int64? {
        switch self {
        case .video(let f): f.timestampUs
        case .audio(let a): a.timestampUs
        case .encoded(let c): c.timestampUs
        case .bytes, .write: nil
        }
    }
}

/// What an element can be asked to do, or reports, in band with the items.
public enum FlowResult: String, Sendable, Hashable {
    /// Keep going.
    case ok
    /// No more: a source has ended, or downstream wants nothing more.
    case eos
    /// Not taken: a seek is flushing this output, or the pipeline is being
    /// torn down. What is left of the batch is dropped.
    case flushing
    /// Not taken: the format was refused downstream (the runtime also raises
    /// a `not-negotiated` error naming both pads and both caps).
    case notNegotiated = "not-negotiated"
}
