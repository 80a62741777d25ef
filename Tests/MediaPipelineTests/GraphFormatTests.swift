import Foundation
import Testing
@testable import MediaPipeline
import MediaTestSupport
import MediaTestWatchdog

@Suite(.watchdog) struct LaunchLineParseTests {
    @Test func linearChainWithPropertiesAndAutoNames() throws {
        let (g, map) = try LaunchLine.parse("videotestsrc num-buffers=300 ! videoconvert format=yuv420p ! encode codec=h264 ! mux format=mp4 ! filesink location=out.mp4")
        #expect(g.elements.map(\.name) == ["videotestsrc0", "videoconvert0", "encode0", "mux0", "filesink0"])
        #expect(g.element(named: "videotestsrc0")?.properties == ["num-buffers": "300"])
        #expect(g.element(named: "filesink0")?.properties == ["location": "out.mp4"])
        #expect(g.links == [
            LinkSpec(from: PadRef(element: "videotestsrc0"), to: PadRef(element: "videoconvert0")),
            LinkSpec(from: PadRef(element: "videoconvert0"), to: PadRef(element: "encode0")),
            LinkSpec(from: PadRef(element: "encode0"), to: PadRef(element: "mux0")),
            LinkSpec(from: PadRef(element: "mux0"), to: PadRef(element: "filesink0")),
        ])
        #expect(map.elements["videoconvert0"] == SourceRange(column: 32, length: 12))
        #expect(map.properties["videotestsrc0"]?["num-buffers"] == SourceRange(column: 14, length: 15))
    }

    @Test func namedPadsBranchesAndForwardReferences() throws {
        let line = "filesrc location=in.mp4 ! demux name=d  d.video_0 ! decode ! queue ! m.  d.audio_0 ! decode ! m.  mux name=m format=mkv ! filesink location=out.mkv"
        let (g, _) = try LaunchLine.parse(line)
        #expect(g.elements.map(\.name) == ["filesrc0", "d", "decode0", "queue0", "decode1", "m", "filesink0"])
        #expect(g.links.contains(LinkSpec(from: PadRef(element: "d", pad: "video_0"), to: PadRef(element: "decode0"))))
        #expect(g.links.contains(LinkSpec(from: PadRef(element: "queue0"), to: PadRef(element: "m"))))
        #expect(g.links.contains(LinkSpec(from: PadRef(element: "d", pad: "audio_0"), to: PadRef(element: "decode1"))))
        #expect(g.links.contains(LinkSpec(from: PadRef(element: "decode1"), to: PadRef(element: "m"))))
        #expect(g.links.count == 7)
        // A reference may come before the element it names.
        let (t, _) = try LaunchLine.parse("t. ! queue ! fakesink  videotestsrc ! tee name=t ! queue ! fakesink")
        #expect(t.links.contains(LinkSpec(from: PadRef(element: "t"), to: PadRef(element: "queue0"))))
        #expect(t.links.contains(LinkSpec(from: PadRef(element: "t"), to: PadRef(element: "queue1"))))
    }

    @Test func capsFiltersAreTyped() throws {
        let (g, _) = try LaunchLine.parse("videotestsrc ! video/x-raw,format=rgba,width=640,height=(int)360,framerate=30000/1001,note=\"a, b\" ! fakesink")
        let caps = try #require(g.links.first?.caps)
        #expect(caps.mediaType == "video/x-raw")
        #expect(caps["format"] == .string("rgba"))
        #expect(caps["width"] == .int(640))
        #expect(caps["height"] == .int(360))
        #expect(caps["framerate"] == .fraction(30000, 1001))
        #expect(caps["note"] == .string("a, b"))
        #expect(caps.description == "video/x-raw,format=rgba,width=640,height=360,framerate=30000/1001,note=\"a, b\"")
        #expect(try Caps(parsing: caps.description) == caps)
        #expect(try Caps(parsing: "audio/x-raw,rate=(string)48000")["rate"] == .string("48000"))
    }

    @Test func quotedValuesKeepSpacesAndQuotes() throws {
        let (g, _) = try LaunchLine.parse(#"filesrc location="my  clip ! 1.mp4" ! fakesink name='sink1' dump="say \"hi\"""#)
        #expect(g.element(named: "filesrc0")?.properties["location"] == "my  clip ! 1.mp4")
        #expect(g.element(named: "sink1")?.properties["dump"] == #"say "hi""#)
        // Names must work in references: no spaces or quotes.
        #expect(throws: GraphError.self) { try LaunchLine.parse("fakesink name='the sink'") }
    }

    /// Every problem at once, in column order, each with its position.
    @Test func everyErrorIsReportedWithItsColumn() throws {
        let line = "! videotestsrc ! ! x=1 ! fakesink name=a  fakesink name=a  q. ! video/x-raw,width ! fakesink  a. foo=1  src location=\"open"
        let error = try #require(throws: GraphError.self) { try LaunchLine.parse(line) }
        let kinds = error.issues.map(\.kind)
        #expect(kinds.contains(.danglingLink))          // the leading '!'
        #expect(kinds.contains(.doubleLink))            // '! !'
        #expect(kinds.contains(.orphanProperty))        // x=1 after '!'
        #expect(kinds.contains(.duplicateName))         // name=a twice
        #expect(kinds.contains(.unknownReference))      // q.
        #expect(kinds.contains(.badCaps))               // width with no value
        #expect(kinds.contains(.propertyOnReference))   // a. foo=1
        #expect(kinds.contains(.unterminatedQuote))     // "open
        let columns = error.issues.compactMap { $0.range?.column }
        #expect(columns == columns.sorted())
        #expect(error.issues.first { $0.kind == .danglingLink }?.range?.column == 1)
        #expect(error.issues.first { $0.kind == .doubleLink }?.range?.column == 18)
        #expect(error.issues.first { $0.kind == .unknownReference }?.range == SourceRange(column: 60, length: 2))
        let rendered = error.rendered(line: line)
        #expect(rendered.split(separator: "\n").count == error.issues.count + 1)
        #expect(rendered.contains("\n^ '!' has no element before it"))
    }

    @Test(arguments: [
        ("", GraphIssue.Kind.empty),
        ("videotestsrc !", .danglingLink),
        ("videotestsrc ! video/x-raw", .misplacedCaps),
        ("video/x-raw ! fakesink", .misplacedCaps),
        ("a ! video/x-raw ! audio/x-raw ! b", .misplacedCaps),
        ("a name=x.y", .badName),
        ("a ! b. ", .unknownReference),
        ("a ! video/,width=1 ! b", .badCaps),
        ("a ! video/x-raw,width=(float)1 ! b", .badCaps),
        ("a ! video/x-raw,width=1,width=2 ! b", .badCaps),
    ])
    func singleErrors(line: String, kind: GraphIssue.Kind) throws {
        let error = try #require(throws: GraphError.self) { try LaunchLine.parse(line) }
        #expect(error.issues.map(\.kind).contains(kind), "\(line): \(error)")
    }
}

