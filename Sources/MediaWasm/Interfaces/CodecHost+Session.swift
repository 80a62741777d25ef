internal import MediaCore
internal import MediaFFmpeg

extension CodecHost {
    /// A codec a guest owns, with what it costs the instance's ``HostBudget``:
    /// its working memory (estimated before it opened, holding one of the
    /// instance's live-codec slots) and its output queue (checked before
    /// every call that may fill it, measured after it). Dropping the session
    /// closes the codec and releases both.
    ///
    /// Confined to the instance (not `Sendable`).
    final class Session<Codec: AnyObject> {
        let codec: Codec
        let working: HostCharge
        /// Output waiting for the guest to take it.
        let queue: HostCharge
        /// Bytes one call may add to the queue, unless the call says otherwise.
        let stepBytes: Int
        /// What the guest can do when the queue is full ("take the decoded frames first").
        let queueAdvice: String
        private let pendingBytes: (Codec) -> Int

        init(_ codec: Codec, working: HostCharge, queue: HostCharge, stepBytes: Int, queueAdvice: String,
             pendingBytes: @escaping (Codec) -> Int) {
            self.codec = codec
            self.working = working
            self.queue = queue
            self.stepBytes = stepBytes
            self.queueAdvice = queueAdvice
            self.pendingBytes = pendingBytes
        }

        /// Charges the queue for what it holds now.
        func settle() { queue.set(pendingBytes(codec)) }

        /// Runs `body` on the codec once the budget has room for `bytes` more
        /// (one step by default) and for `input`, the bytes of the frame,
        /// audio or chunk the host holds while the codec works on it; then
        /// charges the queue as `body` left it, whether it succeeded or not.
        func grow<T>(by operation: String, bytes: Int? = nil, input: Int = 0, _ body: (Codec) throws -> T) throws -> T {
            let (total, overflow) = (bytes ?? stepBytes).addingReportingOverflow(input)
            try queue.check(growingBy: overflow ? .max : total, by: operation,
                            for: input > 0 ? "\(queue.purpose), and the input held while the codec works on it" : nil,
                            advice: queueAdvice)
            defer { settle() }
            return try body(codec)
        }

        /// Hands the queue's contents to the guest (`take`), releasing their charge.
        func drain<T>(_ take: (Codec) -> T) -> T {
            defer { settle() }
            return take(codec)
        }
    }

    typealias VideoEncoderSession = Session<MediaFFmpeg.VideoEncoder>
    typealias VideoDecoderSession = Session<MediaFFmpeg.VideoDecoder>
    typealias AudioEncoderSession = Session<MediaFFmpeg.AudioEncoder>
    typealias AudioDecoderSession = Session<MediaFFmpeg.AudioDecoder>

    /// FFmpeg threads for a codec a guest owns (``HostBudget/codecThreads``).
    static var threads: Int { HostBudget.codecThreads }

    // MARK: - Opening within the budget

    /// The charge for a video encoder of `config`, before anything opens.
    static func chargeVideoEncoder(_ config: VideoEncoderConfig, call: borrowing HostCall) throws(HostBudgetRefusal) -> HostCharge {
        try call.instance.hostBudget.charge(HostCosts.videoEncoder(config, threads: threads),
                                            for: HostCosts.describe(config, threads: threads), by: call.name.field,
                                            owner: .codec, advice: "drop a codec, or ask for a smaller size")
    }

    static func videoEncoderSession(_ encoder: MediaFFmpeg.VideoEncoder, working: HostCharge,
                                    budget: HostBudget) -> VideoEncoderSession {
        let config = encoder.config
        return Session(encoder, working: working, queue: budget.hold(0, for: "encoded chunks waiting for get-encoded-chunks"),
                       stepBytes: VideoFrame.byteCountOrMax(.yuv420p, width: config.width, height: config.height),
                       queueAdvice: "take the encoded chunks (get-encoded-chunks) first") { $0.pendingChunkBytes }
    }

    /// The size a video decoder for `config` is budgeted for.
    static func decoderSize(_ config: GuestVideoDecoderConfig) -> (width: Int, height: Int, declared: Bool) {
        if let width = config.codedWidth, let height = config.codedHeight, width > 0, height > 0 {
            return (Int(width), Int(height), true)
        }
        return (HostCosts.undeclaredDecoderSize.width, HostCosts.undeclaredDecoderSize.height, false)
    }

