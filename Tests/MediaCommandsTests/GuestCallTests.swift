import Foundation
import MediaCore
import MediaFFmpeg
import MediaTestSupport
import MediaTestWatchdog
import Testing

/// `wasi-media guest call`: one call of a guest on one input, written or
/// checked losslessly, as a user testing a guest runs it.
@Suite(.watchdog)
struct GuestCallTests {
    /// A 64x48 picture of the test pattern, as PNG, in a fresh folder.
    func picture() throws -> (dir: String, png: String, frame: VideoFrame) {
        let dir = CLI.tempDir()
        let frame = try TestPattern.videoFrame(index: 3, width: 64, height: 48, format: .rgba8888)
        try StillImage.writePNG(frame, to: dir + "/in.png")
        return (dir, dir + "/in.png", frame)
    }

    @Test func aVideoFilterIsCalledOnAPictureAndItsOutputChecked() async throws {
        let (dir, png, frame) = try picture()
        let gray = try await BuiltGuests.path("Grayscale")
        let write = try CLI.run(["guest", "call", gray, "--in", png, "--out", dir + "/gray.png"])
        #expect(write.status == 0, Comment(rawValue: write.stderr))
        #expect(write.stderr.contains("process: 1 frame in (64x48 rgba8888), 1 out (64x48 rgba8888)"))

        // The output is the kernel's, exactly: R = G = B = (77 R + 150 G + 29 B + 128) >> 8, alpha kept.
        let out = try StillImage.read(dir + "/gray.png")
        let input = frame.buffer.bytes, output = out.buffer.bytes
        for pixel in stride(from: 0, to: input.count, by: 4 * 97) {
            let r = 77 * Int(input[pixel]), g = 150 * Int(input[pixel + 1]), b = 29 * Int(input[pixel + 2])
            let y = UInt8((r + g + b + 128) >> 8)
            #expect(Array(output[pixel..<pixel + 4]) == [y, y, y, input[pixel + 3]], "pixel \(pixel / 4)")
        }

        let same = try CLI.run(["guest", "call", gray, "--in", png, "--expect", dir + "/gray.png"])
        #expect(same.status == 0 && same.stderr.contains("output matches"), Comment(rawValue: same.stderr))
        let differs = try CLI.run(["guest", "call", try await BuiltGuests.path("PassThrough"), "--in", png, "--expect", dir + "/gray.png"])
        #expect(differs.status == 1)
        #expect(differs.stderr.contains("bytes differ") && differs.stderr.contains("the first at pixel ("), Comment(rawValue: differs.stderr))
    }

    @Test func rawFramesGoInAndOut() async throws {
        let dir = CLI.tempDir()
        let frame = try TestPattern.videoFrame(index: 1, width: 32, height: 16, format: .rgba8888)
        try StillImage.writeRaw(frame, to: dir + "/in.rgba")
        let pass = try await BuiltGuests.path("PassThrough")
        let run = try CLI.run(["guest", "call", pass, "--in", dir + "/in.rgba", "--size", "32x16", "--pixel-format", "rgba8888",
                               "--out", dir + "/out.rgba"])
        #expect(run.status == 0, Comment(rawValue: run.stderr))
        #expect(try StillImage.readRaw(dir + "/out.rgba", format: .rgba8888, width: 32, height: 16).buffer.bytes == frame.buffer.bytes)

        let wrongSize = try CLI.run(["guest", "call", pass, "--in", dir + "/in.rgba", "--size", "30x16", "--out", dir + "/x.rgba"])
        #expect(wrongSize.status == 2 && wrongSize.stderr.contains("in.rgba"), Comment(rawValue: wrongSize.stderr))
    }

