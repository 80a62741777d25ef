public import Logging
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

/// What a transcode did.
public struct TranscodeSummary: Sendable, Hashable {
    public var videoFrames = 0
    public var audioChunks = 0
    /// Frames dropped because their timestamp did not increase.
    public var droppedFrames = 0
    public var outputDurationUs: Int64 = 0
    /// True when ``Transcoder/cancel()`` stopped it early (the output is still finalized).
    public var cancelled = false
}

/// Progress reports, called on the encoding thread.
public struct TranscodeProgress: Sendable {
    public var positionUs: Int64
    public var durationUs: Int64?
    public var videoFrames: Int
}

/// Transcodes the first video and first audio track of a file or URL into a
/// new file: demux → decode → raw frames → (scale) → encode → mux.
///
/// Runs decoding and encoding on two threads linked by a bounded queue of
/// raw frames (2 deep), so decoding and colour conversion of frame N+1
/// overlap encoding of frame N. ``cancel()`` may be called from any thread;
/// the output is finalized and stays playable. One `run` per instance.
public final class Transcoder: @unchecked Sendable {
    public let input: String
    public let output: String
    public let options: TranscodeOptions
    private let cancelled = Locked(false)
    private let logger: Logger

    public init(input: String, output: String, options: TranscodeOptions = TranscodeOptions(),
                logger: Logger = Logger(label: "wasi-media.transcode")) {
        self.input = input
        self.output = output
        self.options = options
        self.logger = logger
    }

    /// Stops after the frame in progress; ``run(progress:)`` then finalizes the output.
    public func cancel() { cancelled.withLock { $0 = true } }

    private enum Item {
        case frame(VideoFrame)
        case audio([EncodedChunk])
    }

