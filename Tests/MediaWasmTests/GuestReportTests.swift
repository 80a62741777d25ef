import Foundation
import MediaCore
import MediaPipeline
import MediaTestWatchdog
import MediaWasm
import Testing

/// What a user sees when a guest goes wrong, and what a guest logs: the
/// `Faults` check guest fails in each way on purpose (Guests/Checks/Faults).
@Suite(.watchdog)
struct GuestReportTests {
    static let frame = "videotestsrc num-buffers=2 width=64 height=48 ! videoconvert format=rgba8888"

    func failure(_ mode: String, engine: String) async throws -> GuestProcessorError {
        let processor = try GuestProcessor(path: try await GuestModules.path("Faults"),
                                           options: .init(engine: engine, properties: [("mode", mode)]))
        let frame = try VideoFrame(format: .rgba8888, width: 8, height: 8, timestampUs: 0)
        return try #require(throws: GuestProcessorError.self) { _ = try processor.process(frame) }
    }

    @Test(arguments: testedEngines)
    func probe(engineName: String) async throws {
        let error = try await failure("index", engine: engineName)
        print("BACKTRACE[\(engineName)]:\n\(error.trap?.backtrace ?? "none")")
    }
}
