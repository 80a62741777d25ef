import Foundation
import MediaCore
@testable import MediaFFmpeg

/// Generated fixtures and measurements shared by the tests. Nothing here is a committed blob.
enum Fixtures {
    static func tempPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wasi-media-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    /// Encodes `count` pattern frames; returns the chunks in decode order and the encoder.
    static func encodeVideo(_ codec: VideoCodec, count: Int, width: Int = 320, height: Int = 240, fps: Int = 30,
                            keyframeInterval: Int? = nil, format: PixelFormat = .yuv420p) throws -> (chunks: [EncodedChunk], encoder: VideoEncoder) {
        let encoder = try VideoEncoder(config: VideoEncoderConfig(codec: codec, width: width, height: height, framerate: fps,
                                                                  keyframeInterval: keyframeInterval))
        var chunks: [EncodedChunk] = []
        for i in 0..<count {
            try encoder.encode(TestPattern.videoFrame(index: i, width: width, height: height, frameRate: Rational(Int64(fps), 1), format: format))
            chunks += encoder.takeEncodedChunks()
        }
        try encoder.flush()
        chunks += encoder.takeEncodedChunks()
        return (chunks, encoder)
    }

    /// Encodes `seconds` of a 440 Hz tone.
    static func encodeAudio(_ codec: AudioCodec, sampleRate: Int = 48_000, channels: Int = 2, seconds: Double = 1,
                            bitrate: Int? = nil) throws -> (chunks: [EncodedChunk], encoder: AudioEncoder) {
        let encoder = try AudioEncoder(config: AudioEncoderConfig(codec: codec, sampleRate: sampleRate, channels: channels, bitrate: bitrate))
        var chunks: [EncodedChunk] = []
        let total = Int(Double(sampleRate) * seconds)
        var start = 0
        while start < total {
            let n = min(1000, total - start)   // deliberately not the codec's frame size
            try encoder.encode(TestPattern.tone(frequency: 440, sampleRate: sampleRate, channels: channels, startSample: start, frameCount: n))
            chunks += encoder.takeEncodedChunks()
            start += n
        }
        try encoder.flush()
        chunks += encoder.takeEncodedChunks()
        return (chunks, encoder)
    }

    /// Luma PSNR in dB between two yuv420p frames of the same size.
    static func psnr(_ a: VideoFrame, _ b: VideoFrame) -> Double {
        precondition(a.format == .yuv420p && b.format == .yuv420p && a.width == b.width && a.height == b.height)
        let n = a.width * a.height
        let pa = a.buffer.plane(0), pb = b.buffer.plane(0)
        var sum = 0.0
        for (x, y) in zip(pa, pb) { let d = Double(x) - Double(y); sum += d * d }
        let mse = sum / Double(n)
        return mse == 0 ? 99 : 10 * log10(255 * 255 / mse)
    }

    /// SNR in dB of `decoded` against `reference` (channel 0), after finding the
    /// best alignment within ±`maxLag` samples.
    static func snr(reference: [Float], decoded: [Float], maxLag: Int = 3000) -> Double {
        var best = -Double.infinity
        let window = min(reference.count, decoded.count) - 2 * maxLag
        guard window > 1000 else { return -.infinity }
        let start = maxLag
        for lag in -maxLag...maxLag {
            var signal = 0.0, noise = 0.0
            var i = start
            while i < start + window {
                let r = Double(reference[i]), d = Double(decoded[i + lag])
                signal += r * r
                noise += (r - d) * (r - d)
                i += 4
            }
            let v = noise == 0 ? 200 : 10 * log10(signal / noise)
            if v > best { best = v }
        }
        return best
    }
}
