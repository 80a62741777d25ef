import ArgumentParser
import Foundation
import MediaCore
import MediaFFmpeg
import MediaPipeline

/// `wasi-media demo`: the main job on embedded defaults. Makes a clip from a
/// synthetic pattern with the project's own encoders, transcodes it with the
/// stream-transcoding pipeline (as examples/stream-transcoding.launch), and
/// prints the output path and its `inspect` summary.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a synthetic 1280x720 H.264/AAC clip, transcode it to 640x360 VP9/Opus WebM through a pipeline, and inspect the result.")

    @Option(help: "Directory for the clip and the result.") var outputDir: String = "out"

    func run() async throws {
        let source = (outputDir as NSString).appendingPathComponent("demo-source.mp4")
        let result = (outputDir as NSString).appendingPathComponent("demo-output.webm")
        let line = "filesrc location=\(source) ! demux name=d  d.video_0 ! decode ! videoscale width=640 height=360 ! encode codec=vp9 ! mux name=m format=webm ! filesink location=\(result)  d.audio_0 ! decode ! encode codec=opus ! m."
        do {
            try FileManager.default.createDirectory(atPath: outputDir, withIntermediateDirectories: true)
            try TestClip.write(to: source)
            printError("made \(source)\nrunning: \(line)")
            let pipeline = try Pipeline(launch: line, registry: .standard)
            let drain = Task { for await _ in pipeline.bus {} }
            _ = try await pipeline.run()
            await drain.value
            print(result)
            print(try InspectReport.make(result).text)
        } catch let error as GraphError {
            printError(error.rendered(line: line))
            throw ExitCode.failure
        } catch let error as PipelineError {
            printError("error: \(error)")
            throw ExitCode.failure
        } catch let error as MediaError {
            printError("error: \(error)")
            throw ExitCode.failure
        }
    }
}
