import Foundation
import Testing
import MediaTestWatchdog
import MediaPipeline
@testable import MediaWasm

/// The sandbox's limits through the `wasm` element, which offers only
/// `types`: a filter that keeps the host copying, and one with several
/// memories. Each fails its own pipeline, naming the element and the limit,
/// while another pipeline runs to its end.
@Suite(.timeLimit(.minutes(5)), .watchdog) struct SandboxElementTests {
    static let rgba = "videotestsrc num-buffers=3 width=32 height=16 ! videoconvert format=rgba8888"

    /// Writes 64 KiB into a buffer of its own, forever: a few instructions a call.
    static let churn = videoFilterWAT(
        imports: """
        (import "\(typesImport)" "[constructor]media-buffer" (func $new (param i64) (result i32)))
        (import "\(typesImport)" "[method]media-buffer.write" (func $write (param i32 i64 i32 i32 i32)))
        """,
        process: """
        (local.set $f (call $new (i64.const 65536)))
        (loop $l
          (call $write (local.get $f) (i64.const 0) (i32.const 0) (i32.const 65536) (i32.const 256))
          (br $l))
        (i32.const 32)
        """)

    func fails(_ line: String, on engineName: String) async throws -> PipelineError {
        let good = "videotestsrc num-buffers=20 width=64 height=48 ! videoconvert format=rgba8888 ! wasm engine=\(engineName) module=\(try await GuestModules.path("PassThrough")) ! collect"
        async let other = Run.run(good)
        let error = await #expect(throws: PipelineError.self) { _ = try await Run.run(line) }
        #expect(try await other.sink.frames.count == 20)
        return try #require(error)
    }

    @Test(arguments: testedEngines)
    func copyingInALoopIsStoppedByTheTimeLimit(engineName: String) async throws {
        let path = try moduleFile(Self.churn)
        let error = try await fails("\(Self.rgba) ! wasm engine=\(engineName) module=\(path) fuel=0 time-limit=0.5 ! fakesink", on: engineName)
        #expect(error.element == "wasm0")
        #expect(error.message.contains("time limit of 0.5 s") && error.message.contains("`process`"), "\(error.message)")
    }

    @Test(arguments: testedEngines)
    func copyingInALoopIsChargedToFuel(engineName: String) async throws {
        let path = try moduleFile(Self.churn)
        let error = try await fails("\(Self.rgba) ! wasm engine=\(engineName) module=\(path) fuel=5000000 time-limit=0 ! fakesink", on: engineName)
        #expect(error.message.contains("fuel budget of 5000000") && error.message.contains("[method]media-buffer.write"), "\(error.message)")
    }

    @Test(arguments: testedEngines)
    func aSecondMemoryIsRefusedAtStart(engineName: String) async throws {
        let text = videoFilterWAT(process: "(i32.const 32)")
            .replacingOccurrences(of: "(memory (export \"memory\") 1)", with: "(memory (export \"memory\") 1) (memory $more 16)")
        let path = try moduleFile(text)
        let error = try await fails("\(Self.rgba) ! wasm engine=\(engineName) module=\(path) memory=2MiB ! fakesink", on: engineName)
        #expect(error.message.contains(path) && error.message.contains("malformed module"), "\(error.message)")
    }

    @Test func limitsAreCheckedWithTheOtherProperties() async throws {
        let sizes = await #expect(throws: PipelineError.self) {
            _ = try await Run.run("\(Self.rgba) ! wasm module=x.wasm memory=some host-memory=lots ! fakesink")
        }
        let message = try #require(sizes).message
        #expect(message.contains("memory: 'some' is not a size") && message.contains("host-memory: 'lots' is not a size"), "\(message)")

        let time = await #expect(throws: GraphError.self) {
            _ = try await Run.run("\(Self.rgba) ! wasm module=x.wasm time-limit=-1 ! fakesink")
        }
        #expect(try #require(time).description.contains("'-1' is not a valid value for 'time-limit'"))
    }
}
