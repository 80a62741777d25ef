/// Container formats (`container-format`).
public enum ContainerFormat: UInt8, Sendable {
    case mp4, mkv, webm, ts
}

/// One stream of a container (`track-info`).
///
/// A demuxer fills in every field it knows. For `Muxer.addTrack`, set
/// `id`, `isVideo` and the matching config (usually an encoder's
/// `decoderConfig`); the muxer does not read `codec`.
public struct TrackInfo {
    /// Unique within its container.
    public var id: UInt32
    /// WebCodecs codec string (`avc1.64001f`, `vp09.00.31.08`, `opus`).
    public var codec: String
    public var isVideo: Bool
    /// Set for video tracks whose codec is a `VideoCodecType`.
    public var videoConfig: VideoDecoderConfig?
    /// Set for audio tracks whose codec is an `AudioCodecType`.
    public var audioConfig: AudioDecoderConfig?
    /// Duration in microseconds, when the container says.
    public var durationUs: UInt64?

    public init(id: UInt32, codec: String = "", isVideo: Bool, videoConfig: VideoDecoderConfig? = nil,
                audioConfig: AudioDecoderConfig? = nil, durationUs: UInt64? = nil) {
        self.id = id
        self.codec = codec
        self.isVideo = isVideo
        self.videoConfig = videoConfig
        self.audioConfig = audioConfig
        self.durationUs = durationUs
    }
}

extension TrackInfo {
    package static let size = 104
    package static let alignment = 8

    /// Lifts the record at `base + offset`, freeing its strings and lists.
    package static func take(at base: UnsafeMutableRawPointer, _ offset: Int) -> TrackInfo {
        let p = base + offset
        return TrackInfo(
            id: CanonicalABI.load(p, 0, as: UInt32.self),
            codec: CanonicalABI.takeString(at: p, 4),
            isVideo: CanonicalABI.load(p, 12, as: UInt8.self) != 0,
            videoConfig: CanonicalABI.load(p, 16, as: UInt8.self) != 0 ? VideoDecoderConfig.take(at: p, 20) : nil,
            audioConfig: CanonicalABI.load(p, 56, as: UInt8.self) != 0 ? AudioDecoderConfig.take(at: p, 60) : nil,
            durationUs: CanonicalABI.load(p, 88, as: UInt8.self) != 0 ? CanonicalABI.load(p, 96, as: UInt64.self) : nil)
    }

    package static func takeList(_ pointer: UnsafeMutableRawPointer?, _ count: Int) -> [TrackInfo] {
        guard let pointer else { return [] }
        var tracks: [TrackInfo] = []
        tracks.reserveCapacity(count)
        for i in 0..<count { tracks.append(take(at: pointer, i * size)) }
        pointer.deallocate()
        return tracks
    }

    /// Stores the record at `base + offset`, its strings and lists copied
    /// to fresh memory, freed by `freeStored`.
    package func store(into base: UnsafeMutableRawPointer, _ offset: Int) {
        let p = base + offset
        CanonicalABI.store(id, p, 0)
        let (pointer, count) = CanonicalABI.copy(codec)
        CanonicalABI.storePair(pointer, count, p, 4)
        CanonicalABI.store(UInt8(isVideo ? 1 : 0), p, 12)
        CanonicalABI.store(UInt8(videoConfig == nil ? 0 : 1), p, 16)
        (videoConfig ?? VideoDecoderConfig(codec: .h264)).store(into: p, 20)
        CanonicalABI.store(UInt8(audioConfig == nil ? 0 : 1), p, 56)
        (audioConfig ?? AudioDecoderConfig(codec: .aac, sampleRate: 0, channels: 0)).store(into: p, 60)
        CanonicalABI.store(UInt8(durationUs == nil ? 0 : 1), p, 88)
        CanonicalABI.store(durationUs ?? 0, p, 96)
    }

    package static func freeStored(_ base: UnsafeMutableRawPointer, _ offset: Int) {
        let p = base + offset
        CanonicalABI.freePair(p, 4)
        VideoDecoderConfig.freeStored(p, 20)
        AudioDecoderConfig.freeStored(p, 60)
    }
}
