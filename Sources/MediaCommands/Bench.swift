import ArgumentParser
import Foundation
import MediaCore
import MediaFFmpeg

/// `wasi-media bench ...`: benchmarks against peers (one subcommand per file).
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks against peers, printing ratios.",
        subcommands: [TranscodeBench.self, ChainBench.self, LiveBench.self, GuestBench.self])
}
