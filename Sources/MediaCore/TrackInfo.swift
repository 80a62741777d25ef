/// What kind of media a track carries.
public enum MediaKind: String, Sendable, Hashable, Codable {
    case video, audio, subtitle, data
}

/// Everything a decoder or a muxer needs to know about a compressed stream
/// (FFmpeg's codec parameters; WebCodecs' decoder config).
public struct CodecParameters: Sendable, Hashable {
    public var kind: MediaKind
    /// FFmpeg's short codec name (`h264`, `aac`, `mpeg4`...).
    public var codecName: String
    /// Codec-specific setup bytes: avcC/hvcC/av1C or Annex-B parameter sets,
    /// AudioSpecificConfig, OpusHead, FLAC STREAMINFO. Empty when none.
    public var extradata: [UInt8]
    public var width: Int
    public var height: Int
    /// Nominal frame rate, when the stream declares one.
    public var frameRate: Rational?
    public var sampleRate: Int
    public var channels: Int
    /// Bits per second, 0 when unknown.
    public var bitRate: Int
    /// Codec profile and level as FFmpeg numbers, nil when unknown.
    public var profile: Int?
    public var level: Int?
    /// Audio samples per packet (AAC 1024), 0 when variable or unknown.
    public var frameSize: Int
    /// Samples the decoder drops at the start (encoder delay), 0 when none.
    public var initialPadding: Int
    /// Bits per raw sample (video bit depth), 0 when unknown.
    public var bitsPerRawSample: Int

    public init(kind: MediaKind, codecName: String, extradata: [UInt8] = [], width: Int = 0, height: Int = 0,
                frameRate: Rational? = nil, sampleRate: Int = 0, channels: Int = 0, bitRate: Int = 0,
                profile: Int? = nil, level: Int? = nil, frameSize: Int = 0, initialPadding: Int = 0,
                bitsPerRawSample: Int = 0) {
        self.kind = kind
        self.codecName = codecName
        self.extradata = extradata
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.sampleRate = sampleRate
        self.channels = channels
        self.bitRate = bitRate
        self.profile = profile
        self.level = level
        self.frameSize = frameSize
        self.initialPadding = initialPadding
        self.bitsPerRawSample = bitsPerRawSample
    }

    /// The WIT video codec this stream uses, if it is one of them.
    public var videoCodec: VideoCodec? { kind == .video ? VideoCodec(rawValue: codecName) : nil }
    /// The WIT audio codec this stream uses, if it is one of them.
    public var audioCodec: AudioCodec? { kind == .audio ? AudioCodec(rawValue: codecName) : nil }
}

/// A stream inside a container (`wasi:media/container.track-info`, extended).
public struct TrackInfo: Sendable, Hashable {
    /// Track id, unique within its container.
    public var id: Int
    /// WebCodecs codec string (`avc1.64001f`, `vp09.00.10.08`, `opus`, `mp4a.40.2`).
    public var codec: String
    public var parameters: CodecParameters
    /// Duration in microseconds, when the container says.
    public var durationUs: Int64?
    /// Frames (video) or packets (audio) in the track, when the container says.
    public var frameCount: Int?
    /// The container's time base for this track.
    public var timeBase: Rational

    public var isVideo: Bool { parameters.kind == .video }
    public var kind: MediaKind { parameters.kind }

    public init(id: Int, codec: String, parameters: CodecParameters, durationUs: Int64? = nil,
                frameCount: Int? = nil, timeBase: Rational = .microseconds) {
        self.id = id
        self.codec = codec
        self.parameters = parameters
        self.durationUs = durationUs
        self.frameCount = frameCount
        self.timeBase = timeBase
    }
}
