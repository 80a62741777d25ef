/// Video compression standards (`video-codec-type`).
public enum VideoCodecType: UInt8, Sendable {
    case h264, hevc, av1, vp9
}

/// Audio compression standards (`audio-codec-type`).
public enum AudioCodecType: UInt8, Sendable {
    case aac, opus, mp3, flac
}

/// Whether the host uses hardware or software (`codec-implementation`).
public enum CodecImplementation: UInt8, Sendable {
    case hardware, software
}

/// The host's answer to a support query (`encoder-support-result`,
/// `decoder-support-result`): `supported` only when such a codec opened.
public struct CodecSupport: Sendable {
    public var supported: Bool
    public var implementation: CodecImplementation
}

/// How to set up a video encoder (`video-encoder-config`).
public struct VideoEncoderConfig: Sendable {
    public var codec: VideoCodecType
    public var width: UInt32
    public var height: UInt32
    /// Target bits per second; 0 selects the encoder's constant-quality default.
    public var bitrate: UInt32
    /// Frames per second.
    public var framerate: UInt32
    /// Incoming frame size, when it differs from `width` x `height`.
    public var sourceWidth: UInt32?
    public var sourceHeight: UInt32?
    /// Frames between forced keyframes; nil leaves the encoder's default.
    public var keyframeInterval: UInt32?

    public init(codec: VideoCodecType, width: UInt32, height: UInt32, bitrate: UInt32 = 0, framerate: UInt32,
                sourceWidth: UInt32? = nil, sourceHeight: UInt32? = nil, keyframeInterval: UInt32? = nil) {
        self.codec = codec
        self.width = width
        self.height = height
        self.bitrate = bitrate
        self.framerate = framerate
        self.sourceWidth = sourceWidth
        self.sourceHeight = sourceHeight
        self.keyframeInterval = keyframeInterval
    }
}

/// How to set up an audio encoder (`audio-encoder-config`). The encoder
/// takes audio of any format, rate and channel count and converts it.
public struct AudioEncoderConfig: Sendable {
    public var codec: AudioCodecType
    public var sampleRate: UInt32
    public var channels: UInt8
    /// Target bits per second; 0 selects the encoder's default.
    public var bitrate: UInt32

    public init(codec: AudioCodecType, sampleRate: UInt32, channels: UInt8, bitrate: UInt32 = 0) {
        self.codec = codec
        self.sampleRate = sampleRate
        self.channels = channels
        self.bitrate = bitrate
    }
}

/// What a video decoder needs to know about a stream (`video-decoder-config`,
/// WebCodecs' `VideoDecoderConfig`).
public struct VideoDecoderConfig {
    public var codec: VideoCodecType
    /// Codec setup bytes (avcC, hvcC, av1C, VP9 codec private), if any.
    public var description: [UInt8]?
    public var codedWidth: UInt32?
    public var codedHeight: UInt32?
    /// The format decoded frames are converted to; nil keeps the decoder's
    /// own (or `yuv420p`).
    public var outputFormat: PixelFormat?

    public init(codec: VideoCodecType, description: [UInt8]? = nil, codedWidth: UInt32? = nil,
                codedHeight: UInt32? = nil, outputFormat: PixelFormat? = nil) {
        self.codec = codec
        self.description = description
        self.codedWidth = codedWidth
        self.codedHeight = codedHeight
        self.outputFormat = outputFormat
    }
}

/// What an audio decoder needs to know about a stream (`audio-decoder-config`).
/// Decoded audio is `f32-planar`.
public struct AudioDecoderConfig {
    public var codec: AudioCodecType
    public var sampleRate: UInt32
    public var channels: UInt8
    /// Codec setup bytes (AudioSpecificConfig, OpusHead, STREAMINFO), if any.
    public var description: [UInt8]?

    public init(codec: AudioCodecType, sampleRate: UInt32, channels: UInt8, description: [UInt8]? = nil) {
        self.codec = codec
        self.sampleRate = sampleRate
        self.channels = channels
        self.description = description
    }
}

// MARK: - Support queries

