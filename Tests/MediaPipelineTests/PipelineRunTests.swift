import Foundation
import Testing
import MediaCore
import MediaFFmpeg
@testable import MediaPipeline
import MediaTestSupport
import MediaTestWatchdog

func tempPath(_ name: String) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wasi-media-pipeline-\(getpid())")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent(name).path
}

/// Collects the bus while a pipeline runs.
func runCollecting(_ pipeline: Pipeline) async throws -> (PipelineSummary, [BusMessage]) {
    let collector = Task { var all: [BusMessage] = []; for await m in pipeline.bus { all.append(m) }; return all }
    do {
        let summary = try await pipeline.run()
        return (summary, await collector.value)
    } catch {
        _ = await collector.value
        throw error
    }
}

@Suite(.watchdog) struct PipelineRunTests {
    @Test func transcodeLaunchLineWritesAPlayableFile() async throws {
        let out = tempPath("run.mp4")
        let line = "videotestsrc num-buffers=60 ! video/x-raw,width=320,height=240,framerate=30/1 ! videoconvert format=rgba8888 ! encode codec=h264 ! mux name=m format=mp4 ! filesink location=\(out)  audiotestsrc num-buffers=47 ! encode codec=aac ! m."
        let pipeline = try Pipeline(launch: line, registry: .standard)
        let (summary, messages) = try await runCollecting(pipeline)
        #expect(summary.itemsPerSink["filesink0"] ?? 0 > 0)
        // Every link negotiated before data, EOS on the bus once per sink and once overall.
        let negotiated = messages.compactMap { if case .negotiated(let e, let p, let f) = $0 { return "\(e).\(p)=\(f)" } else { return nil } }
        #expect(negotiated.contains("videotestsrc0.src=video/x-raw,format=yuv420p,width=320,height=240,framerate=30/1"))
        #expect(negotiated.contains("videoconvert0.src=video/x-raw,format=rgba8888,width=320,height=240,framerate=30/1"))
        #expect(messages.filter { if case .sinkEndOfStream = $0 { return true } else { return false } }.count == 1)
        #expect(messages.filter { if case .endOfStream = $0 { return true } else { return false } }.count == 1)
        // The file: every frame, in order, and the audio track.
        let demuxer = try Demuxer(url: out)
        #expect(demuxer.tracks.map(\.parameters.codecName).sorted() == ["aac", "h264"])
        #expect(try MediaFixtures.frameIndices(out).map(\.index) == Array(0..<60))
    }

    @Test func teeFeedsEveryBranchAndEachSinkSeesEOSOnce() async throws {
        let pipeline = try Pipeline(launch: "videotestsrc num-buffers=25 ! tee name=t ! queue ! fakesink  t. ! queue max-size-buffers=1 ! fakesink  t. ! fakesink", registry: .standard)
        let (summary, messages) = try await runCollecting(pipeline)
        #expect(summary.itemsPerSink == ["fakesink0": 25, "fakesink1": 25, "fakesink2": 25])
        let sinkEOS = messages.compactMap { if case .sinkEndOfStream(let s) = $0 { return s } else { return nil } }
        #expect(sinkEOS.sorted() == ["fakesink0", "fakesink1", "fakesink2"])
    }

    @Test func negotiationFailureNamesBothSidesBeforeAnyData() async throws {
        let pipeline = try Pipeline(launch: "videotestsrc num-buffers=5 ! videoconvert format=nv12 ! video/x-raw,format=rgba8888 ! fakesink", registry: .standard)
        let error = try await #require(throws: PipelineError.self) { try await runCollecting(pipeline) }
        #expect(error.code == .notNegotiated)
        #expect(error.element == "videoconvert0")
        #expect(error.description.contains("nv12") && error.description.contains("rgba8888"))
    }

    @Test func encoderErrorsStopThePipelineWithTheElementPath() async throws {
        let pipeline = try Pipeline(launch: "videotestsrc num-buffers=5 ! video/x-raw,width=321,height=240 ! encode codec=h264 ! fakesink", registry: .standard)
        let error = try await #require(throws: PipelineError.self) { try await runCollecting(pipeline) }
        #expect(error.element == "encode0")
        #expect(error.description.contains("odd"))
    }

