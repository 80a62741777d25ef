import Foundation
import MediaCore
import MediaPipeline
import MediaWasm
import Testing
import MediaTestWatchdog

/// The `wasm` element with the example guests of Guests/, end to end in
/// pipelines, on every engine (`engine=`).
@Suite(.timeLimit(.minutes(5)), .watchdog) struct WasmElementTests {
    static let rgba = "videotestsrc num-buffers=4 width=64 height=48 ! videoconvert format=rgba8888"

    /// Every engine gives bit-identical frames from the same guest and input.
    @Test(arguments: [("PassThrough", ""), ("Grayscale", ""), ("BoxOverlay", "props=\"box=8,6,20,10;color=00ff00;thickness=2\"")])
    func everyEngineGivesTheSameFrames(guest: String, props: String) async throws {
        let path = try await GuestModules.path(guest)
        var outputs: [[VideoFrame]] = []
        for engineName in testedEngines {
            outputs.append(try await Run.run("\(Self.rgba) ! wasm engine=\(engineName) module=\(path) \(props) ! collect").sink.frames)
        }
        #expect(outputs.allSatisfy { $0.count == 4 })
        let identical = outputs.allSatisfy { $0 == outputs[0] }
        #expect(identical, "frames differ between \(testedEngines)")
    }

    /// And bit-identical audio.
    @Test func everyEngineGivesTheSameAudio() async throws {
        let path = try await GuestModules.path("Gain")
        var outputs: [[AudioData]] = []
        for engineName in testedEngines {
            outputs.append(try await Run.run("audiotestsrc num-buffers=3 samplesperbuffer=256 ! audioconvert format=f32-planar "
                                             + "! wasm engine=\(engineName) module=\(path) props=gain=0.5 ! collect").sink.audio)
        }
        #expect(outputs.allSatisfy { $0.count == 3 })
        let identical = outputs.allSatisfy { $0 == outputs[0] }
        #expect(identical, "audio differs between \(testedEngines)")
    }

    @Test(arguments: testedEngines)
    func grayscaleMakesEveryPixelGray(engineName: String) async throws {
        let run = try await Run.run("\(Self.rgba) ! wasm engine=\(engineName) module=\(try await GuestModules.path("Grayscale")) ! collect")
        #expect(run.sink.frames.count == 4)
        for frame in run.sink.frames {
            #expect(frame.format == .rgba8888 && frame.width == 64 && frame.height == 48)
            let bytes = frame.buffer.bytes
            var gray = true
            for i in stride(from: 0, to: bytes.count, by: 4) where bytes[i] != bytes[i + 1] || bytes[i] != bytes[i + 2] { gray = false }
            #expect(gray)
            #expect(Set(bytes.enumerated().filter { $0.offset % 4 == 0 }.map(\.element)).count > 2, "not a blank frame")
        }
    }

    /// Every pixel against BT.601 computed here byte by byte: R, G and B swap
    /// places between RGBA and BGRA, alpha is kept, and a frame of several of
    /// the guest's 1 MiB strips is converted whole, on each engine present.
    @Test(arguments: testedEngines)
    func grayscaleMatchesBT601OnRGBAAndBGRA(engine: String) async throws {
        let processor = try GuestProcessor(path: try await GuestModules.path("Grayscale"), options: .init(engine: engine))
        for format in [PixelFormat.rgba8888, .bgra8888] {
            var frame = try VideoFrame(format: format, width: 700, height: 500, timestampUs: 0)  // 1.4 MB: two strips
            var seed: UInt32 = 12345
            frame.buffer.withUnsafeMutableBytes { raw in
                for i in 0..<raw.count {
                    seed = seed &* 1_103_515_245 &+ 12345
                    raw[i] = UInt8(truncatingIfNeeded: seed >> 16)
                }
            }
            let input = frame.buffer.bytes
            let out = try processor.process(frame)
            #expect(out.count == 1)
            let bytes = out[0].buffer.bytes
            let (r, b) = format == .rgba8888 ? (0, 2) : (2, 0)
            var wrong = 0
            for i in stride(from: 0, to: input.count, by: 4) {
                let red = Int(input[i + r]), green = Int(input[i + 1]), blue = Int(input[i + b])
                let sum: Int = 77 * red + 150 * green + 29 * blue + 128
                let y = UInt8(sum >> 8)
                if bytes[i] != y || bytes[i + 1] != y || bytes[i + 2] != y || bytes[i + 3] != input[i + 3] { wrong += 1 }
            }
            #expect(wrong == 0, "\(format) on \(engine): \(wrong) pixels differ")
        }
    }

    @Test(arguments: testedEngines)
    func passThroughReturnsIdenticalFrames(engineName: String) async throws {
        let plain = try await Run.run("\(Self.rgba) ! collect")
        let guest = try await Run.run("\(Self.rgba) ! wasm engine=\(engineName) module=\(try await GuestModules.path("PassThrough")) ! collect")
        #expect(guest.sink.frames.count == 4)
        #expect(guest.sink.frames == plain.sink.frames)
    }

    /// The frame's buffer goes into the guest as a handle and comes back as the same bytes.
    @Test(arguments: testedEngines)
    func passThroughCopiesNoPixel(engineName: String) async throws {
        let processor = try GuestProcessor(path: try await GuestModules.path("PassThrough"), options: .init(engine: engineName))
        let frame = try VideoFrame(format: .rgba8888, width: 1920, height: 1080, timestampUs: 40_000, durationUs: 40_000)
        let address = frame.buffer.withUnsafeBytes { $0.baseAddress }
        let out = try processor.process(frame)
        #expect(out.count == 1)
        #expect(out[0].buffer.withUnsafeBytes { $0.baseAddress } == address)
        #expect(out[0].timestampUs == 40_000 && out[0].durationUs == 40_000)
    }

    @Test(arguments: testedEngines)
    func boxOverlayDrawsTheBox(engineName: String) async throws {
        let plain = try await Run.run("\(Self.rgba) ! collect")
        let boxed = try await Run.run("\(Self.rgba) ! wasm engine=\(engineName) module=\(try await GuestModules.path("BoxOverlay")) "
                                      + "props=\"box=8,6,20,10;color=00ff00;thickness=2\" ! collect")
        #expect(boxed.sink.frames.count == 4)
        for (out, original) in zip(boxed.sink.frames, plain.sink.frames) {
            func pixel(_ frame: VideoFrame, _ x: Int, _ y: Int) -> [UInt8] { Array(frame.buffer.bytes[(y * 64 + x) * 4..<(y * 64 + x) * 4 + 4]) }
            for (x, y) in [(8, 6), (27, 6), (8, 15), (27, 15), (9, 7), (17, 6), (8, 10), (26, 12)] {
                #expect(pixel(out, x, y) == [0, 255, 0, 255], "outline at \(x),\(y)")
            }
            for (x, y) in [(10, 8), (17, 10), (25, 13), (7, 6), (28, 15), (8, 16), (0, 0), (63, 47)] {
                #expect(pixel(out, x, y) == pixel(original, x, y), "untouched at \(x),\(y)")
            }
        }
    }

    @Test(arguments: testedEngines)
    func gainScalesAudio(engineName: String) async throws {
        let line = "audiotestsrc num-buffers=3 samplesperbuffer=256 ! audioconvert format=f32-planar"
        let plain = try await Run.run("\(line) ! collect")
        let scaled = try await Run.run("\(line) ! wasm engine=\(engineName) module=\(try await GuestModules.path("Gain")) props=gain=0.5 ! collect")
        #expect(scaled.sink.audio.count == 3)
        for (out, original) in zip(scaled.sink.audio, plain.sink.audio) {
            #expect(out.timestampUs == original.timestampUs && out.channels == original.channels)
            for channel in 0..<out.channels {
                #expect(out.samples(channel: channel) == original.samples(channel: channel).map { $0 * 0.5 })
            }
        }
    }

    /// WebRTC Encoded Transform's sample: negate and pad on send, undo on
    /// receive. A tee feeds the same encoded chunks to a branch without the
    /// guests, so both decode the very same bitstream.
    @Test(arguments: testedEngines)
    func negatePadSendReceiveRoundTrips(engineName: String) async throws {
        let send = try await GuestModules.path("NegatePadSend"), receive = try await GuestModules.path("NegatePadReceive")
        let run = try await Run.run("videotestsrc num-buffers=10 width=64 height=48 ! encode codec=h264 ! tee name=t "
                                    + "t. ! queue ! tap2 ! decode ! collect2 "
                                    + "t. ! queue ! wasm engine=\(engineName) module=\(send) ! tap ! wasm engine=\(engineName) module=\(receive) ! decode ! collect")
        #expect(run.sink.frames.count == 10)
        let identical = run.sink.frames == run.sink2.frames
        #expect(identical, "decoded output identical bit for bit")
        let (sent, original) = (run.tap.chunks, run.tap2.chunks)
        #expect(sent.count == 10 && original.count == 10)
        for (padded, chunk) in zip(sent, original) {
            let negatedAndPadded = padded.data == chunk.data.map { ~$0 } + [0, 0, 0, 0]
            #expect(negatedAndPadded)
            #expect(padded.data != chunk.data && padded.data.count == chunk.data.count + 4)
            #expect(padded.timestampUs == chunk.timestampUs && padded.isKeyframe == chunk.isKeyframe)
            #expect(padded.decodeTimestampUs == chunk.decodeTimestampUs && padded.durationUs == chunk.durationUs)
        }
    }

    @Test(arguments: testedEngines)
    func encodedTransformRunsOnAudioChunks(engineName: String) async throws {
        let send = try await GuestModules.path("NegatePadSend"), receive = try await GuestModules.path("NegatePadReceive")
        let run = try await Run.run("audiotestsrc num-buffers=20 ! encode codec=opus ! tee name=t t. ! queue ! tap2 "
                                    + "t. ! queue ! wasm engine=\(engineName) module=\(send) ! wasm engine=\(engineName) module=\(receive) ! tap")
        #expect(run.tap.chunks.count == run.tap2.chunks.count && !run.tap.chunks.isEmpty)
        let same = run.tap.chunks == run.tap2.chunks
        #expect(same)
    }

    @Test(arguments: testedEngines)
    func unacceptedFormatIsNotNegotiated(engineName: String) async throws {
        let error = try await #require(throws: PipelineError.self) {
            _ = try await Run.run("videotestsrc num-buffers=2 ! wasm engine=\(engineName) module=\(try await GuestModules.path("BoxOverlay")) ! collect")
        }
        #expect(error.code == .notNegotiated)
        #expect(error.message.contains("yuv420p") && error.message.contains("rgba8888, bgra8888") && error.message.contains("BoxOverlay.wasm"))
    }

    @Test(arguments: testedEngines)
    func worldMustMatchTheStreamAndTheExports(engineName: String) async throws {
        let grayscale = try await GuestModules.path("Grayscale")
        let kind = try await #require(throws: PipelineError.self) {
            _ = try await Run.run("audiotestsrc num-buffers=2 ! wasm engine=\(engineName) module=\(grayscale) ! collect")
        }
        #expect(kind.code == .notNegotiated && kind.message.contains("(video-filter) takes raw video"))
        let world = try await #require(throws: PipelineError.self) {
            _ = try await Run.run("\(Self.rgba) ! wasm engine=\(engineName) module=\(grayscale) world=audio-filter ! collect")
        }
        #expect(world.message.contains(grayscale) && world.message.contains("does not export `wasi:media/audio-processor@0.1.0-draft#process`"))
    }

    @Test(arguments: testedEngines)
    func badPropertiesAreAllReported(engineName: String) async throws {
        let error = try await #require(throws: PipelineError.self) {
            _ = try await Run.run("\(Self.rgba) ! wasm engine=\(engineName) module=\(try await GuestModules.path("PassThrough")) grant=types,codecs memory=lots props=oops ! collect")
        }
        #expect(error.message.contains("'codecs' is not an interface") && error.message.contains("'lots' is not a size")
                && error.message.contains("'oops' is not key=value"))
    }

    @Test(arguments: testedEngines)
    func guestConfigureErrorStopsAtStart(engineName: String) async throws {
        let error = try await #require(throws: PipelineError.self) {
            _ = try await Run.run("\(Self.rgba) ! wasm engine=\(engineName) module=\(try await GuestModules.path("FrameOwnership")) props=mode=bogus ! collect")
        }
        #expect(error.element == "wasm0")
        #expect(error.message.contains("`configure`") && error.message.contains("mode: expected drop, twice, new or overread"))
    }

    @Test(arguments: testedEngines)
    func frameOwnershipModes(engineName: String) async throws {
        let path = try await GuestModules.path("FrameOwnership")
        let dropped = try await Run.run("\(Self.rgba) ! wasm engine=\(engineName) module=\(path) props=mode=drop ! collect")
        #expect(dropped.sink.frames.isEmpty)
        let made = try await Run.run("videotestsrc num-buffers=1 width=64 height=48 ! videoconvert format=rgba8888 ! wasm engine=\(engineName) module=\(path) props=mode=new ! collect")
        let frames = made.sink.frames
        #expect(frames.count == 3)
        #expect(frames[1].buffer.bytes == frames[0].buffer.bytes && frames[1].timestampUs == frames[0].timestampUs + 2)
        #expect(frames[2].width == 2 && frames[2].height == 1 && frames[2].buffer.bytes == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(frames[2].durationUs == 5)
    }
}

