import Foundation
import Testing
import MediaCore
import MediaFFmpeg
@testable import MediaPipeline
import MediaTestSupport
import MediaTestWatchdog

/// What a file holds, read back with the demuxer: per track its codec and
/// parameters, the chunks, their bytes and the span of their timestamps.
struct Probe {
    struct Track {
        var info: TrackInfo
        var chunks = 0
        var bytes = 0
        var firstUs: Int64 = .max
        var endUs: Int64 = .min
        var codec: String { info.parameters.codecName }
        /// Average bits per second over the span of the timestamps.
        var bitrate: Double { Double(bytes * 8) / (Double(endUs - firstUs) / 1_000_000) }
    }
    var tracks: [Track]

    init(_ path: String) throws {
        let demuxer = try Demuxer(url: path)
        var tracks = demuxer.tracks.map { Track(info: $0) }
        while let (id, chunk) = try demuxer.readNext() {
            guard let i = tracks.firstIndex(where: { $0.info.id == id }) else { continue }
            tracks[i].chunks += 1
            tracks[i].bytes += chunk.data.count
            tracks[i].firstUs = min(tracks[i].firstUs, chunk.timestampUs)
            tracks[i].endUs = max(tracks[i].endUs, chunk.timestampUs + (chunk.durationUs ?? 0))
        }
        self.tracks = tracks
    }

    var video: Track? { tracks.first { $0.info.isVideo } }
    var audio: Track? { tracks.first { !$0.info.isVideo } }
}

/// A line from GStreamer's own documentation, run as written but for what
/// `adapt` lists (fewer buffers, files in a temporary folder, a loopback
/// URL for the web address), with what its output must be.
struct DocumentedLine: CustomTestStringConvertible, Sendable {
    /// Where it appears, in GStreamer's tree.
    var source: String
    /// The line as the documentation prints it.
    var line: String
    /// Text replacements, applied in order: the only changes made to the line.
    var adapt: [(String, String)] = []
    /// Checks the run: items per sink, and the files in the folder.
    var check: @Sendable (_ summary: PipelineSummary, _ dir: String) throws -> Void

    var testDescription: String { source }
}

/// A folder holding what the lines read: music.mp3, abc.wav, video.mkv
/// (H.264), video-hevc/video.mkv (HEVC), sintel_trailer-480p.webm (VP9 +
/// Opus), each made by this host's own elements.
enum DocumentedLineFixtures {
    static let dir: String = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wasi-media-gst-lines-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: dir + "/video-hevc", withIntermediateDirectories: true)
        return dir
    }()

    static func make() async throws {
        try await run("audiotestsrc num-buffers=40 ! encode codec=mp3 ! filesink location=\(dir)/music.mp3")
        try await run("videotestsrc num-buffers=30 ! encode codec=h264 ! mux format=mkv ! filesink location=\(dir)/video.mkv")
        try await run("videotestsrc num-buffers=30 ! encode codec=hevc ! mux format=mkv ! filesink location=\(dir)/video-hevc/video.mkv")
        try await run("videotestsrc num-buffers=30 ! encode codec=vp9 ! mux name=m format=webm ! filesink location=\(dir)/sintel_trailer-480p.webm  audiotestsrc num-buffers=47 ! encode codec=opus ! m.")
        try writeWAV(dir + "/abc.wav", seconds: 1, rate: 44_100)
    }

    static func run(_ line: String) async throws {
        _ = try await Pipeline(launch: line, registry: .standard).run()
    }

    /// A 16-bit stereo WAV file of a tone, written byte by byte.
    static func writeWAV(_ path: String, seconds: Int, rate: Int) throws {
        let frames = seconds * rate
        func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xff) } }
        func le16(_ v: Int) -> [UInt8] { (0..<2).map { UInt8((v >> (8 * $0)) & 0xff) } }
        var bytes = Array("RIFF".utf8) + le32(36 + frames * 4) + Array("WAVEfmt ".utf8)
        bytes += le32(16) + le16(1) + le16(2) + le32(rate) + le32(rate * 4) + le16(4) + le16(16)
        bytes += Array("data".utf8) + le32(frames * 4)
        for i in 0..<frames {
            let s = Int((sin(2 * Double.pi * 440 * Double(i) / Double(rate)) * 12_000).rounded())
            bytes += le16(s) + le16(s)
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}

