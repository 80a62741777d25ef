import Testing
import MediaCore
import MediaTestWatchdog

@Suite("MediaError", .watchdog)
struct MediaErrorTests {
    @Test func descriptionCarriesEveryPart() {
        let error = MediaError(.io, operation: "write chunk", message: "disk full", codec: "libx264", container: "mp4",
                               file: "out.mp4", track: 2,
                               cause: MediaError.Cause(library: "libav", code: -28, message: "No space left on device"))
        let text = error.description
        #expect(text == "write chunk (codec libx264, container mp4, file out.mp4, track 2): disk full [libav: No space left on device (-28)]")
        for part in ["write chunk", "libx264", "mp4", "out.mp4", "track 2", "disk full", "libav", "No space left on device", "-28"] {
            #expect(text.contains(part), "missing '\(part)' in \(text)")
        }
        #expect(String(describing: error) == text)
        #expect("\(error)" == text)
    }

    @Test func descriptionWithoutContextIsOperationAndMessage() {
        let error = MediaError(.invalidArgument, operation: "create video frame", message: "size 0x0 is outside 1...16384")
        #expect(error.description == "create video frame: size 0x0 is outside 1...16384")
        #expect(!error.description.contains("("))
        #expect(!error.description.contains("["))
    }

    @Test func partialContext() {
        let error = MediaError(.notFound, operation: "open container", message: "no such file or URL", file: "/tmp/a b.mkv",
                               cause: MediaError.Cause(library: "libav", code: -2, message: "No such file or directory"))
        #expect(error.description == "open container (file /tmp/a b.mkv): no such file or URL [libav: No such file or directory (-2)]")
        let codecOnly = MediaError(.unsupported, operation: "open audio encoder", message: "no", codec: "libopus")
        #expect(codecOnly.description == "open audio encoder (codec libopus): no")
    }

    @Test func withFileFillsOnlyAMissingFile() {
        let bare = MediaError(.io, operation: "read", message: "m")
        #expect(bare.with(file: "x.mp4").file == "x.mp4")
        #expect(bare.with(file: "x.mp4").description.contains("file x.mp4"))
        #expect(bare.with(file: nil).file == nil)
        let named = MediaError(.io, operation: "read", message: "m", file: "first.mp4")
        #expect(named.with(file: "second.mp4").file == "first.mp4")
    }

    @Test func codesHaveWITNames() {
        let names: [(MediaError.Code, String)] = [(.invalidArgument, "invalid-argument"), (.unsupported, "unsupported"),
                                                  (.notFound, "not-found"), (.invalidData, "invalid-data"), (.io, "io"),
                                                  (.invalidState, "invalid-state"), (.failed, "failed")]
        for (code, name) in names { #expect(code.rawValue == name) }
    }

    @Test func equalityComparesEveryField() {
        let a = MediaError(.io, operation: "op", message: "m", track: 1)
        #expect(a == MediaError(.io, operation: "op", message: "m", track: 1))
        #expect(a != MediaError(.io, operation: "op", message: "m", track: 2))
        #expect(a != MediaError(.failed, operation: "op", message: "m", track: 1))
    }
}

@Suite("ContainerFormat", .watchdog)
struct ContainerFormatTests {
    @Test(arguments: [
        ("movie.mp4", ContainerFormat.mp4), ("a/b/clip.M4V", .mp4), ("song.m4a", .mp4), ("x.mov", .mp4),
        ("/tmp/film.mkv", .mkv), ("sound.MKA", .mkv), ("web.webm", .webm), ("live.ts", .ts), ("bd.m2ts", .ts),
        ("cam.mts", .ts), ("name.with.dots.mkv", .mkv), ("dir.v2/out.webm", .webm), ("relative/../x.TS", .ts),
    ])
    func formatFromExtension(path: String, format: ContainerFormat) {
        #expect(ContainerFormat(path: path) == format)
    }

    @Test(arguments: ["movie", "", ".", "movie.", "archive.tar.gz", "x.avi", "x.mp3", "dir.mp4/file", "dir.mkv/",
                      "/a.b/c", "x.mp4.bak", "x.mp 4"])
    func noFormatWithoutAKnownExtension(path: String) {
        #expect(ContainerFormat(path: path) == nil)
    }

    @Test func fileExtensionAndNames() {
        #expect(ContainerFormat(fileExtension: "MP4") == .mp4)
        #expect(ContainerFormat(fileExtension: ".mp4") == nil)
        #expect(ContainerFormat.allCases.map(\.witName) == ["mp4", "mkv", "webm", "ts"])
        for format in ContainerFormat.allCases { #expect(ContainerFormat(path: "f.\(format.witName)") == format) }
    }
}

@Suite("TestPattern", .watchdog)
struct TestPatternTests {
    @Test(arguments: PixelFormat.allCases, [0, 1, 2, 255, 256, 4_660, 32_768, 65_535])
    func frameIndexReadsBackTheIndex(format: PixelFormat, index: Int) throws {
        let frame = try TestPattern.videoFrame(index: index, width: 320, height: 240, format: format)
        #expect(frame.format == format && frame.width == 320 && frame.height == 240)
        #expect(TestPattern.frameIndex(in: frame) == index)
    }

