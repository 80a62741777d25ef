import Foundation
import Testing
import MediaCore
import MediaFFmpeg
@testable import MediaPipeline
import MediaTestWatchdog

/// `pngenc`, `multifilesink`, `rawvideoparse` and raw video into `filesink`:
/// lossless image and raw I/O in pipelines, read back exactly.
@Suite(.watchdog) struct ImageAndRawVideoTests {
    /// A fresh directory for one test's files.
    static func folder(_ name: String) -> String {
        let path = tempPath("io-\(name)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }
    static func files(_ dir: String) -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted() }

    static func rgba(_ i: Int, width: Int = 64, height: Int = 48) throws -> VideoFrame {
        try TestPattern.videoFrame(index: i, width: width, height: height, format: .rgba8888)
    }

    static func warnings(_ messages: [BusMessage]) -> [String] {
        messages.compactMap { if case .warning(let e, let m) = $0 { "\(e): \(m)" } else { nil } }
    }

    // MARK: - pngenc

    @Test func pngencGivesOneKeyframePNGPerFrame() throws {
        let h = try ElementHarness("pngenc", properties: ["compression-level": "9"])
        try h.start(inputs: ["sink": .rawVideo(.rgba8888, width: 64, height: 48, frameRate: Rational(25, 1))])
        guard case .encoded(let track)? = h.formats["src"] else { Issue.record("no encoded format"); return }
        #expect(track.parameters.codecName == "png" && track.parameters.width == 64 && track.parameters.frameRate == Rational(25, 1))
        let frames = try (0..<3).map { try Self.rgba($0) }
        for f in frames { try h.push(.video(f)) }
        try h.finish()
        let chunks = h.pull().compactMap { if case .encoded(let c) = $0.item { c } else { nil } }
        #expect(chunks.count == 3 && chunks.allSatisfy(\.isKeyframe))
        #expect(chunks.map(\.timestampUs) == frames.map(\.timestampUs))
        for (chunk, frame) in zip(chunks, frames) {
            #expect(chunk.data == (try StillImage.encodePNG(frame, compressionLevel: 9)))
        }
        #expect(h.isClean)
    }

    /// Like GStreamer's, pngenc asks upstream for RGB and refuses what is not.
    @Test func pngencTakesRGBAOnly() async throws {
        let h = try ElementHarness("pngenc")
        let refused = try #require(throws: PipelineError.self) {
            try h.start(inputs: ["sink": .rawVideo(.yuv420p, width: 64, height: 48, frameRate: Rational(30, 1))])
        }
        #expect(refused.code == .notNegotiated && refused.message.contains("videoconvert"))
        #expect(PNGEnc.factory.inputCaps(for: [:])?.description == "video/x-raw,format=rgba8888")
        // Caps naming RGBA by GStreamer's name meet its own.
        let (summary, _) = try await runCollecting(try Pipeline(
            launch: "videotestsrc num-buffers=2 ! video/x-raw,format=RGBA,width=32,height=16 ! pngenc ! fakesink", registry: .standard))
        #expect(summary.itemsPerSink["fakesink0"] == 2)
        let conflict = try #require(throws: GraphError.self) {
            try Pipeline(launch: "videotestsrc ! video/x-raw,format=I420 ! pngenc ! fakesink", registry: .standard)
        }
        #expect(conflict.issues.first?.message.contains("conflict with its caps=video/x-raw,format=rgba8888") == true)
    }

    /// GStreamer's snapshot: one frame to one PNG file through filesink; and `decode` reads PNG chunks.
    @Test func oneFrameThroughFilesinkIsAPNGFileAndDecodeReadsThem() async throws {
        let dir = Self.folder("snapshot")
        _ = try await runCollecting(try Pipeline(launch: "videotestsrc num-buffers=1 ! pngenc ! filesink location=\(dir)/foo.png", registry: .standard))
        let still = try StillImage.read(dir + "/foo.png")
        let same = still.buffer.bytes == (try TestPattern.videoFrame(index: 0, width: 320, height: 240, format: .rgba8888)).buffer.bytes
        #expect(same)

        let enc = try ElementHarness("pngenc")
        let format = StreamFormat.rawVideo(.rgba8888, width: 64, height: 48, frameRate: Rational(30, 1))
        try enc.start(inputs: ["sink": format])
        for i in 0..<2 { try enc.push(.video(try Self.rgba(i))) }
        let dec = try ElementHarness("decode", properties: ["format": "rgba8888"])
        try dec.start(inputs: ["sink": enc.formats["src"]!])
        for item in enc.pull() { try dec.push(item.item) }
        try dec.finish()
        let frames = dec.pull().compactMap { if case .video(let f) = $0.item { f } else { nil } }
        #expect(frames.map(\.buffer.bytes) == [try Self.rgba(0).buffer.bytes, try Self.rgba(1).buffer.bytes])
    }

    // MARK: - multifilesink

    @Test func multifilesinkWritesEachBufferToItsOwnFile() throws {
        let dir = Self.folder("multi")
        let h = try ElementHarness("multifilesink", properties: ["location": dir + "/part-%03d.bin", "index": "7"])
        try h.start(inputs: ["sink": .bytes(nil)])
        try h.push(.bytes([1, 2, 3]))
        try h.push(.encoded(EncodedChunk(data: [4, 5], timestampUs: 0, isKeyframe: true)))
        let frame = try Self.rgba(1, width: 4, height: 2)
        try h.push(.video(frame))
        try h.finish()
        #expect(Self.files(dir) == ["part-007.bin", "part-008.bin", "part-009.bin"])
        #expect(try Self.bytes(dir + "/part-007.bin") == [1, 2, 3])
        #expect(try Self.bytes(dir + "/part-008.bin") == [4, 5])
        #expect(try Self.bytes(dir + "/part-009.bin") == frame.buffer.bytes)
        #expect(h.isClean)
    }

    @Test func maxFilesKeepsTheNewest() throws {
        let dir = Self.folder("maxfiles")
        let h = try ElementHarness("multifilesink", properties: ["location": dir + "/%d", "max-files": "2"])
        try h.start(inputs: ["sink": .bytes(nil)])
        for i in 0..<5 { try h.push(.bytes([UInt8(i)])) }
        try h.finish()
        #expect(Self.files(dir) == ["3", "4"])
        #expect(try Self.bytes(dir + "/4") == [4])
    }

    /// Settings that cannot work are refused when the element is made, naming it.
    @Test(arguments: [
        ("frame.png", "has no % conversion for the file number"),
        ("frame%d-%d.png", "has more than one % conversion"),
        ("frame%s.png", "is not an integer one"),
        ("frame%", "is not an integer one"),
    ])
    func badPatternsAreRefusedNamingTheElement(location: String, problem: String) async throws {
        let dir = Self.folder("badpattern")
        let pipeline = try Pipeline(launch: "videotestsrc num-buffers=1 ! pngenc ! multifilesink location=\"\(dir)/\(location)\"", registry: .standard)
        let error = try await #require(throws: PipelineError.self) { try await runCollecting(pipeline) }
        #expect(error.element == "multifilesink0" && error.message.contains(problem) && error.message.contains(location), "\(error)")
        #expect(Self.files(dir).isEmpty)
    }

    @Test func aMissingDirectoryIsNotCreated() async throws {
        let dir = Self.folder("nodir")
        let pipeline = try Pipeline(launch: "videotestsrc num-buffers=1 ! pngenc ! multifilesink location=\(dir)/sub/frame%05d.png", registry: .standard)
        let error = try await #require(throws: PipelineError.self) { try await runCollecting(pipeline) }
        #expect(error.element == "multifilesink0")
        #expect(error.message.contains("directory '\(dir)/sub' (of the first file, \(dir)/sub/frame00000.png) does not exist") && error.message.contains("does not create directories"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/sub"))
    }

    @Test func fileNamesFollowPrintf() throws {
        func name(_ pattern: String, _ i: Int) throws -> String { try FileNamePattern(pattern).name(i) }
        #expect(try name("frame%05d.png", 42) == "frame00042.png")
        #expect(try name("%d", 0) == "0" && (try name("%d", 123_456) == "123456"))
        #expect(try name("[%5d]", 42) == "[   42]" && (try name("[%-5d]", 42) == "[42   ]"))
        #expect(try name("%.3i", 7) == "007" && (try name("%8.3u", 7) == "     007"))
        #expect(try name("%x-%%", 255) == "ff-%" && (try name("%04X", 255) == "00FF") && (try name("%o", 8) == "10"))
        #expect(try name("100%%_%02d", 3) == "100%_03")
        #expect(try name("%03d", 12_345) == "12345", "width is a minimum")
        #expect(throws: FileNamePattern.Problem.self) { try FileNamePattern("no-number.png") }
        #expect(throws: FileNamePattern.Problem.self) { try FileNamePattern("%%literal-only") }
        #expect(throws: FileNamePattern.Problem.self) { try FileNamePattern("%ld") }
    }

    // MARK: - rawvideoparse

    @Test func rawvideoparseCutsFramesHoweverBytesArrive() throws {
        let frames = try (0..<3).map { try TestPattern.videoFrame(index: $0, width: 33, height: 17, format: .nv12) }
        let all = frames.flatMap(\.buffer.bytes)
        let h = try ElementHarness("rawvideoparse", properties: ["width": "33", "height": "17", "format": "NV12", "framerate": "30000/1001"])
        try h.start(inputs: ["sink": .bytes(nil)])
        #expect(h.formats["src"] == .rawVideo(.nv12, width: 33, height: 17, frameRate: Rational(30000, 1001)))
        // Pieces of 1000 bytes: frames split across pieces, some pieces holding the end of one and the start of the next.
        for start in stride(from: 0, to: all.count, by: 1000) { try h.push(.bytes(Array(all[start..<min(all.count, start + 1000)]))) }
        try h.push(.bytes([9, 9, 9]))
        try h.finish()
        let out = h.pull().compactMap { if case .video(let f) = $0.item { f } else { nil } }
        #expect(out.map(\.buffer.bytes) == frames.map(\.buffer.bytes))
        #expect(out.map(\.timestampUs) == [0, 33_367, 66_733] && out[0].durationUs == 33_367)
        #expect(h.warnings == ["the input ends with 3 bytes that are not a whole frame (nv12 33x17 is 867 bytes); they are dropped"])
        #expect(h.isClean)
    }

    @Test func frameSizeSkipsPaddingBetweenFrames() throws {
        let frames = try (0..<2).map { try Self.rgba($0, width: 4, height: 2) }
        let h = try ElementHarness("rawvideoparse", properties: ["width": "4", "height": "2", "format": "RGBA", "frame-size": "40"])
        try h.start(inputs: ["sink": .bytes(nil)])
        try h.push(.bytes(frames[0].buffer.bytes + [0xEE, 0xEE, 0xEE]))
        try h.push(.bytes([0xEE, 0xEE, 0xEE, 0xEE, 0xEE] + frames[1].buffer.bytes))
        try h.finish()
        let out = h.pull().compactMap { if case .video(let f) = $0.item { f } else { nil } }
        #expect(out.map(\.buffer.bytes) == frames.map(\.buffer.bytes))
        #expect(out.map(\.timestampUs) == [0, 40_000], "GStreamer's default 25/1")
        #expect(h.warnings.isEmpty, "padding missing after the last frame is not a partial frame")
    }

    @Test func rawvideoparseRefusesWhatItCannotDo() throws {
        let sinkCaps = try #require(throws: PipelineError.self) { try ElementHarness("rawvideoparse", properties: ["use-sink-caps": "true"]) }
        #expect(sinkCaps.message.contains("use-sink-caps=true"))
        let rate = try #require(throws: PipelineError.self) { try ElementHarness("rawvideoparse", properties: ["framerate": "0/1"]) }
        #expect(rate.message.contains("framerate 0/1 must be positive"))
        #expect(RawVideoParse.factory.settingsValues([:])["format"] == .string("yuv420p"))
    }

    // MARK: - Whole pipelines

    /// What `pngenc ! multifilesink` writes, `multifilesrc` reads back exactly;
    /// raw frames through `filesink` and `rawvideoparse` agree with both.
    @Test func pngSequenceAndRawFramesRoundTripThroughPipelines() async throws {
        let dir = Self.folder("roundtrip")
        _ = try await runCollecting(try Pipeline(
            launch: "videotestsrc num-buffers=3 ! videoconvert format=rgba8888 ! pngenc ! multifilesink location=\(dir)/frame%05d.png",
            registry: .standard))
        #expect(Self.files(dir) == ["frame00000.png", "frame00001.png", "frame00002.png"])
        _ = try await runCollecting(try Pipeline(
            launch: "videotestsrc num-buffers=3 ! videoconvert format=rgba8888 ! filesink location=\(dir)/direct.raw", registry: .standard))
        _ = try await runCollecting(try Pipeline(
            launch: "multifilesrc location=\(dir)/frame%05d.png framerate=30/1 ! filesink location=\(dir)/back.raw", registry: .standard))
        let direct = try Self.bytes(dir + "/direct.raw"), back = try Self.bytes(dir + "/back.raw")
        let frameBytes = 320 * 240 * 4
        #expect(direct.count == 3 * frameBytes)
        // Large arrays are compared first: a failed #expect on them would print them whole.
        let sameSequence = back == direct
        #expect(sameSequence, "the PNG sequence read back is not the frames written")
        // videoconvert's RGBA of videotestsrc's yuv420p frame 2.
        let converted = try VideoScaler(format: .rgba8888, width: 320, height: 240)
            .scale(try TestPattern.videoFrame(index: 2, width: 320, height: 240, format: .yuv420p))
        let frame2 = Array(direct[(2 * frameBytes)...])
        let sameFrame2 = frame2 == converted.buffer.bytes
        #expect(sameFrame2)

        let h = try ElementHarness("multifilesrc", properties: ["location": dir + "/frame%05d.png"])
        try h.start()
        try h.produce()
        try h.finish()
        let frames = h.pull().compactMap { if case .video(let f) = $0.item { f } else { nil } }
        let harnessSame = frames.count == 3 && frames[2].buffer.bytes == frame2
        #expect(harnessSame)

        let (_, messages) = try await runCollecting(try Pipeline(
            launch: "filesrc location=\(dir)/direct.raw blocksize=100000 ! rawvideoparse width=320 height=240 format=rgba8888 framerate=30/1 ! pngenc ! multifilesink location=\(dir)/again%05d.png",
            registry: .standard))
        #expect(Self.warnings(messages).isEmpty)
        for i in 0..<3 {
            let same = try Self.bytes(dir + String(format: "/again%05d.png", i)) == (try Self.bytes(dir + String(format: "/frame%05d.png", i)))
            #expect(same, "PNG \(i) made from the raw frames is not the one made in the first pipeline")
        }
    }

    // MARK: - GStreamer's lines

    /// `gst-launch-1.0 videotestsrc num-buffers=10 ! pngenc ! multifilesink location=frame%05d.png`
    @Test func gstreamerPngSequenceLine() async throws {
        let dir = Self.folder("gst-png")
        _ = try await runCollecting(try Pipeline(
            launch: "videotestsrc num-buffers=10 ! pngenc ! multifilesink location=\(dir)/frame%05d.png", registry: .standard))
        #expect(Self.files(dir).count == 10 && Self.files(dir).last == "frame00009.png")
        // pngenc asks videotestsrc for RGBA: the pattern is drawn in RGBA and stored as it is.
        let nine = try StillImage.read(dir + "/frame00009.png")
        let same = nine.buffer.bytes == (try TestPattern.videoFrame(index: 9, width: 320, height: 240, format: .rgba8888)).buffer.bytes
        #expect(same)
    }

    /// multifilesink's documented `videotestsrc ! multifilesink post-messages=true location="frame%d"`,
    /// bounded and without post-messages (not implemented): raw frames, one per file.
    @Test func gstreamerRawFramesLine() async throws {
        let dir = Self.folder("gst-raw")
        _ = try await runCollecting(try Pipeline(launch: "videotestsrc num-buffers=2 ! multifilesink location=\"\(dir)/frame%d\"", registry: .standard))
        #expect(Self.files(dir) == ["frame0", "frame1"])
        let one = try Self.bytes(dir + "/frame1")
        let same = one == (try TestPattern.videoFrame(index: 1, width: 320, height: 240, format: .yuv420p)).buffer.bytes
        #expect(same, "a raw yuv420p frame in the canonical layout")
    }

    /// rawvideoparse's documented `filesrc location=video.raw ! rawvideoparse use-sink-caps=false width=500 height=400
    /// format=y444 ! autovideosink`, with I420 (no Y444 here) and fakesink (no display here).
    @Test func gstreamerRawvideoparseLine() async throws {
        let dir = Self.folder("gst-rawparse")
        let frames = try (0..<4).map { try TestPattern.videoFrame(index: $0, width: 500, height: 400, format: .yuv420p) }
        try Data(frames.flatMap(\.buffer.bytes)).write(to: URL(fileURLWithPath: dir + "/video.raw"))
        let (summary, messages) = try await runCollecting(try Pipeline(
            launch: "filesrc location=\(dir)/video.raw ! rawvideoparse use-sink-caps=false width=500 height=400 format=I420 ! fakesink",
            registry: .standard))
        #expect(summary.itemsPerSink["fakesink0"] == 4 && Self.warnings(messages).isEmpty)
        let negotiated = messages.compactMap { if case .negotiated(let e, _, let f) = $0, e == "rawvideoparse0" { "\(f)" } else { nil } }
        #expect(negotiated == ["video/x-raw,format=yuv420p,width=500,height=400,framerate=25/1"])
    }

    /// A common GStreamer recipe: raw YUV frames to a PNG per frame.
    @Test func gstreamerRawToPngLine() async throws {
        let dir = Self.folder("gst-yuv2png")
        let frames = try (0..<2).map { try TestPattern.videoFrame(index: $0, width: 64, height: 48, format: .yuv420p) }
        try Data(frames.flatMap(\.buffer.bytes) + [1, 2, 3, 4, 5]).write(to: URL(fileURLWithPath: dir + "/size_64x48.yuv"))
        let (_, messages) = try await runCollecting(try Pipeline(
            launch: "filesrc location=\(dir)/size_64x48.yuv ! rawvideoparse width=64 height=48 framerate=25/1 format=I420 ! videoconvert ! pngenc ! multifilesink location=\(dir)/img%03d.png",
            registry: .standard))
        #expect(Self.files(dir).filter { $0.hasSuffix(".png") } == ["img000.png", "img001.png"])
        let expected = try VideoScaler(format: .rgba8888, width: 64, height: 48).scale(frames[1])
        let same = try StillImage.read(dir + "/img001.png").buffer.bytes == expected.buffer.bytes
        #expect(same, "the PNG holds videoconvert's RGBA of the raw frame")
        #expect(Self.warnings(messages) == ["rawvideoparse0: the input ends with 5 bytes that are not a whole frame (yuv420p 64x48 is 4608 bytes); they are dropped"])
    }
}
