import Foundation
import Testing
import MediaCore
import MediaFFmpeg
@testable import MediaPipeline
import MediaTestWatchdog

/// Each element through the harness: push, EOS, pull, nothing left over.
@Suite(.watchdog) struct ElementHarnessTests {
    static let video = StreamFormat.rawVideo(.yuv420p, width: 64, height: 48, frameRate: Rational(30, 1))
    static func frame(_ i: Int) throws -> VideoFrame { try TestPattern.videoFrame(index: i, width: 64, height: 48) }

    @Test func videotestsrcProducesExactlyNumBuffers() throws {
        let h = try ElementHarness("videotestsrc", properties: ["num-buffers": "7"])
        // 256 pixels or wider: the frame index is drawn in 16 blocks of 16.
        try h.start(constraints: ["src": [try Caps(parsing: "video/x-raw,width=320,height=240,format=rgba8888")]])
        #expect(h.formats["src"] == .rawVideo(.rgba8888, width: 320, height: 240, frameRate: Rational(30, 1)))
        #expect(try h.produce() == 7)
        try h.finish()
        let frames = h.pull().compactMap { if case .video(let f) = $0.item { return f } else { return nil } }
        #expect(frames.map(TestPattern.frameIndex(in:)) == Array(0..<7))
        #expect(h.isClean)
    }

    @Test func videoconvertChangesOnlyTheFormat() throws {
        let h = try ElementHarness("videoconvert", properties: ["format": "bgra8888"])
        try h.start(inputs: ["sink": Self.video])
        for i in 0..<3 { try h.push(.video(try Self.frame(i))) }
        try h.finish()
        let out = h.pull()
        #expect(out.count == 3)
        for (i, o) in out.enumerated() {
            guard case .video(let f) = o.item else { Issue.record("not video"); continue }
            let expected = try Self.frame(i).timestampUs
            #expect(f.format == .bgra8888 && f.width == 64 && f.timestampUs == expected)
        }
        #expect(h.isClean)
    }

    @Test func encodeDrainsEveryFrameAtEOS() throws {
        let h = try ElementHarness("encode", properties: ["codec": "h264"])
        try h.start(inputs: ["sink": Self.video])
        for i in 0..<10 { try h.push(.video(try Self.frame(i))) }
        let before = h.pull().count
        try h.finish()
        let after = h.pull().count
        #expect(before + after == 10)
        #expect(after > 0, "the encoder holds frames until drained")
        guard case .encoded(let track)? = h.formats["src"] else { Issue.record("no encoded format"); return }
        #expect(track.codec.hasPrefix("avc1."))
        #expect(h.isClean)
    }

    @Test func teeCopiesToEveryPad() throws {
        let h = try ElementHarness("tee", sourcePads: ["src_0", "src_1", "src_2"])
        try h.start(inputs: ["sink": Self.video])
        try h.push(.video(try Self.frame(0)))
        try h.finish()
        #expect(h.pull().map(\.pad) == ["src_0", "src_1", "src_2"])
        #expect(h.isClean)
    }

    @Test func audioresampleKeepsEverySampleThroughEOS() throws {
        let h = try ElementHarness("audioresample", properties: ["rate": "16000"])
        try h.start(inputs: ["sink": .rawAudio(.f32Planar, sampleRate: 48_000, channels: 1)])
        for k in 0..<10 { try h.push(.audio(try TestPattern.tone(frequency: 440, sampleRate: 48_000, channels: 1, startSample: k * 4800, frameCount: 4800))) }
        try h.finish()
        let samples = h.pull().reduce(0) { n, o in if case .audio(let a) = o.item { return n + a.frameCount } else { return n } }
        #expect(abs(samples - 16_000) <= 2)
        #expect(h.isClean)
    }

    @Test func muxThenDemuxRoundTrip() throws {
        let enc = try ElementHarness("encode", properties: ["codec": "vp9"])
        try enc.start(inputs: ["sink": Self.video])
        for i in 0..<6 { try enc.push(.video(try Self.frame(i))) }
        try enc.finish()
        let chunks = enc.pull()
        let mux = try ElementHarness("mux", properties: ["format": "webm"], sinkPads: ["sink_0"])
        try mux.start(inputs: ["sink_0": enc.formats["src"]!])
        for c in chunks { try mux.push(c.item, on: "sink_0") }
        try mux.finish()
        let bytes = mux.pull()
        #expect(mux.isClean)
        let demux = try ElementHarness("demux", sourcePads: ["video_0"])
        try demux.start(inputs: ["sink": .bytes(.webm)])
        for b in bytes { try demux.push(b.item) }
        try demux.finish()
        let out = demux.pull()
        #expect(out.count == 6 && out.allSatisfy { $0.pad == "video_0" })
        guard case .encoded(let track)? = demux.formats["video_0"] else { Issue.record("no pad format"); return }
        #expect(track.parameters.codecName == "vp9")
        #expect(demux.isClean)
    }

    @Test func negotiationRefusalsNameWhatWasWrong() throws {
        let h = try ElementHarness("videoconvert", properties: ["format": "nv12"])
        let error = try #require(throws: PipelineError.self) {
            try h.start(inputs: ["sink": Self.video], constraints: ["src": [try Caps(parsing: "video/x-raw,format=rgba8888")]])
        }
        #expect(error.code == .notNegotiated && error.description.contains("nv12") && error.description.contains("rgba8888"))
        // filesink writes raw video frame after frame, but has no file layout for raw audio.
        let sink = try ElementHarness("filesink", properties: ["location": tempPath("never.bin")])
        let audio = try #require(throws: PipelineError.self) {
            try sink.start(inputs: ["sink": .rawAudio(.f32Planar, sampleRate: 48_000, channels: 2)])
        }
        #expect(audio.code == .notNegotiated && audio.description.contains("audio/x-raw"))
    }
}
