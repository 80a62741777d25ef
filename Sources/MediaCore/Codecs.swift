/// Video compression standards of `wasi:media/codec.video-codec-type`.
public enum VideoCodec: String, Sendable, CaseIterable, Hashable, Codable {
    case h264, hevc, av1, vp9
    public var witName: String { rawValue }
}

/// Audio compression standards of `wasi:media/codec.audio-codec-type`.
public enum AudioCodec: String, Sendable, CaseIterable, Hashable, Codable {
    case aac, opus, mp3, flac
    public var witName: String { rawValue }
}

/// Whether a codec runs on dedicated hardware or in software
/// (`wasi:media/codec.codec-implementation`).
public enum CodecImplementation: String, Sendable, Hashable, Codable {
    case hardware, software
}

/// The host's answer to a support query (`wasi:media/codec.encoder-support-result`).
public struct EncoderSupport: Sendable, Hashable, Codable {
    public var supported: Bool
    public var implementation: CodecImplementation
    /// The FFmpeg implementation that opened (`libx264`), or nil when none did.
    public var implementationName: String?

    public init(supported: Bool, implementation: CodecImplementation, implementationName: String?) {
        self.supported = supported
        self.implementation = implementation
        self.implementationName = implementationName
    }
}

/// Video encoder settings (`wasi:media/codec.video-encoder-config`).
public struct VideoEncoderConfig: Sendable, Hashable {
    public var codec: VideoCodec
    /// Output size in pixels.
    public var width: Int
    public var height: Int
    /// Target bits per second; nil means the encoder's default quality mode
    /// (libx264's CRF 23, for instance). Must be positive when set.
    public var bitrate: Int?
    /// Frames per second, a whole number as in the WIT record.
    public var framerate: Int
    /// Size of the frames that will be submitted; when it differs from
    /// `width` x `height` the encoder scales. nil means "same as output".
    public var sourceWidth: Int?
    public var sourceHeight: Int?
    /// Frames between forced keyframes; nil leaves the encoder's default.
    public var keyframeInterval: Int?
    /// Encoder speed preset where the implementation has named presets
    /// (libx264, libx265: `ultrafast`...`veryslow`). nil picks a speed suited
    /// to real-time use: libx264 `veryfast`, libx265 `ultrafast`, libvpx
    /// realtime, SVT-AV1 preset 10, libaom cpu-used 8.
    public var preset: String?
    /// Encoder tuning where the implementation has named tunings (libx264:
    /// `zerolatency`, `fastdecode`, `stillimage`, `film`...; libx265:
    /// `zerolatency`, `fastdecode`, `grain`...); several join with `,`.
    /// nil leaves the encoder's default.
    public var tune: String?
    /// Profile name (`baseline`, `main`, `high` for H.264; `main`, `main10`
    /// for HEVC); nil leaves the encoder's choice.
    public var profile: String?
    /// Constant quantizer (QP) for every frame; overrides `bitrate`. nil for none.
    public var quantizer: Int?
    /// Constant quality (libx264/libx265 CRF, libvpx/libaom CRF; lower is
    /// better); overrides `bitrate`. nil for none.
    public var quality: Int?
    /// Hardware or software first (WebCodecs' `hardwareAcceleration`).
    public var hardwareAcceleration: HardwareAcceleration

    public init(codec: VideoCodec, width: Int, height: Int, bitrate: Int? = nil, framerate: Int = 30,
                sourceWidth: Int? = nil, sourceHeight: Int? = nil, keyframeInterval: Int? = nil,
                preset: String? = nil, tune: String? = nil, profile: String? = nil, quantizer: Int? = nil, quality: Int? = nil,
                hardwareAcceleration: HardwareAcceleration = .noPreference) {
        self.hardwareAcceleration = hardwareAcceleration
        self.tune = tune
        self.profile = profile
        self.quantizer = quantizer
        self.quality = quality
        self.codec = codec
        self.width = width
        self.height = height
        self.bitrate = bitrate
        self.framerate = framerate
        self.sourceWidth = sourceWidth
        self.sourceHeight = sourceHeight
        self.keyframeInterval = keyframeInterval
        self.preset = preset
    }
}

/// Audio encoder settings (`wasi:media/codec.audio-encoder-config`).
public struct AudioEncoderConfig: Sendable, Hashable {
    public var codec: AudioCodec
    public var sampleRate: Int
    public var channels: Int
    /// Target bits per second; nil means the codec's default (AAC and MP3
    /// 128 kb/s, Opus 96 kb/s). Must be positive when set; FLAC ignores it.
    public var bitrate: Int?

    public init(codec: AudioCodec, sampleRate: Int, channels: Int, bitrate: Int? = nil) {
        self.codec = codec
        self.sampleRate = sampleRate
        self.channels = channels
        self.bitrate = bitrate
    }
}

/// Which implementation an encoder should prefer (WebCodecs' `hardwareAcceleration`).
public enum HardwareAcceleration: String, Sendable, Hashable, Codable {
    /// Hardware first, software when no hardware encoder opens.
    case noPreference = "no-preference"
    case preferHardware = "prefer-hardware"
    case preferSoftware = "prefer-software"
}

/// Container formats of `wasi:media/container.container-format`.
public enum ContainerFormat: String, Sendable, CaseIterable, Hashable, Codable {
    case mp4, mkv, webm, ts
    public var witName: String { rawValue }

    /// The format implied by a file name's extension (`.mp4`, `.m4a`, `.mkv`, `.mka`, `.webm`, `.ts`).
    public init?(fileExtension ext: String) {
        switch ext.lowercased() {
        case "mp4", "m4v", "m4a", "mov": self = .mp4
        case "mkv", "mka": self = .mkv
        case "webm": self = .webm
        case "ts", "m2ts", "mts": self = .ts
        default: return nil
        }
    }

    /// The format implied by the extension of `path`, if any.
    public init?(path: String) {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        self.init(fileExtension: String(path[path.index(after: dot)...]))
    }
}
