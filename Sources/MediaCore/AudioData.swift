/// A run of uncompressed audio samples (`wasi:media/types.audio-data`).
///
/// `f32-planar` holds one plane per channel; `s16-interleaved` one plane
/// with the channels interleaved.
public struct AudioData: Sendable, Equatable {
    public var buffer: MediaBuffer
    public let format: SampleFormat
    /// Samples per second per channel.
    public let sampleRate: Int
    public let channels: Int
    /// Samples per channel in this run.
    public let frameCount: Int
    /// Presentation timestamp of the first sample in microseconds.
    public var timestampUs: Int64

    /// Largest channel count accepted (the WIT type is a `u8`).
    public static let maxChannels = 255

    /// Silence.
    public init(format: SampleFormat, sampleRate: Int, channels: Int, frameCount: Int,
                timestampUs: Int64) throws(MediaError) {
        try Self.validate(sampleRate: sampleRate, channels: channels, frameCount: frameCount)
        self.format = format
        self.sampleRate = sampleRate
        self.channels = channels
        self.frameCount = frameCount
        self.timestampUs = timestampUs
        let planes = format.planes(channels: channels, frames: frameCount)
        self.buffer = MediaBuffer(count: frameCount * channels * format.bytesPerSample, planes: planes)
    }

    /// Wraps bytes already in the layout of `format`; throws on a size mismatch.
    public init(bytes: [UInt8], format: SampleFormat, sampleRate: Int, channels: Int,
                timestampUs: Int64) throws(MediaError) {
        guard channels > 0, bytes.count % (channels * format.bytesPerSample) == 0 else {
            throw MediaError(.invalidArgument, operation: "create audio data",
                             message: "\(bytes.count) bytes is not a whole number of \(channels)-channel \(format.witName) samples")
        }
        let frames = bytes.count / (channels * format.bytesPerSample)
        try Self.validate(sampleRate: sampleRate, channels: channels, frameCount: frames)
        self.format = format
        self.sampleRate = sampleRate
        self.channels = channels
        self.frameCount = frames
        self.timestampUs = timestampUs
        self.buffer = MediaBuffer(bytes: bytes, planes: format.planes(channels: channels, frames: frames))!
    }

    /// Float samples: `samples[channel][frame]`, all channels the same length.
    public init(planar samples: [[Float]], sampleRate: Int, timestampUs: Int64) throws(MediaError) {
        let frames = samples.first?.count ?? 0
        guard samples.allSatisfy({ $0.count == frames }) else {
            throw MediaError(.invalidArgument, operation: "create audio data", message: "channels differ in length")
        }
        try self.init(format: .f32Planar, sampleRate: sampleRate, channels: samples.count,
                      frameCount: frames, timestampUs: timestampUs)
        buffer.withUnsafeMutableBytes { raw in
            for (c, channel) in samples.enumerated() {
                channel.withUnsafeBytes { src in
                    raw.baseAddress!.advanced(by: c * frames * 4).copyMemory(from: src.baseAddress!, byteCount: frames * 4)
                }
            }
        }
    }

    /// Duration in microseconds, rounded down.
    public var durationUs: Int64 { Int64(frameCount) * 1_000_000 / Int64(sampleRate) }

    /// The samples of `channel` as floats in [-1, 1], whatever the format.
    /// - Precondition: `0 <= channel < channels`.
    public func samples(channel: Int) -> [Float] {
        precondition(channel >= 0 && channel < channels, "channel \(channel) of \(channels)")
        return buffer.withUnsafeBytes { raw in
            switch format {
            case .f32Planar:
                let base = raw.baseAddress!.advanced(by: channel * frameCount * 4)
                return Array(UnsafeBufferPointer(start: base.assumingMemoryBound(to: Float.self), count: frameCount))
            case .s16Interleaved:
                let s = raw.bindMemory(to: Int16.self)
                return (0..<frameCount).map { Float(s[$0 * channels + channel]) / 32768 }
            }
        }
    }

    static func validate(sampleRate: Int, channels: Int, frameCount: Int) throws(MediaError) {
        guard sampleRate > 0, sampleRate <= 768_000 else {
            throw MediaError(.invalidArgument, operation: "create audio data", message: "sample rate \(sampleRate) is outside 1...768000")
        }
        guard channels > 0, channels <= maxChannels else {
            throw MediaError(.invalidArgument, operation: "create audio data", message: "channel count \(channels) is outside 1...\(maxChannels)")
        }
        guard frameCount >= 0 else {
            throw MediaError(.invalidArgument, operation: "create audio data", message: "negative frame count")
        }
    }
}
