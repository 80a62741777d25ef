import ArgumentParser
import Foundation
import MediaPipeline

/// `wasi-media graph convert`: between launch lines and the JSON graph form.
struct GraphConvert: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a launch line to JSON, or a JSON graph file to a launch line.",
        discussion: """
        wasi-media graph convert 'videotestsrc ! video/x-raw,width=640 ! fakesink'   # prints JSON
        wasi-media graph convert graph.json                                           # prints the launch line
        An argument naming an existing .json file (or '-' for JSON on stdin) is read as JSON; anything else is a launch line.
        """)

    @Argument(help: "A launch line, a .json file, or '-' for JSON on stdin.") var input: String

    func run() throws {
        if input == "-" || (input.hasSuffix(".json") && FileManager.default.fileExists(atPath: input)) {
            let data = input == "-" ? FileHandle.standardInput.readDataToEndOfFile()
                : try Data(contentsOf: URL(fileURLWithPath: input))
            do {
                let graph = try JSONDecoder().decode(GraphSpec.self, from: data)
                print(LaunchLine.serialize(graph))
            } catch {
                printError("error: \(input == "-" ? "stdin" : input) is not a graph: \(error)")
                throw ExitCode.failure
            }
            return
        }
        do {
            let (graph, _) = try LaunchLine.parse(input)
            try printJSON(graph)
        } catch let error as GraphError {
            printError(error.rendered(line: input))
            throw ExitCode.failure
        }
    }
}
