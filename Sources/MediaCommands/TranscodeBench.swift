import ArgumentParser
import Foundation
import MediaCore
import MediaFFmpeg

/// `wasi-media bench transcode`: our transcode against the ffmpeg CLI, interleaved.
struct TranscodeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcode",
        abstract: "Our transcode vs `ffmpeg` on a 1280x720 30 fps H.264+AAC input, runs interleaved.",
        discussion: """
        Both decode, convert to RGBA, convert to yuv420p, encode libx264 veryfast (default quality) \
        and AAC 128 kb/s. Prints each run, then medians: fps, peak RSS, and the ratios ours/ffmpeg.
        """)

    @Option(help: "Runs of each tool.") var runs = 3
    @Option(help: "Input length in seconds.") var seconds = 10
    @Option(help: "Working directory.") var workDir = "out/bench"
    @Option(help: "The ffmpeg CLI to compare against.") var ffmpeg = "ffmpeg"
    func run() throws {
        try FileManager.default.createDirectory(atPath: workDir, withIntermediateDirectories: true)
        let input = (workDir as NSString).appendingPathComponent("input-720p.mp4")
        let frames = seconds * 30
        if !FileManager.default.fileExists(atPath: input) {
            let make = try Measured.run([ffmpeg, "-hide_banner", "-loglevel", "error", "-y",
                                         "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30:duration=\(seconds)",
                                         "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=\(seconds)",
                                         "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                                         "-c:a", "aac", "-b:a", "128k", "-ac", "2", input])
            guard make.status == 0 else { throw ValidationError("could not make the input with \(ffmpeg)") }
        }
        let me = CommandLine.arguments[0].hasPrefix("/") ? CommandLine.arguments[0]
            : FileManager.default.currentDirectoryPath + "/" + CommandLine.arguments[0]
        let oursOut = (workDir as NSString).appendingPathComponent("ours.mp4")
        // `transcode` runs the pipeline TranscodePreset builds (print it with --print-graph).
        let ours = [me, "transcode", input, oursOut]
        let theirs = [ffmpeg, "-hide_banner", "-loglevel", "error", "-y", "-i", input,
                      "-vf", "format=rgba,format=yuv420p", "-c:v", "libx264", "-preset", "veryfast",
                      "-c:a", "aac", "-b:a", "128k", (workDir as NSString).appendingPathComponent("ffmpeg.mp4")]
        var oursRuns: [Measured] = [], theirRuns: [Measured] = []
        for i in 1...runs {
            let a = try Measured.run(ours)
            let b = try Measured.run(theirs)
            guard a.status == 0 else { throw ValidationError("wasi-media transcode failed (exit \(a.status))") }
            guard b.status == 0 else { throw ValidationError("ffmpeg failed (exit \(b.status))") }
            oursRuns.append(a)
            theirRuns.append(b)
            print(String(format: "run %d: wasi-media %.2f s %.1f fps %d MiB | ffmpeg %.2f s %.1f fps %d MiB", i,
                         a.seconds, Double(frames) / a.seconds, a.maxRSSKiB / 1024,
                         b.seconds, Double(frames) / b.seconds, b.maxRSSKiB / 1024))
        }
        func median(_ v: [Double]) -> Double { let s = v.sorted(); return s[s.count / 2] }
        let ourFPS = median(oursRuns.map { Double(frames) / $0.seconds })
        let theirFPS = median(theirRuns.map { Double(frames) / $0.seconds })
        let ourMem = median(oursRuns.map { Double($0.maxRSSKiB) }) / 1024
        let theirMem = median(theirRuns.map { Double($0.maxRSSKiB) }) / 1024
        print(String(format: "median: wasi-media %.1f fps, ffmpeg %.1f fps, speed ratio %.3f (>= 1.0 is parity or better)", ourFPS, theirFPS, ourFPS / theirFPS))
        print(String(format: "peak memory: wasi-media %.0f MiB, ffmpeg %.0f MiB, ratio %.3f (target <= 1.2)", ourMem, theirMem, ourMem / theirMem))
    }
}

/// A child process's wall time and peak resident memory (from wait4's rusage).
struct Measured {
    var status: Int32
    var seconds: Double
    var maxRSSKiB: Int

    static func run(_ argv: [String]) throws -> Measured {
        var pid: pid_t = 0
        var cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let start = DispatchTime.now()
        let rc = posix_spawnp(&pid, argv[0], &actions, nil, &cArgs, environ)
        guard rc == 0 else { throw ValidationError("cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Measured(status: exit, seconds: elapsed, maxRSSKiB: usage.ru_maxrss)
    }
}
