import ArgumentParser
import Foundation
import MediaCore
import MediaFFmpeg
import MediaPipeline

/// `wasi-media transcode IN OUT`: a preset over a pipeline (TranscodePreset);
/// the container comes from OUT's extension.
struct Transcode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Transcode the first video and audio track of IN into OUT.",
        discussion: """
        Defaults: H.264 (libx264 preset veryfast at its default quality) and AAC at 128 kb/s. The container follows OUT's extension: .mp4, .mkv, .webm or .ts.
        It runs the pipeline `wasi-media run` would for: filesrc location=IN ! demux name=d  d.video_0 ! decode ! encode ! mux name=m ! filesink location=OUT  d.audio_0 ! decode ! encode ! m.
        --print-graph prints that launch line instead of running it.
        """)

    @Argument(help: "Input file or URL.") var input: String
    @Argument(help: "Output file (.mp4, .mkv, .webm, .ts).") var output: String
    @Option(help: "The video codec.") var videoCodec: VideoCodec = .h264
    @Option(help: "The audio codec.") var audioCodec: AudioCodec = .aac
    @Option(help: "The container (default: from OUT's extension).") var container: ContainerFormat?
    @Option(help: "Output width in pixels (with --height).") var width: Int?
    @Option(help: "Output height in pixels (with --width).") var height: Int?
    @Option(help: "Video bits per second (default: the codec's default quality).") var videoBitrate: Int?
    @Option(help: "Audio bits per second (default 128000 for AAC/MP3, 96000 for Opus).") var audioBitrate: Int?
    @Option(help: "Encoder preset (libx264/libx265 names; default veryfast for H.264).") var preset: String?
    @Flag(help: "Print the pipeline as a launch line and exit.") var printGraph = false

    func validate() throws {
        var problems: [String] = []
        if (width == nil) != (height == nil) { problems.append("--width and --height go together") }
        if let w = width, w <= 0 { problems.append("--width \(w) must be positive") }
        if let h = height, h <= 0 { problems.append("--height \(h) must be positive") }
        if let b = videoBitrate, b <= 0 { problems.append("--video-bitrate \(b) must be positive") }
        if let b = audioBitrate, b <= 0 { problems.append("--audio-bitrate \(b) must be positive") }
        if container == nil, ContainerFormat(path: output) == nil {
            problems.append("cannot tell the container from '\(output)': use .mp4, .mkv, .webm or .ts, or --container")
        }
        if !problems.isEmpty { throw ValidationError(problems.joined(separator: "\n")) }
    }

    func run() async throws {
        var options = TranscodeOptions()
        options.videoCodec = videoCodec
        options.audioCodec = audioCodec
        options.container = container
        options.width = width
        options.height = height
        options.videoBitrate = videoBitrate
        options.audioBitrate = audioBitrate
        options.preset = preset ?? (options.videoCodec == .h264 ? "veryfast" : nil)
        let pipeline: Pipeline
        let durationUs: Int64?
        do {
            // The input's tracks decide which branches the graph has.
            let probe = try Demuxer(url: input)
            durationUs = probe.durationUs
            let graph = try TranscodePreset.graph(input: input, output: output, options: options, tracks: probe.tracks)
            if printGraph {
                print(graph.description)
                return
            }
            pipeline = try Pipeline(GraphChecker.check(graph, registry: .standard))
        } catch let error as MediaError {
            printError("error: \(error)")
            throw ExitCode.failure
        } catch let error as PipelineError {
            printError("error: \(error)")
            throw ExitCode.failure
        } catch let error as GraphError {
            printError("error: \(error)")
            throw ExitCode.failure
        }
        let bar = ProgressBar()
        let stop = InterruptHandler { pipeline.stop() }
        let watcher = Task {
            var position: Int64 = 0
            for await message in pipeline.bus {
                if case .progress(_, let us) = message {
                    position = max(position, us)
                    bar.update(positionUs: us, durationUs: durationUs, frames: nil)
                }
            }
            return position
        }
        let result: Result<PipelineSummary, PipelineError>
        do { result = .success(try await pipeline.run()) } catch { result = .failure(error) }
        let position = await watcher.value
        stop.remove()
        bar.finish()
        switch result {
        case .success(let summary):
            let seconds = Double(position) / 1e6
            if summary.stopped { printError("interrupted: \(output) finalized after \(String(format: "%.1f", seconds)) s") }
            else { printError("\(output): written") }
        case .failure(let error):
            printError("error: \(error)")
            throw ExitCode.failure
        }
    }
}
