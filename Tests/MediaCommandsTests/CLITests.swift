import Foundation
import Testing
import MediaCore
import MediaFFmpeg
@testable import MediaCommands
import MediaPipeline
import MediaTestSupport
import MediaTestWatchdog

/// Runs the built `wasi-media` executable and `ffprobe`, as a user would.
enum CLI {
    struct Result { var status: Int32; var stdout: String; var stderr: String }

    /// The `wasi-media` binary beside the test bundle (built by `swift build --build-tests`).
    static var executable: String {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("wasi-media")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug/wasi-media").path
    }

    static func run(_ args: [String], tool: String? = nil, environment: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool ?? executable)
        p.arguments = args
        if !environment.isEmpty {
            p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// ffprobe's view of a file: stream codec names, sizes and decoded frame counts.
    static func probe(_ path: String) throws -> [[String: Any]] {
        let r = try run(["-v", "error", "-count_frames", "-show_entries",
                         "stream=codec_name,codec_type,width,height,nb_read_frames,sample_rate,channels",
                         "-of", "json", path], tool: "/usr/bin/ffprobe")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        return json?["streams"] as? [[String: Any]] ?? []
    }

    static func tempDir() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wasi-media-cli-\(getpid())-\(UUID().uuidString.prefix(8))").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A 2 s 320x240 H.264/AAC clip.
    static func clip(in dir: String, name: String = "clip.mp4") throws -> String {
        let path = dir + "/" + name
        var s = TestClip.Settings()
        s.seconds = 2
        s.width = 320
        s.height = 240
        try TestClip.write(to: path, s)
        return path
    }
}

@Suite(.watchdog) struct CLITests {
    @Test func inspectJSONMatchesFFprobe() throws {
        let dir = CLI.tempDir()
        let clip = try CLI.clip(in: dir)
        let r = try CLI.run(["inspect", clip, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try JSONDecoder().decode(InspectReport.self, from: Data(r.stdout.utf8))
        #expect(report.tracks.count == 2)
        let video = try #require(report.tracks.first { $0.kind == "video" })
        let audio = try #require(report.tracks.first { $0.kind == "audio" })
        #expect(video.codecString.hasPrefix("avc1.64"))
        #expect(audio.codecString == "mp4a.40.2")
        #expect(video.width == 320 && video.height == 240)
        #expect(abs((video.durationUs ?? 0) - 2_000_000) <= 1)
        let probed = try CLI.probe(clip)
        let pv = try #require(probed.first { $0["codec_type"] as? String == "video" })
        #expect(Int(pv["nb_read_frames"] as? String ?? "") == video.frameCount)
        #expect(video.frameCount == 60)
        #expect(video.keyframeCount >= 1)
        #expect(audio.sampleRate == 48_000 && audio.channels == 2)
    }

    @Test func inspectTextAndErrors() throws {
        let dir = CLI.tempDir()
        let clip = try CLI.clip(in: dir)
        let ok = try CLI.run(["inspect", clip])
        #expect(ok.stdout.contains("track 0: video h264 (avc1."))
        #expect(ok.stdout.contains("60 frames"))
        let missing = try CLI.run(["inspect", dir + "/nope.mp4"])
        #expect(missing.status != 0)
        #expect(missing.stdout.isEmpty)
        #expect(missing.stderr.contains("nope.mp4") && missing.stderr.contains("no such file"))
        let junk = dir + "/junk.mp4"
        FileManager.default.createFile(atPath: junk, contents: Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }))
        let bad = try CLI.run(["inspect", junk])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("junk.mp4"))
    }

