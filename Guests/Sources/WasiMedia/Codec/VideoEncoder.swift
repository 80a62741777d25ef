/// A video encoding session (`video-encoder`), poll-shaped as WebCodecs is:
/// `encode` queues a frame, `encodedChunks` returns what is ready (possibly
/// nothing), `flush` drains the rest. Dropped when the object goes away.
public final class VideoEncoder {
    let handle: Int32

    /// Opens an encoder; the host traps when it cannot (ask
    /// `queryVideoEncoderSupport` first).
    public init(_ config: VideoEncoderConfig) {
        handle = config.withFlat { videoEncoderNew($0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10) }
    }

    deinit { videoEncoderDrop(handle) }

    /// Queues `frame`, which moves to the encoder with its buffer (even when
    /// this throws). `invalidArgument` when timestamps do not increase.
    public func encode(_ frame: VideoFrame, forceKeyframe: Bool = false) throws(MediaError) {
        let area = CanonicalABI.importReturnArea
        frame.withFlat { videoEncoderEncode(handle, $0, $1, $2, $3, $4, $5, $6, forceKeyframe ? 1 : 0, area) }
        try MediaError.check(area)
    }

    /// The compressed chunks ready so far, oldest first.
    public func encodedChunks() throws(MediaError) -> [EncodedChunk] {
        let area = CanonicalABI.importReturnArea
        videoEncoderGetEncodedChunks(handle, area)
        let (pointer, count) = try takeListResult(area)
        return EncodedChunk.takeList(pointer, count)
    }

    /// Encodes everything still queued; the next `encodedChunks` returns it.
    public func flush() throws(MediaError) {
        let area = CanonicalABI.importReturnArea
        videoEncoderFlush(handle, area)
        try MediaError.check(area)
    }

    /// What a decoder or muxer needs for this encoder's output; nil until
    /// the host knows it (at the latest once the first chunk is out).
    public var decoderConfig: VideoDecoderConfig? {
        let area = CanonicalABI.importReturnArea
        videoEncoderDecoderConfig(handle, area)
        guard CanonicalABI.load(area, 0, as: UInt8.self) != 0 else { return nil }
        return VideoDecoderConfig.take(at: area, 4)
    }
}