    @Test func stopEndsSourcesAndStillFinalizes() async throws {
        let out = tempPath("stopped.mkv")
        let pipeline = try Pipeline(launch: "videotestsrc ! encode ! mux format=mkv ! filesink location=\(out)", registry: .standard)
        let collector = Task { () -> Int in
            var progress = 0
            for await m in pipeline.bus {
                if case .progress = m { progress += 1; if progress == 2 { pipeline.stop() } }
            }
            return progress
        }
        let summary = try await pipeline.run()
        _ = await collector.value
        #expect(summary.stopped)
        let reader = try FrameReader(url: out)
        var frames = 0
        while try reader.nextFrame() != nil { frames += 1 }
        #expect(frames > 0)
    }

    @Test func graphErrorsCarryColumns() throws {
        let error = try #require(throws: GraphError.self) {
            try Pipeline(launch: "videotestsrc num-buffer=3 ! fakesnk", registry: .standard)
        }
        #expect(error.issues.count == 2)
        #expect(error.issues[0].range?.column == 14)
        #expect(error.issues[1].message.contains("did you mean 'fakesink'"))
    }
}

@Suite(.watchdog) struct DemuxPipelineTests {
    static func clip(seconds: Double = 1, keyframeInterval: Int? = nil) throws -> String {
        let path = tempPath("source-\(UUID().uuidString.prefix(6)).mp4")
        var s = TestClip.Settings()
        s.seconds = seconds
        s.width = 320
        s.height = 240
        s.keyframeInterval = keyframeInterval
        try TestClip.write(to: path, s)
        return path
    }

    /// The seed's "stream transcoding": demux, decode, rescale, re-encode at another bitrate, mux.
    @Test func streamTranscodingThroughThePipeline() async throws {
        let input = try Self.clip()
        let out = tempPath("transcoded.webm")
        let line = "filesrc location=\(input) ! demux name=d  d.video_0 ! decode ! videoscale width=160 height=120 ! encode codec=vp9 bitrate=300000 ! mux name=m format=webm ! filesink location=\(out)  d.audio_0 ! decode ! encode codec=opus ! m."
        let (_, messages) = try await runCollecting(try Pipeline(launch: line, registry: .standard))
        let negotiated = messages.compactMap { if case .negotiated(let e, let p, let f) = $0 { return "\(e).\(p)=\(f)" } else { return nil } }
        #expect(negotiated.contains { $0.hasPrefix("d.video_0=video/x-h264,codec=avc1.") })
        #expect(negotiated.contains("videoscale0.src=video/x-raw,format=yuv420p,width=160,height=120,framerate=30/1"))
        let demuxer = try Demuxer(url: out)
        #expect(demuxer.tracks.map(\.codec).sorted().first?.hasPrefix("opus") == true)
        let reader = try FrameReader(url: out)
        var i = 0
        while let f = try reader.nextFrame() {
            #expect(f.width == 160 && f.height == 120)
            i += 1
        }
        #expect(i == 30)
    }

    @Test func unnamedDemuxPadsAreChosenByWhatDownstreamTakes() async throws {
        let input = try Self.clip()
        let (summary, _) = try await runCollecting(try Pipeline(launch: "filesrc location=\(input) ! demux ! decode format=rgba8888 ! fakesink", registry: .standard))
        #expect(summary.itemsPerSink["fakesink0"] == 30)
    }

    @Test func garbageInputFailsInTheDemuxer() async throws {
        let junk = tempPath("junk.bin")
        _ = FileManager.default.createFile(atPath: junk, contents: Data((0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 5) }))
        let error = try await #require(throws: PipelineError.self) {
            try await runCollecting(try Pipeline(launch: "filesrc location=\(junk) ! demux ! decode ! fakesink", registry: .standard))
        }
        #expect(error.element == "demux0")
    }
}

@Suite(.watchdog) struct AudioPipelineTests {
    /// Amplitude of the `frequency` component of `x` (Goertzel), in the units of x.
    static func amplitude(_ x: ArraySlice<Float>, frequency: Double, rate: Double) -> Double {
        let w = 2 * Double.pi * frequency / rate
        var s1 = 0.0, s2 = 0.0
        for v in x { let s0 = Double(v) + 2 * cos(w) * s1 - s2; s2 = s1; s1 = s0 }
        let power = s1 * s1 + s2 * s2 - 2 * cos(w) * s1 * s2
        return 2 * power.squareRoot() / Double(x.count)
    }

