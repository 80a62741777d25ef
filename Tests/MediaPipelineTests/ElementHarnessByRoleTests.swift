import Foundation
import Testing
import MediaCore
import MediaFFmpeg
@testable import MediaPipeline
import MediaTestSupport
import MediaTestWatchdog

/// The elements ElementHarnessTests does not drive, one harness test each,
/// by role (the folders of Sources/MediaPipeline/Elements).
@Suite(.watchdog) struct ElementHarnessByRoleTests {
    static let video = ElementHarnessTests.video
    static func frame(_ i: Int) throws -> VideoFrame { try ElementHarnessTests.frame(i) }
    static let audio = StreamFormat.rawAudio(.f32Planar, sampleRate: 48_000, channels: 2)
    static func tone(_ k: Int, frames: Int = 1024) throws -> AudioData {
        try TestPattern.tone(frequency: 440, sampleRate: 48_000, channels: 2, startSample: k * frames, frameCount: frames)
    }
    static func items(_ h: ElementHarness) -> [MediaItem] { h.pull().map(\.item) }

    /// Encoded frames for tests that need them: `count` VP9 or H.264 chunks and their format.
    static func encoded(_ codec: String = "h264", count: Int = 6) throws -> (StreamFormat, [MediaItem]) {
        let enc = try ElementHarness("encode", properties: ["codec": codec])
        try enc.start(inputs: ["sink": video])
        for i in 0..<count { try enc.push(.video(try frame(i))) }
        try enc.finish()
        return (enc.formats["src"]!, items(enc))
    }

    /// Writes a file with `line` and gives its path.
    static func file(_ name: String, _ line: (String) -> String) async throws -> String {
        let path = tempPath(name)
        _ = try await Pipeline(launch: line(path), registry: .standard).run()
        return path
    }

    /// Every element of the standard registry has a harness test in this
    /// suite or in ElementHarnessTests, SFrameTests, PipelineRunTests or ImageAndRawVideoTests.
    @Test func everyElementHasAHarnessTest() {
        let covered: Set<String> = [
            // ElementHarnessTests, SFrameTests, PipelineRunTests
            "videotestsrc", "videoconvert", "encode", "tee", "audioresample", "mux", "demux", "filesink", "sframeenc", "sframedec", "trim",
            // this suite
            "audiotestsrc", "fakesrc", "filesrc", "urisrc", "multifilesrc", "uridecodebin", "decode", "decodebin", "parse", "timestamper",
            "videoscale", "videorate", "audioconvert", "audiomixer", "concat", "fakesink", "queue", "identity", "capsfilter", "progressreport",
            // ImageAndRawVideoTests
            "pngenc", "multifilesink", "rawvideoparse",
        ]
        let standard = Set(ElementRegistry.standard.names.filter { !(ElementRegistry.standard.factory(named: $0) is ElementAlias) })
        #expect(standard.subtracting(covered).isEmpty, "no harness test: \(standard.subtracting(covered).sorted())")
    }

    // MARK: - Sources

    @Test func audiotestsrcMakesTheAskedWave() throws {
        let h = try ElementHarness("audiotestsrc", properties: ["num-buffers": "3", "wave": "square", "volume": "0.25", "samplesperbuffer": "480"])
        try h.start(constraints: ["src": [try Caps(parsing: "audio/x-raw,rate=16000,channels=1")]])
        #expect(h.formats["src"] == .rawAudio(.f32Planar, sampleRate: 16_000, channels: 1))
        #expect(try h.produce() == 3)
        try h.finish()
        let runs = Self.items(h).compactMap { if case .audio(let a) = $0 { a } else { nil } }
        #expect(runs.map(\.frameCount) == [480, 480, 480] && runs[1].timestampUs == 30_000)
        #expect(Set(runs.flatMap { $0.samples(channel: 0) }) == [0.25, -0.25])
        #expect(h.isClean)
    }

    @Test func fakesrcMakesSizedBuffers() throws {
        let h = try ElementHarness("fakesrc", properties: ["num-buffers": "4", "sizetype": "fixed", "sizemax": "100"])
        try h.start()
        #expect(try h.produce() == 4)
        try h.finish()
        #expect(Self.items(h).map { if case .bytes(let b) = $0 { b.count } else { -1 } } == [100, 100, 100, 100])
        #expect(h.isClean)
        #expect(throws: PipelineError.self) { try ElementHarness("fakesrc", properties: ["sizemin": "10", "sizemax": "5"]) }
    }

