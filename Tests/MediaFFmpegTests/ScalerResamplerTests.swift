import Testing
import MediaCore
@testable import MediaFFmpeg
import MediaTestWatchdog

/// Mean absolute difference per channel (R, G, B, A) of two packed 4-byte frames of the same size.
private func meanAbsoluteError(_ a: VideoFrame, _ b: VideoFrame) -> [Double] {
    precondition(a.width == b.width && a.height == b.height && a.buffer.size == b.buffer.size)
    var sums = [Double](repeating: 0, count: 4)
    let pa = a.buffer.bytes, pb = b.buffer.bytes
    for i in 0..<pa.count { sums[i & 3] += Double(abs(Int(pa[i]) - Int(pb[i]))) }
    return sums.map { $0 / Double(a.width * a.height) }
}

/// Reads the 16-bit index of a ``TestPattern`` frame drawn at `scale` times its size
/// (blocks `16 * scale` pixels wide), from the luma plane or the RGB average.
private func frameIndex(in frame: VideoFrame, scale: Double) -> Int {
    let block = Double(TestPattern.blockSize) * scale
    var index = 0
    for bit in 0..<16 {
        let x = Int(Double(bit) * block + block / 2), y = Int(block / 2)
        let level: Int
        switch frame.format {
        case .yuv420p, .nv12:
            level = Int(frame.buffer.bytes[y * frame.buffer.planes[0].stride + x])
        case .rgba8888, .bgra8888:
            let o = y * frame.buffer.planes[0].stride + x * 4
            level = (Int(frame.buffer.bytes[o]) + Int(frame.buffer.bytes[o + 1]) + Int(frame.buffer.bytes[o + 2])) / 3
        }
        index = index << 1 | (level > 128 ? 1 : 0)
    }
    return index
}

@Suite("VideoScaler", .watchdog)
struct VideoScalerTests {
    /// Bound on the mean absolute error per channel after rgba -> yuv420p -> rgba at the
    /// same size. The pattern's chroma is constant over each 2x2 block, so 4:2:0 loses
    /// almost nothing; what remains is 8-bit rounding in both directions (about 1 level),
    /// bicubic chroma filtering across the pattern's sawtooth wraps, and out-of-gamut
    /// clipping. Measured about 1-2 levels; 4 leaves room without hiding a real fault
    /// (a swapped channel or wrong matrix gives tens of levels).
    static let roundTripBound = 4.0

    @Test(arguments: [PixelFormat.rgba8888, .bgra8888])
    func rgbToYUVAndBackStaysClose(format: PixelFormat) throws {
        let original = try TestPattern.videoFrame(index: 1234, width: 320, height: 240, format: format)
        let toYUV = try VideoScaler(format: .yuv420p, width: 320, height: 240)
        let toRGB = try VideoScaler(format: format, width: 320, height: 240)
        let yuv = try toYUV.scale(original)
        #expect(yuv.format == .yuv420p && yuv.width == 320 && yuv.height == 240)
        #expect(yuv.buffer.planes == PixelFormat.yuv420p.planes(width: 320, height: 240))
        #expect(yuv.timestampUs == original.timestampUs && yuv.durationUs == original.durationUs)
        let back = try toRGB.scale(yuv)
        #expect(back.format == format)
        let errors = meanAbsoluteError(original, back)
        for (channel, error) in zip(["c0", "G", "c2", "A"], errors) {
            #expect(error < Self.roundTripBound, "\(format) channel \(channel): mean absolute error \(error)")
        }
        #expect(TestPattern.frameIndex(in: back) == 1234)
        #expect(TestPattern.frameIndex(in: yuv) == 1234)
    }

