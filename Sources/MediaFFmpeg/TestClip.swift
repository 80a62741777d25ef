public import MediaCore

/// Writes a synthetic clip (``TestPattern`` video and a 440 Hz tone) with the
/// library's own encoders and muxer: the embedded default input.
public enum TestClip {
    public struct Settings: Sendable, Hashable {
        public var seconds: Double = 4
        public var width = 1280
        public var height = 720
        public var fps = 30
        public var sampleRate = 48_000
        public var videoCodec: VideoCodec = .h264
        public var audioCodec: AudioCodec = .aac
        public var keyframeInterval: Int? = nil
        public init() {}
    }

    public static func write(to path: String, _ s: Settings = Settings()) throws(MediaError) {
        guard let format = ContainerFormat(path: path) else {
            throw MediaError(.invalidArgument, operation: "write test clip", message: "unknown container extension", file: path)
        }
        let video = try VideoEncoder(config: VideoEncoderConfig(codec: s.videoCodec, width: s.width, height: s.height,
                                                                framerate: s.fps, keyframeInterval: s.keyframeInterval))
        let audio = try AudioEncoder(config: AudioEncoderConfig(codec: s.audioCodec, sampleRate: s.sampleRate, channels: 2))
        let muxer = try Muxer(format: format, path: path)
        try muxer.addTrack(TrackInfo(id: 0, codec: video.codecString, parameters: video.parameters))
        try muxer.addTrack(TrackInfo(id: 1, codec: audio.codecString, parameters: audio.parameters))
        let frames = Int(s.seconds * Double(s.fps))
        let samplesPerFrame = s.sampleRate / s.fps
        var pendingVideo: [EncodedChunk] = [], pendingAudio: [EncodedChunk] = []
        func drain(final: Bool) throws(MediaError) {
            pendingVideo += video.takeEncodedChunks()
            pendingAudio += audio.takeEncodedChunks()
            // Write in decode-time order so the muxer interleaves without buffering much.
            while let v = pendingVideo.first, let a = pendingAudio.first {
                if (v.decodeTimestampUs ?? v.timestampUs) <= (a.decodeTimestampUs ?? a.timestampUs) {
                    try muxer.writeChunk(trackId: 0, pendingVideo.removeFirst())
                } else {
                    try muxer.writeChunk(trackId: 1, pendingAudio.removeFirst())
                }
            }
            if final {
                for v in pendingVideo { try muxer.writeChunk(trackId: 0, v) }
                for a in pendingAudio { try muxer.writeChunk(trackId: 1, a) }
            }
        }
        for i in 0..<frames {
            try video.encode(TestPattern.videoFrame(index: i, width: s.width, height: s.height, frameRate: Rational(Int64(s.fps), 1)))
            try audio.encode(TestPattern.tone(frequency: 440, sampleRate: s.sampleRate, channels: 2,
                                              startSample: i * samplesPerFrame, frameCount: samplesPerFrame))
            try drain(final: false)
        }
        try video.flush()
        try audio.flush()
        try drain(final: true)
        try muxer.finalize()
    }
}
