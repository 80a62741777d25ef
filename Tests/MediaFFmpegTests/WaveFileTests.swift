import Foundation
import Testing
import MediaCore
@testable import MediaFFmpeg
import MediaTestWatchdog

@Suite(.watchdog) struct WaveFileTests {
    static func tone(_ format: SampleFormat, channels: Int = 2, frames: Int = 4800, rate: Int = 48_000) throws -> AudioData {
        try TestPattern.tone(frequency: 440, sampleRate: rate, channels: channels, startSample: 0, frameCount: frames, format: format)
    }

    /// `audio`'s samples interleaved, little-endian, as `ffmpeg -f s16le|f32le` writes them.
    static func interleaved(_ audio: AudioData) -> [UInt8] {
        var out: [UInt8] = []
        switch audio.format {
        case .s16Interleaved:
            return audio.buffer.bytes
        case .f32Planar:
            let planes = (0..<audio.channels).map { audio.samples(channel: $0) }
            for i in 0..<audio.frameCount {
                for c in 0..<audio.channels { withUnsafeBytes(of: planes[c][i].bitPattern.littleEndian) { out += $0 } }
            }
            return out
        }
    }

    @Test(arguments: [1, 2, 6, 8]) func s16RoundTripIsExact(channels: Int) throws {
        let dir = ScratchFolder("wav16")
        defer { dir.remove() }
        let audio = try Self.tone(.s16Interleaved, channels: channels)
        try WaveFile.write(audio, to: dir.file("a.wav"))
        let back = try WaveFile.read(dir.file("a.wav"))
        #expect(back.format == .s16Interleaved && back.sampleRate == 48_000 && back.channels == channels && back.timestampUs == 0)
        #expect(back.buffer.bytes == audio.buffer.bytes)
        #expect(try dir.bytes("a.wav").count == (channels > 2 ? 68 : 44) + audio.buffer.size)
    }

    @Test(arguments: [1, 2, 6, 8]) func f32RoundTripIsExact(channels: Int) throws {
        let dir = ScratchFolder("wav32")
        defer { dir.remove() }
        let audio = try Self.tone(.f32Planar, channels: channels, frames: 1001, rate: 44_100)
        try WaveFile.write(audio, to: dir.file("a.wav"))
        let back = try WaveFile.read(dir.file("a.wav"))
        #expect(back.format == .f32Planar && back.sampleRate == 44_100 && back.channels == channels && back.frameCount == 1001)
        #expect(back.buffer.bytes == audio.buffer.bytes)
        #expect(try WaveFile.encode(audio) == (try dir.bytes("a.wav")), "the same audio gives the same bytes")
    }

    @Test func emptyAudioRoundTrips() throws {
        let dir = ScratchFolder("wav0")
        defer { dir.remove() }
        let audio = try AudioData(format: .s16Interleaved, sampleRate: 16_000, channels: 1, frameCount: 0, timestampUs: 0)
        try WaveFile.write(audio, to: dir.file("e.wav"))
        let back = try WaveFile.read(dir.file("e.wav"))
        #expect(back.frameCount == 0 && back.channels == 1 && back.sampleRate == 16_000)
    }

    @Test(.enabled(if: SystemFFmpeg.available), arguments: [(SampleFormat.s16Interleaved, 2), (.f32Planar, 1), (.f32Planar, 6)])
    func ffmpegReadsWhatIsWritten(format: SampleFormat, channels: Int) throws {
        let dir = ScratchFolder("wavff")
        defer { dir.remove() }
        let audio = try Self.tone(format, channels: channels)
        try WaveFile.write(audio, to: dir.file("a.wav"))
        let codec = format == .s16Interleaved ? "pcm_s16le" : "pcm_f32le"
        #expect(try SystemFFmpeg.probe(dir.file("a.wav"), "codec_name,sample_rate,channels") == "\(codec),48000,\(channels)")
        let raw = try SystemFFmpeg.run(SystemFFmpeg.ffmpeg, ["-i", dir.file("a.wav"), "-f", format == .s16Interleaved ? "s16le" : "f32le", "-"])
        #expect(raw == Self.interleaved(audio))
    }