@Suite(.serialized, .watchdog) struct GStreamerLineTests {
    static let sintel = "https://gstreamer.freedesktop.org/data/media/sintel_trailer-480p.webm"

    static let lines: [DocumentedLine] = [
        DocumentedLine(source: "gst-docs/markdown/additional/design/tracing.md",
                       line: "gst-launch-1.0 videotestsrc num-buffers=10 ! fakesink") { summary, _ in
            #expect(summary.itemsPerSink["fakesink0"] == 10)
        },
        DocumentedLine(source: "gstreamer/plugins/elements/gstfakesink.c",
                       line: "gst-launch-1.0 audiotestsrc num-buffers=1000 ! fakesink sync=false") { summary, _ in
            #expect(summary.itemsPerSink["fakesink0"] == 1000)
        },
        DocumentedLine(source: "gst-docs/markdown/additional/design/tracing.md",
                       line: "gst-launch-1.0 fakesrc num-buffers=10 ! fakesink") { summary, _ in
            #expect(summary.itemsPerSink["fakesink0"] == 10)
        },
        DocumentedLine(source: "gst-docs/markdown/tools/gst-launch.md",
                       line: "gst-launch-1.0 -v fakesrc num-buffers=16 ! fakesink silent=false") { summary, _ in
            #expect(summary.itemsPerSink["fakesink0"] == 16)
        },
        DocumentedLine(source: "gst-docs/markdown/frequently-asked-questions/using.md",
                       line: "gst-launch-1.0 -v fakesrc silent=false num-buffers=3 ! fakesink silent=false") { summary, _ in
            #expect(summary.itemsPerSink["fakesink0"] == 3)
        },
        DocumentedLine(source: "gstreamer/plugins/elements/gstfakesrc.c",
                       line: "gst-launch-1.0 -v fakesrc num-buffers=5 ! fakesink") { summary, _ in
            #expect(summary.itemsPerSink["fakesink0"] == 5)
        },
        DocumentedLine(source: "gst-plugins-good/ext/vpx/gstvp9enc.c",
                       line: "gst-launch-1.0 -v videotestsrc num-buffers=1000 ! vp9enc ! webmmux ! filesink location=videotestsrc.webm",
                       adapt: [("num-buffers=1000", "num-buffers=15")]) { _, dir in
            let p = try Probe(dir + "/videotestsrc.webm")
            #expect(p.video?.codec == "vp9" && p.video?.chunks == 15)
        },
        DocumentedLine(source: "gst-plugins-bad/ext/aom/gstav1enc.c",
                       line: "gst-launch-1.0 videotestsrc num-buffers=50 ! av1enc ! webmmux ! filesink location=av1.webm",
                       adapt: [("num-buffers=50", "num-buffers=10")]) { _, dir in
            let p = try Probe(dir + "/av1.webm")
            #expect(p.video?.codec == "av1" && p.video?.chunks == 10)
        },
        DocumentedLine(source: "gst-plugins-bad/ext/svtav1/gstsvtav1enc.c",
                       line: "gst-launch-1.0 -e videotestsrc ! video/x-raw ! svtav1enc ! matroskamux ! filesink location=out.mkv",
                       adapt: [("videotestsrc", "videotestsrc num-buffers=10")]) { _, dir in
            let p = try Probe(dir + "/out.mkv")
            #expect(p.video?.codec == "av1" && p.video?.chunks == 10)
        },
        DocumentedLine(source: "gst-plugins-ugly/ext/x264/gstx264enc.c",
                       line: "gst-launch-1.0 -v videotestsrc num-buffers=1000 ! x264enc pass=quant ! matroskamux ! filesink location=videotestsrc.mkv",
                       adapt: [("num-buffers=1000", "num-buffers=15")]) { _, dir in
            let p = try Probe(dir + "/videotestsrc.mkv")
            #expect(p.video?.codec == "h264" && p.video?.chunks == 15)
        },
        DocumentedLine(source: "gst-plugins-ugly/ext/x264/gstx264enc.c",
                       line: "gst-launch-1.0 -v videotestsrc num-buffers=1000 ! x264enc pass=5 quantizer=25 speed-preset=6 ! video/x-h264, profile=baseline ! qtmux ! filesink location=videotestsrc.mov",
                       adapt: [("num-buffers=1000", "num-buffers=15")]) { _, dir in
            let p = try Probe(dir + "/videotestsrc.mov")
            #expect(p.video?.codec == "h264" && p.video?.chunks == 15)
            // The profile the caps asked for: baseline (66) or constrained baseline (578).
            #expect([66, 578].contains(p.video?.info.parameters.profile ?? -1))
        },
        DocumentedLine(source: "gst-plugins-good/ext/lame/gstlamemp3enc.c",
                       line: "gst-launch-1.0 -v audiotestsrc wave=sine num-buffers=100 ! audioconvert ! lamemp3enc ! filesink location=sine.mp3") { _, dir in
            let p = try Probe(dir + "/sine.mp3")
            #expect(p.audio?.codec == "mp3")
            // 100 buffers of 1024 samples at 48 kHz: 2.13 s.
            #expect(abs(Double((p.audio?.endUs ?? 0) - (p.audio?.firstUs ?? 0)) / 1e6 - 2.13) < 0.1)
        },
        DocumentedLine(source: "gst-plugins-good/ext/lame/gstlamemp3enc.c",
                       line: "gst-launch-1.0 -v audiotestsrc num-buffers=10 ! audio/x-raw,rate=44100,channels=1 ! lamemp3enc target=bitrate cbr=true bitrate=48 ! filesink location=test.mp3") { _, dir in
            let p = try Probe(dir + "/test.mp3")
            #expect(p.audio?.codec == "mp3" && p.audio?.info.parameters.sampleRate == 44_100 && p.audio?.info.parameters.channels == 1)
            #expect(abs((p.audio?.bitrate ?? 0) - 48_000) < 2_000)
        },
        DocumentedLine(source: "gst-plugins-good/ext/flac/gstflacenc.c",
                       line: "gst-launch-1.0 audiotestsrc num-buffers=100 ! flacenc ! filesink location=beep.flac") { _, dir in
            let p = try Probe(dir + "/beep.flac")
            #expect(p.audio?.codec == "flac")
        },
        DocumentedLine(source: "gst-docs/markdown/tools/gst-launch.md",
                       line: "gst-launch-1.0 filesrc location=music.mp3 ! mpegaudioparse ! mpg123audiodec ! audioconvert ! flacenc ! filesink location=test.flac") { _, dir in
            let p = try Probe(dir + "/test.flac")
            #expect(p.audio?.codec == "flac" && (p.audio?.endUs ?? 0) > 800_000)
        },
        DocumentedLine(source: "gst-plugins-bad/ext/voaacenc/gstvoaacenc.c",
                       line: "gst-launch-1.0 filesrc location=abc.wav ! wavparse ! audioresample ! audioconvert ! voaacenc ! filesink location=abc.aac") { _, dir in
            let p = try Probe(dir + "/abc.aac")
            #expect(p.audio?.codec == "aac" && p.audio?.info.parameters.sampleRate == 44_100)
        },
        DocumentedLine(source: "gst-docs/markdown/tutorials/basic/gstreamer-tools.md",
                       line: "gst-launch-1.0 souphttpsrc location=\(sintel) ! matroskademux name=d d.video_0 ! matroskamux ! filesink location=sintel_video.mkv") { _, dir in
            let p = try Probe(dir + "/sintel_video.mkv")
            #expect(p.tracks.count == 1 && p.video?.codec == "vp9" && p.video?.chunks == 30)
        },
        DocumentedLine(source: "gst-docs/markdown/tutorials/basic/gstreamer-tools.md",
                       line: "gst-launch-1.0 souphttpsrc location=\(sintel) ! matroskademux ! filesink location=test") { _, dir in
            // The first stream, written as a VP9 file (IVF) the way GStreamer writes its bytes.
            let p = try Probe(dir + "/test")
            #expect(p.video?.codec == "vp9" && p.video?.chunks == 30)
        },
        DocumentedLine(source: "gst-docs/markdown/tutorials/basic/gstreamer-tools.md",
                       line: "gst-launch-1.0 uridecodebin uri=\(sintel) name=d ! queue ! videoconvert ! x264enc ! video/x-h264,profile=high ! mp4mux name=m ! filesink location=sintel.mp4 d. ! queue max-size-time=5000000000 max-size-bytes=0 max-size-buffers=0 ! audioconvert ! audioresample ! voaacenc ! m.") { _, dir in
            let p = try Probe(dir + "/sintel.mp4")
            #expect(p.video?.codec == "h264" && p.video?.chunks == 30 && p.video?.info.parameters.profile == 100)
            #expect(p.audio?.codec == "aac")
        },
        DocumentedLine(source: "gst-plugins-bad/gst/closedcaption/gsth264seiinserter.c",
                       line: "gst-launch-1.0 filesrc location=video.mkv ! matroskademux ! h264parse ! h264timestamper ! mp4mux ! filesink location=output.mp4") { _, dir in
            let p = try Probe(dir + "/output.mp4")
            #expect(p.video?.codec == "h264" && p.video?.chunks == 30)
        },
        DocumentedLine(source: "gst-plugins-bad/gst/closedcaption/gsth265seiinserter.c",
                       line: "gst-launch-1.0 filesrc location=video.mkv ! matroskademux ! h265parse ! h265timestamper ! mp4mux ! filesink location=output.mp4",
                       adapt: [("video.mkv", "video-hevc/video.mkv"), ("output.mp4", "video-hevc/output.mp4")]) { _, dir in
            let p = try Probe(dir + "/video-hevc/output.mp4")
            #expect(p.video?.codec == "hevc" && p.video?.chunks == 30)
        },
    ]