    @Test(arguments: PixelFormat.allCases)
    func frameIndexWorksOnOddAndMinimalSizes(format: PixelFormat) throws {
        // The code needs 16 blocks of 16 px: 256 x 16 is the smallest frame that holds it.
        for (w, h) in [(256, 16), (257, 17), (321, 241)] {
            for index in [0, 1, 255, 65_535, 43_690] {
                let frame = try TestPattern.videoFrame(index: index, width: w, height: h, format: format)
                #expect(TestPattern.frameIndex(in: frame) == index, "\(format) \(w)x\(h) index \(index)")
            }
        }
    }

    /// Monochrome: the same luma, neutral chroma; gray pixels in RGB, and the index still reads back.
    @Test(arguments: PixelFormat.allCases)
    func monochromeFramesAreGray(format: PixelFormat) throws {
        let colour = try TestPattern.videoFrame(index: 9, width: 320, height: 240, format: format)
        let gray = try TestPattern.videoFrame(index: 9, width: 320, height: 240, format: format, monochrome: true)
        #expect(TestPattern.frameIndex(in: gray) == 9)
        let bytes = gray.buffer.bytes
        switch format {
        case .rgba8888, .bgra8888:
            var gray = true
            var levels = Set<UInt8>()
            for i in stride(from: 0, to: bytes.count, by: 4) {
                let (r, g, b) = (bytes[i], bytes[i + 1], bytes[i + 2])
                if r != g || r != b { gray = false }
                levels.insert(r)
            }
            #expect(gray)
            #expect(levels.count > 10)
        case .yuv420p, .nv12:
            let luma = 320 * 240
            #expect(bytes[..<luma] == colour.buffer.bytes[..<luma])
            #expect(bytes[luma...].allSatisfy { $0 == 128 })
        }
    }

    @Test func framesAreDeterministicAndDiffer() throws {
        let a = try TestPattern.videoFrame(index: 7, width: 320, height: 240)
        let b = try TestPattern.videoFrame(index: 7, width: 320, height: 240)
        let c = try TestPattern.videoFrame(index: 8, width: 320, height: 240)
        #expect(a == b)
        #expect(a.buffer != c.buffer)
    }

    @Test func timestampsFollowTheFrameRate() throws {
        let f = try TestPattern.videoFrame(index: 3, width: 16, height: 16, frameRate: Rational(25, 1))
        #expect(f.timestampUs == 120_000)
        #expect(f.durationUs == 40_000)
        let ntsc = try TestPattern.videoFrame(index: 1, width: 16, height: 16, frameRate: Rational(30_000, 1001))
        #expect(ntsc.timestampUs == 33_367)
        #expect(ntsc.durationUs == 33_367)
    }

    @Test func yuvAndRGBShowTheSamePicture() throws {
        // The RGB variants are the BT.601 conversion of the YUV picture: luma read
        // back through the inverse should match within rounding.
        let yuv = try TestPattern.videoFrame(index: 5, width: 64, height: 32, format: .yuv420p)
        let rgba = try TestPattern.videoFrame(index: 5, width: 64, height: 32, format: .rgba8888)
        let bgra = try TestPattern.videoFrame(index: 5, width: 64, height: 32, format: .bgra8888)
        let nv12 = try TestPattern.videoFrame(index: 5, width: 64, height: 32, format: .nv12)
        #expect(yuv.buffer.plane(0) == nv12.buffer.plane(0))
        var worst = 0.0
        for y in 0..<32 {
            for x in 0..<64 {
                let o = y * 64 * 4 + x * 4
                let r = Double(rgba.buffer.bytes[o]), g = Double(rgba.buffer.bytes[o + 1]), b = Double(rgba.buffer.bytes[o + 2])
                #expect(bgra.buffer.bytes[o] == rgba.buffer.bytes[o + 2] && bgra.buffer.bytes[o + 2] == rgba.buffer.bytes[o])
                #expect(rgba.buffer.bytes[o + 3] == 255)
                let luma = 16 + 0.257 * r + 0.504 * g + 0.098 * b
                if r > 0, g > 0, b > 0, r < 255, g < 255, b < 255 {   // unclipped pixels only
                    worst = max(worst, abs(luma - Double(yuv.buffer.bytes[y * 64 + x])))
                }
            }
        }
        #expect(worst < 2, "largest luma difference \(worst)")
    }

    @Test func toneIsASineAtTheRequestedFrequency() throws {
        let tone = try TestPattern.tone(frequency: 1_000, sampleRate: 48_000, channels: 2, startSample: 0, frameCount: 48)
        #expect(tone.format == .f32Planar && tone.channels == 2 && tone.frameCount == 48)
        let left = tone.samples(channel: 0), right = tone.samples(channel: 1)
        #expect(abs(left[0]) < 1e-6)
        #expect(abs(left[12] - 0.5) < 1e-6)       // quarter period
        #expect(abs(right[0] - 0.5) < 1e-6)       // shifted by a quarter turn
        // Consecutive calls join: samples 24..<48 equal a call starting at 24.
        let tail = try TestPattern.tone(frequency: 1_000, sampleRate: 48_000, channels: 2, startSample: 24, frameCount: 24)
        #expect(Array(left[24...]) == tail.samples(channel: 0))
        #expect(tail.timestampUs == 500)
        let s16 = try TestPattern.tone(frequency: 1_000, sampleRate: 48_000, channels: 2, startSample: 0, frameCount: 48, format: .s16Interleaved)
        #expect(s16.format == .s16Interleaved)
        for (a, b) in zip(s16.samples(channel: 0), left) { #expect(abs(a - b) <= 1.0 / 32_768 + 1e-6) }
    }
}
