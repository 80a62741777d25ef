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
    public static func videoFrame(index: Int, width: Int, height: Int, frameRate: Rational = Rational(30, 1),
                                  format: PixelFormat = .yuv420p, monochrome: Bool = false) throws(MediaError) -> VideoFrame {
        let ts = MediaTime.rescale(Int64(index) * frameRate.den, multiplier: 1_000_000, divisor: frameRate.num)
        let duration = MediaTime.rescale(frameRate.den, multiplier: 1_000_000, divisor: frameRate.num)
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
                        if format == .yuv420p {
                            base[planes[1].offset + y * planes[1].stride + x] = u
                            base[planes[2].offset + y * planes[2].stride + x] = v
                        } else {
                            base[planes[1].offset + y * planes[1].stride + 2 * x] = u
                            base[planes[1].offset + y * planes[1].stride + 2 * x + 1] = v
                        }
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
    /// amplitude 0.5, starting at sample `startSample` (so consecutive calls join
    /// without a click). Channel `c` is shifted by a quarter turn per channel.
    public static func tone(frequency: Double, sampleRate: Int, channels: Int, startSample: Int, frameCount: Int,
                            format: SampleFormat = .f32Planar) throws(MediaError) -> AudioData {
        let ts = MediaTime.rescale(Int64(startSample), multiplier: 1_000_000, divisor: Int64(sampleRate))
        var samples: [[Float]] = []
        for c in 0..<channels {
            let phase = Double(c) * .pi / 2
            samples.append((0..<frameCount).map { i in
                Float(0.5 * sin(2 * .pi * frequency * Double(startSample + i) / Double(sampleRate) + phase))
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