/// A video filter that gives out each frame one call late: `process`
/// keeps the frame it is given and returns the one it kept before;
/// `flush` returns the kept frame. (Memory: the kept record at 256, the
/// returned one at 320, the returned list's header at 48; records are 40
/// bytes, see docs/guest-abi.md.)
let delayByOneFrameWAT = """
    (module
      (memory (export "memory") 1)
      \(bumpAllocator)
      (global $held (mut i32) (i32.const 0))
      (func $giveKept (result i32)
        (i64.store (i32.const 320) (i64.load (i32.const 256)))
        (i64.store (i32.const 328) (i64.load (i32.const 264)))
        (i64.store (i32.const 336) (i64.load (i32.const 272)))
        (i64.store (i32.const 344) (i64.load (i32.const 280)))
        (i64.store (i32.const 352) (i64.load (i32.const 288)))
        (i32.store (i32.const 48) (i32.const 320)) (i32.store (i32.const 52) (i32.const 1))
        (i32.const 48))
      (func (export "wasi:media/video-processor@0.1.0-draft#configure") (param i32 i32) (result i32) (i32.const 16))
      (func (export "wasi:media/video-processor@0.1.0-draft#accepted-formats") (result i32) (i32.const 32))
      (func (export "wasi:media/video-processor@0.1.0-draft#process")
        (param $h i32) (param $f i32) (param $w i32) (param $ht i32) (param $ts i64) (param $dc i32) (param $d i64) (result i32)
        (local $out i32)
        (local.set $out (i32.const 32))
        (if (global.get $held) (then (local.set $out (call $giveKept))))
        (i32.store (i32.const 256) (local.get $h)) (i32.store8 (i32.const 260) (local.get $f))
        (i32.store (i32.const 264) (local.get $w)) (i32.store (i32.const 268) (local.get $ht))
        (i64.store (i32.const 272) (local.get $ts)) (i32.store8 (i32.const 280) (local.get $dc))
        (i64.store (i32.const 288) (local.get $d))
        (global.set $held (i32.const 1))
        (local.get $out))
      (func (export "wasi:media/video-processor@0.1.0-draft#flush") (result i32)
        (if (result i32) (global.get $held)
          (then (global.set $held (i32.const 0)) (call $giveKept))
          (else (i32.const 32)))))
    """

