import Testing
import MediaCore
@testable import MediaPipeline
import MediaTestWatchdog

/// GStreamer's spellings, one at a time: what `gst-launch-1.0` lines carry
/// that this host's own syntax does not.
@Suite(.watchdog) struct GStreamerSyntaxTests {
    func check(_ line: String) throws -> CheckedGraph {
        let (graph, map) = try LaunchLine.parse(line)
        return try GraphChecker.check(graph, sourceMap: map, registry: .standard)
    }

    @Test(arguments: [
        "gst-launch-1.0 videotestsrc ! fakesink",
        "gst-launch-1.0 -e -v -q videotestsrc ! fakesink",
        "gst-launch-1.0 --eos-on-shutdown videotestsrc ! fakesink -v",
        "-e videotestsrc ! fakesink",
    ])
    func gstLaunchAndItsOptionsAreSkipped(line: String) throws {
        let g = try check(line)
        #expect(g.elements.map(\.name) == ["videotestsrc0", "fakesink0"])
    }

    @Test func capsTakeGStreamersNamesTypesAndSpaces() throws {
        let g = try check(#"videotestsrc ! video/x-raw, format=(string)I420, width=(int)640, framerate=\(fraction\)30/1 ! fakesink"#)
        let caps = try #require(g.links.first?.caps)
        #expect(caps["format"] == .string("I420") && caps["width"] == .int(640) && caps["framerate"] == .fraction(30, 1))
        let quoted = try check(#"videotestsrc ! "video/x-raw,width=100,height=100" ! fakesink"#)
        #expect(quoted.links.first?.caps?["height"] == .int(100))
        let spaced = try check("audiotestsrc ! audio/x-raw, rate=8000 ! fakesink")
        #expect(spaced.links.first?.caps?["rate"] == .int(8000))
    }

    @Test func formatsFrameratesAndProfilesMatchByMeaning() throws {
        let i420 = StreamFormat.rawVideo(.yuv420p, width: 640, height: 360, frameRate: Rational(30, 1))
        #expect(i420.satisfies(try Caps(parsing: "video/x-raw,format=I420,framerate=30")))
        #expect(i420.satisfies(try Caps(parsing: "video/x-raw,framerate=60/2,pixel-aspect-ratio=1/1,interlace-mode=progressive")))
        #expect(!i420.satisfies(try Caps(parsing: "video/x-raw,format=NV12")))
        #expect(!i420.satisfies(try Caps(parsing: "video/x-raw,interlace-mode=interleaved")))
        let audio = StreamFormat.rawAudio(.f32Planar, sampleRate: 48_000, channels: 2)
        #expect(audio.satisfies(try Caps(parsing: "audio/x-raw,format=F32LE,layout=interleaved,rate=48000")))
        #expect(!audio.satisfies(try Caps(parsing: "audio/x-raw,format=S16LE")))
        #expect(StreamFormat.profileNumber(codecString: "avc1.42c01e") == 578)
        #expect(StreamFormat.profileNumber(codecString: "avc1.64001f") == 100)
        #expect(StreamFormat.profileNumber(codecString: "hvc1.1.6.L93.B0") == 1)
    }

    @Test func elementPropertiesTakeGStreamersSpellings() throws {
        let g = try check("videotestsrc pattern=snow framerate=25 format=RGBA ! videoconvert format=I420 ! fakesink")
        #expect(g.elements[0].properties["pattern"] == .string("snow"))
        #expect(g.elements[0].properties["framerate"] == .fraction(25, 1))
        #expect(g.elements[0].properties["format"] == .string("rgba8888"))
        #expect(g.elements[1].properties["format"] == .string("yuv420p"))
        #expect(try check("videotestsrc pattern=0 ! fakesink").elements[0].properties["pattern"] == .string("smpte"))
        #expect(try check("audiotestsrc wave=2 ! fakesink").elements[0].properties["wave"] == .string("saw"))
    }

    @Test func aliasesBecomeOurElementsWithTranslatedSettings() throws {
        let g = try check("videotestsrc ! x264enc bitrate=800 speed-preset=veryfast tune=zerolatency key-int-max=60 ! mp4mux ! filesink location=/dev/null")
        let enc = g.elements[1]
        #expect(enc.factory.name == "encode" && enc.alias == "x264enc")
        #expect(enc.properties == ["codec": .string("h264"), "bitrate": .int(800_000), "preset": .string("veryfast"),
                                   "tune": .string("zerolatency"), "key-int-max": .int(60)])
        #expect(g.elements[2].factory.name == "mux" && g.elements[2].properties["format"] == .string("mp4"))
        let quant = try check("videotestsrc ! x264enc pass=quant bitrate=800 ! fakesink").elements[1].properties
        #expect(quant["quantizer"] == .int(21) && quant["bitrate"] == nil, "pass=quant ignores bitrate, as GStreamer does")
        let vp9 = try check("videotestsrc ! vp9enc target-bitrate=500000 ! webmmux ! fakesink").elements[1].properties
        #expect(vp9["bitrate"] == .int(500_000) && vp9["codec"] == .string("vp9"))
        let mp3 = try check("audiotestsrc ! lamemp3enc bitrate=192 ! fakesink").elements[1].properties
        #expect(mp3["bitrate"] == nil, "target=quality (the default) ignores bitrate, as GStreamer does")
        #expect(try check("audiotestsrc ! lamemp3enc target=bitrate bitrate=192 ! fakesink").elements[1].properties["bitrate"] == .int(192_000))
        #expect(try check("videotestsrc ! x264enc ! avdec_whatever ! fakesink").elements.map(\.factory.name) == ["videotestsrc", "encode", "decode", "fakesink"], "avdec_* is a family")
    }

    @Test func aliasesCheckGStreamersRangesAndSayWhatIsMissing() {
        let error = #expect(throws: GraphError.self) { try check("videotestsrc ! x264enc bitrate=0 pass=pass1 ! autovideosink") }
        let messages = error?.issues.map(\.message) ?? []
        #expect(messages.contains { $0.contains("'0' is not a valid value for 'bitrate'") && $0.contains("kbit/s") })
        #expect(messages.contains { $0.contains("autovideosink") && $0.contains("closest here: fakesink") })
        let multi = #expect(throws: GraphError.self) { try check("videotestsrc ! x264enc pass=pass1 ! fakesink") }
        #expect(multi?.issues.first?.message.contains("multi-pass") == true)
    }

    @Test func capsfilterConstrainsWhatIsUpstream() throws {
        let g = try check("videotestsrc ! capsfilter caps=video/x-raw,width=640 ! fakesink")
        #expect(g.links[0].caps?["width"] == .int(640))
        #expect(throws: GraphError.self) { try check("videotestsrc ! video/x-raw,width=320 ! capsfilter caps=video/x-raw,width=640 ! fakesink") }
    }

    @Test func decodebinPadsAreChosenThroughQueues() throws {
        let g = try check("uridecodebin uri=in.webm name=d ! queue ! videoconvert ! fakesink  d. ! queue ! audioconvert ! fakesink")
        #expect(Set(g.links.filter { $0.from.element == "d" }.map(\.fromPad)) == ["video_%u", "audio_%u"])
        let twice = try check("filesrc location=in.mkv ! demux name=d  d. ! decode ! fakesink  d. ! decode ! fakesink  d. ! decode ! fakesink")
        #expect(twice.links.filter { $0.from.element == "d" }.map(\.fromPad) == ["video_%u", "audio_%u", "video_1"])
    }
}
