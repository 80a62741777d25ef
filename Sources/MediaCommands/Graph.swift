import ArgumentParser

/// `wasi-media graph ...`: pipeline graphs (one subcommand per file).
struct Graph: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Work with pipeline graphs (launch lines and JSON).",
        subcommands: [GraphConvert.self])
}
