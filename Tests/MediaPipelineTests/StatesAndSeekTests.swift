import Foundation
import Synchronization
import Testing
import MediaCore
import MediaFFmpeg
@testable import MediaPipeline
import MediaTestSupport
import MediaTestWatchdog

/// What a `collect` sink (or a `count` pass-through) saw: the test pattern's
/// frame index of each video frame, in order.
final class Recorder: Sendable {
    let indices = Mutex<[Int]>([])
    var seen: [Int] { indices.withLock { $0 } }
}

/// The standard elements plus `collect` (a sink) and `count` (a pass-through) that record into `recorder`.
func recordingRegistry(_ recorder: Recorder, _ passing: Recorder = Recorder()) -> ElementRegistry {
    final class Collect: Element {
        let recorder: Recorder
        let forwards: Bool
        init(_ r: Recorder, forwards: Bool) { recorder = r; self.forwards = forwards }
        func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
            forwards ? ["src": r.inputs["sink"]!] : [:]
        }
        func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
            if case .video(let f) = item { recorder.indices.withLock { $0.append(TestPattern.frameIndex(in: f)) } }
            if forwards { out.emit(item) }
        }
    }
    var registry = ElementRegistry.standard
    registry.register(BuiltinFactory(name: "collect", summary: "records frame indices", padTemplates: [PadTemplate("sink", .sink, kinds: [.rawVideo])],
                                      properties: [], example: "", maker: { _, _ in Collect(recorder, forwards: false) }))
    registry.register(BuiltinFactory(name: "count", summary: "records frame indices and passes them on",
                                     padTemplates: [PadTemplate("sink", .sink, kinds: [.rawVideo]), PadTemplate("src", .source, kinds: [.rawVideo])],
                                     properties: [], example: "", maker: { _, _ in Collect(passing, forwards: true) }))
    return registry
}

/// The start of frame `n` at 30 fps, in µs (rounded as the encoders stamp it).
func frameStartUs(_ n: Int) -> Int64 { MediaTime.rescale(Int64(n), multiplier: 1_000_000, divisor: 30) }

@Suite(.timeLimit(.minutes(2)), .watchdog) struct StateTests {
    /// ready makes the elements, paused prerolls (the sink holds its first
    /// frame and consumes nothing), playing runs; each change is posted once.
    @Test func readyPausedPlayingArePhases() async throws {
        let recorder = Recorder()
        let pipeline = try Pipeline(launch: "videotestsrc num-buffers=30 width=256 height=32 ! collect", registry: recordingRegistry(recorder))
        let bus = Task { var states: [PipelineState] = []; for await m in pipeline.bus { if case .stateChanged(let s) = m { states.append(s) } }; return states }
        try await pipeline.setState(.ready)
        #expect(pipeline.state == .ready)
        try await pipeline.setState(.paused)
        #expect(pipeline.state == .paused)
        #expect(recorder.seen.isEmpty, "a prerolled sink holds its first frame without consuming it")
        let summary = try await pipeline.run()
        #expect(recorder.seen == Array(0..<30))
        #expect(summary.itemsPerSink["collect0"] == 30)
        #expect(await bus.value == [.ready, .paused, .playing, .null])
    }

    /// A file that cannot be opened fails in ready, before any data flows.
    @Test func readyOpensResourcesAndFailsEarly() async throws {
        let pipeline = try Pipeline(launch: "filesrc location=/nonexistent/clip.mp4 ! demux ! decode ! fakesink", registry: .standard)
        let error = try await #require(throws: PipelineError.self) { try await pipeline.setState(.ready) }
        #expect(error.element == "filesrc0")
        #expect(error.message.contains("/nonexistent/clip.mp4"))
    }

    /// A tee in front of an encoder with lookahead: the plain branch's sink
    /// prerolls and holds, its queue fills, the tee waits on it, and the
    /// encoder never gets the frames it needs to give one out. Paused is
    /// still reached (nothing more can move until playing), with the starved
    /// sink named; playing then runs both branches to the end.
    @Test func pauseWithATeeBeforeAnEncoderWithLookaheadReturns() async throws {
        let line = "videotestsrc num-buffers=60 width=320 height=240 ! tee name=t ! queue ! fakesink  "
            + "t. ! queue ! encode codec=h264 preset=veryslow ! fakesink"
        let pipeline = try Pipeline(launch: line, registry: .standard)
        let drain = Task { for await _ in pipeline.bus {} }
        let outcome = try await pipeline.setState(.paused)
        #expect(pipeline.state == .paused)
        #expect(outcome == .partialPreroll(starved: ["fakesink1"]))
        let summary = try await pipeline.run()
        await drain.value
        #expect(summary.itemsPerSink == ["fakesink0": 60, "fakesink1": 60])
    }

    /// null tears a paused pipeline down without waiting for its streams.
    @Test func nullTearsDownAPausedPipeline() async throws {
        let pipeline = try Pipeline(launch: "videotestsrc ! queue ! fakesink", registry: .standard)
        try await pipeline.setState(.paused)
        try await pipeline.setState(.null)
        #expect(pipeline.state == .paused || pipeline.state == .null)
    }
}

