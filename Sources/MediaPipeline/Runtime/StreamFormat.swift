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
    public func satisfies(_ filter: Caps) -> Bool {
        let mine = caps
        guard filter.mediaType == mine.mediaType || (filter.mediaType == "application/octet-stream" && kind == .bytes) else { return false }
        for field in filter.fields {
            guard let value = mine[field.name] else { return false }
            if value != field.value {
                // Pixel formats may be written with their aliases (rgba for rgba8888).
                if field.name == "format", case .string(let a) = field.value, case .string(let b) = value,
                   PixelFormat(name: a).map({ $0.witName == b }) == true || SampleFormat(name: a).map({ $0.witName == b }) == true {
                    continue
                }
                return false
            }
        }
        return true
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
