/// An audio encoding session (`audio-encoder`), poll-shaped as
/// `VideoEncoder` is. Dropped when the object goes away.
public final class AudioEncoder {
    let handle: Int32

    /// Opens an encoder; the host traps when it cannot (ask
    /// `queryAudioEncoderSupport` first).
    public init(_ config: AudioEncoderConfig) {
        handle = audioEncoderNew(Int32(config.codec.rawValue), Int32(bitPattern: config.sampleRate),
                                 Int32(config.channels), Int32(bitPattern: config.bitrate))
    }

    deinit { audioEncoderDrop(handle) }

    /// Queues `audio`, which moves to the encoder with its buffer.
    public func encode(_ audio: AudioData) throws(MediaError) {
        let area = CanonicalABI.importReturnArea
        audio.withFlat { audioEncoderEncode(handle, $0, $1, $2, $3, $4, area) }
        try MediaError.check(area)
    }

    /// The compressed chunks ready so far, oldest first.
    public func encodedChunks() throws(MediaError) -> [EncodedChunk] {
        let area = CanonicalABI.importReturnArea
        audioEncoderGetEncodedChunks(handle, area)
        let (pointer, count) = try takeListResult(area)
        return EncodedChunk.takeList(pointer, count)
    }

    /// Encodes the remaining samples; the next `encodedChunks` returns them.
    public func flush() throws(MediaError) {
        let area = CanonicalABI.importReturnArea
        audioEncoderFlush(handle, area)
        try MediaError.check(area)
    }

    /// What a decoder or muxer needs for this encoder's output; nil until
    /// the host knows it.
    public var decoderConfig: AudioDecoderConfig? {
        let area = CanonicalABI.importReturnArea
        audioEncoderDecoderConfig(handle, area)
        guard CanonicalABI.load(area, 0, as: UInt8.self) != 0 else { return nil }
        return AudioDecoderConfig.take(at: area, 4)
    }
}