@Suite(.timeLimit(.minutes(2)), .watchdog) struct SeekTests {
    /// A flushing seek in paused: the queues empty, the source moves, the sink
    /// prerolls again on the frame at the target; playing then runs from there.
    @Test func seekInPausedPrerollsAtTheTarget() async throws {
        let recorder = Recorder()
        let pipeline = try Pipeline(launch: "videotestsrc num-buffers=60 width=256 height=32 ! queue ! videoconvert format=rgba8888 ! collect",
                                    registry: recordingRegistry(recorder))
        let bus = Task { var seeks: [Int64] = []; for await m in pipeline.bus { if case .seekDone(let us) = m { seeks.append(us) } }; return seeks }
        try await pipeline.setState(.paused)
        try await pipeline.seek(toUs: frameStartUs(40) + 5_000)   // inside frame 40
        #expect(recorder.seen.isEmpty)
        _ = try await pipeline.run()
        #expect(recorder.seen == Array(40..<60))
        #expect(await bus.value == [frameStartUs(40) + 5_000])
    }

    /// End of stream leaves the pipeline playing (GStreamer's EOS is not a
    /// state): a seek then restarts the producers that had ended, the sinks
    /// get the frames from the target on, and end of stream comes again.
    @Test func seekAfterEndOfStreamPlaysAgain() async throws {
        let recorder = Recorder()
        let pipeline = try Pipeline(launch: "videotestsrc num-buffers=60 width=256 height=32 ! queue ! videoconvert format=rgba8888 ! collect",
                                    registry: recordingRegistry(recorder))
        var messages = pipeline.bus.makeAsyncIterator()
        try await pipeline.setState(.playing)
        while let m = await messages.next() { if case .endOfStream = m { break } }
        #expect(recorder.seen == Array(0..<60))
        #expect(pipeline.state == .playing)
        try await pipeline.seek(toUs: frameStartUs(40) + 5_000)
        let summary = try await pipeline.run()
        var after: [String] = []
        while let m = await messages.next() {
            switch m {
            case .seekDone: after.append("seek-done")
            case .sinkEndOfStream(let sink): after.append("eos \(sink)")
            case .endOfStream: after.append("eos")
            default: break
            }
        }
        #expect(recorder.seen == Array(0..<60) + Array(40..<60))
        #expect(summary.itemsPerSink["collect0"] == 80)
        #expect(after == ["seek-done", "eos collect0", "eos"])
    }

    /// Through a file: the demuxer reads it itself (pull mode), lands on the
    /// keyframe before the target, and the decoder clips to the frame shown then.
    @Test func seekInAFileLandsOnTheExactFrame() async throws {
        let clip = try DemuxPipelineTests.clip(seconds: 2, keyframeInterval: 25)
        for target in [0, 17, 26, 49] {
            let recorder = Recorder()
            let pipeline = try Pipeline(launch: "filesrc location=\(clip) ! demux name=d  d.video_0 ! decode ! collect",
                                        registry: recordingRegistry(recorder))
            try await pipeline.setState(.paused)
            try await pipeline.seek(toUs: frameStartUs(target) + 1_000)
            _ = try await pipeline.run()
            #expect(recorder.seen == Array(target..<60), "seek to frame \(target)")
        }
    }

    /// A streamed input cannot seek: the error names the source and nothing is flushed.
    @Test func aStreamThatCannotSeekSaysWhich() async throws {
        let clip = try DemuxPipelineTests.clip(seconds: 1)
        let recorder = Recorder()
        let pipeline = try Pipeline(launch: "filesrc location=\(clip) ! queue ! demux name=d  d.video_0 ! decode ! collect",
                                    registry: recordingRegistry(recorder))
        try await pipeline.setState(.paused)
        let error = try await #require(throws: PipelineError.self) { try await pipeline.seek(toUs: 500_000) }
        #expect(error.message.contains("filesrc0 cannot seek"))
        _ = try await pipeline.run()
        #expect(recorder.seen == Array(0..<30), "nothing was lost")
    }

    /// `trim` asks the demuxer to seek to its start: the decoder works from
    /// the keyframe before it, not from the start of the file.
    @Test func trimSeeksUpstreamInsteadOfDecodingEverything() async throws {
        let clip = try DemuxPipelineTests.clip(seconds: 4, keyframeInterval: 30)
        let kept = Recorder(), decoded = Recorder()
        let line = "filesrc location=\(clip) ! demux name=d  d.video_0 ! decode ! count ! trim start=\(frameStartUs(100)) end=\(frameStartUs(110)) ! collect"
        let (_, messages) = try await runCollecting(try Pipeline(launch: line, registry: recordingRegistry(kept, decoded)))
        #expect(kept.seen == Array(100..<110))
        // Frames decoded before the seek took effect are few; without it all 120 would pass.
        #expect(decoded.seen.count < 70, "decoded \(decoded.seen.count) frames")
        #expect(decoded.seen.suffix(20) == Array(100..<120))
        #expect(!messages.contains { if case .warning = $0 { true } else { false } })
    }
}

