import Testing
import MediaCore
import MediaPipeline
import MediaTestWatchdog

// The element of docs/writing-an-element.md, verbatim, so the page keeps
// compiling and working.

// --- element ---
/// `brightness`: adds `offset` to every luma sample of yuv420p or nv12
/// video, clamped to 16...235 (limited range); chroma is left alone.
///
/// ```text
/// videotestsrc num-buffers=30 ! brightness offset=40 ! fakesink
/// ```
final class Brightness: DeclaredElement {
    /// The user's settings: declared once, defaults as initial values.
    struct Settings: ElementSettings {
        var offset = 0
        var format: PixelFormat?

        static let declaration: [Setting<Self>] = [
            .int("offset", \.offset, -219...219, "added to every luma sample"),
            .choice("format", \.format, "the input must be this format; unset takes yuv420p or nv12"),
        ]
    }

    static let sink = PadTemplate.sink([.rawVideo])
    static let src = PadTemplate.src([.rawVideo])
    static let descriptor = ElementDescriptor(
        "brightness", "Adds an offset to every luma sample", pads: [sink, src],
        example: "videotestsrc num-buffers=30 ! brightness offset=40 ! fakesink")

    let settings: Settings

    init(settings: Settings, context: ElementContext) throws(PipelineError) {
        if let format = settings.format, !format.isSubsampled420 {
            throw PipelineError(.invalidGraph, "format=\(format.witName) has no luma plane; use yuv420p or nv12")
        }
        self.settings = settings
    }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        guard case .rawVideo(let format, _, _, _)? = r.input, format.isSubsampled420,
              settings.format.map({ $0 == format }) ?? true else {
            throw PipelineError(.notNegotiated, "brightness takes yuv420p or nv12 video; its input is \(r.input.map { "\($0)" } ?? "missing")",
                                pad: Self.sink.name)
        }
        return [Self.src.name: r.input!]
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        guard case .video(let frame) = item else { throw .unexpected(item, on: pad, expected: "video frames") }
        var bytes = frame.buffer.bytes
        for i in 0..<(frame.width * frame.height) {
            bytes[i] = UInt8(clamping: min(235, max(16, Int(bytes[i]) + settings.offset)))
        }
        do {
            let brighter = try VideoFrame(bytes: bytes, format: frame.format, width: frame.width, height: frame.height,
                                          timestampUs: frame.timestampUs, durationUs: frame.durationUs)
            out.emit(.video(brighter), on: Self.src)
        } catch {
            throw PipelineError(error, pad: pad)
        }
    }
}
// --- end ---

// --- test ---
@Suite(.watchdog) struct BrightnessTests {
    static var registry: ElementRegistry {
        var registry = ElementRegistry.standard
        registry.register(Brightness.factory)
        return registry
    }

    @Test func raisesLumaAndKeepsChroma() throws {
        let h = try ElementHarness("brightness", properties: ["offset": "40"], registry: Self.registry)
        let format = StreamFormat.rawVideo(.yuv420p, width: 64, height: 48, frameRate: Rational(30, 1))
        try h.start(inputs: ["sink": format])
        let frame = try TestPattern.videoFrame(index: 0, width: 64, height: 48)
        try h.push(.video(frame))
        try h.finish()
        guard case .video(let out)? = h.pull().first?.item else { Issue.record("no frame"); return }
        let before = frame.buffer.bytes, after = out.buffer.bytes
        #expect(after[0] == UInt8(min(235, Int(before[0]) + 40)))
        #expect(after[(64 * 48)...] == before[(64 * 48)...], "chroma unchanged")
        #expect(h.isClean)
    }

    @Test func itsSettingsAreDeclaredOnce() throws {
        let factory = Brightness.factory
        #expect(factory.property("offset")?.defaultValue == "0")
        #expect(factory.property("format")?.kind == .choice(PixelFormat.allCases.map(\.witName)))
        #expect(factory.settingsValues(["offset": .int(12)])["offset"] == .int(12))
        // A line checks against the declaration: the range and the enum's words.
        let (graph, map) = try LaunchLine.parse("videotestsrc ! brightness offset=300 format=RGBA ! fakesink")
        let error = #expect(throws: GraphError.self) { try GraphChecker.check(graph, sourceMap: map, registry: Self.registry) }
        #expect(error?.issues.first?.message.contains("expected integer in -219...219") == true)
    }

    @Test func runsInAPipeline() async throws {
        let pipeline = try Pipeline(launch: "videotestsrc num-buffers=10 ! brightness offset=40 ! fakesink", registry: Self.registry)
        let summary = try await pipeline.run()
        #expect(summary.itemsPerSink["fakesink0"] == 10)
    }
}
// --- end ---