    @Test func rgbToYUVMatchesTheYUVPattern() throws {
        // TestPattern draws its RGB frames as the BT.601 limited-range image of its YUV
        // frames, and the scaler uses the same matrix: the luma planes must agree.
        let rgba = try TestPattern.videoFrame(index: 77, width: 320, height: 240, format: .rgba8888)
        let reference = try TestPattern.videoFrame(index: 77, width: 320, height: 240, format: .yuv420p)
        let yuv = try VideoScaler(format: .yuv420p, width: 320, height: 240).scale(rgba)
        var sum = 0.0
        for (a, b) in zip(yuv.buffer.plane(0), reference.buffer.plane(0)) { sum += Double(abs(Int(a) - Int(b))) }
        let mean = sum / Double(320 * 240)
        #expect(mean < 2.5, "luma mean absolute error \(mean)")
    }

    @Test func sameFormatAndSizeIsReturnedUnchanged() throws {
        let frame = try TestPattern.videoFrame(index: 3, width: 64, height: 48, format: .nv12)
        #expect(try VideoScaler(format: .nv12, width: 64, height: 48).scale(frame) == frame)
    }

    @Test(arguments: PixelFormat.allCases)
    func downscaleKeepsTheIndexLegible(format: PixelFormat) throws {
        let scaler = try VideoScaler(format: format, width: 320, height: 240)
        let up = try VideoScaler(format: format, width: 640, height: 480)
        for index in [0, 1, 255, 4_660, 65_535] {
            let big = try TestPattern.videoFrame(index: index, width: 640, height: 480, format: format)
            let small = try scaler.scale(big)
            #expect(small.width == 320 && small.height == 240 && small.format == format)
            #expect(small.buffer.planes == format.planes(width: 320, height: 240))
            // The index blocks are now 8 px wide: read them at half scale.
            #expect(frameIndex(in: small, scale: 0.5) == index, "\(format) index \(index)")
            // Scaled back up, the stock reader finds the index again.
            #expect(TestPattern.frameIndex(in: try up.scale(small)) == index, "\(format) index \(index) after 2x up")
        }
    }

    @Test(arguments: [(PixelFormat.yuv420p, 321, 241), (.nv12, 33, 17), (.rgba8888, 1, 1), (.bgra8888, 333, 7),
                      (.yuv420p, 1, 1), (.nv12, 7, 3), (.yuv420p, 7, 5), (.yuv420p, 641, 479)])
    func oddOutputSizes(format: PixelFormat, width: Int, height: Int) throws {
        let source = try TestPattern.videoFrame(index: 9, width: 640, height: 480, format: .rgba8888)
        let out = try VideoScaler(format: format, width: width, height: height).scale(source)
        #expect(out.width == width && out.height == height && out.format == format)
        #expect(out.buffer.planes == format.planes(width: width, height: height))
        #expect(out.buffer.size == format.byteCount(width: width, height: height))
        // The picture's average brightness survives the resize (a size or stride
        // mistake leaves rows of zeros or garbage).
        let inputMean = Self.meanLevel(try VideoScaler(format: format, width: 640, height: 480).scale(source))
        let outputMean = Self.meanLevel(out)
        if width > 8 && height > 8 {
            #expect(abs(inputMean - outputMean) < 6, "\(format) \(width)x\(height): mean \(outputMean) vs \(inputMean)")
        }
        // Chroma planes of 4:2:0 output are filled too (not left at zero).
        if format.isSubsampled420 {
            let chroma = out.buffer.planes.dropFirst().flatMap { Array(out.buffer.bytes[$0.offset..<($0.offset + $0.byteCount)]) }
            #expect(chroma.allSatisfy { $0 >= 16 && $0 <= 240 }, "\(format) \(width)x\(height) chroma out of range")
        }
    }

