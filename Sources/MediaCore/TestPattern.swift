/// Deterministic synthetic video: a moving gradient and box, with the frame
/// index drawn as 16 large black/white blocks along the top edge so it
/// survives lossy compression (``frameIndex(in:)`` reads it back).
///
/// Used for embedded defaults, fixtures and benchmarks: the same index
/// always gives the same pixels.
public enum TestPattern {
    /// Width of one index block in pixels; the code needs a frame at least
    /// `16 * blockSize` wide and `blockSize` tall.
    public static let blockSize = 16

    /// Frame `index` of a `width` x `height` stream at `frameRate` fps.
    /// `monochrome` keeps the same luma with neutral chroma: gray pixels
    /// (R = G = B in RGB formats).
    /// `pattern` picks the picture: ``VideoPattern/index`` (the default) is
    /// the one described above; the others are GStreamer's `videotestsrc`
    /// patterns of the same name.
    public static func videoFrame(index: Int, width: Int, height: Int, frameRate: Rational = Rational(30, 1),
                                  format: PixelFormat = .yuv420p, monochrome: Bool = false,
                                  pattern: VideoPattern = .index) throws(MediaError) -> VideoFrame {
        let ts = MediaTime.rescale(Int64(index) * frameRate.den, multiplier: 1_000_000, divisor: frameRate.num)
        let duration = MediaTime.rescale(frameRate.den, multiplier: 1_000_000, divisor: frameRate.num)
        if pattern != .index {
            return try patternFrame(pattern, index: index, width: width, height: height, timestampUs: ts, durationUs: duration,
                                    format: format, monochrome: monochrome)
        }
        return try VideoFrame(format: format, width: width, height: height, timestampUs: ts, durationUs: duration) { (raw, planes) throws(MediaError) in
            let base = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let boxX = (index * 4) % max(1, width), boxY = height / 3
            let boxSize = max(8, min(width, height) / 6)
            func luma(_ x: Int, _ y: Int) -> UInt8 {
                if y < blockSize && x < 16 * blockSize {
                    return (index >> (15 - x / blockSize)) & 1 == 1 ? 235 : 16
                }
                if x >= boxX && x < boxX + boxSize && y >= boxY && y < boxY + boxSize { return 200 }
                return UInt8(truncatingIfNeeded: 40 + ((x + y + index * 2) & 0x7F))
            }
            func chroma(_ x: Int, _ y: Int) -> (UInt8, UInt8) {
                if monochrome { return (128, 128) }
                return (UInt8(truncatingIfNeeded: 128 + ((x * 2 + index) & 0x3F) - 32), UInt8(truncatingIfNeeded: 128 + ((y * 2) & 0x3F) - 32))
            }
            switch format {
            case .yuv420p, .nv12:
                let yPlane = planes[0]
                for y in 0..<height {
                    let row = base + yPlane.offset + y * yPlane.stride
                    for x in 0..<width { row[x] = luma(x, y) }
                }
                let cw = (width + 1) / 2, ch = (height + 1) / 2
                for y in 0..<ch {
                    for x in 0..<cw {
                        let (u, v) = chroma(x * 2, y * 2)
                        storeChroma(u, v, x: x, y: y, format: format, planes: planes, base: base)
                    }
                }
            case .rgba8888, .bgra8888:
                let p = planes[0]
                for y in 0..<height {
                    let row = base + p.offset + y * p.stride
                    for x in 0..<width {
                        // BT.601 limited-range YUV to RGB, so both paths show the same picture.
                        let yy = Double(luma(x, y)) - 16
                        let (u8, v8) = chroma(x & ~1, y & ~1)
                        let u = Double(u8) - 128, v = Double(v8) - 128
                        let r = clamp(1.164 * yy + 1.596 * v)
                        let g = clamp(1.164 * yy - 0.392 * u - 0.813 * v)
                        let b = clamp(1.164 * yy + 2.017 * u)
                        let o = x * 4
                        row[o] = format == .rgba8888 ? r : b
                        row[o + 1] = g
                        row[o + 2] = format == .rgba8888 ? b : r
                        row[o + 3] = 255
                    }
                }
            }
        }
    }

    private static func clamp(_ v: Double) -> UInt8 { UInt8(max(0, min(255, v.rounded()))) }

    /// Reads back the index drawn by ``videoFrame(index:width:height:frameRate:format:)``,
    /// from a frame in any format (after any codec that keeps the blocks legible).
    public static func frameIndex(in frame: VideoFrame) -> Int {
        var index = 0
        for bit in 0..<16 {
            let x = bit * blockSize + blockSize / 2, y = blockSize / 2
            let level: Int = frame.buffer.withUnsafeBytes { raw in
                switch frame.format {
                case .yuv420p, .nv12:
                    return Int(raw[y * frame.buffer.planes[0].stride + x])
                case .rgba8888, .bgra8888:
                    let o = y * frame.buffer.planes[0].stride + x * 4
                    return (Int(raw[o]) + Int(raw[o + 1]) + Int(raw[o + 2])) / 3
                }
            }
            index = index << 1 | (level > 128 ? 1 : 0)
        }
        return index
    }