    static func decodeAll(_ path: String) throws -> (samples: [Float], rate: Int, channels: Int) {
        let demuxer = try Demuxer(url: path)
        let track = try #require(demuxer.tracks.first)
        let decoder = try AudioDecoder(parameters: track.parameters)
        var out: [Float] = []
        while let c = try demuxer.readChunk(trackId: track.id) {
            try decoder.decode(c)
            for a in decoder.takeDecodedAudio() { out += a.samples(channel: 0) }
        }
        try decoder.flush()
        for a in decoder.takeDecodedAudio() { out += a.samples(channel: 0) }
        return (out, track.parameters.sampleRate, track.parameters.channels)
    }

    /// The seed's "mixing multiple audio tracks with host-provided resampling", muxed with no real-time clock.
    @Test func mixerResamplesAndAppliesGains() async throws {
        let out = tempPath("mix.mkv")
        let line = "audiotestsrc freq=440 num-buffers=100 ! mix.  audiotestsrc freq=660 rate=44100 num-buffers=100 ! mix.  audiomixer name=mix gains=0.5,0.25 ! encode codec=flac ! mux format=mkv ! filesink location=\(out)"
        _ = try await runCollecting(try Pipeline(launch: line, registry: .standard))
        let (samples, rate, channels) = try Self.decodeAll(out)
        #expect(rate == 48_000 && channels == 2)
        // The longer input lasts 100 x 1024 / 44100 s.
        let expected = 100 * 1024 * 48_000 / 44_100
        #expect(abs(samples.count - expected) < 64, "\(samples.count) samples, expected about \(expected)")
        let middle = samples[9_600..<57_600]
        // Tones of amplitude 0.5, scaled by their gains; nothing in between.
        #expect(abs(Self.amplitude(middle, frequency: 440, rate: 48_000) - 0.25) < 0.01)
        #expect(abs(Self.amplitude(middle, frequency: 660, rate: 48_000) - 0.125) < 0.01)
        #expect(Self.amplitude(middle, frequency: 550, rate: 48_000) < 0.01)
    }

    @Test func convertAndResampleChangeTheFormat() async throws {
        let out = tempPath("converted.mkv")
        let (_, messages) = try await runCollecting(try Pipeline(
            launch: "audiotestsrc rate=44100 num-buffers=20 ! audioresample rate=16000 ! audioconvert format=s16-interleaved channels=1 ! encode codec=flac ! mux format=mkv ! filesink location=\(out)",
            registry: .standard))
        let negotiated = messages.compactMap { if case .negotiated(let e, _, let f) = $0 { return "\(e)=\(f)" } else { return nil } }
        #expect(negotiated.contains("audioconvert0=audio/x-raw,format=s16-interleaved,rate=16000,channels=1"))
        let (samples, rate, channels) = try Self.decodeAll(out)
        #expect(rate == 16_000 && channels == 1)
        #expect(abs(samples.count - 20 * 1024 * 16_000 / 44_100) < 32)
    }

    @Test func badGainsAreRefused() async throws {
        let error = try await #require(throws: PipelineError.self) {
            try await runCollecting(try Pipeline(launch: "audiotestsrc num-buffers=2 ! mix.  audiomixer name=mix gains=loud ! fakesink", registry: .standard))
        }
        #expect(error.element == "mix" && error.description.contains("'loud'"))
    }
}

