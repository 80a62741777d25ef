public import MediaCore

/// Settings of a file-to-file transcode.
public struct TranscodeOptions: Sendable, Hashable {
    public var videoCodec: VideoCodec = .h264
    public var audioCodec: AudioCodec = .aac
    /// Output size; nil keeps the source size (both or neither must be set).
    public var width: Int?
    public var height: Int?
    /// Bits per second; nil is the codec's default quality (libx264 CRF 23).
    public var videoBitrate: Int?
    /// Bits per second; nil is 128 kb/s for AAC and MP3, 96 kb/s for Opus.
    public var audioBitrate: Int?
    /// Encoder preset; nil is the encoder's real-time default (libx264 `veryfast`).
    public var preset: String?
    /// The raw format frames pass through between decoder and encoder, as a
    /// pipeline step or guest would see them.
    public var intermediateFormat: PixelFormat = .rgba8888
    /// Output container; nil takes it from the output file's extension.
    public var container: ContainerFormat?

    public init() {}
}
