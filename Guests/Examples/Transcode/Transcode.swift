import WasiMediaApp

/// Transcodes a file: demux, decode, re-encode and mux, every step through
/// the host's codec and container imports.
///
///     transcode INPUT OUTPUT [video=h264|hevc|av1|vp9] [audio=aac|opus|mp3|flac]
///               [width=W] [height=H] [fps=N] [video-bitrate=B] [audio-bitrate=B]
///
/// The container comes from OUTPUT's extension (`.mp4`, `.mkv`, `.webm`,
/// `.ts`); the codecs default to what it usually carries (WebM: VP9 and
/// Opus; MP4 and TS: H.264 and AAC; MKV: H.264 and Opus). Frames keep their
/// size unless `width`/`height` say otherwise; tracks with a codec the host
/// does not decode are left out.
struct Transcode: MediaApp {
    static let usage = "usage: transcode INPUT OUTPUT [video=h264|hevc|av1|vp9] [audio=aac|opus|mp3|flac] "
        + "[width=W] [height=H] [fps=N] [video-bitrate=B] [audio-bitrate=B]"

    mutating func run(_ arguments: [String]) throws(GuestError) {
        guard arguments.count >= 2 else { throw GuestError(Self.usage) }
        let input = arguments[0], output = arguments[1]
        var options = Properties()
        for argument in arguments.dropFirst(2) {
            guard let equals = argument.utf8.firstIndex(of: UInt8(ascii: "=")) else {
                throw GuestError("'" + argument + "' is not name=value; " + Self.usage)
            }
            options.pairs.append((String(argument[..<equals]), String(argument[argument.utf8.index(after: equals)...])))
        }
        guard let format = containerFormat(of: output) else {
            throw GuestError(output + ": unknown container; use .mp4, .mkv, .webm or .ts")
        }
        let settings = try Settings(options, format: format)
        do {
            try transcode(from: input, to: output, format: format, settings)
        } catch {
            throw GuestError("transcode " + input + " to " + output, error)
        }
    }

    private func transcode(from input: String, to output: String, format: ContainerFormat,
                           _ settings: Settings) throws(MediaError) {
        let demuxer = try Demuxer.open(path: input)
        var lanes: [Lane] = []
        for track in try demuxer.tracks() {
            if let lane = try Lane(track, settings) { lanes.append(lane) }
        }
        guard !lanes.isEmpty else { throw MediaError(.unsupported, "no audio or video track the host decodes") }

        let writer = Writer(muxer: try Muxer.create(path: output, format: format), lanes: lanes)
        while let (trackID, chunk) = try demuxer.readNextChunk() {
            guard let lane = lanes.first(where: { $0.id == trackID }) else { continue }
            try writer.write(try lane.feed(chunk), from: lane)
        }
        for lane in lanes { try writer.write(try lane.finish(), from: lane) }
        try writer.finish()
    }
}

/// What the options ask for.
struct Settings {
    var videoCodec: VideoCodecType
    var audioCodec: AudioCodecType
    var width: UInt32?
    var height: UInt32?
    var framerate: UInt32
    var videoBitrate: UInt32
    var audioBitrate: UInt32

    init(_ options: Properties, format: ContainerFormat) throws(GuestError) {
        let webm = format == .webm
        videoCodec = webm ? .vp9 : .h264
        audioCodec = webm || format == .mkv ? .opus : .aac
        if let name = options["video"] {
            let codecs: [(String, VideoCodecType)] = [("h264", .h264), ("hevc", .hevc), ("av1", .av1), ("vp9", .vp9)]
            guard let codec = codecs.first(where: { $0.0.utf8.elementsEqual(name.utf8) }) else {
                throw GuestError("video: unknown codec '" + name + "' (h264, hevc, av1, vp9)")
            }
            videoCodec = codec.1
        }
        if let name = options["audio"] {
            let codecs: [(String, AudioCodecType)] = [("aac", .aac), ("opus", .opus), ("mp3", .mp3), ("flac", .flac)]
            guard let codec = codecs.first(where: { $0.0.utf8.elementsEqual(name.utf8) }) else {
                throw GuestError("audio: unknown codec '" + name + "' (aac, opus, mp3, flac)")
            }
            audioCodec = codec.1
        }
        func positive(_ name: String) throws(GuestError) -> UInt32? {
            guard let n = try options.integer(name) else { return nil }
            guard n > 0, let value = UInt32(exactly: n) else { throw GuestError(name + ": must be a positive integer") }
            return value
        }
        width = try positive("width")
        height = try positive("height")
        framerate = try positive("fps") ?? 30
        videoBitrate = try positive("video-bitrate") ?? 0
        audioBitrate = try positive("audio-bitrate") ?? 0
    }
}

/// One input track on its way through a decoder and an encoder.
final class Lane {
    let id: UInt32
    let isVideo: Bool
    private let settings: Settings
    private var videoDecoder: VideoDecoder?
    private var videoEncoder: VideoEncoder?
    private var audioDecoder: AudioDecoder?
    private var audioEncoder: AudioEncoder?