@Suite(.watchdog) struct InboxTests {
    @Test(arguments: [LeakPolicy.upstream, .downstream])
    func leakyInboxesDropInsteadOfWaiting(policy: LeakPolicy) async {
        let inbox = Inbox<Int>(capacity: 3, leak: policy, droppable: { $0 >= 0 })
        #expect(await inbox.send(-1) == .delivered)          // an "event": never dropped
        for i in 0..<10 { #expect(await inbox.send(i) == .delivered) }   // never waits
        #expect(inbox.dropped == 8)
        var got: [Int] = []
        inbox.close()
        while let v = await inbox.receive() { got.append(v) }
        #expect(got == (policy == .upstream ? [-1, 0, 1] : [-1, 8, 9]))
    }

    @Test func boundedInboxMakesTheSenderWaitUntilTheReceiverTakes() async {
        let inbox = Inbox<Int>(capacity: 2)
        let sender = Task { for i in 0..<100 { _ = await inbox.send(i) }; inbox.close() }
        var got: [Int] = []
        while let v = await inbox.receive() {
            #expect(inbox.count <= 2)
            got.append(v)
        }
        await sender.value
        #expect(got == Array(0..<100))
    }

    @Test func aLeakyQueueInAPipelinePassesEverythingWhenTheSinkKeepsUp() async throws {
        let (summary, _) = try await runCollecting(try Pipeline(launch: "videotestsrc num-buffers=20 ! queue leaky=downstream max-size-buffers=64 ! fakesink", registry: .standard))
        #expect(summary.itemsPerSink["fakesink0"] == 20)
    }
}

@Suite(.watchdog) struct VideoRateTests {
    @Test(arguments: [("15/1", 15, 2.0), ("60/1", 60, 0.5), ("24/1", 24, 1.25)])
    func framesAreDroppedOrRepeatedOntoTheNewRate(rate: String, count: Int, step: Double) async throws {
        let out = tempPath("rate-\(count).mkv")
        _ = try await runCollecting(try Pipeline(
            launch: "videotestsrc num-buffers=30 framerate=30/1 ! videorate framerate=\(rate) ! encode codec=h264 ! mux format=mkv ! filesink location=\(out)",
            registry: .standard))
        let frames = try MediaFixtures.frameIndices(out)
        #expect(frames.count == count, "\(rate): \(frames.count) frames")
        for (k, f) in frames.enumerated() {
            // Slot k shows the input frame on screen at k/rate: floor(k * step), in 1/30 s input frames.
            #expect(f.index == Int((Double(k) * step).rounded(.down)), "\(rate) slot \(k)")
        }
    }
}

@Suite(.watchdog) struct URISrcTests {
    @Test func readsOverHTTPIntoThePipeline() async throws {
        let input = try DemuxPipelineTests.clip()
        let dir = (input as NSString).deletingLastPathComponent, name = (input as NSString).lastPathComponent
        let server = try LoopbackHTTPServer(serving: dir)
        defer { server.stop() }
        let (summary, _) = try await runCollecting(try Pipeline(
            launch: "urisrc uri=\(server.url(name)) ! demux ! decode ! fakesink", registry: .standard))
        #expect(summary.itemsPerSink["fakesink0"] == 30)

        let error = try await #require(throws: PipelineError.self) {
            try await runCollecting(try Pipeline(launch: "urisrc uri=\(server.url("missing.mp4")) ! demux ! fakesink", registry: .standard))
        }
        #expect(error.element == "urisrc0" && error.description.contains("missing.mp4"))
    }
}

