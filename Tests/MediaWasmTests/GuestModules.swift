import Foundation
import MediaCore
import MediaPipeline
import MediaWasm
import MediaTestSupport
import Synchronization

/// The guests of Guests/, built once per test process (see `BuiltGuests`).
enum GuestModules {
    /// The path of `<name>.wasm`.
    static func path(_ name: String) async throws -> String { try await BuiltGuests.path(name) }
}

/// Writes a module given as WebAssembly text to a temporary file and returns its path.
func moduleFile(_ text: String, name: String = "guest") throws -> String {
    try moduleFile(bytes: try wasm(text), name: name)
}

func moduleFile(bytes: [UInt8], name: String = "guest") throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString).wasm")
    try Data(bytes).write(to: url)
    return url.path
}

// MARK: - Recording elements

/// What a `collect` sink or a `tap` pass-through saw, in order.
final class Collected: Sendable {
    private let store = Mutex<[MediaItem]>([])
    func append(_ item: MediaItem) { store.withLock { $0.append(item) } }
    var items: [MediaItem] { store.withLock { $0 } }
    var frames: [VideoFrame] { items.compactMap { if case .video(let f) = $0 { f } else { nil } } }
    var audio: [AudioData] { items.compactMap { if case .audio(let a) = $0 { a } else { nil } } }
    var chunks: [EncodedChunk] { items.compactMap { if case .encoded(let c) = $0 { c } else { nil } } }
}

struct RecordingFactory: RunnableElementFactory {
    let name: String
    let collected: Collected
    let forwards: Bool
    var summary: String { "records what it receives" }
    var padTemplates: [PadTemplate] {
        let all: Set<StreamKind> = [.rawVideo, .rawAudio, .encodedVideo, .encodedAudio]
        return forwards ? [PadTemplate("sink", .sink, kinds: all), PadTemplate("src", .source, kinds: all)]
                        : [PadTemplate("sink", .sink, kinds: all)]
    }
    var properties: [PropertySchema] { [] }
    var example: String { "" }

    final class Recorder: Element {
        let collected: Collected
        let forwards: Bool
        init(_ collected: Collected, forwards: Bool) { self.collected = collected; self.forwards = forwards }
        func negotiate(_ request: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
            forwards ? ["src": request.inputs["sink"]!] : [:]
        }
        func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
            collected.append(item)
            if forwards { out.emit(item) }
        }
    }

    func make(_ properties: [String: PropertyValue], context: ElementContext) throws(PipelineError) -> any Element {
        Recorder(collected, forwards: forwards)
    }
}

/// A run of a launch line with `collect`, `collect2` (sinks) and `tap`, `tap2` (pass-throughs) recording.
struct Run {
    let sink = Collected()
    let tap = Collected()
    let sink2 = Collected()
    let tap2 = Collected()
    var warnings: [String] = []
    /// Log lines posted on the bus: the element that posted each, and the line.
    var logs: [(element: String, entry: ElementLog)] = []

    var registry: ElementRegistry {
        var registry = ElementRegistry.withGuests
        registry.register(RecordingFactory(name: "collect", collected: sink, forwards: false))
        registry.register(RecordingFactory(name: "tap", collected: tap, forwards: true))
        registry.register(RecordingFactory(name: "collect2", collected: sink2, forwards: false))
        registry.register(RecordingFactory(name: "tap2", collected: tap2, forwards: true))
        return registry
    }

    /// Runs `line` to the end; throws the pipeline's error.
    static func run(_ line: String) async throws -> Run {
        var run = Run()
        let pipeline = try Pipeline(launch: line, registry: run.registry)
        let bus = Task {
            var warnings: [String] = []
            var logs: [(String, ElementLog)] = []
            for await message in pipeline.bus {
                if case .warning(_, let text) = message { warnings.append(text) }
                if case .log(let element, let entry) = message { logs.append((element, entry)) }
            }
            return (warnings, logs)
        }
        do {
            _ = try await pipeline.run()
        } catch {
            bus.cancel()
            throw error
        }
        (run.warnings, run.logs) = await bus.value
        return run
    }
}

/// A video filter in WebAssembly text whose `process` body is `body`
/// (parameters: handle, format, width, height, timestamp, duration case,
/// duration). Memory: the bump allocator from 1024; bytes 0..<64 are zero
/// (configure's ok result at 16, an empty list at 32).
func videoFilterWAT(imports: String = "", process body: String) -> String {
    """
    (module
      \(imports)
      (memory (export "memory") 1)
      \(bumpAllocator)
      (func (export "wasi:media/video-processor@0.1.0-draft#configure") (param i32 i32) (result i32) (i32.const 16))
      (func (export "wasi:media/video-processor@0.1.0-draft#accepted-formats") (result i32) (i32.const 32))
      (func (export "wasi:media/video-processor@0.1.0-draft#process")
        (param $h i32) (param $f i32) (param $w i32) (param $ht i32) (param $ts i64) (param $dc i32) (param $d i64) (result i32)
        \(body))
      (func (export "wasi:media/video-processor@0.1.0-draft#flush") (result i32) (i32.const 32)))
    """
}

let typesImport = "wasi:media/types@0.1.0-draft"