    /// `frameCount` samples per channel of a sine tone at `frequency` Hz,
    /// amplitude `volume` (0.5 unless given), starting at sample `startSample`
    /// (so consecutive calls join without a click). Channel `c` is shifted by
    /// a quarter turn per channel. `wave` picks another waveform of the same
    /// period (GStreamer's `audiotestsrc wave=`); noise is seeded by the
    /// sample position, so the same call gives the same samples.
    public static func tone(frequency: Double, sampleRate: Int, channels: Int, startSample: Int, frameCount: Int,
                            format: SampleFormat = .f32Planar, wave: AudioWave = .sine, volume: Double = 0.5) throws(MediaError) -> AudioData {
        let ts = MediaTime.rescale(Int64(startSample), multiplier: 1_000_000, divisor: Int64(sampleRate))
        var samples: [[Float]] = []
        for c in 0..<channels {
            let phase = Double(c) / 4
            samples.append((0..<frameCount).map { i in
                Float(volume * wave.sample(cycles: frequency * Double(startSample + i) / Double(sampleRate) + phase,
                                           position: UInt64(startSample + i) &* 31 &+ UInt64(c)))
            })
        }
        let planar = try AudioData(planar: samples, sampleRate: sampleRate, timestampUs: ts)
        guard format == .s16Interleaved else { return planar }
        var bytes = [UInt8](repeating: 0, count: frameCount * channels * 2)
        bytes.withUnsafeMutableBytes { raw in
            let s = raw.bindMemory(to: Int16.self)
            for i in 0..<frameCount {
                for c in 0..<channels { s[i * channels + c] = Int16(max(-32768, min(32767, (samples[c][i] * 32767).rounded()))) }
            }
        }
        return try AudioData(bytes: bytes, format: .s16Interleaved, sampleRate: sampleRate, channels: channels, timestampUs: ts)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The pictures `videotestsrc pattern=` draws, named as GStreamer names them
/// (its numbers are accepted too: `pattern=0` is `smpte`).
public enum VideoPattern: String, Sendable, CaseIterable, Hashable {
    /// The frame index in 16 blocks along the top and a moving box
    /// (``TestPattern/frameIndex(in:)`` reads the index back). This host's own.
    case index
    /// SMPTE colour bars: seven bars, a reversed strip, and a black/white base.
    case smpte
    /// Random luma on every pixel, a new draw per frame (seeded: deterministic).
    case snow
    case black, white, red, green, blue
    /// Black and white squares of 1, 2, 4 or 8 pixels.
    case checkers1 = "checkers-1", checkers2 = "checkers-2", checkers4 = "checkers-4", checkers8 = "checkers-8"
    /// A white ball moving on black.
    case ball

    /// GStreamer's enum value for this pattern (`GstVideoTestSrcPattern`), if it has one.
    public var gstreamerNumber: Int? {
        switch self {
        case .index: nil
        case .smpte: 0
        case .snow: 1
        case .black: 2
        case .white: 3
        case .red: 4
        case .green: 5
        case .blue: 6
        case .checkers1: 7
        case .checkers2: 8
        case .checkers4: 9
        case .checkers8: 10
        case .ball: 18
        }
    }
}

/// The waveforms `audiotestsrc wave=` makes, named as GStreamer names them
/// (its numbers are accepted too: `wave=2` is `saw`).
public enum AudioWave: String, Sendable, CaseIterable, Hashable {
    case sine, square, saw, triangle, silence
    /// Uniform noise in [-1, 1], seeded by the sample position.
    case whiteNoise = "white-noise"

    /// GStreamer's enum value for this wave (`GstAudioTestSrcWave`).
    public var gstreamerNumber: Int {
        switch self {
        case .sine: 0
        case .square: 1
        case .saw: 2
        case .triangle: 3
        case .silence: 4
        case .whiteNoise: 5
        }
    }

    /// The value in [-1, 1] after `cycles` periods; `position` seeds noise.
    func sample(cycles: Double, position: UInt64) -> Double {
        let t = cycles - cycles.rounded(.down)          // phase in [0, 1)
        switch self {
        case .sine: return sin(2 * .pi * cycles)
        case .square: return t < 0.5 ? 1 : -1
        case .saw: return 2 * t - 1
        case .triangle: return t < 0.5 ? 4 * t - 1 : 3 - 4 * t
        case .silence: return 0
        case .whiteNoise: return Double(mix64(position) >> 11) / Double(1 << 52) - 1
        }
    }
}

/// SplitMix64's finalizer: a well-spread 64-bit value from any input.
func mix64(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

extension TestPattern {
    /// RGB colours of the SMPTE bars, 75% intensity: white, yellow, cyan, green, magenta, red, blue.
    static let bars: [(UInt8, UInt8, UInt8)] = [(191, 191, 191), (191, 191, 0), (0, 191, 191), (0, 191, 0),
                                                (191, 0, 191), (191, 0, 0), (0, 0, 191)]

    /// The colour of pixel (x, y) of frame `index` in `pattern` (any pattern but ``VideoPattern/index``).
    static func rgb(_ pattern: VideoPattern, x: Int, y: Int, index: Int, width: Int, height: Int) -> (UInt8, UInt8, UInt8) {
        switch pattern {
        case .index, .black: return (0, 0, 0)
        case .white: return (255, 255, 255)
        case .red: return (255, 0, 0)
        case .green: return (0, 255, 0)
        case .blue: return (0, 0, 255)
        case .smpte:
            let bar = min(6, x * 7 / max(1, width))
            if y < height * 2 / 3 { return bars[bar] }
            if y < height * 3 / 4 { return bar % 2 == 1 ? (0, 0, 0) : bars[6 - bar] }
            switch x * 6 / max(1, width) {
            case 0: return (0, 33, 76)
            case 1: return (255, 255, 255)
            case 2: return (50, 0, 106)
            default: return (19, 19, 19)
            }
        case .snow:
            let v = UInt8(truncatingIfNeeded: mix64(UInt64(index) << 40 ^ UInt64(y) << 20 ^ UInt64(x)))
            return (v, v, v)
        case .checkers1, .checkers2, .checkers4, .checkers8:
            let size = pattern == .checkers1 ? 1 : pattern == .checkers2 ? 2 : pattern == .checkers4 ? 4 : 8
            return (x / size + y / size) % 2 == 0 ? (255, 255, 255) : (0, 0, 0)
        case .ball:
            // One lap around the frame's centre every 120 frames.
            let radius = max(2, min(width, height) / 10)
            let angle = Double(index % 120) / 120 * 2 * .pi
            let cx = Double(width) / 2 + Double(width / 2 - radius) * cos(angle)
            let cy = Double(height) / 2 + Double(height / 2 - radius) * sin(angle)
            let dx = Double(x) - cx, dy = Double(y) - cy
            return dx * dx + dy * dy <= Double(radius * radius) ? (255, 255, 255) : (0, 0, 0)
        }
    }

    /// Writes the chroma sample at (`x`, `y`) of the half-size chroma grid:
    /// separate U and V planes (yuv420p) or interleaved UV (nv12).
    static func storeChroma(_ u: UInt8, _ v: UInt8, x: Int, y: Int, format: PixelFormat, planes: [PlaneLayout],
                            base: UnsafeMutablePointer<UInt8>) {
        if format == .yuv420p {
            base[planes[1].offset + y * planes[1].stride + x] = u
            base[planes[2].offset + y * planes[2].stride + x] = v
        } else {
            base[planes[1].offset + y * planes[1].stride + 2 * x] = u
            base[planes[1].offset + y * planes[1].stride + 2 * x + 1] = v
        }
    }

    /// BT.601 limited-range Y, U, V of an RGB colour.
    static func yuv(_ c: (UInt8, UInt8, UInt8)) -> (UInt8, UInt8, UInt8) {
        let r = Double(c.0) / 255, g = Double(c.1) / 255, b = Double(c.2) / 255
        let y: Double = 16 + 65.481 * r + 128.553 * g + 24.966 * b
        let u: Double = 128 - 37.797 * r - 74.203 * g + 112 * b
        let v: Double = 128 + 112 * r - 93.786 * g - 18.214 * b
        return (clamp(y), clamp(u), clamp(v))
    }

    static func patternFrame(_ pattern: VideoPattern, index: Int, width: Int, height: Int, timestampUs: Int64, durationUs: Int64,
                             format: PixelFormat, monochrome: Bool) throws(MediaError) -> VideoFrame {
        try VideoFrame(format: format, width: width, height: height, timestampUs: timestampUs, durationUs: durationUs) { (raw, planes) throws(MediaError) in
            let base = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            func color(_ x: Int, _ y: Int) -> (UInt8, UInt8, UInt8) {
                let c = rgb(pattern, x: x, y: y, index: index, width: width, height: height)
                guard monochrome else { return c }
                let weighted: Int = Int(c.0) * 299 + Int(c.1) * 587 + Int(c.2) * 114
                let l = UInt8(weighted / 1000)
                return (l, l, l)
            }
            switch format {
            case .yuv420p, .nv12:
                let yPlane = planes[0]
                for y in 0..<height {
                    let row = base + yPlane.offset + y * yPlane.stride
                    for x in 0..<width { row[x] = yuv(color(x, y)).0 }
                }
                for y in 0..<(height + 1) / 2 {
                    for x in 0..<(width + 1) / 2 {
                        let (_, u, v) = yuv(color(x * 2, y * 2))
                        storeChroma(u, v, x: x, y: y, format: format, planes: planes, base: base)
                    }
                }
            case .rgba8888, .bgra8888:
                let p = planes[0]
                for y in 0..<height {
                    let row = base + p.offset + y * p.stride
                    for x in 0..<width {
                        let (r, g, b) = color(x, y)
                        let o = x * 4
                        row[o] = format == .rgba8888 ? r : b
                        row[o + 1] = g
                        row[o + 2] = format == .rgba8888 ? b : r
                        row[o + 3] = 255
                    }
                }
            }
        }
    }
}