    @Test func filesrcReadsInBlocks() throws {
        let path = tempPath("harness-blocks.bin")
        try Data((0..<250).map { UInt8($0) }).write(to: URL(fileURLWithPath: path))
        let h = try ElementHarness("filesrc", properties: ["location": path, "blocksize": "100"])
        try h.start()
        #expect(try h.produce() == 3)
        try h.finish()
        #expect(Self.items(h).map { if case .bytes(let b) = $0 { b.count } else { -1 } } == [100, 100, 50])
        #expect(h.isClean)
    }

    @Test func urisrcReadsAURL() async throws {
        let path = try await Self.file("harness-uri.mkv") { "videotestsrc num-buffers=5 ! encode ! mux format=mkv ! filesink location=\($0)" }
        let h = try ElementHarness("urisrc", properties: ["uri": "file:" + path])
        try h.start()
        try h.produce()
        try h.finish()
        let bytes = Self.items(h).reduce(0) { n, i in if case .bytes(let b) = i { n + b.count } else { n } }
        #expect(bytes == (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int))
        #expect(h.isClean)
    }

    @Test func multifilesrcReadsAnImageSequence() throws {
        let dir = tempPath("harness-ppm")
        try MediaFixtures.writePPMSequence(count: 3, width: 64, height: 48, in: dir)
        let h = try ElementHarness("multifilesrc", properties: ["location": dir + "/img%04d.ppm", "framerate": "10"])
        try h.start()
        try h.produce()
        try h.finish()
        let frames = Self.items(h).compactMap { if case .video(let f) = $0 { f } else { nil } }
        #expect(frames.map(\.timestampUs) == [0, 100_000, 200_000] && frames.allSatisfy { $0.width == 64 })
        #expect(h.isClean)
    }

    @Test func uridecodebinDecodesEveryStream() async throws {
        let path = try await Self.file("harness-uridecodebin.mkv") {
            "videotestsrc num-buffers=6 ! encode ! mux name=m format=mkv ! filesink location=\($0)  audiotestsrc num-buffers=10 ! encode codec=opus ! m."
        }
        let h = try ElementHarness("uridecodebin", properties: ["uri": "file://" + path], sourcePads: ["video_%u", "audio_%u"])
        try h.start()
        #expect(h.formats.keys.sorted() == ["audio_0", "video_0"])
        try h.produce()
        try h.finish()
        let out = h.pull()
        #expect(out.filter { $0.pad == "video_0" }.count == 6)
        #expect(out.filter { $0.pad == "audio_0" }.allSatisfy { if case .audio = $0.item { true } else { false } })
        #expect(h.isClean)
    }

    // MARK: - Codecs and containers

    @Test func decodeGivesEveryFrameBack() throws {
        let (format, chunks) = try Self.encoded()
        let h = try ElementHarness("decode", properties: ["format": "rgba8888"])
        try h.start(inputs: ["sink": format])
        for c in chunks { try h.push(c) }
        try h.finish()
        let frames = Self.items(h).compactMap { if case .video(let f) = $0 { f } else { nil } }
        #expect(frames.count == 6 && frames.allSatisfy { $0.format == .rgba8888 })
        #expect(h.isClean)
    }

    @Test func decodebinDecodesContainerBytesOrAStream() throws {
        let (format, chunks) = try Self.encoded()
        let direct = try ElementHarness("decodebin", sourcePads: ["video_%u"])
        try direct.start(inputs: ["sink": format])
        #expect(direct.formats["video_0"] == Self.video)
        for c in chunks { try direct.push(c) }
        try direct.finish()
        #expect(direct.pull().filter { $0.pad == "video_0" }.count == 6)
        #expect(direct.isClean)

        let mux = try ElementHarness("mux", properties: ["format": "mkv"], sinkPads: ["sink_0"])
        try mux.start(inputs: ["sink_0": format])
        for c in chunks { try mux.push(c, on: "sink_0") }
        try mux.finish()
        let bin = try ElementHarness("decodebin", sourcePads: ["video_%u"])
        try bin.start(inputs: ["sink": .bytes(.mkv)])
        for b in Self.items(mux) { try bin.push(b) }
        try bin.finish()
        #expect(bin.pull().filter { if case .video = $0.item { $0.pad == "video_0" } else { false } }.count == 6)
        #expect(bin.formats["video_0"] == Self.video)
        #expect(bin.isClean)
    }

