import Foundation
import MediaCore
import MediaPipeline
import MediaTestWatchdog
import MediaWasm
import Testing

/// What a user sees when a guest goes wrong, what a guest logs, and the
/// properties a guest declares. The `Faults` check guest
/// (Guests/Checks/Faults) fails in each way on purpose.
@Suite(.watchdog)
struct GuestReportTests {
    static let frames = "videotestsrc num-buffers=3 width=64 height=48 ! videoconvert format=rgba8888"

    /// The error of one `process` call of Faults in `mode` on an 8x8 RGBA frame.
    func failure(_ mode: String, engine: String) async throws -> GuestProcessorError {
        let processor = try GuestProcessor(path: try await GuestModules.path("Faults"),
                                           options: .init(engine: engine, properties: [("mode", mode)]))
        let frame = try VideoFrame(format: .rgba8888, width: 8, height: 8, timestampUs: 0)
        return try #require(throws: GuestProcessorError.self) { _ = try processor.process(frame) }
    }

    // MARK: - Errors and traps

    @Test(arguments: testedEngines)
    func aThrownErrorReachesTheUserWithItsCodeAndMessage(engineName: String) async throws {
        let error = try await failure("throw", engine: engineName)
        #expect(error.trap?.guestMessage == "process threw invalid-argument: strength must be in 0...1, got 7")
        #expect(error.description.contains("unreachable executed; the guest said: process threw invalid-argument: strength must be in 0...1, got 7"))
        #expect(error.backtrace?.frames.first?.hasPrefix("WasiMedia.trapAfter") == true, "\(error)")
        // The SDK caught the error in the filter's specialized wrapper, which names the filter.
        #expect(error.backtrace?.frames.dropFirst().first?.contains("<serialized, Faults.Faults> of WasiMediaVideoFilter.RegisteredVideoFilter.process") == true, "\(error)")
    }

    @Test(arguments: testedEngines)
    func aSwiftRuntimeTrapShowsADemangledBacktrace(engineName: String) async throws {
        let error = try await failure("index", engine: engineName)
        #expect(error.trap?.reason == .unreachable)
        #expect(error.trap?.guestMessage == nil)
        let frames = try #require(error.backtrace?.frames)
        #expect(frames.first == "Faults.Faults.process(WasiMedia.VideoFrame) throws(WasiMedia.MediaError) -> Array<WasiMedia.VideoFrame>")
        #expect(frames.contains("wasi_media_video_processor_process"))
        #expect(error.description.contains("a failed runtime check (an index out of range"))
        #expect(error.description.contains("guest backtrace (innermost first):\n  0: Faults.Faults.process("))
    }

