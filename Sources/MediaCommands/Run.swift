import ArgumentParser
import Foundation
import MediaCore
import MediaPipeline
import MediaWasm

/// `wasi-media run LAUNCH_LINE` or `wasi-media run --graph FILE.json`.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a pipeline given as a launch line or a JSON graph.",
        discussion: """
        wasi-media run 'videotestsrc num-buffers=300 ! videoconvert format=yuv420p ! encode codec=h264 ! mux format=mp4 ! filesink location=out.mp4'
        wasi-media run --graph graph.json --json
        Ctrl-C ends the sources' streams, so muxers finalize and files stay playable.
        """)

    @Argument(help: "The launch line (quote it for the shell).") var launch: String?
    @Option(help: "A JSON graph file instead of a launch line.") var graph: String?
    @Flag(help: "Print bus messages as JSON lines on stdout.") var json = false

    func validate() throws {
        if (launch == nil) == (graph == nil) { throw ValidationError("give either a launch line or --graph FILE.json") }
    }

    func run() async throws {
        let pipeline: Pipeline
        do {
            if let launch {
                pipeline = try Pipeline(launch: launch, registry: .withGuests)
            } else {
                let path = graph!
                let spec: GraphSpec
                do { spec = try JSONDecoder().decode(GraphSpec.self, from: Data(contentsOf: URL(fileURLWithPath: path))) } catch {
                    printError("error: \(path) is not a graph: \(error)")
                    throw ExitCode.failure
                }
                pipeline = try Pipeline(GraphChecker.check(spec, registry: .withGuests))
            }
        } catch let error as GraphError {
            printError(launch.map { error.rendered(line: $0) } ?? error.description)
            throw ExitCode.failure
        } catch let error as PipelineError {
            printError("error: \(error)")
            throw ExitCode.failure
        }
        let bar = ProgressBar(enabled: !json && isatty(2) != 0)
        let stop = InterruptHandler { pipeline.stop() }
        let json = self.json
        let watcher = Task {
            for await message in pipeline.bus {
                if json { try? printJSONLine(BusLine(message)) }
                if !json, case .log(let element, let entry) = message { printError("\(element): \(entry)") }
                if case .progress(_, let us) = message { bar.update(positionUs: us, durationUs: nil, frames: nil) }
            }
        }
        let outcome: Result<PipelineSummary, PipelineError>
        do { outcome = .success(try await pipeline.run()) } catch { outcome = .failure(error) }
        await watcher.value
        stop.remove()
        bar.finish()
        switch outcome {
        case .success(let summary):
            if !json { printError(summary.stopped ? "stopped; every sink finalized" : "done: end of stream at every sink") }
        case .failure(let error):
            printError("error: \(error)")
            throw ExitCode.failure
        }
    }
}

/// One bus message as a JSON line.
struct BusLine: Encodable {
    var type: String
    var element: String?
    var pad: String?
    var caps: String?
    var state: String?
    var message: String?
    var positionUs: Int64?
    /// Of a `log` line: `trace` ... `critical`, and the context the guest gave.
    var level: String?
    var context: String?

    init(_ m: BusMessage) {
        switch m {
        case .stateChanged(let s): type = "state-changed"; state = s.rawValue
        case .negotiated(let e, let p, let f): type = "negotiated"; element = e; pad = p; caps = f.description
        case .error(let e): type = "error"; element = e.element; pad = e.pad; message = e.description
        case .warning(let e, let text): type = "warning"; element = e; message = text
        case .sinkEndOfStream(let e): type = "sink-eos"; element = e
        case .endOfStream: type = "eos"
        case .progress(let e, let us): type = "progress"; element = e; positionUs = us
        case .seekDone(let us): type = "seek-done"; positionUs = us
        case .log(let e, let entry):
            type = "log"; element = e; level = entry.level.rawValue; message = entry.message
            context = entry.context.isEmpty ? nil : entry.context
        }
    }
}

/// Prints one compact JSON object and a newline.
func printJSONLine(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    FileHandle.standardOutput.write(try encoder.encode(value) + Data("\n".utf8))
}