    /// 4:2:0 outputs narrower than 7 pixels and at least 3 rows tall: libswscale writes
    /// each chroma row at least 4 samples wide, 2 to 12 bytes past the end of the tight
    /// buffer VideoScaler hands it, which corrupts the heap (glibc aborts with
    /// "double free or corruption" or "corrupted size vs. prev_size") without the slack
    /// MediaBuffer allocates past the end.
    @Test(arguments: [(PixelFormat.nv12, 3, 3), (.nv12, 1, 5), (.nv12, 6, 4), (.yuv420p, 5, 3), (.yuv420p, 2, 9)])
    func tinyYUVOutputsStayInsideTheirBuffer(format: PixelFormat, width: Int, height: Int) throws {
        let source = try TestPattern.videoFrame(index: 9, width: 640, height: 480, format: .rgba8888)
        let scaler = try VideoScaler(format: format, width: width, height: height)
        for _ in 0..<20 {   // repeated so a heap overrun is caught by the allocator
            let out = try scaler.scale(source)
            #expect(out.buffer.size == format.byteCount(width: width, height: height))
            let chroma = out.buffer.planes.dropFirst().flatMap { Array(out.buffer.bytes[$0.offset..<($0.offset + $0.byteCount)]) }
            #expect(chroma.allSatisfy { $0 >= 16 && $0 <= 240 })
        }
    }

    @Test func oddInputSizesConvert() throws {
        let source = try TestPattern.videoFrame(index: 5, width: 257, height: 19, format: .yuv420p)
        let rgba = try VideoScaler(format: .rgba8888, width: 257, height: 19).scale(source)
        #expect(TestPattern.frameIndex(in: rgba) == 5)
        let nv12 = try VideoScaler(format: .nv12, width: 257, height: 19).scale(rgba)
        #expect(TestPattern.frameIndex(in: nv12) == 5)
        #expect(nv12.buffer.size == PixelFormat.nv12.byteCount(width: 257, height: 19))
    }

    @Test func oneScalerHandlesChangingInputs() throws {
        let scaler = try VideoScaler(format: .yuv420p, width: 320, height: 240)
        for (w, h, f) in [(640, 480, PixelFormat.rgba8888), (320, 240, .nv12), (1280, 720, .bgra8888), (640, 480, .rgba8888)] {
            let out = try scaler.scale(try TestPattern.videoFrame(index: w, width: w, height: h, format: f))
            #expect(out.width == 320 && out.height == 240)
            #expect(frameIndex(in: out, scale: 320.0 / Double(w)) == w, "from \(f) \(w)x\(h)")
        }
    }

    @Test(arguments: [(0, 240), (320, 0), (-2, 240), (320, -1), (16_385, 16), (16, 16_385), (Int.min, 1)])
    func badOutputSizesThrowInvalidArgument(width: Int, height: Int) throws {
        let error = try #require(throws: MediaError.self) {
            try VideoScaler(format: .yuv420p, width: width, height: height)
        }
        #expect(error.code == .invalidArgument)
        #expect(error.description.contains("\(width)x\(height)"), "\(error)")
    }

    @Test func largestOutputSizeIsAccepted() throws {
        let scaler = try VideoScaler(format: .yuv420p, width: 16_384, height: 2)
        #expect(scaler.outputWidth == 16_384 && scaler.outputHeight == 2)
    }

    static func meanLevel(_ f: VideoFrame) -> Double {
        switch f.format {
        case .yuv420p, .nv12:
            let p = f.buffer.plane(0)
            return Double(p.reduce(0) { $0 + Int($1) }) / Double(p.count)
        case .rgba8888, .bgra8888:
            var sum = 0
            for (i, b) in f.buffer.bytes.enumerated() where i & 3 != 3 { sum += Int(b) }
            return Double(sum) / Double(f.width * f.height * 3)
        }
    }
}

@Suite("AudioResampler", .watchdog)
struct AudioResamplerTests {
    /// Runs `input` through `resampler` chunk by chunk and flushes; returns every output.
    static func run(_ resampler: AudioResampler, _ inputs: [AudioData]) throws -> [AudioData] {
        var out: [AudioData] = []
        for a in inputs { out.append(try resampler.convert(a)) }
        if let tail = try resampler.flush() { out.append(tail) }
        return out
    }