@Suite(.timeLimit(.minutes(2)), .watchdog) struct QueueTests {
    @Test func byteLimitMakesTheSenderWait() async {
        let inbox = Inbox<Int>(limits: InboxLimits(items: 100, bytes: 100), measure: { _ in InboxMeasure(bytes: 40) })
        #expect(await inbox.send(0) == .delivered)
        #expect(await inbox.send(1) == .delivered)
        #expect(await inbox.send(2) == .delivered)   // 80 bytes waiting: room for one more
        let blocked = Task { await inbox.send(3) }
        while inbox.count < 3 { await Task.yield() }
        #expect(inbox.bytes == 120)
        #expect(await inbox.receive() == 0)
        #expect(await blocked.value == .delivered)
        #expect(inbox.highWater.bytes == 120)
    }

    @Test func timeLimitWithLeakyDownstreamKeepsTheNewest() async {
        // Items stamped 0, 10, 20 ... ms; at most 50 ms between oldest and newest.
        let inbox = Inbox<Int>(limits: InboxLimits(items: 100, timeUs: 50_000), leak: .downstream,
                               measure: { InboxMeasure(bytes: 1, timestampUs: Int64($0) * 10_000) })
        for i in 0..<20 { #expect(await inbox.send(i) == .delivered) }
        inbox.close()
        var got: [Int] = []
        while let v = await inbox.receive() { got.append(v) }
        #expect(got == [14, 15, 16, 17, 18, 19])
    }

    @Test func purgeDropsItemsKeepsEventsAndCounts() async {
        let inbox = Inbox<Int>(capacity: 10, droppable: { $0 >= 0 })
        for v in [1, -1, 2, 3] { _ = await inbox.send(v) }
        inbox.purge(then: -2)
        #expect(inbox.flushes == 1)
        inbox.close()
        var got: [Int] = []
        while let v = await inbox.receive() { got.append(v) }
        #expect(got == [-1, -2])
    }

    /// A tee whose second branch cannot keep up, behind a leaky queue: its
    /// sink presents frames on a clock that does not move until the fast
    /// branch has had every frame. Nothing deadlocks, the fast branch is never
    /// held back, and the slow queue never holds more than its limit.
    @Test func teeWithASlowLeakyBranchNeitherBlocksNorGrows() async throws {
        let time = ManualTimeSource()
        let clock = MediaClock(timeSource: time)
        let line = "videotestsrc num-buffers=240 width=64 height=48 ! tee name=t ! queue ! fakesink sync=false  t. ! queue name=slow leaky=downstream max-size-buffers=3 ! fakesink"
        let pipeline = try Pipeline(launch: line, registry: .standard, clock: clock)
        let bus = Task {
            for await m in pipeline.bus {
                // The fast branch is done while the slow sink still waits for frame 1's time: let it go.
                if case .sinkEndOfStream("fakesink0") = m { try? time.set(us: 1_000_000_000) }
            }
        }
        let summary = try await pipeline.run()
        await bus.value
        #expect(summary.itemsPerSink["fakesink0"] == 240)
        let levels = pipeline.queueLevels
        #expect(levels["slow"]!.maxItems <= 3)
        #expect(levels.values.allSatisfy { $0.maxItems <= 16 })
        // What got through: the frame presented at 0, the one waiting for its
        // time, the sink's own inbox (2), the leaky queue (3), one in the queue's hand.
        #expect(levels["slow"]!.dropped >= 240 - 8, "dropped \(levels["slow"]!.dropped)")
        #expect(summary.itemsPerSink["fakesink1"]! + levels["slow"]!.dropped == 240)
    }

    /// The same tee without leaking: the slow branch holds the fast one back
    /// (back-pressure), both get every frame, and memory stays bounded.
    @Test func teeWithASlowBranchAppliesBackPressure() async throws {
        let line = "videotestsrc num-buffers=40 width=640 height=480 ! tee name=t ! queue ! fakesink  t. ! queue max-size-buffers=3 ! encode codec=h264 preset=veryslow ! fakesink"
        let pipeline = try Pipeline(launch: line, registry: .standard)
        let (summary, _) = try await runCollecting(pipeline)
        #expect(summary.itemsPerSink == ["fakesink0": 40, "fakesink1": 40])
        #expect(pipeline.queueLevels.values.allSatisfy { $0.maxItems <= 16 && $0.dropped == 0 })
    }
}

@Suite(.watchdog) struct SometimesPadTests {
    /// A linked demuxer pad the file does not have: a warning naming it, and the branch ends empty.
    @Test func aLinkedPadThatNeverAppearsIsAWarning() async throws {
        let clip = try DemuxPipelineTests.clip(seconds: 1)
        let line = "filesrc location=\(clip) ! demux name=d  d.video_0 ! decode ! fakesink  d.video_1 ! decode ! fakesink"
        let (summary, messages) = try await runCollecting(try Pipeline(launch: line, registry: .standard))
        let warnings = messages.compactMap { if case .warning(let e, let m) = $0 { "\(e): \(m)" } else { nil } }
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("d: pad video_1 never appeared") == true, "\(warnings)")
        #expect(summary.itemsPerSink["fakesink0"] == 30)
    }
}