@Suite(.watchdog) struct ImageSequenceTests {
    /// The seed's "stitching sequential rendered images into a video container".
    @Test func imagesBecomeAVideoAtTheGivenRate() async throws {
        let dir = tempPath("sequence")
        try MediaFixtures.writePPMSequence(count: 12, in: dir)
        let out = tempPath("sequence.mkv")
        _ = try await runCollecting(try Pipeline(
            launch: "multifilesrc location=\(dir)/img%04d.ppm framerate=24/1 ! encode codec=h264 ! mux format=mkv ! filesink location=\(out)",
            registry: .standard))
        let frames = try MediaFixtures.frameIndices(out)
        #expect(frames.map(\.index) == Array(0..<12))
        // Matroska keeps milliseconds: frame k at k/24 s.
        for (k, f) in frames.enumerated() { #expect(abs(f.timestampUs - Int64(k) * 1_000_000 / 24) <= 1_000) }
    }

    /// Elements open their files when the pipeline runs, inside their own task.
    @Test func aPatternThatMatchesNothingIsAClearError() async throws {
        let pipeline = try Pipeline(launch: "multifilesrc location=/nonexistent/img%04d.png ! fakesink", registry: .standard)
        let error = try await #require(throws: PipelineError.self) { try await runCollecting(pipeline) }
        #expect(error.element == "multifilesrc0")
        #expect(error.description.contains("/nonexistent/img%04d.png"))
    }
}

@Suite(.watchdog) struct EditingTests {
    /// The seed's non-linear editing: three clips cut at exact frames, joined, rendered.
    @Test func threeClipsTrimmedAtExactFramesAndConcatenated() async throws {
        let a = try DemuxPipelineTests.clip(), b = try DemuxPipelineTests.clip(), c = try DemuxPipelineTests.clip()
        let out = tempPath("edit.mkv")
        func us(_ frame: Int) -> Int { frame * 1_000_000 / 30 + (frame * 1_000_000 % 30 >= 15 ? 1 : 0) }   // frame starts, rounded
        let line = """
        filesrc location=\(a) ! demux ! decode ! trim start=\(us(10)) end=\(us(20)) ! cat.  \
        filesrc location=\(b) ! demux ! decode ! trim start=0 end=\(us(5)) ! cat.  \
        filesrc location=\(c) ! demux ! decode ! trim start=\(us(25)) end=\(us(30)) ! cat.  \
        concat name=cat ! encode codec=h264 ! mux format=mkv ! filesink location=\(out)
        """
        _ = try await runCollecting(try Pipeline(launch: line, registry: .standard))
        let frames = try MediaFixtures.frameIndices(out)
        #expect(frames.map(\.index) == Array(10..<20) + Array(0..<5) + Array(25..<30))
        for (k, f) in frames.enumerated() { #expect(abs(f.timestampUs - Int64(k) * 1_000_000 / 30) <= 1_000, "frame \(k) at \(f.timestampUs)") }
    }

    @Test func trimCutsAudioAtTheSample() throws {
        let h = try ElementHarness("trim", properties: ["start": "10000", "end": "30000"])
        try h.start(inputs: ["sink": .rawAudio(.s16Interleaved, sampleRate: 48_000, channels: 2)])
        try h.push(.audio(try TestPattern.tone(frequency: 440, sampleRate: 48_000, channels: 2, startSample: 0, frameCount: 1024, format: .s16Interleaved)))
        try h.push(.audio(try TestPattern.tone(frequency: 440, sampleRate: 48_000, channels: 2, startSample: 1024, frameCount: 1024, format: .s16Interleaved)))
        try h.finish()
        let runs = h.pull().compactMap { if case .audio(let a) = $0.item { return a } else { return nil } }
        #expect(runs.reduce(0) { $0 + $1.frameCount } == 960)   // 20 ms at 48 kHz
        #expect(runs.first?.timestampUs == 0)
        #expect(h.isClean)
    }

    @Test func concatRefusesInputsOfDifferentFormats() async throws {
        let pipeline = try Pipeline(launch: "videotestsrc num-buffers=3 ! c.  videotestsrc num-buffers=3 width=64 height=64 ! c.  concat name=c ! fakesink", registry: .standard)
        let error = try await #require(throws: PipelineError.self) { try await runCollecting(pipeline) }
        #expect(error.code == .notNegotiated && error.element == "c" && error.description.contains("sink_1"))
    }
}

@Suite(.watchdog) struct LiveSyncTests {
    /// A live source produces each frame when the pipeline clock reaches its
    /// time, and the sinks present it then: driven here by a manual time
    /// source, so nothing waits on the wall clock.
    @Test func liveSourcesAndSinksFollowTheClock() async throws {
        let time = ManualTimeSource()
        let clock = MediaClock(timeSource: time)
        let recorder = Recorder()
        let pipeline = try Pipeline(launch: "videotestsrc is-live=true num-buffers=5 width=256 height=16 ! tee name=t ! collect  t. ! fakesink",
                                    registry: recordingRegistry(recorder), clock: clock)
        let drain = Task { for await _ in pipeline.bus {} }
        let run = Task { try await pipeline.run() }
        // Frame 0 (at 0 µs) goes at once; then the source waits for frame 1's time.
        for frame in 1..<5 {
            await clock.waitForPendingWaits(count: 1)
            #expect(clock.pendingWaitCount == 1, "frame \(frame)")
            // One microsecond short of the frame's time keeps it waiting.
            let due = MediaTime.rescale(Int64(frame), multiplier: 1_000_000, divisor: 30)
            try time.set(us: due - 1)
            #expect(clock.pendingWaitCount == 1)
            #expect(recorder.seen.count <= frame, "frame \(frame) was presented before its time")
            try time.set(us: due)
        }
        let summary = try await run.value
        await drain.value
        #expect(summary.itemsPerSink == ["collect0": 5, "fakesink0": 5])
        #expect(recorder.seen == Array(0..<5))
        #expect(clock.now() == MediaTime.rescale(4, multiplier: 1_000_000, divisor: 30))
    }

    @Test func offlinePipelinesHaveNoClock() throws {
        #expect(try Pipeline(launch: "videotestsrc num-buffers=1 ! fakesink", registry: .standard).clock == nil)
        #expect(try Pipeline(launch: "videotestsrc is-live=true num-buffers=1 ! fakesink", registry: .standard).clock != nil)
    }
}