/// A flushing seek calls the guest's `flush` and drops what it returns:
/// the frame the guest held from before the seek never reaches the sink.
@Suite(.timeLimit(.minutes(5)), .watchdog) struct GuestFlushTests {
    @Test(arguments: testedEngines)
    func aFlushingSeekFlushesTheGuestAndDropsWhatItHeld(engineName: String) async throws {
        let path = try moduleFile(delayByOneFrameWAT)
        let run = Run()
        let line = "videotestsrc num-buffers=60 width=256 height=32 ! videoconvert format=rgba8888 ! wasm engine=\(engineName) module=\(path) ! collect"
        let pipeline = try Pipeline(launch: line, registry: run.registry)
        let drain = Task { for await _ in pipeline.bus {} }
        try await pipeline.setState(.paused)
        try await pipeline.seek(toUs: MediaTime.rescale(40, multiplier: 1_000_000, divisor: 30) + 1_000)
        _ = try await pipeline.run()
        await drain.value
        #expect(run.sink.frames.map(TestPattern.frameIndex(in:)) == Array(40..<60))
    }
}

/// Guests that misbehave: each fails its own pipeline with a clear error
/// while a second pipeline, running at the same time, completes.
@Suite(.timeLimit(.minutes(5)), .watchdog) struct HostileGuestTests {
    static let rgba = "videotestsrc num-buffers=3 width=32 height=16 ! videoconvert format=rgba8888"

    /// Runs `hostile` and a pass-through pipeline at once; returns the hostile one's error.
    func failsWhileAnotherRuns(_ hostile: String, on engineName: String) async throws -> PipelineError {
        let good = "videotestsrc num-buffers=20 width=64 height=48 ! videoconvert format=rgba8888 ! wasm engine=\(engineName) module=\(try await GuestModules.path("PassThrough")) ! collect"
        async let other = Run.run(good)
        let error = await #expect(throws: PipelineError.self) { _ = try await Run.run(hostile) }
        let finished = try await other
        #expect(finished.sink.frames.count == 20)
        return try #require(error)
    }

    @Test(arguments: testedEngines)
    func infiniteLoopIsStoppedByFuel(engineName: String) async throws {
        let path = try moduleFile(videoFilterWAT(process: "(loop $l (br $l)) (i32.const 32)"))
        let error = try await failsWhileAnotherRuns("\(Self.rgba) ! wasm engine=\(engineName) module=\(path) fuel=200000 ! fakesink", on: engineName)
        #expect(error.element == "wasm0")
        #expect(error.message.contains(path) && error.message.contains("`process`"))
        #expect(error.message.contains("fuel budget of 200000"), "\(error.message)")
    }

    @Test(arguments: testedEngines)
    func memoryBombIsStoppedByTheCap(engineName: String) async throws {
        let bomb = "(loop $l (br_if $l (i32.ne (memory.grow (i32.const 16)) (i32.const -1)))) unreachable"
        let path = try moduleFile(videoFilterWAT(process: bomb))
        let error = try await failsWhileAnotherRuns("\(Self.rgba) ! wasm engine=\(engineName) module=\(path) memory=2MiB ! fakesink", on: engineName)
        #expect(error.message.contains("`process`") && error.message.contains("the memory cap is 2097152 bytes"), "\(error.message)")
    }

    @Test(arguments: testedEngines)
    func outOfBoundsPointerToAnImportTraps(engineName: String) async throws {
        let imports = "(import \"\(typesImport)\" \"[method]media-buffer.read\" (func $read (param i32 i64 i64 i32)))"
        let path = try moduleFile(videoFilterWAT(imports: imports,
                                                 process: "(call $read (local.get $h) (i64.const 0) (i64.const 4) (i32.const 0x7ffffff0)) (i32.const 32)"))
        let error = try await failsWhileAnotherRuns("\(Self.rgba) ! wasm engine=\(engineName) module=\(path) ! fakesink", on: engineName)
        #expect(error.message.contains("[method]media-buffer.read") && error.message.contains("outside guest memory"))
    }

    @Test(arguments: testedEngines)
    func ungrantedImportFailsAtStart(engineName: String) async throws {
        let imports = "(import \"\(typesImport)\" \"[method]media-buffer.size\" (func $size (param i32) (result i64)))"
        let path = try moduleFile(videoFilterWAT(imports: imports, process: "(i32.const 32)"))
        let error = try await failsWhileAnotherRuns("\(Self.rgba) ! wasm engine=\(engineName) module=\(path) grant=clock ! fakesink", on: engineName)
        #expect(error.message.contains(path) && error.message.contains("[method]media-buffer.size") && error.message.contains("not granted `types`"))
    }

    @Test(arguments: testedEngines)
    func handleNeverIssuedTraps(engineName: String) async throws {
        let imports = "(import \"\(typesImport)\" \"[method]media-buffer.size\" (func $size (param i32) (result i64)))"
        let path = try moduleFile(videoFilterWAT(imports: imports, process: "(drop (call $size (i32.const 77))) (i32.const 32)"))
        let error = try await failsWhileAnotherRuns("\(Self.rgba) ! wasm engine=\(engineName) module=\(path) ! fakesink", on: engineName)
        #expect(error.message.contains("[method]media-buffer.size") && error.message.contains("media-buffer handle 77 was never issued"))
    }

    /// Drops its frame's handle, then returns the frame: the host traps lifting it.
    @Test(arguments: testedEngines)
    func handleAlreadyDroppedTraps(engineName: String) async throws {
        let imports = "(import \"\(typesImport)\" \"[resource-drop]media-buffer\" (func $drop (param i32)))"
        let body = """
            (call $drop (local.get $h))
            (i32.store (i32.const 64) (local.get $h)) (i32.store8 (i32.const 68) (local.get $f))
            (i32.store (i32.const 72) (local.get $w)) (i32.store (i32.const 76) (local.get $ht))
            (i64.store (i32.const 80) (local.get $ts)) (i32.store8 (i32.const 88) (i32.const 0))
            (i32.store (i32.const 48) (i32.const 64)) (i32.store (i32.const 52) (i32.const 1))
            (i32.const 48)
            """
        let path = try moduleFile(videoFilterWAT(imports: imports, process: body))
        let error = try await failsWhileAnotherRuns("\(Self.rgba) ! wasm engine=\(engineName) module=\(path) ! fakesink", on: engineName)
        #expect(error.message.contains("`process`") && error.message.contains("was already dropped"))
    }

    @Test(arguments: testedEngines)
    func returningTheSameFrameTwiceTraps(engineName: String) async throws {
        let error = try await failsWhileAnotherRuns("\(Self.rgba) ! wasm engine=\(engineName) module=\(try await GuestModules.path("FrameOwnership")) props=mode=twice ! fakesink", on: engineName)
        #expect(error.message.contains("`process`"))
    }

    @Test(arguments: testedEngines)
    func malformedModuleAndMissingExportFailAtStart(engineName: String) async throws {
        let junk = try moduleFile(bytes: Array("not a module".utf8))
        let error = try await failsWhileAnotherRuns("\(Self.rgba) ! wasm engine=\(engineName) module=\(junk) ! fakesink", on: engineName)
        #expect(error.message.contains(junk) && error.message.contains("malformed module"))

        let noFlush = try moduleFile(videoFilterWAT(process: "(i32.const 32)").replacingOccurrences(
            of: "(func (export \"wasi:media/video-processor@0.1.0-draft#flush\") (result i32) (i32.const 32))", with: ""))
        let missing = try await failsWhileAnotherRuns("\(Self.rgba) ! wasm engine=\(engineName) module=\(noFlush) ! fakesink", on: engineName)
        #expect(missing.message.contains(noFlush) && missing.message.contains("does not export `wasi:media/video-processor@0.1.0-draft#flush`"))

        let none = try moduleFile("(module (memory (export \"memory\") 1))")
        let world = try await failsWhileAnotherRuns("\(Self.rgba) ! wasm engine=\(engineName) module=\(none) ! fakesink", on: engineName)
        #expect(world.message.contains("exports none of the worlds"))
    }

    static let trapsOnEveryFrame = videoFilterWAT(process: "unreachable")

    /// The same hostile guest fails the same way, in the same words, on
    /// every engine (the first line; the backtraces under it are the engines' own).
    @Test(arguments: [
        ("", "(loop $l (br $l)) (i32.const 32)"),
        ("", "unreachable"),
        ("(import \"\(typesImport)\" \"[method]media-buffer.size\" (func $size (param i32) (result i64)))", "(drop (call $size (i32.const 77))) (i32.const 32)"),
        ("(import \"\(typesImport)\" \"[method]media-buffer.read\" (func $read (param i32 i64 i64 i32)))",
         "(call $read (local.get $h) (i64.const 0) (i64.const 4) (i32.const 0x7ffffff0)) (i32.const 32)"),
    ])
    func everyEngineReportsAHostileGuestAlike(imports: String, process: String) async throws {
        let path = try moduleFile(videoFilterWAT(imports: imports, process: process))
        var messages: [String] = []
        for engineName in testedEngines {
            let error = await #expect(throws: PipelineError.self) {
                _ = try await Run.run("\(Self.rgba) ! wasm engine=\(engineName) module=\(path) fuel=200000 ! fakesink")
            }
            messages.append(error?.message.split(separator: "\n").first.map(String.init) ?? "no error on \(engineName)")
        }
        #expect(Set(messages).count == 1, "\(messages)")
    }

    @Test(arguments: testedEngines)
    func skipDropsTheItemWithAWarning(engineName: String) async throws {
        let path = try moduleFile(Self.trapsOnEveryFrame)
        let run = try await Run.run("\(Self.rgba) ! wasm engine=\(engineName) module=\(path) on-error=skip ! collect")
        #expect(run.sink.frames.isEmpty)
        #expect(run.warnings.count == 3)
        #expect(run.warnings.first?.contains("unreachable") == true && run.warnings.first?.contains("skipped the item at 0 µs") == true)
    }

    /// Writes a guest makes to its frame before trapping: 4 bytes, and every
    /// byte (32x16 RGBA: 2048 bytes of zeros from guest memory).
    static let writesBeforeTrapping = [
        """
        (i32.store (i32.const 100) (i32.const -1))
        (call $write (local.get $h) (i64.const 0) (i32.const 100) (i32.const 4) (i32.const 200))
        """,
        "(call $write (local.get $h) (i64.const 0) (i32.const 1024) (i32.const 2048) (i32.const 200))",
    ]

    /// What the guest wrote before trapping stays in its copy: passthrough forwards the original.
    @Test(arguments: testedEngines, writesBeforeTrapping)
    func passthroughForwardsTheOriginalEvenAfterAWrite(engineName: String, write: String) async throws {
        let imports = "(import \"\(typesImport)\" \"[method]media-buffer.write\" (func $write (param i32 i64 i32 i32 i32)))"
        let path = try moduleFile(videoFilterWAT(imports: imports, process: write + "\nunreachable"))
        let plain = try await Run.run("\(Self.rgba) ! collect")
        let run = try await Run.run("\(Self.rgba) ! wasm engine=\(engineName) module=\(path) on-error=passthrough ! collect")
        let same = run.sink.frames == plain.sink.frames
        #expect(same && run.sink.frames.count == 3 && run.warnings.count == 3)
    }

    @Test(arguments: testedEngines)
    func passthroughForwardsTheInputWithAWarning(engineName: String) async throws {
        let path = try moduleFile(Self.trapsOnEveryFrame)
        let plain = try await Run.run("\(Self.rgba) ! collect")
        let run = try await Run.run("\(Self.rgba) ! wasm engine=\(engineName) module=\(path) on-error=passthrough ! collect")
        #expect(run.sink.frames == plain.sink.frames)
        #expect(run.warnings.count == 3)
        #expect(run.warnings.allSatisfy { $0.contains("passed the item at") })
    }
}
