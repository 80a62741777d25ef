import ArgumentParser
import Foundation
import MediaPipeline

/// `wasi-media bench chain`: what one pass-through element costs per frame.
struct ChainBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chain",
        abstract: "Cost of pass-through elements: `src ! fakesink` against `src ! queue x N ! fakesink`, interleaved.",
        discussion: "Prints µs per frame per element (target <= 5) from the median of the runs.")

    @Option(help: "Frames per run.") var frames = 20_000
    @Option(help: "Pass-through elements in the chain.") var elements = 10
    @Option(help: "Runs of each pipeline.") var runs = 5

    static func time(_ line: String) async throws -> Double {
        let pipeline = try Pipeline(launch: line, registry: .standard)
        let drain = Task { for await _ in pipeline.bus {} }
        let start = DispatchTime.now().uptimeNanoseconds
        _ = try await pipeline.run()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        await drain.value
        return elapsed
    }

    func run() async throws {
        // Tiny frames, so the source's own work does not drown what is measured.
        let source = "videotestsrc num-buffers=\(frames) width=16 height=16"
        let bare = "\(source) ! fakesink"
        let chain = "\(source) ! " + Array(repeating: "queue max-size-buffers=4", count: elements).joined(separator: " ! ") + " ! fakesink"
        var bareTimes: [Double] = [], chainTimes: [Double] = []
        for i in 1...runs {
            let a = try await Self.time(bare)
            let b = try await Self.time(chain)
            bareTimes.append(a)
            chainTimes.append(b)
            print(String(format: "run %d: without chain %.3f s, with %d elements %.3f s", i, a, elements, b))
        }
        func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
        let perElement = (median(chainTimes) - median(bareTimes)) / Double(frames * elements) * 1e6
        print(String(format: "median: %.3f s vs %.3f s; %.2f µs per frame per element (target <= 5); ratio to target %.2f",
                     median(bareTimes), median(chainTimes), perElement, perElement / 5))
    }
}
