import Testing
import MediaCore
@testable import MediaFFmpeg
import MediaTestWatchdog

/// Floors: video luma PSNR >= 30 dB per frame at default quality;
/// audio SNR >= 60 dB for FLAC (lossless up to 16-bit quantization),
/// >= 15 dB for AAC and MP3 at 128 kb/s and Opus at 96 kb/s (perceptual
/// codecs do not preserve waveforms exactly).
@Suite(.watchdog) struct CodecRoundTripTests {
    static let videoFloorDB = 30.0

    @Test(arguments: VideoCodec.allCases)
    func videoRoundTrip(codec: VideoCodec) throws {
        let count = 24
        let (chunks, encoder) = try Fixtures.encodeVideo(codec, count: count)
        #expect(chunks.count == count)
        #expect(chunks.first?.isKeyframe == true)
        let decoder = try VideoDecoder(parameters: encoder.parameters)
        var frames: [VideoFrame] = []
        for chunk in chunks {
            try decoder.decode(chunk)
            frames += decoder.takeDecodedFrames()
        }
        try decoder.flush()
        frames += decoder.takeDecodedFrames()
        #expect(frames.count == count)
        for (i, frame) in frames.enumerated() {
            let original = try TestPattern.videoFrame(index: i, width: 320, height: 240)
            #expect(frame.timestampUs == original.timestampUs)
            #expect(TestPattern.frameIndex(in: frame) == i)
            let psnr = Fixtures.psnr(original, frame)
            #expect(psnr >= Self.videoFloorDB, "\(codec) frame \(i): PSNR \(psnr) dB")
        }
    }

    @Test(arguments: [(AudioCodec.flac, 60.0), (.aac, 15.0), (.mp3, 15.0), (.opus, 15.0)])
    func audioRoundTrip(codec: AudioCodec, floor: Double) throws {
        let (chunks, encoder) = try Fixtures.encodeAudio(codec)
        #expect(!chunks.isEmpty)
        let decoder = try AudioDecoder(parameters: encoder.parameters)
        var decoded: [Float] = []
        for chunk in chunks {
            try decoder.decode(chunk)
            for a in decoder.takeDecodedAudio() { decoded += a.samples(channel: 0) }
        }
        try decoder.flush()
        for a in decoder.takeDecodedAudio() { decoded += a.samples(channel: 0) }
        let reference = try TestPattern.tone(frequency: 440, sampleRate: 48_000, channels: 2, startSample: 0, frameCount: 48_000).samples(channel: 0)
        #expect(decoded.count >= 44_000, "\(codec) decoded \(decoded.count) samples")
        let snr = Fixtures.snr(reference: reference, decoded: decoded)
        #expect(snr >= floor, "\(codec): SNR \(snr) dB")
    }
}