    /// The line with the documented adaptations, files in `dir`, the web address on `server`.
    static func adapted(_ entry: DocumentedLine, dir: String, server: LoopbackHTTPServer) -> String {
        var line = entry.line
        for (from, to) in entry.adapt { line = line.replacingOccurrences(of: from, with: to) }
        line = line.replacingOccurrences(of: sintel, with: "http://127.0.0.1:\(server.port)/sintel_trailer-480p.webm")
        // Relative file names are in the fixtures' folder.
        for key in ["location="] {
            line = line.replacingOccurrences(of: key, with: key + dir + "/")
        }
        return line.replacingOccurrences(of: "location=\(dir)/http://", with: "location=http://")
    }

    @Test func twentyLinesFromGStreamersDocumentationRunUnchanged() async throws {
        #expect(Self.lines.count >= 20)
        try await DocumentedLineFixtures.make()
        let dir = DocumentedLineFixtures.dir
        let server = try LoopbackHTTPServer(serving: dir)
        for entry in Self.lines {
            let line = Self.adapted(entry, dir: dir, server: server)
            do {
                let summary = try await Pipeline(launch: line, registry: .standard).run()
                try entry.check(summary, dir)
            } catch {
                Issue.record("\(entry.source): \(line)\n\(error)")
            }
        }
    }

    /// The issue's line: 60 frames of H.264 at about 800 kbit/s in MP4.
    @Test func x264LineWritesAnH264MP4AtTheAskedBitrate() async throws {
        let out = tempPath("gst-x264.mp4")
        let line = "gst-launch-1.0 -e videotestsrc num-buffers=60 ! video/x-raw,format=I420,width=640,height=360,framerate=30/1 ! x264enc bitrate=800 speed-preset=veryfast ! h264parse ! mp4mux ! filesink location=\(out)"
        _ = try await Pipeline(launch: line, registry: .standard).run()
        let p = try Probe(out)
        let video = try #require(p.video)
        #expect(video.codec == "h264" && video.chunks == 60)
        #expect(video.info.parameters.width == 640 && video.info.parameters.height == 360)
        #expect(abs(video.bitrate - 800_000) < 120_000, "bitrate \(video.bitrate)")
    }
}
