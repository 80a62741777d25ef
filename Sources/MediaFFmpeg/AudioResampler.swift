internal import CFFmpeg
public import MediaCore

/// Converts audio between sample rates, channel counts and sample formats
/// (libswresample), mixing channels down or up with FFmpeg's default matrices.
///
/// Not thread-safe: use from one task at a time. A resampler holds a few
/// samples of latency; ``flush()`` returns them at the end of the stream.
/// Output timestamps count output samples from the first input's timestamp,
/// so they never drift.
public final class AudioResampler {
    public let outputFormat: SampleFormat
    public let outputSampleRate: Int
    public let outputChannels: Int
    let converter: SampleConverter
    private var startUs: Int64?
    private var samplesOut: Int64 = 0

    /// - Throws: `invalidArgument` for a rate outside 1...768000 or channels outside 1...255.
    public init(format: SampleFormat, sampleRate: Int, channels: Int) throws(MediaError) {
        guard sampleRate > 0, sampleRate <= 768_000 else {
            throw MediaError(.invalidArgument, operation: "create audio resampler", message: "sample rate \(sampleRate) is outside 1...768000")
        }
        guard channels > 0, channels <= AudioData.maxChannels else {
            throw MediaError(.invalidArgument, operation: "create audio resampler", message: "channel count \(channels) is outside 1...255")
        }
        outputFormat = format
        outputSampleRate = sampleRate
        outputChannels = channels
        converter = SampleConverter(format: format.avSampleFormat, sampleRate: sampleRate, channels: channels)
    }

    /// Converts `input`; the result may hold fewer or more samples than went in.
    public func convert(_ input: AudioData) throws(MediaError) -> AudioData {
        if startUs == nil { startUs = input.timestampUs }
        let out = try input.withPlanes { (planes) throws(MediaError) in
            try converter.convert(planes: planes, frames: input.frameCount, format: input.format.avSampleFormat,
                                  sampleRate: input.sampleRate, channels: input.channels)
        }
        return try wrap(out)
    }

    /// Returns the samples still held for the end of the stream, or nil if none.
    public func flush() throws(MediaError) -> AudioData? {
        let out = try converter.drain()
        guard out.frames > 0 else { return nil }
        return try wrap(out)
    }

    private func wrap(_ out: SampleConverter.Output) throws(MediaError) -> AudioData {
        let ts = MediaTime.add(startUs ?? 0, MediaTime.rescale(samplesOut, multiplier: 1_000_000, divisor: Int64(outputSampleRate)))
        samplesOut += Int64(out.frames)
        return try AudioData(bytes: out.planes.flatMap { $0 }, format: outputFormat, sampleRate: outputSampleRate,
                             channels: outputChannels, timestampUs: ts)
    }
}

extension AudioData {
    /// Plane pointers for libswresample, valid inside `body`.
    func withPlanes<R>(_ body: ([UnsafePointer<UInt8>?]) throws(MediaError) -> R) throws(MediaError) -> R {
        try buffer.withUnsafeBytes { (raw) throws(MediaError) in
            let planes: [UnsafePointer<UInt8>?] = buffer.planes.map {
                raw.baseAddress.map { $0.advanced(by: 0).assumingMemoryBound(to: UInt8.self) }?.advanced(by: $0.offset)
            }
            return try body(planes)
        }
    }
}

/// The libswresample core shared by ``AudioResampler``, encoders and decoders:
/// converts raw planes of any FFmpeg sample format into one fixed output.
final class SampleConverter {
    struct Output {
        /// One array per plane (one per channel when planar, else one).
        var planes: [[UInt8]]
        var frames: Int
    }

    let format: AVSampleFormat
    let sampleRate: Int
    let channels: Int
    private var swr: OpaquePointer?
    private var inputKey: [Int] = []

    init(format: AVSampleFormat, sampleRate: Int, channels: Int) {
        self.format = format
        self.sampleRate = sampleRate
        self.channels = channels
    }

    deinit { swr_free(&swr) }

    var isPlanar: Bool { av_sample_fmt_is_planar(format) != 0 }
    var bytesPerSample: Int { Int(av_get_bytes_per_sample(format)) }

    func convert(planes: [UnsafePointer<UInt8>?], frames: Int, format inFormat: AVSampleFormat,
                 sampleRate inRate: Int, channels inChannels: Int) throws(MediaError) -> Output {
        let key = [Int(inFormat.rawValue), inRate, inChannels]
        if swr == nil || key != inputKey {
            swr_free(&swr)
            guard let ctx = wm_swr_alloc(Int32(channels), format, Int32(sampleRate),
                                         Int32(inChannels), inFormat, Int32(inRate)) else {
                throw MediaError(.unsupported, operation: "create audio resampler",
                                 message: "cannot convert \(inChannels) ch \(sampleFormatName(inFormat)) at \(inRate) Hz")
            }
            let ret = swr_init(ctx)
            guard ret >= 0 else {
                var c: OpaquePointer? = ctx
                swr_free(&c)
                throw MediaError.libav(ret, operation: "create audio resampler",
                                       message: "cannot convert \(inChannels) ch \(sampleFormatName(inFormat)) at \(inRate) Hz to \(channels) ch \(sampleFormatName(format)) at \(sampleRate) Hz")
            }
            swr = ctx
            inputKey = key
        }
        var input = planes
        return try run(input: &input, frames: frames)
    }

    /// The samples still buffered inside the resampler.
    func drain() throws(MediaError) -> Output {
        guard swr != nil else { return Output(planes: [], frames: 0) }
        var none: [UnsafePointer<UInt8>?] = []
        return try run(input: &none, frames: 0)
    }

    private func run(input: inout [UnsafePointer<UInt8>?], frames: Int) throws(MediaError) -> Output {
        let capacity = Int(swr_get_out_samples(swr, Int32(frames))) + 32
        let planeCount = isPlanar ? channels : 1
        let planeBytes = capacity * bytesPerSample * (isPlanar ? 1 : channels)
        let holders = (0..<planeCount).map { _ in UnsafeMutableBufferPointer<UInt8>.allocate(capacity: planeBytes) }
        defer { holders.forEach { $0.deallocate() } }
        var outPointers: [UnsafeMutablePointer<UInt8>?] = holders.map(\.baseAddress)
        let produced: Int32
        if frames == 0 {
            produced = swr_convert(swr, &outPointers, Int32(capacity), nil, 0)
        } else {
            produced = swr_convert(swr, &outPointers, Int32(capacity), &input, Int32(frames))
        }
        guard produced >= 0 else { throw MediaError.libav(produced, operation: "resample audio") }
        let used = Int(produced) * bytesPerSample * (isPlanar ? 1 : channels)
        return Output(planes: holders.map { Array($0.prefix(used)) }, frames: Int(produced))
    }
}