/// Whether the host opens a video encoder with `config` (so that the
/// `VideoEncoder` initializer, which traps otherwise, will succeed).
public func queryVideoEncoderSupport(_ config: VideoEncoderConfig) -> CodecSupport {
    let area = CanonicalABI.importReturnArea
    config.withFlat { codecQueryVideoEncoderSupport($0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, area) }
    return CodecSupport.lift(area)
}

/// Whether the host opens an audio encoder with `config`.
public func queryAudioEncoderSupport(_ config: AudioEncoderConfig) -> CodecSupport {
    let area = CanonicalABI.importReturnArea
    codecQueryAudioEncoderSupport(Int32(config.codec.rawValue), Int32(bitPattern: config.sampleRate),
                                  Int32(config.channels), Int32(bitPattern: config.bitrate), area)
    return CodecSupport.lift(area)
}

/// Whether the host opens a video decoder with `config`.
public func queryVideoDecoderSupport(_ config: VideoDecoderConfig) -> CodecSupport {
    let area = CanonicalABI.importReturnArea
    config.withFlat { codecQueryVideoDecoderSupport($0, $1, $2, $3, $4, $5, $6, $7, $8, $9, area) }
    return CodecSupport.lift(area)
}

/// Whether the host opens an audio decoder with `config`.
public func queryAudioDecoderSupport(_ config: AudioDecoderConfig) -> CodecSupport {
    let area = CanonicalABI.importReturnArea
    config.withFlat { codecQueryAudioDecoderSupport($0, $1, $2, $3, $4, $5, area) }
    return CodecSupport.lift(area)
}

// MARK: - Lifting and lowering

/// An `option<u32>`'s two flat values (case, value).
@inline(__always)
func flat(_ value: UInt32?) -> (Int32, Int32) {
    (value == nil ? 0 : 1, Int32(bitPattern: value ?? 0))
}

/// Runs `body` with an `option<list<u8>>`'s three flat values, the bytes
/// valid during the call.
func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (Int32, UnsafeMutableRawPointer?, Int) -> R) -> R {
    guard let bytes else { return body(0, nil, 0) }
    return withBytes(bytes) { body(1, $0, $1) }
}

extension CodecSupport {
    static func lift(_ area: UnsafeMutableRawPointer) -> CodecSupport {
        CodecSupport(supported: CanonicalABI.load(area, 0, as: UInt8.self) != 0,
                     implementation: CodecImplementation(rawValue: CanonicalABI.load(area, 1, as: UInt8.self)) ?? .software)
    }
}

extension VideoEncoderConfig {
    func withFlat<R>(_ body: (Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32) -> R) -> R {
        let sw = flat(sourceWidth), sh = flat(sourceHeight), kf = flat(keyframeInterval)
        return body(Int32(codec.rawValue), Int32(bitPattern: width), Int32(bitPattern: height),
                    Int32(bitPattern: bitrate), Int32(bitPattern: framerate), sw.0, sw.1, sh.0, sh.1, kf.0, kf.1)
    }
}

extension VideoDecoderConfig {
    package static let size = 36

    func withFlat<R>(_ body: (Int32, Int32, UnsafeMutableRawPointer?, Int, Int32, Int32, Int32, Int32, Int32, Int32) -> R) -> R {
        let cw = flat(codedWidth), ch = flat(codedHeight)
        let of: (Int32, Int32) = (outputFormat == nil ? 0 : 1, Int32(outputFormat?.rawValue ?? 0))
        return withOptionalBytes(description) { has, pointer, count in
            body(Int32(codec.rawValue), has, pointer, count, cw.0, cw.1, ch.0, ch.1, of.0, of.1)
        }
    }