    public func run(progress: ((TranscodeProgress) -> Void)? = nil) throws(MediaError) -> TranscodeSummary {
        guard let format = options.container ?? ContainerFormat(path: output) else {
            throw MediaError(.invalidArgument, operation: "transcode",
                             message: "cannot tell the container from the extension of '\(output)'; use .mp4, .mkv, .webm or .ts", file: output)
        }
        if (options.width == nil) != (options.height == nil) {
            throw MediaError(.invalidArgument, operation: "transcode", message: "set both width and height, or neither")
        }
        let demuxer = try Demuxer(url: input)
        let videoTrack = demuxer.tracks.first { $0.isVideo }
        let audioTrack = demuxer.tracks.first { $0.kind == .audio }
        guard videoTrack != nil || audioTrack != nil else {
            throw MediaError(.invalidData, operation: "transcode", message: "the input has no audio or video track", file: input)
        }
        // Open everything before any work, so a bad setting fails fast.
        var videoDecoder: VideoDecoder? = nil
        var videoEncoder: VideoEncoder? = nil
        if let v = videoTrack {
            videoDecoder = try VideoDecoder(parameters: v.parameters, outputFormat: options.intermediateFormat)
            let fps = v.parameters.frameRate.map { Int(($0.doubleValue).rounded()) } ?? 30
            let config = VideoEncoderConfig(
                codec: options.videoCodec, width: options.width ?? v.parameters.width, height: options.height ?? v.parameters.height,
                bitrate: options.videoBitrate, framerate: max(1, fps), preset: options.preset)
            videoEncoder = try VideoEncoder(config: config, logger: logger)
        }
        var audioDecoder: AudioDecoder? = nil
        var audioEncoder: AudioEncoder? = nil
        if let a = audioTrack {
            audioDecoder = try AudioDecoder(parameters: a.parameters)
            var rate = a.parameters.sampleRate
            if options.audioCodec == .opus && ![48_000, 24_000, 16_000, 12_000, 8_000].contains(rate) { rate = 48_000 }
            audioEncoder = try AudioEncoder(config: AudioEncoderConfig(codec: options.audioCodec, sampleRate: rate,
                                                                       channels: min(2, max(1, a.parameters.channels)),
                                                                       bitrate: options.audioBitrate), logger: logger)
        }
        let muxer = try Muxer(format: format, path: output)
        if let e = videoEncoder { try muxer.addTrack(TrackInfo(id: 0, codec: e.codecString, parameters: e.parameters)) }
        if let e = audioEncoder { try muxer.addTrack(TrackInfo(id: 1, codec: e.codecString, parameters: e.parameters)) }

        let queue = BoundedQueue<Item>(capacity: 2)
        let encodeResult = Locked<(TranscodeSummary, MediaError?)>((TranscodeSummary(), nil))
        let duration = demuxer.durationUs
        // Encoding thread: owns the video encoder and the muxer.
        let encoderBox = UncheckedBox((videoEncoder, muxer, progress))
        let encoderThread = WorkerThread {
            let (videoEncoder, muxer, progress) = encoderBox.value
            var summary = TranscodeSummary()
            var lastTs: Int64? = nil
            do throws(MediaError) {
                while let item = queue.pop() {
                    switch item {
                    case .frame(let frame):
                        guard let encoder = videoEncoder else { continue }
                        if let last = lastTs, frame.timestampUs <= last { summary.droppedFrames += 1; continue }
                        lastTs = frame.timestampUs
                        try encoder.encode(frame)
                        for c in encoder.takeEncodedChunks() { try muxer.writeChunk(trackId: 0, c) }
                        summary.videoFrames += 1
                        summary.outputDurationUs = max(summary.outputDurationUs, MediaTime.add(frame.timestampUs, frame.durationUs ?? 0))
                        progress?(TranscodeProgress(positionUs: frame.timestampUs, durationUs: duration, videoFrames: summary.videoFrames))
                    case .audio(let chunks):
                        for c in chunks { try muxer.writeChunk(trackId: 1, c) }
                        summary.audioChunks += chunks.count
                    }
                }
                if let encoder = videoEncoder {
                    try encoder.flush()
                    for c in encoder.takeEncodedChunks() { try muxer.writeChunk(trackId: 0, c) }
                }
                encodeResult.withLock { $0 = (summary, nil) }
            } catch {
                queue.close()
                encodeResult.withLock { $0 = (summary, error) }
            }
        }

        // Decoding side, on this thread.
        var decodeError: MediaError? = nil
        var wasCancelled = false
        do throws(MediaError) {
            reading: while let (trackId, chunk) = try demuxer.readNext() {
                if cancelled.withLock({ $0 }) { wasCancelled = true; break }
                if trackId == videoTrack?.id, let decoder = videoDecoder {
                    try decoder.decode(chunk)
                    for f in decoder.takeDecodedFrames() { guard queue.push(.frame(f)) else { break reading } }
                } else if trackId == audioTrack?.id, let decoder = audioDecoder, let encoder = audioEncoder {
                    try decoder.decode(chunk)
                    for a in decoder.takeDecodedAudio() { try encoder.encode(a) }
                    let chunks = encoder.takeEncodedChunks()
                    if !chunks.isEmpty { guard queue.push(.audio(chunks)) else { break reading } }
                }
            }
            if let decoder = videoDecoder {
                try decoder.flush()
                for f in decoder.takeDecodedFrames() { _ = queue.push(.frame(f)) }
            }
            if let decoder = audioDecoder, let encoder = audioEncoder {
                try decoder.flush()
                for a in decoder.takeDecodedAudio() { try encoder.encode(a) }
                try encoder.flush()
                _ = queue.push(.audio(encoder.takeEncodedChunks()))
            }
        } catch {
            decodeError = error
        }
        queue.close()
        encoderThread.join()
        var (summary, encodeError) = encodeResult.withLock { $0 }
        summary.cancelled = wasCancelled
        logger.info("transcode finished", metadata: ["input": "\(input)", "output": "\(output)", "video-frames": "\(summary.videoFrames)",
                                                    "audio-chunks": "\(summary.audioChunks)", "dropped": "\(summary.droppedFrames)",
                                                    "cancelled": "\(wasCancelled)"])
        // Finalize whatever happened, so the output stays playable.
        let finalizeError: MediaError?
        do throws(MediaError) { try muxer.finalize(); finalizeError = nil } catch { finalizeError = error }
        if let e = decodeError ?? encodeError ?? finalizeError { throw e.with(file: input) }
        return summary
    }
}

/// Moves a non-Sendable value to the one thread that will own it from then on.
final class UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
