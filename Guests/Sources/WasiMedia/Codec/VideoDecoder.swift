/// A video decoding session (`video-decoder`), poll-shaped: `decode`
/// queues a chunk, `decodedFrames` returns the frames ready, in
/// presentation order. Dropped when the object goes away.
public final class VideoDecoder {
    let handle: Int32

    /// Opens a decoder; the host traps when it cannot (ask
    /// `queryVideoDecoderSupport` first).
    public init(_ config: VideoDecoderConfig) {
        handle = config.withFlat { videoDecoderNew($0, $1, $2, $3, $4, $5, $6, $7, $8, $9) }
    }

    deinit { videoDecoderDrop(handle) }

    /// Queues `chunk`. The first chunk, and the first after `flush` or
    /// `reset`, must be a keyframe. `invalidData` for a corrupt stream; the
    /// decoder stays usable.
    public func decode(_ chunk: EncodedChunk) throws(MediaError) {
        let area = CanonicalABI.importReturnArea
        chunk.withFlat { videoDecoderDecode(handle, $0, $1, $2, $3, $4, $5, $6, $7, area) }
        try MediaError.check(area)
    }

    /// The frames decoded so far; the guest owns their buffers.
    public func decodedFrames() throws(MediaError) -> [VideoFrame] {
        let area = CanonicalABI.importReturnArea
        videoDecoderGetDecodedFrames(handle, area)
        let (pointer, count) = try takeListResult(area)
        return VideoFrame.takeList(pointer, count)
    }

    /// Decodes everything still held; the next `decodedFrames` returns it.
    public func flush() throws(MediaError) {
        let area = CanonicalABI.importReturnArea
        videoDecoderFlush(handle, area)
        try MediaError.check(area)
    }

    /// Discards everything queued, without output (after a seek).
    public func reset() {
        videoDecoderReset(handle)
    }
}