    @Test func parseFramesAStreamFileOrPassesChunksOn() async throws {
        let (format, chunks) = try Self.encoded()
        let pass = try ElementHarness("parse")
        try pass.start(inputs: ["sink": format])
        for c in chunks { try pass.push(c) }
        try pass.finish()
        #expect(pass.pull().count == 6 && pass.formats["src"] == format)
        #expect(pass.isClean)

        let path = try await Self.file("harness-parse.mp3") { "audiotestsrc num-buffers=20 ! encode codec=mp3 ! filesink location=\($0)" }
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let h = try ElementHarness("parse")
        try h.start(inputs: ["sink": .bytes(nil)])
        try h.push(.bytes(bytes))
        try h.finish()
        guard case .encoded(let track)? = h.formats["src"] else { Issue.record("no stream found"); return }
        #expect(track.parameters.codecName == "mp3" && h.pull().count > 10)
        #expect(h.isClean)
    }

    @Test func timestamperGivesIncreasingDecodeTimesNeverAfterPresentation() throws {
        // Presentation times of a stream with B-frames, in decode order, and no decode times.
        let order: [Int64] = [0, 3, 1, 2, 6, 4, 5, 9, 7, 8]
        let track = TrackInfo(id: 0, codec: "avc1.64001f", parameters: CodecParameters(kind: .video, codecName: "h264", frameRate: Rational(30, 1)))
        let h = try ElementHarness("timestamper", properties: ["reorder-depth": "2"])
        try h.start(inputs: ["sink": .encoded(track)])
        for n in order { try h.push(.encoded(EncodedChunk(data: [0], timestampUs: n * 33_333, isKeyframe: n == 0))) }
        try h.finish()
        let out = Self.items(h).compactMap { if case .encoded(let c) = $0 { c } else { nil } }
        #expect(out.map(\.timestampUs) == order.map { $0 * 33_333 })
        let dts = out.map { $0.decodeTimestampUs! }
        #expect(zip(dts, dts.dropFirst()).allSatisfy { $0 < $1 })
        #expect(zip(dts, out).allSatisfy { $0 <= $1.timestampUs })
        #expect(h.isClean)
    }

    // MARK: - Conversion, mixing, editing

    @Test func videoscaleResizesOnly() throws {
        let h = try ElementHarness("videoscale", properties: ["width": "32", "height": "24"])
        try h.start(inputs: ["sink": Self.video])
        try h.push(.video(try Self.frame(0)))
        try h.finish()
        guard case .video(let f)? = Self.items(h).first else { Issue.record("no frame"); return }
        #expect(f.width == 32 && f.height == 24 && f.format == .yuv420p)
        #expect(h.isClean)
    }

    @Test func videorateFillsEverySlot() throws {
        let h = try ElementHarness("videorate", properties: ["framerate": "60"])
        try h.start(inputs: ["sink": Self.video])
        for i in 0..<3 { try h.push(.video(try Self.frame(i))) }
        try h.finish()
        #expect(Self.items(h).count == 6)
        #expect(h.formats["src"] == .rawVideo(.yuv420p, width: 64, height: 48, frameRate: Rational(60, 1)))
        #expect(h.isClean)
    }

    @Test func audioconvertChangesFormatAndChannels() throws {
        let h = try ElementHarness("audioconvert", properties: ["format": "S16LE", "channels": "1"])
        try h.start(inputs: ["sink": Self.audio])
        for k in 0..<3 { try h.push(.audio(try Self.tone(k))) }
        try h.finish()
        let runs = Self.items(h).compactMap { if case .audio(let a) = $0 { a } else { nil } }
        #expect(runs.allSatisfy { $0.format == .s16Interleaved && $0.channels == 1 } && runs.reduce(0) { $0 + $1.frameCount } == 3072)
        #expect(h.isClean)
    }

