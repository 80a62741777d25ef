import Foundation
import MediaCore
import MediaPipeline
import MediaWasm
import Testing

/// Guests of Guests/ on Wasmtime give exactly what they give on WasmKit.
/// Skipped where libwasmtime is absent.
@Suite(.enabled(if: WasmtimeEngine.availability.isAvailable, "libwasmtime is not available"))
struct WasmtimeGuestTests {
    static let rgba = "videotestsrc num-buffers=4 ! video/x-raw,format=rgba,width=64,height=48"

    @Test(arguments: ["PassThrough", "Grayscale", "BoxOverlay"])
    func videoGuestMatchesWasmKit(guest: String) async throws {
        let path = try GuestModules.path(guest)
        let props = guest == "BoxOverlay" ? " props=\"box=8,6,20,10;color=00ff00;thickness=2\"" : ""
        let kit = try await Run.run("\(Self.rgba) ! wasm module=\(path) engine=wasmkit\(props) ! collect")
        let jit = try await Run.run("\(Self.rgba) ! wasm module=\(path) engine=wasmtime\(props) ! collect")
        #expect(jit.sink.frames.count == 4)
        #expect(jit.sink.frames == kit.sink.frames)
    }

    @Test func processorRunsOnWasmtime() throws {
        let processor = try GuestProcessor(path: try GuestModules.path("PassThrough"), options: .init(engine: "wasmtime"))
        let frame = try VideoFrame(format: .rgba8888, width: 1920, height: 1080, timestampUs: 40_000, durationUs: 40_000)
        let address = frame.buffer.withUnsafeBytes { $0.baseAddress }
        let out = try processor.process(frame)
        #expect(out.count == 1)
        #expect(out[0].buffer.withUnsafeBytes { $0.baseAddress } == address)
    }

    @Test func unknownEngineIsRefusedNamingTheChoices() {
        #expect(throws: EngineChoiceError.self) { _ = try Engines.make("v8") }
        #expect(Engines.names == ["auto", "wasmtime", "wasmkit"])
        #expect(Engines.availability.map(\.name) == ["wasmtime", "wasmkit"])
    }
}
