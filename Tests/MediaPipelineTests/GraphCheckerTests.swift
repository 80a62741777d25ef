import Testing
@testable import MediaPipeline
import MediaTestWatchdog

/// Registry entries shaped like the real elements' (their pads and a few
/// properties), to check graphs before the elements themselves exist.
struct TestFactory: ElementFactory {
    var name: String
    var summary = "test"
    var padTemplates: [PadTemplate]
    var properties: [PropertySchema] = []
    var example = ""
}

enum TestRegistry {
    static let raw: Set<StreamKind> = [.rawVideo, .rawAudio]
    static let registry = ElementRegistry([
        TestFactory(name: "videotestsrc", padTemplates: [PadTemplate("src", .source, kinds: [.rawVideo])],
                    properties: [PropertySchema("num-buffers", .int(-1...Int(Int32.max)), default: "-1", doc: "frames to produce; -1 for no end"),
                                 PropertySchema("pattern", .choice(["bars", "ball", "black"]), default: "bars", doc: "picture")]),
        TestFactory(name: "audiotestsrc", padTemplates: [PadTemplate("src", .source, kinds: [.rawAudio])],
                    properties: [PropertySchema("freq", .double(1...20_000), default: "440", doc: "tone frequency in Hz")]),
        TestFactory(name: "videoconvert", padTemplates: [PadTemplate("sink", .sink, kinds: [.rawVideo]), PadTemplate("src", .source, kinds: [.rawVideo])],
                    properties: [PropertySchema("format", .choice(["rgba8888", "bgra8888", "yuv420p", "nv12"]), doc: "output pixel format")]),
        TestFactory(name: "encode", padTemplates: [PadTemplate("sink", .sink, kinds: raw), PadTemplate("src", .source, kinds: [.encodedVideo, .encodedAudio])],
                    properties: [PropertySchema("codec", .choice(["h264", "hevc", "av1", "vp9", "aac", "opus", "mp3", "flac"]), doc: "codec"),
                                 PropertySchema("bitrate", .int(1...1_000_000_000), doc: "bits per second")]),
        TestFactory(name: "decode", padTemplates: [PadTemplate("sink", .sink, kinds: [.encodedVideo, .encodedAudio]), PadTemplate("src", .source, kinds: raw)]),
        TestFactory(name: "mux", padTemplates: [PadTemplate("sink_%u", .sink, .request, kinds: [.encodedVideo, .encodedAudio]), PadTemplate("src", .source, kinds: [.bytes])],
                    properties: [PropertySchema("format", .choice(["mp4", "mkv", "webm", "ts"]), default: "mp4", doc: "container")]),
        TestFactory(name: "demux", padTemplates: [PadTemplate("sink", .sink, kinds: [.bytes]),
                                                  PadTemplate("video_%u", .source, .sometimes, kinds: [.encodedVideo]),
                                                  PadTemplate("audio_%u", .source, .sometimes, kinds: [.encodedAudio])]),
        TestFactory(name: "filesrc", padTemplates: [PadTemplate("src", .source, kinds: [.bytes])],
                    properties: [PropertySchema("location", .string, doc: "file")]),
        TestFactory(name: "filesink", padTemplates: [PadTemplate("sink", .sink, kinds: [.bytes])],
                    properties: [PropertySchema("location", .string, doc: "file")]),
        TestFactory(name: "fakesink", padTemplates: [PadTemplate("sink", .sink, kinds: Set(StreamKind.allCases))]),
        TestFactory(name: "tee", padTemplates: [PadTemplate("sink", .sink, kinds: Set(StreamKind.allCases)),
                                                PadTemplate("src_%u", .source, .request, kinds: Set(StreamKind.allCases))]),
    ])

    static func check(_ line: String) throws(GraphError) -> CheckedGraph {
        let (graph, map) = try LaunchLine.parse(line)
        return try GraphChecker.check(graph, sourceMap: map, registry: registry)
    }
}

@Suite(.watchdog) struct GraphCheckerTests {
    @Test func transcodeChainChecksWithRequestPads() throws {
        let g = try TestRegistry.check("videotestsrc num-buffers=300 pattern=ball ! videoconvert format=yuv420p ! encode codec=h264 ! mux name=m format=mp4 ! filesink location=out.mp4  audiotestsrc freq=440.5 ! encode codec=aac ! m.")
        #expect(g.elements.count == 7)
        #expect(g.elements[0].properties == ["num-buffers": .int(300), "pattern": .string("ball")])
        #expect(g.elements.first { $0.name == "audiotestsrc0" }?.properties["freq"] == .double(440.5))
        let toMux = g.links.filter { $0.to.element == "m" }.map(\.toPad).sorted()
        #expect(toMux == ["sink_0", "sink_1"])
        #expect(g.links.first { $0.from.element == "videotestsrc0" }?.kinds == [.rawVideo])
        #expect(g.links.first { $0.from.element == "encode0" }?.kinds == [.encodedVideo, .encodedAudio])
    }

