public import ArgumentParser

/// The `wasi-media` command: subcommands live one per file.
public struct WasiMediaCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "wasi-media",
        abstract: "Encode, decode, mux, demux and transcode media through the wasi:media vocabulary.",
        subcommands: [Inspect.self, Codecs.self, Transcode.self, Run.self, Elements.self, Graph.self, Demo.self, Bench.self, Guest.self, EnginesCommand.self]
    )
    public init() {}
}