    /// A lane for `track`, or nil when the host cannot decode it.
    init?(_ track: TrackInfo, _ settings: Settings) throws(MediaError) {
        id = track.id
        isVideo = track.isVideo
        self.settings = settings
        if let config = track.videoConfig, track.isVideo {
            guard queryVideoDecoderSupport(config).supported else { return nil }
            videoDecoder = VideoDecoder(config)
        } else if let config = track.audioConfig, !track.isVideo {
            guard queryAudioDecoderSupport(config).supported else { return nil }
            audioDecoder = AudioDecoder(config)
            // Opus runs at 48 kHz only; the encoder converts what it gets.
            let rate = settings.audioCodec == .opus ? 48_000 : config.sampleRate
            let encoderConfig = AudioEncoderConfig(codec: settings.audioCodec, sampleRate: rate,
                                                   channels: min(config.channels, 2), bitrate: settings.audioBitrate)
            guard queryAudioEncoderSupport(encoderConfig).supported else {
                throw MediaError(.unsupported, "the host has no encoder for this audio codec")
            }
            audioEncoder = AudioEncoder(encoderConfig)
        } else {
            return nil
        }
    }

    /// Decodes `chunk` and encodes what comes out; returns the chunks ready.
    func feed(_ chunk: EncodedChunk) throws(MediaError) -> [EncodedChunk] {
        try videoDecoder?.decode(chunk)
        try audioDecoder?.decode(chunk)
        return try pass()
    }

    /// Drains decoder and encoder at the end of the input.
    func finish() throws(MediaError) -> [EncodedChunk] {
        try videoDecoder?.flush()
        try audioDecoder?.flush()
        var chunks = try pass()
        try videoEncoder?.flush()
        try audioEncoder?.flush()
        chunks += try videoEncoder?.encodedChunks() ?? []
        chunks += try audioEncoder?.encodedChunks() ?? []
        return chunks
    }

    /// The output track, once the encoder knows its decoder configuration.
    var outputTrack: TrackInfo? {
        if let config = videoEncoder?.decoderConfig { return TrackInfo(id: id, isVideo: true, videoConfig: config) }
        if let config = audioEncoder?.decoderConfig { return TrackInfo(id: id, isVideo: false, audioConfig: config) }
        return nil
    }

    private func pass() throws(MediaError) -> [EncodedChunk] {
        if let decoder = videoDecoder {
            for frame in try decoder.decodedFrames() {
                try encoder(for: frame).encode(frame)
            }
            return try videoEncoder?.encodedChunks() ?? []
        }
        if let decoder = audioDecoder, let encoder = audioEncoder {
            for audio in try decoder.decodedAudio() { try encoder.encode(audio) }
            return try encoder.encodedChunks()
        }
        return []
    }

    /// The video encoder, opened at the first frame, when its size is known.
    private func encoder(for frame: VideoFrame) throws(MediaError) -> VideoEncoder {
        if let encoder = videoEncoder { return encoder }
        let width = settings.width ?? frame.width, height = settings.height ?? frame.height
        let config = VideoEncoderConfig(
            codec: settings.videoCodec, width: width, height: height, bitrate: settings.videoBitrate,
            framerate: settings.framerate,
            sourceWidth: frame.width == width ? nil : frame.width, sourceHeight: frame.height == height ? nil : frame.height)
        guard queryVideoEncoderSupport(config).supported else {
            throw MediaError(.unsupported, "the host has no encoder for this video codec at "
                             + String(width) + "x" + String(height))
        }
        let encoder = VideoEncoder(config)
        videoEncoder = encoder
        return encoder
    }
}

/// Holds chunks back until every lane's output track is known (a muxer
/// takes all tracks before the first chunk), then writes them in order.
final class Writer {
    let muxer: Muxer
    let lanes: [Lane]
    private var pending: [(UInt32, EncodedChunk)] = []
    private var started = false

    init(muxer: Muxer, lanes: [Lane]) {
        self.muxer = muxer
        self.lanes = lanes
    }

    func write(_ chunks: [EncodedChunk], from lane: Lane) throws(MediaError) {
        if started {
            for chunk in chunks { try muxer.writeChunk(trackID: lane.id, chunk) }
            return
        }
        for chunk in chunks { pending.append((lane.id, chunk)) }
        if lanes.allSatisfy({ $0.outputTrack != nil }) { try start() }
    }

    func finish() throws(MediaError) {
        if !started { try start() }
        try muxer.finalize()
    }

    /// Adds every track known by now (a lane that produced nothing is left
    /// out) and writes what was held back.
    private func start() throws(MediaError) {
        started = true
        var added: [UInt32] = []
        for lane in lanes {
            guard let track = lane.outputTrack else { continue }
            try muxer.addTrack(track)
            added.append(lane.id)
        }
        guard !added.isEmpty else { throw MediaError(.invalidData, "no track produced any output") }
        for (id, chunk) in pending where added.contains(id) { try muxer.writeChunk(trackID: id, chunk) }
        pending = []
    }
}

/// The container format of `path`'s extension.
func containerFormat(of path: String) -> ContainerFormat? {
    let formats: [(String, ContainerFormat)] = [(".mp4", .mp4), (".mkv", .mkv), (".webm", .webm), (".ts", .ts)]
    let bytes = Array(path.utf8)
    for (suffix, format) in formats {
        let s = Array(suffix.utf8)
        if bytes.count > s.count, Array(bytes[(bytes.count - s.count)...]) == s { return format }
    }
    return nil
}

@_cdecl("wasi_media_app")
func mediaApp() -> UnsafeMutableRawPointer { exportMediaApp(Transcode.self) }