    /// Lifts the record at `base + offset`, freeing its description.
    package static func take(at base: UnsafeMutableRawPointer, _ offset: Int) -> VideoDecoderConfig {
        let p = base + offset
        func u32(_ caseOffset: Int) -> UInt32? {
            CanonicalABI.load(p, caseOffset, as: UInt8.self) != 0 ? CanonicalABI.load(p, caseOffset + 4, as: UInt32.self) : nil
        }
        guard let codec = VideoCodecType(rawValue: CanonicalABI.load(p, 0, as: UInt8.self)) else {
            fatalError("invalid video-codec-type")
        }
        return VideoDecoderConfig(
            codec: codec,
            description: CanonicalABI.load(p, 4, as: UInt8.self) != 0 ? CanonicalABI.takeByteArray(at: p, 8) : nil,
            codedWidth: u32(16), codedHeight: u32(24),
            outputFormat: CanonicalABI.load(p, 32, as: UInt8.self) != 0
                ? PixelFormat.lift(Int32(CanonicalABI.load(p, 33, as: UInt8.self))) : nil)
    }

    /// Stores the record at `base + offset`; its description is copied to
    /// fresh memory, freed by `freeStored`.
    package func store(into base: UnsafeMutableRawPointer, _ offset: Int) {
        let p = base + offset
        CanonicalABI.store(codec.rawValue, p, 0)
        CanonicalABI.store(UInt8(description == nil ? 0 : 1), p, 4)
        let (pointer, count) = (description ?? []).withUnsafeBytes { CanonicalABI.copy($0) }
        CanonicalABI.storePair(pointer, count, p, 8)
        CanonicalABI.store(UInt8(codedWidth == nil ? 0 : 1), p, 16)
        CanonicalABI.store(codedWidth ?? 0, p, 20)
        CanonicalABI.store(UInt8(codedHeight == nil ? 0 : 1), p, 24)
        CanonicalABI.store(codedHeight ?? 0, p, 28)
        CanonicalABI.store(UInt8(outputFormat == nil ? 0 : 1), p, 32)
        CanonicalABI.store(outputFormat?.rawValue ?? 0, p, 33)
    }

    package static func freeStored(_ base: UnsafeMutableRawPointer, _ offset: Int) {
        CanonicalABI.freePair(base + offset, 8)
    }
}

extension AudioDecoderConfig {
    package static let size = 24

    func withFlat<R>(_ body: (Int32, Int32, Int32, Int32, UnsafeMutableRawPointer?, Int) -> R) -> R {
        withOptionalBytes(description) { has, pointer, count in
            body(Int32(codec.rawValue), Int32(bitPattern: sampleRate), Int32(channels), has, pointer, count)
        }
    }

    package static func take(at base: UnsafeMutableRawPointer, _ offset: Int) -> AudioDecoderConfig {
        let p = base + offset
        guard let codec = AudioCodecType(rawValue: CanonicalABI.load(p, 0, as: UInt8.self)) else {
            fatalError("invalid audio-codec-type")
        }
        return AudioDecoderConfig(
            codec: codec, sampleRate: CanonicalABI.load(p, 4, as: UInt32.self),
            channels: CanonicalABI.load(p, 8, as: UInt8.self),
            description: CanonicalABI.load(p, 12, as: UInt8.self) != 0 ? CanonicalABI.takeByteArray(at: p, 16) : nil)
    }

    package func store(into base: UnsafeMutableRawPointer, _ offset: Int) {
        let p = base + offset
        CanonicalABI.store(codec.rawValue, p, 0)
        CanonicalABI.store(sampleRate, p, 4)
        CanonicalABI.store(channels, p, 8)
        CanonicalABI.store(UInt8(description == nil ? 0 : 1), p, 12)
        let (pointer, count) = (description ?? []).withUnsafeBytes { CanonicalABI.copy($0) }
        CanonicalABI.storePair(pointer, count, p, 16)
    }

    package static func freeStored(_ base: UnsafeMutableRawPointer, _ offset: Int) {
        CanonicalABI.freePair(base + offset, 16)
    }
}

/// Throws the error of a `result<list<T>, media-error>` in `area`, else
/// returns the list's (pointer, count).
func takeListResult(_ area: UnsafeMutableRawPointer) throws(MediaError) -> (UnsafeMutableRawPointer?, Int) {
    try MediaError.check(area)
    return CanonicalABI.loadPair(area, 4)
}
