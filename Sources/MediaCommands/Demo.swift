import ArgumentParser
import Foundation
import MediaCore
import MediaFFmpeg

/// `wasi-media demo`: the main job on embedded defaults. Makes a clip from a
/// synthetic pattern with the project's own encoders, transcodes it, and
/// prints the output path and its `inspect` summary.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a synthetic 1280x720 H.264/AAC clip, transcode it to 640x360 VP9/Opus WebM, and inspect the result.")

    @Option(help: "Directory for the clip and the result.") var outputDir: String = "out"

    func run() throws {
        do {
            try FileManager.default.createDirectory(atPath: outputDir, withIntermediateDirectories: true)
            let source = (outputDir as NSString).appendingPathComponent("demo-source.mp4")
            let result = (outputDir as NSString).appendingPathComponent("demo-output.webm")
            try TestClip.write(to: source)
            printError("made \(source)")
            var options = TranscodeOptions()
            options.videoCodec = .vp9
            options.audioCodec = .opus
            options.width = 640
            options.height = 360
            let summary = try Transcoder(input: source, output: result, options: options).run()
            printError("transcoded \(summary.videoFrames) frames")
            print(result)
            print(try InspectReport.make(result).text)
        } catch let error as MediaError {
            printError("error: \(error)")
            throw ExitCode.failure
        }
    }
}
