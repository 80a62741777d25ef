/// A packet of compressed audio or video (`wasi:media/types.encoded-chunk`).
public struct EncodedChunk: Sendable, Equatable {
    public var data: [UInt8]
    /// Presentation timestamp in microseconds.
    public var timestampUs: Int64
    /// Duration in microseconds, if known.
    public var durationUs: Int64?
    /// True when the chunk decodes without reference to earlier chunks.
    public var isKeyframe: Bool
    /// Decode timestamp in microseconds, where it differs from the presentation
    /// order (B-frames); WIT `decode-timestamp-us`. The host keeps it so muxers
    /// can write chunks from its own encoders; nil means "same as timestamp".
    public var decodeTimestampUs: Int64?

    public init(data: [UInt8], timestampUs: Int64, durationUs: Int64? = nil, isKeyframe: Bool,
                decodeTimestampUs: Int64? = nil) {
        self.data = data
        self.timestampUs = timestampUs
        self.durationUs = durationUs
        self.isKeyframe = isKeyframe
        self.decodeTimestampUs = decodeTimestampUs
    }
}
