internal import CFFmpeg
public import MediaCore

/// Decompresses audio chunks (`wasi:media/codec.audio-decoder`).
///
/// Output is `f32-planar` or `s16-interleaved` as decoded; other decoded
/// formats are converted to `f32-planar` at the same rate and channel count.
/// ``flush()`` drains the codec and leaves it ready for new input. Not thread-safe.
public final class AudioDecoder {
    public let parameters: CodecParameters
    public let implementationName: String
    /// Audio before this timestamp is decoded but not returned (see ``VideoDecoder/discardBeforeUs``).
    public var discardBeforeUs: Int64?

    private let session: DecoderSession
    private var converter: SampleConverter?
    private var pending: [AudioData] = []

    /// A decoder for one of the WIT codecs with no out-of-band configuration.
    /// AAC then needs ADTS framing; Opus defaults to stereo 48 kHz.
    public convenience init(codec: AudioCodec) throws(MediaError) {
        let defaults = codec == .opus ? (48_000, 2) : (0, 0)
        try self.init(parameters: CodecParameters(kind: .audio, codecName: codec.witName,
                                                  sampleRate: defaults.0, channels: defaults.1))
    }

    /// - Parameter threadCount: the most decoding threads; 0 (the default) lets FFmpeg pick.
    public init(parameters: CodecParameters, threadCount: Int = 0) throws(MediaError) {
        guard parameters.kind == .audio else {
            throw MediaError(.invalidArgument, operation: "open audio decoder",
                             message: "codec '\(parameters.codecName)' is \(parameters.kind.rawValue), not audio", codec: parameters.codecName)
        }
        session = try DecoderSession(parameters, kind: "audio", threadCount: threadCount)
        self.parameters = parameters
        implementationName = session.implementationName
    }

    /// Submits one chunk.
    /// - Throws: `invalidData` when the stream is corrupt at or before this
    ///   chunk; the chunk is taken regardless and the decoder stays usable.
    public func decode(_ chunk: EncodedChunk) throws(MediaError) {
        try session.submit(chunk, onFrame: collect)
    }

    /// Bytes of the audio waiting for ``takeDecodedAudio()``.
    public var pendingAudioBytes: Int { pending.reduce(0) { $0 + $1.buffer.size } }

    /// The audio decoded so far, in order; empties the queue (WIT `get-decoded-audio`).
    public func takeDecodedAudio() -> [AudioData] {
        defer { pending.removeAll(keepingCapacity: true) }
        return pending
    }

    /// Drains the codec, then resets it for new input.
    public func flush() throws(MediaError) {
        try session.drain(onFrame: collect)
    }

    /// Forgets everything queued or inside the codec (after a seek), without output.
    public func reset() {
        session.reset()
        pending.removeAll()
    }

    private func collect(_ f: UnsafeMutablePointer<AVFrame>, _ ts: Int64) throws(MediaError) {
        let end = MediaTime.add(ts, MediaTime.rescale(Int64(f.pointee.nb_samples), multiplier: 1_000_000, divisor: Int64(max(1, f.pointee.sample_rate))))
        if let threshold = discardBeforeUs, end <= threshold { return }
        pending.append(try convert(f, timestampUs: ts))
    }

    private func convert(_ f: UnsafeMutablePointer<AVFrame>, timestampUs: Int64) throws(MediaError) -> AudioData {
        let format = AVSampleFormat(rawValue: f.pointee.format)
        let channels = Int(wm_frame_channels(f)), rate = Int(f.pointee.sample_rate), frames = Int(f.pointee.nb_samples)
        let planes = wm_frame_extended_data(f)!
        switch format {
        case AV_SAMPLE_FMT_FLTP:
            var bytes = [UInt8]()
            bytes.reserveCapacity(frames * channels * 4)
            for c in 0..<channels { bytes.append(contentsOf: UnsafeBufferPointer(start: planes[c], count: frames * 4)) }
            return try AudioData(bytes: bytes, format: .f32Planar, sampleRate: rate, channels: channels, timestampUs: timestampUs)
        case AV_SAMPLE_FMT_S16:
            let bytes = Array(UnsafeBufferPointer(start: planes[0], count: frames * channels * 2))
            return try AudioData(bytes: bytes, format: .s16Interleaved, sampleRate: rate, channels: channels, timestampUs: timestampUs)
        default:
            if converter == nil || converter!.sampleRate != rate || converter!.channels != channels {
                converter = SampleConverter(format: AV_SAMPLE_FMT_FLTP, sampleRate: rate, channels: channels)
            }
            let count = av_sample_fmt_is_planar(format) != 0 ? channels : 1
            let input = (0..<count).map { UnsafePointer(planes[$0]) }
            let out = try converter!.convert(planes: input, frames: frames, format: format, sampleRate: rate, channels: channels)
            return try AudioData(bytes: out.planes.flatMap { $0 }, format: .f32Planar, sampleRate: rate,
                                 channels: channels, timestampUs: timestampUs)
        }
    }
}