    /// One second of a tone at `rate`, in chunks of `chunk` samples.
    static func tone(_ frequency: Double, rate: Int, channels: Int, seconds: Double = 1, chunk: Int = 1000,
                     startUs: Int64 = 0, format: SampleFormat = .f32Planar) throws -> [AudioData] {
        let total = Int(Double(rate) * seconds)
        var chunks: [AudioData] = []
        var start = 0
        while start < total {
            let n = min(chunk, total - start)
            var a = try TestPattern.tone(frequency: frequency, sampleRate: rate, channels: channels, startSample: start, frameCount: n, format: format)
            a.timestampUs += startUs
            chunks.append(a)
            start += n
        }
        return chunks
    }

    /// Frequency from sign changes between the first and the last one.
    static func measuredFrequency(_ samples: [Float], rate: Int) -> Double {
        var crossings: [Int] = []
        for i in 1..<samples.count where (samples[i - 1] < 0) != (samples[i] < 0) { crossings.append(i) }
        guard let first = crossings.first, let last = crossings.last, crossings.count > 2 else { return 0 }
        let halfPeriods = Double(crossings.count - 1)
        return halfPeriods / 2 / (Double(last - first) / Double(rate))
    }

    @Test func resample44100StereoTo48000MonoS16() throws {
        let resampler = try AudioResampler(format: .s16Interleaved, sampleRate: 48_000, channels: 1)
        #expect(resampler.outputFormat == .s16Interleaved && resampler.outputSampleRate == 48_000 && resampler.outputChannels == 1)
        let input = try Self.tone(440, rate: 44_100, channels: 2, seconds: 1, chunk: 1024)
        let inputFrames = input.reduce(0) { $0 + $1.frameCount }
        #expect(inputFrames == 44_100)
        let out = try Self.run(resampler, input)
        for a in out {
            #expect(a.format == .s16Interleaved && a.sampleRate == 48_000 && a.channels == 1)
            #expect(a.buffer.planes == SampleFormat.s16Interleaved.planes(channels: 1, frames: a.frameCount))
        }
        let total = out.reduce(0) { $0 + $1.frameCount }
        // Exact ratio: 44 100 * 48 000 / 44 100 = 48 000 samples.
        #expect(abs(total - 48_000) <= 4, "produced \(total) samples")
        let mono = out.flatMap { $0.samples(channel: 0) }
        // The stereo channels are a quarter turn apart; their mix is still a 440 Hz tone.
        let frequency = Self.measuredFrequency(Array(mono[100..<(mono.count - 100)]), rate: 48_000)
        #expect(abs(frequency - 440) < 1, "measured \(frequency) Hz")
        #expect((mono.map { abs($0) }.max() ?? 0) > 0.2)
    }

