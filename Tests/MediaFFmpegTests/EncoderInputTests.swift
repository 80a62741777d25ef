import Foundation
import Testing
import MediaCore
@testable import MediaFFmpeg
import MediaTestWatchdog

/// Encoders take every WIT pixel and sample format, any input size, and honour forced keyframes.
@Suite(.watchdog) struct EncoderInputTests {
    static func decodeAll(_ chunks: [EncodedChunk], _ parameters: CodecParameters) throws -> [VideoFrame] {
        let decoder = try VideoDecoder(parameters: parameters, outputFormat: .yuv420p)
        var frames: [VideoFrame] = []
        for c in chunks { try decoder.decode(c); frames += decoder.takeDecodedFrames() }
        try decoder.flush()
        return frames + decoder.takeDecodedFrames()
    }

    @Test(arguments: PixelFormat.allCases)
    func everyPixelFormatEncodes(format: PixelFormat) throws {
        let (chunks, encoder) = try Fixtures.encodeVideo(.h264, count: 10, format: format)
        let frames = try Self.decodeAll(chunks, encoder.parameters)
        #expect(frames.count == 10)
        for (i, f) in frames.enumerated() {
            #expect(TestPattern.frameIndex(in: f) == i)
            let psnr = Fixtures.psnr(try TestPattern.videoFrame(index: i, width: 320, height: 240), f)
            // RGB sources go through two colour conversions; still far above visible loss.
            #expect(psnr >= 28, "\(format) frame \(i): \(psnr) dB")
        }
    }

    @Test func sourceSizeDifferentFromOutputIsScaled() throws {
        let encoder = try VideoEncoder(config: VideoEncoderConfig(codec: .h264, width: 320, height: 240, framerate: 30,
                                                                  sourceWidth: 640, sourceHeight: 480))
        var chunks: [EncodedChunk] = []
        for i in 0..<5 {
            try encoder.encode(TestPattern.videoFrame(index: i, width: 640, height: 480, format: .nv12))
            chunks += encoder.takeEncodedChunks()
        }
        try encoder.flush()
        chunks += encoder.takeEncodedChunks()
        let frames = try Self.decodeAll(chunks, encoder.parameters)
        #expect(frames.count == 5)
        #expect(frames.allSatisfy { $0.width == 320 && $0.height == 240 })
    }

    @Test(arguments: [VideoCodec.h264, .vp9])
    func forceKeyframeIsHonoured(codec: VideoCodec) throws {
        let encoder = try VideoEncoder(config: VideoEncoderConfig(codec: codec, width: 320, height: 240, framerate: 30))
        var chunks: [EncodedChunk] = []
        for i in 0..<40 {
            try encoder.encode(TestPattern.videoFrame(index: i, width: 320, height: 240), forceKeyframe: i == 17 || i == 31)
            chunks += encoder.takeEncodedChunks()
        }
        try encoder.flush()
        chunks += encoder.takeEncodedChunks()
        let keyTimes = Set(chunks.filter(\.isKeyframe).map(\.timestampUs))
        for i in [0, 17, 31] {
            #expect(keyTimes.contains(MediaTime.rescale(Int64(i), multiplier: 1_000_000, divisor: 30)), "\(codec): frame \(i) not a keyframe")
        }
        #expect(keyTimes.count == 3, "\(codec): keyframes at \(keyTimes.sorted())")
    }

    @Test func encoderAcceptsFramesAgainAfterFlush() throws {
        let encoder = try VideoEncoder(config: VideoEncoderConfig(codec: .h264, width: 320, height: 240, framerate: 30))
        for i in 0..<5 { try encoder.encode(TestPattern.videoFrame(index: i, width: 320, height: 240)) }
        try encoder.flush()
        let first = encoder.takeEncodedChunks()
        #expect(first.count == 5)
        for i in 5..<10 { try encoder.encode(TestPattern.videoFrame(index: i, width: 320, height: 240)) }
        try encoder.flush()
        let second = encoder.takeEncodedChunks()
        #expect(second.count == 5)
        #expect(second.first?.isKeyframe == true)
        #expect(second.map(\.timestampUs).min() == MediaTime.rescale(5, multiplier: 1_000_000, divisor: 30))
    }

    @Test(arguments: [(SampleFormat.s16Interleaved, 44_100, 1), (.f32Planar, 44_100, 2), (.s16Interleaved, 48_000, 2)])
    func audioEncoderConvertsRateChannelsAndFormat(format: SampleFormat, inputRate: Int, inputChannels: Int) throws {
        let encoder = try AudioEncoder(config: AudioEncoderConfig(codec: .aac, sampleRate: 48_000, channels: 2))
        var start = 0
        while start < inputRate {
            try encoder.encode(TestPattern.tone(frequency: 440, sampleRate: inputRate, channels: inputChannels,
                                                startSample: start, frameCount: 777, format: format))
            start += 777
        }
        try encoder.flush()
        let chunks = encoder.takeEncodedChunks()
        let decoder = try AudioDecoder(parameters: encoder.parameters)
        var samples: [Float] = []
        var rate = 0, channels = 0
        for c in chunks {
            try decoder.decode(c)
            for a in decoder.takeDecodedAudio() { samples += a.samples(channel: 0); rate = a.sampleRate; channels = a.channels }
        }
        #expect(rate == 48_000 && channels == 2)
        // About one second of audio at the output rate, whatever went in.
        #expect(abs(samples.count - 48_000) < 3 * 1024, "\(samples.count) samples")
        // Still a 440 Hz tone: count rising zero crossings over the middle of the signal.
        let middle = samples[4_800..<43_200]
        var crossings = 0
        for (a, b) in zip(middle, middle.dropFirst()) where a < 0 && b >= 0 { crossings += 1 }
        #expect(abs(Double(crossings) / 0.8 - 440) < 5, "\(crossings) crossings in 0.8 s")
    }
}
