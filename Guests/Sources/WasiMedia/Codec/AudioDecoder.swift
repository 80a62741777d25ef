/// An audio decoding session (`audio-decoder`); decoded audio is
/// `f32-planar`. Dropped when the object goes away.
public final class AudioDecoder {
    let handle: Int32

    /// Opens a decoder; the host traps when it cannot (ask
    /// `queryAudioDecoderSupport` first).
    public init(_ config: AudioDecoderConfig) {
        handle = config.withFlat { audioDecoderNew($0, $1, $2, $3, $4, $5) }
    }

    deinit { audioDecoderDrop(handle) }

    /// Queues `chunk`.
    public func decode(_ chunk: EncodedChunk) throws(MediaError) {
        let area = CanonicalABI.importReturnArea
        chunk.withFlat { audioDecoderDecode(handle, $0, $1, $2, $3, $4, $5, $6, $7, area) }
        try MediaError.check(area)
    }

    /// The audio decoded so far; the guest owns the buffers.
    public func decodedAudio() throws(MediaError) -> [AudioData] {
        let area = CanonicalABI.importReturnArea
        audioDecoderGetDecodedAudio(handle, area)
        let (pointer, count) = try takeListResult(area)
        return AudioData.takeList(pointer, count)
    }

    /// Decodes everything still held; the next `decodedAudio` returns it.
    public func flush() throws(MediaError) {
        let area = CanonicalABI.importReturnArea
        audioDecoderFlush(handle, area)
        try MediaError.check(area)
    }

    /// Discards everything queued, without output (after a seek).
    public func reset() {
        audioDecoderReset(handle)
    }
}