    @Test func audiomixerSumsItsInputsWithGains() throws {
        let h = try ElementHarness("audiomixer", properties: ["gains": "0.5,0.25", "channels": "2"], sinkPads: ["sink_0", "sink_1"])
        try h.start(inputs: ["sink_0": Self.audio, "sink_1": Self.audio])
        try h.push(.audio(try Self.tone(0)), on: "sink_0")
        try h.push(.audio(try Self.tone(0)), on: "sink_1")
        try h.finish()
        let mixed = Self.items(h).compactMap { if case .audio(let a) = $0 { a } else { nil } }
        let source = try Self.tone(0).samples(channel: 0)
        #expect(mixed.count == 1 && zip(mixed[0].samples(channel: 0), source).allSatisfy { abs($0 - 0.75 * $1) < 1e-5 })
        #expect(h.isClean)
    }

    @Test func concatJoinsItsInputsInOrder() throws {
        let h = try ElementHarness("concat", sinkPads: ["sink_0", "sink_1"])
        try h.start(inputs: ["sink_0": Self.video, "sink_1": Self.video])
        for i in 0..<2 { try h.push(.video(try Self.frame(i)), on: "sink_0") }
        for i in 0..<2 { try h.push(.video(try Self.frame(i)), on: "sink_1") }
        try h.finish()
        let stamps = Self.items(h).compactMap { if case .video(let f) = $0 { f.timestampUs } else { nil } }
        // The second input starts where the first ended: its last frame's time plus its duration (33 333 µs).
        #expect(stamps == [0, 33_333, 66_666, 99_999])
        #expect(h.isClean)
    }

    // MARK: - Sinks and plumbing

    @Test func fakesinkTakesAnything() throws {
        let h = try ElementHarness("fakesink", properties: ["sync": "false"])
        try h.start(inputs: ["sink": .bytes(nil)])
        try h.push(.bytes([1]))
        try h.push(.video(try Self.frame(0)))
        try h.finish()
        #expect(h.pull().isEmpty && h.isClean)
    }

    @Test func queueIdentityCapsfilterPassItemsOn() throws {
        for (name, properties) in [("queue", ["max-size-time": "1000000000"]), ("identity", [:]), ("capsfilter", ["caps": "video/x-raw,width=64"])] {
            let h = try ElementHarness(name, properties: properties)
            try h.start(inputs: ["sink": Self.video])
            #expect(h.formats["src"] == Self.video)
            for i in 0..<3 { try h.push(.video(try Self.frame(i))) }
            try h.finish()
            #expect(Self.items(h).count == 3, "\(name)")
            #expect(h.isClean)
        }
        #expect(Queue.inputQueueLimits(Queue.Settings([:])) == InputQueueLimits(items: 16))
        #expect(Queue.inputQueueLimits(Queue.Settings(["max-size-buffers": .int(0), "max-size-time": .int(2_000_000_000)]))
                == InputQueueLimits(items: 100_000, bytes: 0, timeUs: 2_000_000))
        #expect(Queue.inputQueueLimits(Queue.Settings(["max-size-buffers": .int(0)])).items == 16, "one limit always stays")
    }

    @Test func identityTestHooksDropAndFail() throws {
        let failing = try ElementHarness("identity", properties: ["error-after": "2"])
        try failing.start(inputs: ["sink": Self.video])
        try failing.push(.video(try Self.frame(0)))
        try failing.push(.video(try Self.frame(1)))
        let error = try #require(throws: PipelineError.self) { try failing.push(.video(try Self.frame(2))) }
        #expect(error.message.contains("error-after=2"))
        let dropping = try ElementHarness("identity", properties: ["drop-probability": "0.5"])
        try dropping.start(inputs: ["sink": Self.video])
        for i in 0..<40 { try dropping.push(.video(try Self.frame(i))) }
        try dropping.finish()
        let kept = Self.items(dropping).count
        #expect(kept > 5 && kept < 35)
    }

    @Test func progressreportPostsEveryUpdateFreqSeconds() throws {
        let h = try ElementHarness("progressreport", properties: ["update-freq": "1"])
        try h.start(inputs: ["sink": Self.video])
        for i in 0..<75 { try h.push(.video(try Self.frame(i))) }
        try h.finish()
        #expect(h.progress == [0, 1_000_000, 2_000_000, 2_466_667])
        #expect(Self.items(h).count == 75 && h.isClean)
    }
}