    @Test func anAudioFilterIsCalledOnAWaveFile() async throws {
        let dir = CLI.tempDir()
        let tone = try AudioData(planar: [(0..<480).map { Float(sin(Double($0) * 0.1) * 0.5) }, [Float](repeating: 0.25, count: 480)],
                                 sampleRate: 48000, timestampUs: 0)
        try WaveFile.write(tone, to: dir + "/tone.wav")
        let gain = try await BuiltGuests.path("Gain")
        let run = try CLI.run(["guest", "call", gain, "--props", "gain=2", "--in", dir + "/tone.wav", "--out", dir + "/loud.wav"])
        #expect(run.status == 0, Comment(rawValue: run.stderr))
        let loud = try WaveFile.read(dir + "/loud.wav")
        #expect(loud.frameCount == 480 && loud.channels == 2 && loud.format == .f32Planar)
        let doubled = tone.buffer.bytes.withUnsafeBytes { $0.bindMemory(to: Float.self).map { $0 * 2 } }
        #expect(loud.buffer.bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) } == doubled)

        let check = try CLI.run(["guest", "call", gain, "--props", "gain=2", "--in", dir + "/tone.wav", "--expect", dir + "/loud.wav"])
        #expect(check.status == 0, Comment(rawValue: check.stderr))
        let misspelt = try CLI.run(["guest", "call", gain, "--props", "gian=2", "--in", dir + "/tone.wav", "--out", dir + "/x.wav"])
        #expect(misspelt.status == 2 && misspelt.stderr.contains("no property 'gian'; did you mean 'gain'?"), Comment(rawValue: misspelt.stderr))
    }

    @Test func anEncodedTransformIsCalledOnAPayload() async throws {
        let dir = CLI.tempDir()
        try Data([1, 2, 3, 250]).write(to: URL(fileURLWithPath: dir + "/p.bin"))
        let send = try CLI.run(["guest", "call", try await BuiltGuests.path("NegatePadSend"), "--in", dir + "/p.bin", "--out", dir + "/sent.bin"])
        #expect(send.status == 0, Comment(rawValue: send.stderr))
        #expect(FileManager.default.contents(atPath: dir + "/sent.bin") == Data([254, 253, 252, 5, 0, 0, 0, 0]))
        let back = try CLI.run(["guest", "call", try await BuiltGuests.path("NegatePadReceive"), "--in", dir + "/sent.bin", "--expect", dir + "/p.bin"])
        #expect(back.status == 0, Comment(rawValue: back.stderr))
    }

    @Test func aTrapIsReportedWithItsBacktraceAndStatusTwo() async throws {
        let (dir, png, _) = try picture()
        let run = try CLI.run(["guest", "call", try await BuiltGuests.path("Faults"), "--props", "mode=throw", "--in", png, "--out", dir + "/x.png"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("the guest said: process threw invalid-argument: strength must be in 0...1, got 7"), Comment(rawValue: run.stderr))
        #expect(run.stderr.contains("guest backtrace (innermost first):"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/x.png"))
    }

    @Test func elementsDescribesAGuestModule() async throws {
        let box = try await BuiltGuests.path("BoxOverlay")
        let text = try CLI.run(["elements", "--module", box])
        #expect(text.status == 0, Comment(rawValue: text.stderr))
        #expect(text.stdout.contains("a video-filter guest, run by the `wasm` element"))
        #expect(text.stdout.contains("  thickness: integer in 1...4096, default 2\n      outline width in pixels"), Comment(rawValue: text.stdout))
        #expect(text.stdout.contains("wasi:logging/logging@0.1.0-draft#log"))

        let json = try CLI.run(["elements", "--module", try await BuiltGuests.path("Gain"), "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["world"] as? String == "audio-filter")
        let properties = try #require(object["properties"] as? [[String: Any]])
        #expect(properties.map { $0["name"] as? String } == ["gain"])
        #expect(properties.first?["type"] as? String == "number" && properties.first?["default"] as? String == "1")

        let missing = try CLI.run(["elements", "--module", "/nonexistent.wasm"])
        #expect(missing.status != 0 && missing.stderr.contains("/nonexistent.wasm: cannot read the module file: no such file"),
                Comment(rawValue: missing.stderr))
    }

    @Test func badArgumentsAreRefusedBeforeLoading() throws {
        let both = try CLI.run(["guest", "call", "x.wasm", "--in", "a.png", "--out", "b.png", "--expect", "c.png"])
        #expect(both.status != 0 && both.stderr.contains("give exactly one of --out FILE and --expect FILE"), Comment(rawValue: both.stderr))
        let missing = try CLI.run(["guest", "call", "/nonexistent/m.wasm", "--in", "a.png", "--out", "b.png"])
        #expect(missing.status == 2 && missing.stderr.contains("/nonexistent/m.wasm") && missing.stderr.contains("no such file"),
                Comment(rawValue: missing.stderr))
    }
}