    @Test(arguments: testedEngines)
    func anImportsRefusalIsShownWithItsReason(engineName: String) async throws {
        let error = try await failure("overwrite", engine: engineName)
        #expect(error.trap?.guestMessage
                == "process threw out-of-bounds: write of 16 bytes at offset 256 reaches past the end of the buffer (256 bytes)")
    }

    @Test(arguments: testedEngines)
    func aBadHandleNamesTheImportThatRefusedIt(engineName: String) async throws {
        let error = try await failure("handle", engine: engineName)
        #expect(error.description.contains(
            "while the host served `wasi:media/types@0.1.0-draft#[method]media-buffer.size`: media-buffer handle 9999 was never issued"))
        // Wasmtime gives the stack of a trap raised by a host function too; WasmKit does not.
        if engineName == WasmtimeEngine.name {
            #expect(error.backtrace?.frames.first?.hasPrefix("Faults.Faults.process(") == true, "\(error)")
        }
    }

    @Test func backtraceTextOfBothEnginesIsRead() throws {
        let wasmtime = """
                0:   0x2935 - Faults.wasm!$e6FaultsAAV7processySay9WasiMedia10VideoFrameVGAfD0D5ErrorVYKF
                1:  0x13b17 - Faults.wasm!wasi_media_video_processor_process
                2:    0x1c4 - <unknown>!<wasm function 3>
            """
        let wasmkit = """
                0: (0x7f348c08eaf8) $e6FaultsAAV7processySay9WasiMedia10VideoFrameVGAfD0D5ErrorVYKF
                1: (0x7f348c094978) wasi_media_video_processor_process
            """
        let process = "Faults.Faults.process(WasiMedia.VideoFrame) throws(WasiMedia.MediaError) -> Array<WasiMedia.VideoFrame>"
        #expect(GuestBacktrace(engineText: wasmtime)?.frames == [process, "wasi_media_video_processor_process", "<wasm function 3>"])
        #expect(GuestBacktrace(engineText: wasmkit)?.frames == [process, "wasi_media_video_processor_process"])
        #expect(GuestBacktrace(engineText: "no frames here") == nil)
        #expect(GuestBacktrace.demangle("$sSi") == "Int")
        #expect(GuestBacktrace.demangle("$not-swift") == "$not-swift")
    }

    // MARK: - Logs

    @Test(arguments: testedEngines)
    func aGuestLogsAtFourLevelsOntoTheBus(engineName: String) async throws {
        let path = try await GuestModules.path("Faults")
        let all = try await Run.run("\(Self.frames) ! wasm engine=\(engineName) module=\(path) props=mode=log log-level=trace ! collect")
        #expect(all.sink.frames.count == 3)
        let first = all.logs.prefix(5).map { "\($0.element) \($0.entry)" }
        #expect(first == ["wasm0 trace [faults]: frame 1 trace", "wasm0 debug [faults]: frame 1 debug",
                          "wasm0 info [faults]: frame 1 info", "wasm0 warn [faults]: frame 1 warn", "wasm0 info: frame 1 printed"])
        #expect(all.logs.count == 15)

        let standard = try await Run.run("\(Self.frames) ! wasm engine=\(engineName) module=\(path) props=mode=log ! collect")
        #expect(standard.logs.map(\.entry.level) == Array(repeating: [.info, .warn, .info], count: 3).flatMap { $0 })
    }

    /// The SDK sends at most 100 lines per call and says how many it kept
    /// back; the host's rate limit then applies across calls.
    @Test(arguments: testedEngines)
    func aFloodingSwiftGuestSendsAHundredLinesACallAndSaysSo(engineName: String) async throws {
        let path = try await GuestModules.path("Faults")
        let run = try await Run.run("\(Self.frames) ! wasm engine=\(engineName) module=\(path) props=mode=flood;count=2000 ! collect")
        #expect(run.sink.frames.count == 3)
        let lines = run.logs.filter { $0.entry.context == "faults" }
        let withheld = run.logs.filter { $0.entry.message == "1900 log lines of this call were not sent: at most 100 a call" }
        // 3 calls of 100 lines and a summary each: 303 lines, of which the host's burst of 200 lets the first 200 through.
        #expect(lines.count <= 300 && lines.count >= 198, "\(lines.count) lines")
        #expect(!withheld.isEmpty && withheld.allSatisfy { $0.entry.level == .warn && $0.entry.context == "wasi-media" })
    }

    /// A guest that calls `log` itself, in a loop, is held to the host's
    /// rate limit: 200 at once, then 100 a second.
    @Test(arguments: testedEngines)
    func aFloodingGuestIsRateLimitedByTheHost(engineName: String) async throws {
        let body = """
            (local $i i32)
            (loop $again
              (call $log (i32.const 2) (i32.const 512) (i32.const 3) (i32.const 512) (i32.const 3))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $again (i32.lt_u (local.get $i) (i32.const 2000))))
            (i32.const 32)
            """
        let path = try moduleFile(videoFilterWAT(imports: Self.loggingImport, process: body))
        let lines = Recorder<ElementLog>()
        let start = ContinuousClock.now
        let processor = try GuestProcessor(path: path, options: .init(engine: engineName, onLog: { lines.append($0) }))
        for index in 0..<3 {
            _ = try processor.process(try VideoFrame(format: .rgba8888, width: 2, height: 2, timestampUs: Int64(index)))
        }
        let elapsed = ContinuousClock.now - start
        // The limiter's own clock refills 100 a second for as long as the calls took.
        let allowed = 200 + Int((Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) * 100) + 1
        let passed = lines.all.filter { $0.context == "ctx" }.count
        #expect(passed >= 200 && passed <= allowed, "\(passed) lines let through, at most \(allowed) allowed")
    }

    @Test func theRateLimiterCountsWhatItDropped() {
        nonisolated(unsafe) var time = 0.0
        var limiter = LogRateLimiter(burst: 3, perSecond: 2, now: { time })
        #expect((0..<3).map { _ in limiter.take() } == Array(repeating: .pass(dropped: 0), count: 3))
        #expect(limiter.take() == .drop)
        #expect(limiter.take() == .drop)
        time = 0.4
        #expect(limiter.take() == .drop)            // 0.8 of a line refilled
        time = 0.6
        #expect(limiter.take() == .pass(dropped: 3))
        #expect(limiter.take() == .drop)
        time = 10
        #expect(limiter.take() == .pass(dropped: 1))
        #expect(limiter.take() == .pass(dropped: 0))
        #expect(limiter.take() == .pass(dropped: 0))   // refilled to the burst, no more
        #expect(limiter.take() == .drop)
    }

    static let loggingImport = """
        (import "wasi:logging/logging@0.1.0-draft" "log" (func $log (param i32 i32 i32 i32 i32)))
        (data (i32.const 512) "ctx")
        """

    @Test(arguments: testedEngines)
    func aBadLevelOrStringTrapsNamingTheImport(engineName: String) async throws {
        for (body, reason) in [
            ("(call $log (i32.const 6) (i32.const 512) (i32.const 3) (i32.const 512) (i32.const 3))", "level 6 does not exist"),
            ("(call $log (i32.const 2) (i32.const 512) (i32.const 3) (i32.const 65530) (i32.const 64))", "lies outside guest memory"),
        ] {
            let path = try moduleFile(videoFilterWAT(imports: Self.loggingImport, process: "\(body) (i32.const 32)"))
            let processor = try GuestProcessor(path: path, options: .init(engine: engineName))
            let frame = try VideoFrame(format: .rgba8888, width: 2, height: 2, timestampUs: 0)
            let error = try #require(throws: GuestProcessorError.self) { _ = try processor.process(frame) }
            #expect(error.description.contains("while the host served `wasi:logging/logging@0.1.0-draft#log`"), "\(error)")
            #expect(error.description.contains(reason), "\(error)")
        }
    }

    @Test(arguments: testedEngines)
    func loggingNeedsNoGrantAndLongLinesAreCut(engineName: String) async throws {
        // A 5000-byte message of "a" (memory is zero, so write the bytes first).
        let body = """
            (memory.fill (i32.const 4096) (i32.const 97) (i32.const 5000))
            (call $log (i32.const 3) (i32.const 512) (i32.const 3) (i32.const 4096) (i32.const 5000))
            (i32.const 32)
            """
        let path = try moduleFile(videoFilterWAT(imports: Self.loggingImport, process: body))
        let lines = Recorder<ElementLog>()
        let processor = try GuestProcessor(path: path, options: .init(engine: engineName, grants: [], onLog: { lines.append($0) }))
        _ = try processor.process(try VideoFrame(format: .rgba8888, width: 2, height: 2, timestampUs: 0))
        let line = try #require(lines.all.first)
        #expect(line.level == .warn && line.context == "ctx")
        #expect(line.message == String(repeating: "a", count: LoggingHost.maxMessageBytes) + "…")
    }

    // MARK: - Declared properties

    @Test(arguments: testedEngines)
    func aMisspeltPropertyIsRefusedBeforeTheFirstFrame(engineName: String) async throws {
        let path = try await GuestModules.path("BoxOverlay")
        let run = Run()
        let pipeline = try Pipeline(launch: "\(Self.frames) ! wasm engine=\(engineName) module=\(path) props=thicknes=3 ! collect",
                                    registry: run.registry)
        let error = try await #require(throws: PipelineError.self) { _ = try await pipeline.run() }
        #expect(error.element == "wasm0")
        #expect(error.message.contains("the guest has no property 'thicknes'; did you mean 'thickness'? (it has: box, color, thickness)"))
        #expect(run.sink.frames.isEmpty)

        let value = try await #require(throws: PipelineError.self) {
            _ = try await Run.run("\(Self.frames) ! wasm engine=\(engineName) module=\(path) props=thickness=0 ! collect")
        }
        #expect(value.message.contains("'0' is not a valid value for 'thickness': expected integer in 1...4096"))

        let ok = try await Run.run("\(Self.frames) ! wasm engine=\(engineName) module=\(path) props=thickness=3;box=1,1,8,8;color=00ff00 ! collect")
        #expect(ok.sink.frames.count == 3)
    }

    @Test(arguments: testedEngines)
    func declaredPropertiesAreListedAndEmptyDeclarationsRefuseAll(engineName: String) async throws {
        let faults = try GuestProcessor.inspect(path: try await GuestModules.path("Faults"), engine: engineName)
        #expect(faults.world == .videoFilter)
        #expect(faults.declaredProperties?.map(\.name) == ["mode", "count"])
        #expect(faults.declaredProperties?.first?.kind == .choice(["pass", "throw", "index", "overwrite", "handle", "log", "flood"]))
        #expect(faults.declaredProperties?.last?.kind == .int(0...1_000_000))
        #expect(faults.declaredProperties?.last?.defaultValue == "1000")

        let gain = try GuestProcessor.inspect(path: try await GuestModules.path("Gain"), engine: engineName)
        #expect(gain.declaredProperties?.first?.kind == .double(0...1e6))

        let passThrough = try await GuestModules.path("PassThrough")
        #expect(try GuestProcessor.inspect(path: passThrough, engine: engineName).declaredProperties == [])
        let refused = try #require(throws: GuestProcessorError.self) {
            _ = try GuestProcessor(path: passThrough, options: .init(engine: engineName, properties: [("x", "1")]))
        }
        #expect(refused.kind == .invalidProperty && refused.message == "the guest has no property 'x'")

        // A module without `describe` declares nothing: any property reaches it.
        let plain = try moduleFile(videoFilterWAT(process: "(i32.const 32)"))
        let undeclared = try GuestProcessor(path: plain, options: .init(engine: engineName, properties: [("anything", "goes")]))
        #expect(undeclared.declaredProperties == nil)
    }

    @Test(arguments: testedEngines)
    func aMalformedDescriptionIsRefusedNamingDescribe(engineName: String) async throws {
        // describe returns option case 7 (the return area at 48 holds 7).
        let text = videoFilterWAT(process: "(i32.const 32)").replacingOccurrences(of: "(func (export \"wasi:media/video-processor@0.1.0-draft#flush\")", with: """
            (func (export "wasi:media/properties@0.1.0-draft#describe") (result i32) (i32.store8 (i32.const 48) (i32.const 7)) (i32.const 48))
            (func (export "wasi:media/video-processor@0.1.0-draft#flush")
            """)
        let path = try moduleFile(text)
        let error = try #require(throws: GuestProcessorError.self) { _ = try GuestProcessor(path: path, options: .init(engine: engineName)) }
        #expect(error.function == "describe")
        #expect(error.description.contains("describe: option case 7 does not exist"), "\(error)")
    }

    @Test(arguments: testedEngines)
    func aDescribeOfAnotherTypeIsRefused(engineName: String) async throws {
        let text = videoFilterWAT(process: "(i32.const 32)").replacingOccurrences(of: "(func (export \"wasi:media/video-processor@0.1.0-draft#flush\")", with: """
            (func (export "wasi:media/properties@0.1.0-draft#describe") (param i32) (result i32) (i32.const 48))
            (func (export "wasi:media/video-processor@0.1.0-draft#flush")
            """)
        let error = try #require(throws: GuestProcessorError.self) {
            _ = try GuestProcessor(path: try moduleFile(text), options: .init(engine: engineName))
        }
        #expect(error.kind == .invalidModule && error.function == "describe")
        #expect(error.message.contains("not () -> i32"), "\(error)")
    }

    /// A description whose strings all point at the same 64 KiB would have
    /// the host copy 64 MiB out of the guest for one property of 1024
    /// choices: refused past 1 MiB of text, on every engine.
    @Test(arguments: testedEngines)
    func anOversizedDescriptionIsRefused(engineName: String) async throws {
        // Return area at 48: some, list at 64, one record. Record at 64: name (0, 1),
        // kind choice, choices at 256 with 1024 entries, each (0, 65536).
        let describe = """
            (func (export "wasi:media/properties@0.1.0-draft#describe") (result i32) (local $i i32)
              (i32.store8 (i32.const 48) (i32.const 1)) (i32.store (i32.const 52) (i32.const 64)) (i32.store (i32.const 56) (i32.const 1))
              (i32.store (i32.const 64) (i32.const 0)) (i32.store (i32.const 68) (i32.const 1))
              (i32.store8 (i32.const 72) (i32.const 4))
              (i32.store (i32.const 112) (i32.const 256)) (i32.store (i32.const 116) (i32.const 1024))
              (loop $fill
                (i32.store (i32.add (i32.const 256) (i32.mul (local.get $i) (i32.const 8))) (i32.const 0))
                (i32.store (i32.add (i32.const 260) (i32.mul (local.get $i) (i32.const 8))) (i32.const 65536))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $fill (i32.lt_u (local.get $i) (i32.const 1024))))
              (i32.const 48))
            (func (export "wasi:media/video-processor@0.1.0-draft#flush")
            """
        let text = videoFilterWAT(process: "(i32.const 32)")
            .replacingOccurrences(of: "(func (export \"wasi:media/video-processor@0.1.0-draft#flush\")", with: describe)
        let error = try #require(throws: GuestProcessorError.self) {
            _ = try GuestProcessor(path: try moduleFile(text), options: .init(engine: engineName))
        }
        #expect(error.function == "describe")
        #expect(error.description.contains("describe: the description holds more than 1048576 bytes of text"), "\(error)")
    }
}