@Suite(.watchdog) struct GraphConversionTests {
    static let lines = [
        "videotestsrc num-buffers=300 ! videoconvert format=yuv420p ! encode codec=h264 ! mux format=mp4 ! filesink location=out.mp4",
        "filesrc location=in.mp4 ! demux name=d  d.video_0 ! decode ! queue ! m.  d.audio_0 ! decode ! m.  mux name=m format=mkv ! filesink location=out.mkv",
        "audiotestsrc freq=440 ! mix.  audiotestsrc freq=660 ! mix.  audiomixer name=mix ! fakesink",
        "videotestsrc ! tee name=t ! queue ! fakesink  t. ! queue leaky=downstream ! video/x-raw,width=320,height=240 ! fakesink",
        "t. ! queue ! fakesink  videotestsrc ! tee name=t ! queue ! fakesink",
        #"filesrc location="a b.mp4" name=src ! fakesink  videotestsrc name=videotestsrc1 ! fakesink  videotestsrc ! fakesink"#,
        "a ! b  c ! d  e",
        "x name=loop1 ! y name=loop2 ! loop1.",
    ]

    @Test(arguments: lines)
    func textToJSONToTextIsLossless(line: String) throws {
        let (graph, _) = try LaunchLine.parse(line)
        let json = try JSONEncoder().encode(graph)
        let decoded = try JSONDecoder().decode(GraphSpec.self, from: json)
        #expect(decoded == graph)
        let text = LaunchLine.serialize(decoded)
        let (reparsed, _) = try LaunchLine.parse(text)
        #expect(reparsed == graph, "\(line)\n -> \(text)")
        // Writing is stable: the written line writes itself again.
        #expect(LaunchLine.serialize(reparsed) == text)
    }