    @Test func codecsReportsWhatOpens() throws {
        let r = try CLI.run(["codecs", "--json"])
        #expect(r.status == 0)
        let report = try JSONDecoder().decode(Codecs.Report.self, from: Data(r.stdout.utf8))
        #expect(Set(report.video.keys) == Set(VideoCodec.allCases.map(\.witName)))
        #expect(Set(report.audio.keys) == Set(AudioCodec.allCases.map(\.witName)))
        for (name, pair) in report.video.merging(report.audio, uniquingKeysWith: { a, _ in a }) {
            #expect(pair.encoder.supported, "\(name) encoder")
            #expect(pair.decoder.supported, "\(name) decoder")
        }
        #expect(report.video["h264"]?.encoder.name == "libx264" || report.video["h264"]?.encoder.implementation == "hardware")
        // Hardware is reported only where a device node exists for it to use.
        let devices = ["/dev/dri", "/dev/nvidia0", "/dev/nvidiactl"].contains { FileManager.default.fileExists(atPath: $0) }
            || ((try? FileManager.default.contentsOfDirectory(atPath: "/dev"))?.contains { $0.hasPrefix("video") } ?? false)
        if !devices {
            for (name, pair) in report.video { #expect(pair.encoder.implementation == "software", "\(name) claims hardware with no device") }
        }
    }

    @Test func transcodeChangesCodecsAndSize() throws {
        let dir = CLI.tempDir()
        let clip = try CLI.clip(in: dir)
        let out = dir + "/out.webm"
        let r = try CLI.run(["transcode", clip, out, "--video-codec", "vp9", "--audio-codec", "opus",
                             "--width", "160", "--height", "120", "--video-bitrate", "200000"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains("\r"), "no progress bar when stderr is a pipe")
        let streams = try CLI.probe(out)
        let v = try #require(streams.first { $0["codec_type"] as? String == "video" })
        let a = try #require(streams.first { $0["codec_type"] as? String == "audio" })
        #expect(v["codec_name"] as? String == "vp9")
        #expect(v["width"] as? Int == 160 && v["height"] as? Int == 120)
        #expect(v["nb_read_frames"] as? String == "60")
        #expect(a["codec_name"] as? String == "opus")
    }

    @Test func transcodeDefaultsAreH264AndAAC() throws {
        let dir = CLI.tempDir()
        let clip = try CLI.clip(in: dir)
        let out = dir + "/out.ts"
        let r = try CLI.run(["transcode", clip, out])
        #expect(r.status == 0, "\(r.stderr)")
        let streams = try CLI.probe(out)
        #expect(streams.compactMap { $0["codec_name"] as? String }.sorted() == ["aac", "h264"])
    }

    @Test func transcodeRejectsBadArgumentsAllAtOnce() throws {
        let dir = CLI.tempDir()
        // A codec, container or engine that does not exist is refused by the parser, which lists the valid ones.
        let codec = try CLI.run(["transcode", dir + "/in.mp4", dir + "/out.mp4", "--video-codec", "mpeg2"])
        #expect(codec.status != 0)
        #expect(codec.stderr.contains("'mpeg2' is invalid for '--video-codec") && codec.stderr.contains("'h264', 'hevc', 'av1' or 'vp9'"))
        let container = try CLI.run(["transcode", dir + "/in.mp4", dir + "/out.mp4", "--container", "avi"])
        #expect(container.status != 0 && container.stderr.contains("'mp4', 'mkv', 'webm' or 'ts'"))
        let audio = try CLI.run(["transcode", dir + "/in.mp4", dir + "/out.mp4", "--audio-codec", "vorbis"])
        #expect(audio.status != 0 && audio.stderr.contains("'aac', 'opus', 'mp3' or 'flac'"))
        // The other problems come together.
        let r = try CLI.run(["transcode", dir + "/in.mp4", dir + "/out.avi", "--video-bitrate", "0", "--width", "640"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("--video-bitrate 0"))
        #expect(r.stderr.contains("--width and --height"))
        #expect(r.stderr.contains("out.avi"))
        let missing = try CLI.run(["transcode", dir + "/absent.mp4", dir + "/out.mp4"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("absent.mp4"))
    }

    @Test func demoRunsOnEmbeddedDefaults() throws {
        let dir = CLI.tempDir()
        let r = try CLI.run(["demo", "--output-dir", dir])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix(dir + "/demo-output.webm"))
        #expect(r.stdout.contains("vp09.") && r.stdout.contains("120 frames"))
    }
}

@Suite(.watchdog) struct TranscodePresetTests {
    static func run(_ input: String, _ output: String, _ options: TranscodeOptions = TranscodeOptions()) async throws -> [BusMessage] {
        let graph = try TranscodePreset.graph(input: input, output: output, options: options, tracks: try Demuxer(url: input).tracks)
        let pipeline = try Pipeline(GraphChecker.check(graph, registry: .standard))
        let bus = Task { var all: [BusMessage] = []; for await m in pipeline.bus { all.append(m) }; return all }
        _ = try await pipeline.run()
        return await bus.value
    }

    @Test func transcodeKeepsEveryFrameInOrder() async throws {
        let dir = CLI.tempDir()
        let clip = try CLI.clip(in: dir)
        let out = dir + "/order.mkv"
        let messages = try await Self.run(clip, out)
        #expect(try MediaFixtures.frameIndices(out).map(\.index) == Array(0..<60))
        #expect(!messages.contains { if case .warning = $0 { true } else { false } })
    }

    /// A file with no audio gets no audio branch (and no muxer pad waiting for nothing).
    @Test func onlyTheBranchesTheInputHas() async throws {
        let dir = CLI.tempDir()
        let videoOnly = dir + "/video-only.mp4"
        _ = try await Pipeline(launch: "videotestsrc num-buffers=30 width=256 height=64 ! encode ! mux ! filesink location=\(videoOnly)", registry: .standard).run()
        let graph = try TranscodePreset.graph(input: videoOnly, output: dir + "/x.mkv", options: TranscodeOptions(), tracks: try Demuxer(url: videoOnly).tracks)
        #expect(graph.element(named: "adec") == nil && graph.element(named: "vdec") != nil)
        _ = try await Self.run(videoOnly, dir + "/x.mkv")
        #expect(try MediaFixtures.frameIndices(dir + "/x.mkv").map(\.index) == Array(0..<30))
    }

    @Test func printGraphShowsTheLaunchLine() throws {
        let dir = CLI.tempDir()
        let clip = try CLI.clip(in: dir)
        let r = try CLI.run(["transcode", clip, dir + "/o.mkv", "--audio-codec", "opus", "--print-graph"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("demux name=d"))
        #expect(r.stdout.contains("encode name=venc codec=h264 preset=veryfast"), "\(r.stdout)")
        #expect(r.stdout.contains("codec=opus"))
        #expect(r.stdout.contains("format=mkv"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/o.mkv"))
    }
}

@Suite(.watchdog) struct KillTests {
    /// A transcode killed with SIGKILL mid-way leaves an MP4 that plays up to
    /// its last complete fragment (one GOP: 250 frames with libx264's default).
    @Test func killedRecordingIsPlayable() throws {
        let dir = CLI.tempDir()
        var s = TestClip.Settings()
        s.seconds = 60
        s.width = 320
        s.height = 240
        let clip = dir + "/long.mp4"
        try TestClip.write(to: clip, s)
        let out = dir + "/killed.mp4"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.executable)
        p.arguments = ["transcode", clip, out]
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Kill once a few fragments are on disk (a condition, not a delay).
        var size = 0
        while p.isRunning && size < 400_000 {
            size = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
            usleep(2_000)
        }
        let killed = p.isRunning
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(killed, "the transcode finished before it could be killed; make the clip longer")
        #expect(p.terminationReason == .uncaughtSignal)
        let streams = try CLI.probe(out)
        let v = try #require(streams.first { $0["codec_type"] as? String == "video" })
        let frames = Int(v["nb_read_frames"] as? String ?? "0") ?? 0
        #expect(frames >= 250 && frames % 250 == 0, "\(frames) frames playable after the kill: not whole GOPs")
        #expect(frames < 1800)
        // Every playable frame is intact and in order.
        let reader = try FrameReader(url: out)
        var i = 0
        while let f = try reader.nextFrame() {
            #expect(TestPattern.frameIndex(in: f) == i)
            i += 1
        }
        #expect(i == frames)
    }
}

@Suite(.watchdog) struct GraphCLITests {
    @Test func convertsBothWays() throws {
        let line = "filesrc location=in.mp4 ! demux name=d  d.video_0 ! decode ! fakesink"
        let toJSON = try CLI.run(["graph", "convert", line])
        #expect(toJSON.status == 0, "\(toJSON.stderr)")
        let dir = CLI.tempDir()
        let file = dir + "/graph.json"
        try Data(toJSON.stdout.utf8).write(to: URL(fileURLWithPath: file))
        let back = try CLI.run(["graph", "convert", file])
        #expect(back.status == 0, "\(back.stderr)")
        #expect(back.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == line)
    }

    @Test func badLinesShowEveryErrorUnderTheLine() throws {
        let r = try CLI.run(["graph", "convert", "a ! ! b name=x c name=x ! nowhere."])
        #expect(r.status != 0)
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "a ! ! b name=x c name=x ! nowhere.")
        #expect(lines.count == 4)   // the line, then '! !', the duplicate name, the unknown reference
        #expect(lines[1].hasPrefix("    ^ "))
    }
}

@Suite(.watchdog) struct RunCLITests {
    @Test func runsALaunchLineToAPlayableFile() throws {
        let dir = CLI.tempDir()
        let out = dir + "/run.mkv"
        let r = try CLI.run(["run", "videotestsrc num-buffers=45 ! video/x-raw,width=320,height=240 ! encode codec=vp9 ! mux name=m format=mkv ! filesink location=\(out)  audiotestsrc num-buffers=70 ! encode codec=opus ! m."])
        #expect(r.status == 0, "\(r.stderr)")
        let streams = try CLI.probe(out)
        #expect(streams.compactMap { $0["codec_name"] as? String }.sorted() == ["opus", "vp9"])
        let v = try #require(streams.first { $0["codec_type"] as? String == "video" })
        #expect(v["nb_read_frames"] as? String == "45")
        // The muxer went back to finish the header: the file knows its duration.
        let format = try CLI.run(["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", out], tool: "/usr/bin/ffprobe")
        let duration = try #require(Double(format.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "duration: \(format.stdout)")
        #expect(abs(duration - 1.5) < 0.1)
    }

    @Test func jsonBusLinesAndGraphFiles() throws {
        let dir = CLI.tempDir()
        let graph = dir + "/g.json"
        let toJSON = try CLI.run(["graph", "convert", "videotestsrc num-buffers=5 ! tee name=t ! fakesink  t. ! fakesink"])
        try Data(toJSON.stdout.utf8).write(to: URL(fileURLWithPath: graph))
        let r = try CLI.run(["run", "--graph", graph, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.allSatisfy { $0 != nil })
        let types = lines.compactMap { $0?["type"] as? String }
        #expect(types.filter { $0 == "sink-eos" }.count == 2)
        #expect(types.filter { $0 == "eos" }.count == 1)
        #expect(types.firstIndex(of: "negotiated")! < types.firstIndex(of: "sink-eos")!)
    }

    @Test func failuresGoToStderrWithTheElementPath() throws {
        let bad = try CLI.run(["run", "videotestsrc num-bufers=5 ! fakesink"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("^^^^^^^^^^^^") && bad.stderr.contains("did you mean 'num-buffers'"))
        let failing = try CLI.run(["run", "videotestsrc num-buffers=3 ! video/x-raw,width=321 ! encode ! fakesink"])
        #expect(failing.status != 0)
        #expect(failing.stderr.contains("encode0") && failing.stderr.contains("odd"))
    }

    @Test func elementsListsAndDescribes() throws {
        let list = try CLI.run(["elements"])
        for name in ["videotestsrc", "audiotestsrc", "videoconvert", "videoscale", "encode", "mux", "filesink", "fakesink", "tee", "queue"] {
            #expect(list.stdout.contains(name))
        }
        let json = try CLI.run(["elements", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let encode = try #require(object?["encode"] as? [String: Any])
        #expect((encode["properties"] as? [[String: Any]])?.contains { $0["name"] as? String == "codec" } == true)
        let one = try CLI.run(["elements", "tee"])
        #expect(one.stdout.contains("src_%u") && one.stdout.contains("request"))
        let missing = try CLI.run(["elements", "teee"])
        #expect(missing.status != 0 && missing.stderr.contains("did you mean 'tee'"))
    }

    /// `wasm` is registered for `elements` and `run`; a module that is not there fails at start, naming the file.
    @Test func wasmElementIsListedAndChecked() throws {
        let described = try CLI.run(["elements", "wasm"])
        for property in ["module", "world", "grant", "fuel", "memory", "on-error", "engine", "props"] {
            #expect(described.stdout.contains("  \(property):"))
        }
        let failing = try CLI.run(["run", "videotestsrc num-buffers=2 ! videoconvert format=rgba8888 ! wasm module=/nonexistent/guest.wasm ! fakesink"])
        #expect(failing.status != 0 && failing.stderr.contains("wasm0") && failing.stderr.contains("/nonexistent/guest.wasm"))
    }
}

/// Every example under examples/ runs, through the CLI, on generated inputs.
@Suite(.watchdog) struct ExampleTests {
    /// The repository root, from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A working directory with out/demo-source.mp4 (2 s, 320x240) and out/frames/img0001..0024.ppm.
    static func workspace() throws -> String {
        let dir = CLI.tempDir()
        try FileManager.default.createDirectory(atPath: dir + "/out/frames", withIntermediateDirectories: true)
        var s = TestClip.Settings()
        s.seconds = 3
        s.width = 320
        s.height = 240
        try TestClip.write(to: dir + "/out/demo-source.mp4", s)
        try MediaFixtures.writePPMSequence(count: 24, in: dir + "/out/frames")
        return dir
    }

    static func run(_ example: String, in dir: String) throws -> CLI.Result {
        let line = try String(contentsOf: root.appendingPathComponent("examples/\(example).launch"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.executable)
        p.arguments = ["run", line]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return CLI.Result(status: p.terminationStatus, stdout: "", stderr: String(decoding: e, as: UTF8.self))
    }

    @Test func streamTranscoding() throws {
        let dir = try Self.workspace()
        let r = try Self.run("stream-transcoding", in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let streams = try CLI.probe(dir + "/out/stream-transcoded.webm")
        let v = try #require(streams.first { $0["codec_type"] as? String == "video" })
        #expect(v["codec_name"] as? String == "vp9" && v["width"] as? Int == 640 && v["height"] as? Int == 360)
        #expect(v["nb_read_frames"] as? String == "90")
        #expect(streams.contains { $0["codec_name"] as? String == "opus" })
    }

    @Test func ffmpegStyleProcessing() throws {
        let dir = try Self.workspace()
        let r = try Self.run("ffmpeg-style", in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let streams = try CLI.probe(dir + "/out/ffmpeg-style.mkv")
        let v = try #require(streams.first { $0["codec_type"] as? String == "video" })
        #expect(v["nb_read_frames"] as? String == "24")
        let a = try #require(streams.first { $0["codec_type"] as? String == "audio" })
        #expect(a["codec_name"] as? String == "aac" && a["sample_rate"] as? String == "48000")
        #expect(try MediaFixtures.frameIndices(dir + "/out/ffmpeg-style.mkv").map(\.index) == Array(0..<24))
    }

    @Test func nonLinearEditing() throws {
        let dir = try Self.workspace()
        let r = try Self.run("nle", in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try MediaFixtures.frameIndices(dir + "/out/nle.mp4").map(\.index) == Array(10..<20) + Array(60..<75) + Array(0..<5))
    }
}

@Suite(.watchdog) struct TimestampContinuityTests {
    /// ffprobe's packets of one stream: (pts, dts, duration) in seconds.
    static func packets(_ path: String, stream: String) throws -> [(pts: Double, dts: Double?, duration: Double)] {
        let r = try CLI.run(["-v", "error", "-select_streams", stream, "-show_entries", "packet=pts_time,dts_time,duration_time",
                             "-of", "csv=p=0", path], tool: "/usr/bin/ffprobe")
        return r.stdout.split(separator: "\n").compactMap { line in
            let f = line.split(separator: ",").map { Double($0) }
            // Matroska stores no decode times; ffprobe prints N/A where it cannot derive one.
            guard f.count >= 2, let pts = f[0] else { return nil }
            return (pts, f[1], f.count > 2 ? (f[2] ?? 0) : 0)
        }
    }

    /// Decode times strictly increase; sorted presentation times are evenly
    /// spaced with no gap, for video and audio of a pipeline's output.
    @Test(arguments: ["mp4", "mkv", "ts"])
    func pipelineOutputIsMonotonicWithoutGaps(format: String) throws {
        let dir = CLI.tempDir()
        let out = dir + "/out.\(format)"
        let r = try CLI.run(["run", "videotestsrc num-buffers=90 ! encode codec=h264 ! mux name=m format=\(format) ! filesink location=\(out)  audiotestsrc num-buffers=141 ! encode codec=aac ! m."])
        #expect(r.status == 0, "\(r.stderr)")
        for (stream, step) in [("v:0", 1.0 / 30), ("a:0", 1024.0 / 48_000)] {
            let p = try Self.packets(out, stream: stream)
            #expect(p.count > 10, "\(format) \(stream): \(p.count) packets")
            let dts = p.compactMap(\.dts)
            #expect(dts.count >= p.count - 2)
            for (a, b) in zip(dts, dts.dropFirst()) { #expect(b > a, "\(format) \(stream): dts \(a) then \(b)") }
            let pts = p.map(\.pts).sorted()
            // Matroska rounds to milliseconds; MP4 and TS keep finer times.
            let tolerance = format == "mkv" ? 0.0011 : 0.0001
            for (a, b) in zip(pts, pts.dropFirst()) {
                #expect(abs((b - a) - step) <= tolerance, "\(format) \(stream): gap \(b - a) s between \(a) and \(b)")
            }
        }
    }
}