    @Test func demuxerSometimesPadsAreChosenByKind() throws {
        let g = try TestRegistry.check("filesrc location=in.mp4 ! demux name=d  d. ! video/x-h264 ! decode ! fakesink  d.audio_0 ! decode ! fakesink")
        let fromDemux = g.links.filter { $0.from.element == "d" }
        #expect(fromDemux.map(\.fromPad).sorted() == ["audio_0", "video_%u"])
        #expect(fromDemux.first { $0.fromPad == "video_%u" }?.kinds == [.encodedVideo])
    }

    @Test func everyProblemAtOnceWithColumns() throws {
        let line = "videotestsrc num-bufers=10 pattern=plaid ! vidoeconvert ! filesink  audiotestsrc freq=0 ! video/x-raw ! fakesink  tee name=t ! fakesink  t.sink ! fakesink  demux ! fakesink"
        let error = try #require(throws: GraphError.self) { try TestRegistry.check(line) }
        let messages = error.issues.map(\.message)
        func has(_ text: String) -> Bool { messages.contains { $0.contains(text) } }
        #expect(has("'videotestsrc' has no property 'num-bufers'; did you mean 'num-buffers'?"))
        #expect(has("'plaid' is not a valid value for 'pattern': expected one of bars, ball, black"))
        #expect(has("no element called 'vidoeconvert'; did you mean 'videoconvert'?"))
        #expect(has("'0' is not a valid value for 'freq'"))
        #expect(has("audiotestsrc0.src (raw-audio) cannot link to fakesink0.sink (bytes/encoded-audio/encoded-video/raw-audio/raw-video) through caps video/x-raw"))
        #expect(has("t.sink is a sink pad and cannot be linked as a source"))
        #expect(has("t.sink is not linked"))
        #expect(has("demux0.sink is not linked"))
        let numBufers = try #require(error.issues.first { $0.message.contains("num-bufers") })
        #expect(numBufers.range == SourceRange(column: 14, length: 13))
        #expect(error.issues.count >= 7)
    }

    @Test func kindsThatCannotMeetNameBothPads() throws {
        let error = try #require(throws: GraphError.self) { try TestRegistry.check("videotestsrc ! filesink location=x") }
        #expect(error.issues.map(\.message) == ["videotestsrc0.src (raw-video) cannot link to filesink0.sink (bytes)"])
        #expect(error.issues.first?.range == SourceRange(column: 14, length: 1))
    }

    @Test func padsLinkedTwiceAndUnknownPads() throws {
        let error = try #require(throws: GraphError.self) {
            try TestRegistry.check("videotestsrc name=s ! fakesink  s.src ! fakesink  s.video ! fakesink")
        }
        #expect(error.issues.contains { $0.message == "pad s.src is linked twice" })
        #expect(error.issues.contains { $0.message.contains("s (videotestsrc) has no source pad 'video'; it has: src") })
    }

    @Test func templatesMatchTheirPatterns() {
        let t = PadTemplate("sink_%u", .sink, .request, kinds: [.bytes])
        #expect(t.matches("sink_0") && t.matches("sink_12"))
        #expect(!t.matches("sink_") && !t.matches("sink_x") && !t.matches("src_0"))
        #expect(PadTemplate("src", .source, kinds: [.bytes]).matches("src"))
    }

    @Test func propertySchemasParseAndRefuse() {
        #expect(PropertySchema("n", .int(0...10), doc: "").parse("7") == .success(.int(7)))
        #expect(PropertySchema("n", .int(0...10), doc: "").parse("11") == .failure(PropertyProblem(message: "'11' is not a valid value for 'n': expected integer in 0...10")))
        #expect(PropertySchema("b", .bool, doc: "").parse("yes") == .success(.bool(true)))
        #expect(PropertySchema("f", .fraction, doc: "").parse("30000/1001") == .success(.fraction(30000, 1001)))
        #expect(PropertySchema("f", .fraction, doc: "").parse("30/0") != .success(.fraction(30, 0)))
        #expect(PropertySchema("d", .double(0...1), doc: "").parse("nan") != .success(.double(.nan)))
    }
}