    @Test func outputTimestampsAreContinuous() throws {
        let resampler = try AudioResampler(format: .s16Interleaved, sampleRate: 48_000, channels: 1)
        let start: Int64 = 5_000_000
        // Uneven chunks so outputs have varied lengths.
        var inputs: [AudioData] = []
        var sample = 0
        for n in [1, 441, 1000, 7, 2048, 333, 4410, 999, 10_000] {
            var a = try TestPattern.tone(frequency: 440, sampleRate: 44_100, channels: 2, startSample: sample, frameCount: n)
            a.timestampUs += start
            inputs.append(a)
            sample += n
        }
        let out = try Self.run(resampler, inputs)
        #expect(out.first?.timestampUs == start)
        for (previous, next) in zip(out, out.dropFirst()) {
            let expected = previous.timestampUs + previous.durationUs
            #expect(abs(next.timestampUs - expected) <= 1,
                    "output at \(next.timestampUs) µs; previous \(previous.timestampUs) µs + \(previous.durationUs) µs")
        }
        // And they do not drift: the last output starts where its sample count says.
        let before = out.dropLast().reduce(0) { $0 + $1.frameCount }
        if let last = out.last {
            #expect(last.timestampUs == start + MediaTime.rescale(Int64(before), multiplier: 1_000_000, divisor: 48_000))
        }
    }

    @Test func planarFloatToInterleavedS16AndBack() throws {
        // Same rate and channel count: only the sample format changes.
        var left = try TestPattern.tone(frequency: 997, sampleRate: 48_000, channels: 2, startSample: 0, frameCount: 4_800).samples(channel: 0)
        var right = try TestPattern.tone(frequency: 997, sampleRate: 48_000, channels: 2, startSample: 0, frameCount: 4_800).samples(channel: 1)
        // Edges of the range, including full scale (which s16 clips to 32767/32768).
        left += [-1, -0.5, 0, 0.25, 0.999, 1, 1.0 / 32_768, -1.0 / 32_768]
        right += [1, 0.5, -0, -0.25, -0.999, -1, 0.75, 0.125]
        let planar = try AudioData(planar: [left, right], sampleRate: 48_000, timestampUs: 42)
        let toS16 = try AudioResampler(format: .s16Interleaved, sampleRate: 48_000, channels: 2)
        let toF32 = try AudioResampler(format: .f32Planar, sampleRate: 48_000, channels: 2)
        let s16 = try Self.run(toS16, [planar])
        #expect(s16.reduce(0) { $0 + $1.frameCount } == left.count)
        #expect(s16.allSatisfy { $0.format == .s16Interleaved && $0.buffer.planes.count == 1 })
        #expect(s16.first?.timestampUs == 42)
        let back = try Self.run(toF32, s16)
        #expect(back.allSatisfy { $0.format == .f32Planar && $0.buffer.planes.count == 2 })
        let l = back.flatMap { $0.samples(channel: 0) }, r = back.flatMap { $0.samples(channel: 1) }
        #expect(l.count == left.count && r.count == right.count)
        let bound: Float = 1.0 / 32_768 + 1e-6
        var worst: Float = 0
        for (a, b) in zip(l, left) { worst = max(worst, abs(a - b)) }
        for (a, b) in zip(r, right) { worst = max(worst, abs(a - b)) }
        #expect(worst <= bound, "largest error \(worst), bound \(bound)")
        // s16 samples read directly agree too.
        let direct = s16.flatMap { $0.samples(channel: 1) }
        for (a, b) in zip(direct, right) { #expect(abs(a - b) <= bound) }
    }

    @Test func upmixMonoToStereoAndDownsample() throws {
        let resampler = try AudioResampler(format: .f32Planar, sampleRate: 16_000, channels: 2)
        let input = try Self.tone(440, rate: 48_000, channels: 1, seconds: 0.5, chunk: 960, format: .s16Interleaved)
        let out = try Self.run(resampler, input)
        let total = out.reduce(0) { $0 + $1.frameCount }
        #expect(abs(total - 8_000) <= 4, "produced \(total)")
        let l = out.flatMap { $0.samples(channel: 0) }, r = out.flatMap { $0.samples(channel: 1) }
        #expect(l == r)   // mono copied to both channels
        let frequency = Self.measuredFrequency(Array(l[50..<(l.count - 50)]), rate: 16_000)
        #expect(abs(frequency - 440) < 1.5, "measured \(frequency) Hz")
    }

    @Test func flushWithoutInputReturnsNil() throws {
        let resampler = try AudioResampler(format: .s16Interleaved, sampleRate: 48_000, channels: 2)
        #expect(try resampler.flush() == nil)
    }

    @Test(arguments: [(0, 2), (-1, 2), (768_001, 2), (48_000, 0), (48_000, 256), (48_000, -3)])
    func badConfigurationThrowsInvalidArgument(rate: Int, channels: Int) throws {
        let error = try #require(throws: MediaError.self) {
            try AudioResampler(format: .f32Planar, sampleRate: rate, channels: channels)
        }
        #expect(error.code == .invalidArgument)
        #expect(error.description.contains(rate <= 0 || rate > 768_000 ? "sample rate \(rate)" : "channel count \(channels)"), "\(error)")
    }
}