    /// Every common WAV sample format FFmpeg writes, 1 to 8 channels: 16-bit
    /// ones keep their format, the others come as f32-planar with FFmpeg's
    /// own conversion's values.
    @Test(.enabled(if: SystemFFmpeg.available),
          arguments: [("pcm_s16le", 1), ("pcm_s16le", 8), ("pcm_u8", 2), ("pcm_s24le", 3), ("pcm_s32le", 2), ("pcm_f32le", 5), ("pcm_f64le", 1)])
    func readsWhatFFmpegWrites(codec: String, channels: Int) throws {
        let dir = ScratchFolder("wavin")
        defer { dir.remove() }
        try SystemFFmpeg.run(SystemFFmpeg.ffmpeg, ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050:duration=0.1",
                                                   "-ac", String(channels), "-c:a", codec, "-y", dir.file("in.wav")])
        let audio = try WaveFile.read(dir.file("in.wav"))
        #expect(audio.sampleRate == 22_050 && audio.channels == channels && audio.frameCount == 2205)
        let is16 = codec == "pcm_s16le"
        #expect(audio.format == (is16 ? .s16Interleaved : .f32Planar))
        let reference = try SystemFFmpeg.run(SystemFFmpeg.ffmpeg, ["-i", dir.file("in.wav"), "-f", is16 ? "s16le" : "f32le", "-"])
        #expect(Self.interleaved(audio) == reference)
    }

    /// A 24-bit file made by hand (no CLI): every value exact as a float.
    @Test func reads24BitSamplesExactly() throws {
        let dir = ScratchFolder("wav24")
        defer { dir.remove() }
        let values: [Int32] = [0, 1, -1, 8_388_607, -8_388_608, 12_345, -54_321, 4_000_000]
        var file: [UInt8] = Array("RIFF".utf8) + le32(36 + values.count * 3) + Array("WAVEfmt ".utf8) + le32(16)
        file += le16(1) + le16(1) + le32(8000) + le32(8000 * 3) + le16(3) + le16(24)
        file += Array("data".utf8) + le32(values.count * 3)
        for v in values { file += [UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v >> 16)] }
        let audio = try WaveFile.read(try dir.write(file, "s24.wav"))
        #expect(audio.format == .f32Planar && audio.frameCount == values.count)
        #expect(audio.samples(channel: 0) == values.map { Float($0) / 8_388_608 })
    }

    private func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
    private func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> ($0 * 8)) & 0xFF) } }

    // MARK: - Bad input

    @Test func badFilesAreClearErrors() throws {
        let dir = ScratchFolder("wavbad")
        defer { dir.remove() }
        let missing = thrownMediaError { () throws(MediaError) in _ = try WaveFile.read(dir.file("none.wav")) }
        #expect(missing?.code == .notFound && missing?.file == dir.file("none.wav"))

        let good = try WaveFile.encode(try Self.tone(.s16Interleaved))
        let cases: [(String, [UInt8])] = [
            ("empty.wav", []), ("text.wav", Array("RIFF? no, just text\n".utf8)), ("cut.wav", Array(good.prefix(20))),
        ]
        for (name, bytes) in cases {
            let path = try dir.write(bytes, name)
            let error = thrownMediaError { () throws(MediaError) in _ = try WaveFile.read(path) }
            #expect(error?.code == .invalidData && error?.file == path && error?.operation == "read wav", "\(name): \(error.map { "\($0)" } ?? "")")
        }

        try StillImage.writePNG(try TestPattern.videoFrame(index: 0, width: 16, height: 16, format: .rgba8888), to: dir.file("p.png"))
        let png = thrownMediaError { () throws(MediaError) in _ = try WaveFile.read(dir.file("p.png")) }
        #expect(png?.code == .invalidData && png?.message.hasPrefix("not a WAV file: FFmpeg reads it as") == true, "\(png.map { "\($0)" } ?? "")")

        let tone = try Self.tone(.f32Planar)
        let noDirectory = thrownMediaError { () throws(MediaError) in try WaveFile.write(tone, to: dir.file("no/such.wav")) }
        #expect(noDirectory?.code == .notFound && noDirectory?.file == dir.file("no/such.wav"))
    }
}