    /// Opens a video decoder for `config` inside the budget: refused (a
    /// trap) when its estimate does not fit; frames larger than the size it
    /// was budgeted for do not decode.
    static func openVideoDecoder(_ config: GuestVideoDecoderConfig, call: borrowing HostCall) throws -> VideoDecoderSession {
        let size = decoderSize(config)
        guard size.width <= VideoFrame.maxDimension, size.height <= VideoFrame.maxDimension else {
            throw HostRefusal("a \(config.codec.rawValue) decoder for \(size.width)x\(size.height) frames: the largest is \(VideoFrame.maxDimension)x\(VideoFrame.maxDimension)")
        }
        let budget = call.instance.hostBudget
        let what = "a decoder for \(config.codec.rawValue) frames up to \(size.width)x\(size.height)"
            + (size.declared ? "" : " (the size assumed when coded-width and coded-height are not given)")
            + " (estimated as \(HostCosts.videoDecoderFrames(threads: threads)) frames: references and \(threads) threads)"
        let working = try budget.charge(HostCosts.videoDecoder(width: size.width, height: size.height, threads: threads),
                                        for: what, by: call.name.field, owner: .codec,
                                        advice: "drop a codec, or declare a smaller coded size")
        let decoder: MediaFFmpeg.VideoDecoder
        do {
            decoder = try MediaFFmpeg.VideoDecoder(parameters: config.parameters, outputFormat: config.outputFormat, threadCount: threads,
                                                   maxPixels: HostCosts.decoderMaxPixels(width: size.width, height: size.height))
        } catch {
            throw HostRefusal("a \(config.codec.rawValue) decoder does not open here: \(error)")
        }
        return Session(decoder, working: working, queue: budget.hold(0, for: "decoded frames waiting for get-decoded-frames"),
                       stepBytes: HostCosts.decodedFrameBytes(width: size.width, height: size.height, format: config.outputFormat),
                       queueAdvice: "take the decoded frames (get-decoded-frames) and drop their media-buffers first") { $0.pendingFrameBytes }
    }

    static func audioEncoderSession(_ encoder: MediaFFmpeg.AudioEncoder, working: HostCharge,
                                    budget: HostBudget) -> AudioEncoderSession {
        Session(encoder, working: working, queue: budget.hold(0, for: "encoded chunks waiting for get-encoded-chunks"),
                stepBytes: HostCosts.decodedAudioBytes(channels: encoder.config.channels),
                queueAdvice: "take the encoded chunks (get-encoded-chunks) first") { $0.pendingChunkBytes }
    }

    /// What encoding `audio` may add: its samples resampled to the encoder's
    /// rate and channels (the resampler's output is copied twice, then
    /// queued in the codec's FIFO), plus one step of chunks.
    static func audioEncodeBytes(_ audio: AudioData, _ session: AudioEncoderSession) -> Int {
        let config = session.codec.config
        let frames = HostCosts.resampledFrames(audio.frameCount, from: audio.sampleRate, to: config.sampleRate)
        let samples = HostCosts.sampleBytes(frames: frames, channels: config.channels)
        let (copies, overflow) = samples.multipliedReportingOverflow(by: 3)
        return overflow || copies > Int.max - session.stepBytes ? .max : copies + session.stepBytes
    }

    static func openAudioDecoder(_ config: GuestAudioDecoderConfig, call: borrowing HostCall) throws -> AudioDecoderSession {
        let budget = call.instance.hostBudget
        let working = try budget.charge(HostCosts.audioDecoder, for: "a decoder for \(config.codec.rawValue)", by: call.name.field,
                                        owner: .codec, advice: "drop a codec first")
        let decoder: MediaFFmpeg.AudioDecoder
        do { decoder = try MediaFFmpeg.AudioDecoder(parameters: config.parameters, threadCount: threads) } catch {
            throw HostRefusal("a \(config.codec.rawValue) decoder does not open here: \(error)")
        }
        return Session(decoder, working: working, queue: budget.hold(0, for: "decoded audio waiting for get-decoded-audio"),
                       stepBytes: HostCosts.decodedAudioBytes(channels: Int(config.channels)),
                       queueAdvice: "take the decoded audio (get-decoded-audio) and drop its media-buffers first") { $0.pendingAudioBytes }
    }
}

extension VideoFrame {
    /// The bytes of a frame of `format`, or `Int.max` for a size no frame has.
    static func byteCountOrMax(_ format: PixelFormat, width: Int, height: Int) -> Int {
        guard (1...maxDimension).contains(width), (1...maxDimension).contains(height) else { return .max }
        return format.byteCount(width: width, height: height)
    }
}