    @Test func jsonShape() throws {
        let (graph, _) = try LaunchLine.parse("demux name=d  d.video_0 ! video/x-raw,width=640 ! fakesink")
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(graph)) as! [String: Any]
        #expect(object["version"] as? Int == 1)
        let links = object["links"] as! [[String: Any]]
        #expect((links[0]["from"] as? [String: String]) == ["element": "d", "pad": "video_0"])
        #expect((links[0]["to"] as? [String: String]) == ["element": "fakesink0"])
        #expect(links[0]["caps"] as? String == "video/x-raw,width=640")
    }

    @Test func simpleChainsAreWrittenAsChains() throws {
        let (graph, _) = try LaunchLine.parse(Self.lines[0])
        #expect(LaunchLine.serialize(graph) == Self.lines[0])
    }

    @Test func jsonFromAnEditorConvertsToText() throws {
        let json = """
        {"version": 1,
         "elements": [{"name": "sink", "factory": "fakesink"},
                      {"name": "src", "factory": "videotestsrc", "properties": {"pattern": "ball"}}],
         "links": [{"from": {"element": "src"}, "to": {"element": "sink"}, "caps": "video/x-raw,format=rgba"}]}
        """
        let graph = try JSONDecoder().decode(GraphSpec.self, from: Data(json.utf8))
        let text = LaunchLine.serialize(graph)
        #expect(text == "videotestsrc name=src pattern=ball ! video/x-raw,format=rgba ! fakesink name=sink")
        #expect(try LaunchLine.parse(text).graph == graph)
    }

    @Test func otherVersionsAndBadCapsAreRefused() throws {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(GraphSpec.self, from: Data(#"{"version": 2, "elements": []}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(GraphSpec.self, from: Data(#"{"elements": [], "links": [{"from": {"element": "a"}, "to": {"element": "b"}, "caps": "nonsense"}]}"#.utf8))
        }
    }
}

/// Random launch lines never crash the parser or the checker; every line that
/// parses converts to text and back to the same graph. Seeded, so a failure reproduces.
@Suite(.watchdog) struct LaunchLineFuzzTests {
    static let pieces = ["videotestsrc", "fakesink", "tee", "queue", "mux", "demux", "x", "!", "!", " ", "  ", "name=t", "name=m",
                         "t.", "m.", "t.src_0", "d.video_0", "video/x-raw,width=640", "audio/x-raw,rate=(int)48000", "a=b", "=", ".",
                         "\"", "'", "\"a b\"", "k=\"v w\"", "k='x'", "\\", ",", "/", "video/", "(int)", "num-buffers=3", "é", "🎬",
                         "name=", "caps=video/x-raw", "a.b.c", "!!", "format=rgba", "width=(fraction)1/0", "x-raw,w=1"]

    @Test func randomLinesNeverCrash() throws {
        var rng = SplitMix(state: 0xC0FFEE)
        var parsed = 0
        for _ in 0..<12_000 {
            let count = 1 + Int(rng.next() % 12)
            let line = (0..<count).map { _ in rng.pick(Self.pieces) }.joined(separator: rng.pick([" ", " ", ""]))
            guard let (graph, map) = try? LaunchLine.parse(line) else { continue }
            parsed += 1
            let text = LaunchLine.serialize(graph)
            let again: GraphSpec
            do { again = try LaunchLine.parse(text).graph } catch {
                Issue.record("\(line) -> \(text): \(error)")
                continue
            }
            #expect(again == graph, "\(line) -> \(text)")
            _ = try? GraphChecker.check(graph, sourceMap: map, registry: .standard)
        }
        #expect(parsed > 100, "only \(parsed) lines parsed; the generator is too hostile to test conversion")
    }
}
