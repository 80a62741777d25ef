import ArgumentParser
import Foundation
import MediaPipeline

/// `wasi-media bench live`: memory over a long live pipeline whose consumer
/// cannot keep up, behind a leaky queue.
struct LiveBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "Memory over time of a live source feeding a consumer slower than real time through a leaky queue.",
        discussion: """
        Runs `videotestsrc is-live=true ! queue leaky=downstream ! <slow consumer> ! fakesink` on the system
        clock for --minutes, sampling this process's resident memory. After the warm-up, prints the first and
        last minute's mean, their ratio (target: within 5%), and how many frames the queue dropped.
        """)

    @Option(help: "Minutes to run (the target is stated for 10).") var minutes = 10.0
    @Option(help: "Seconds of warm-up left out of the comparison (encoder lookahead, allocator growth).") var warmup = 60.0
    @Option(help: "Seconds between memory samples.") var interval = 5.0
    @Option(help: "The consumer that cannot keep up.") var consumer = "encode codec=h264 preset=veryslow"
    @Option(help: "Frame size of the live source.") var width = 1280
    @Option(help: "Frame size of the live source.") var height = 720

    /// Resident memory of this process, from /proc.
    static func residentKiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    func run() async throws {
        ProcessTuning.apply()
        let line = "videotestsrc is-live=true width=\(width) height=\(height) framerate=30/1 ! queue name=leaky leaky=downstream max-size-buffers=8 ! \(consumer) ! fakesink"
        print("pipeline: \(line)")
        let pipeline = try Pipeline(launch: line, registry: .standard)
        let drain = Task { for await _ in pipeline.bus {} }
        let running = Task { try await pipeline.run() }
        var samples: [(seconds: Double, kib: Int)] = []
        let start = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        while elapsed() < minutes * 60 {
            try await Task.sleep(nanoseconds: UInt64(interval * 1e9))
            let s = (elapsed(), Self.residentKiB())
            samples.append(s)
            print(String(format: "%7.1f s  %8.1f MiB  dropped %d", s.0, Double(s.1) / 1024, pipeline.queueLevels["leaky"]?.dropped ?? 0))
        }
        pipeline.stop()
        let summary = try await running.value
        await drain.value
        let steady = samples.filter { $0.seconds >= warmup }
        guard let first = steady.first?.seconds, let last = steady.last?.seconds, last - first >= 120 else {
            print("too short to compare: run at least \(Int(warmup + 120)) s")
            return
        }
        func mean(_ s: [(seconds: Double, kib: Int)]) -> Double { Double(s.map(\.kib).reduce(0, +)) / Double(max(1, s.count)) / 1024 }
        let early = mean(steady.filter { $0.seconds < first + 60 })
        let late = mean(steady.filter { $0.seconds > last - 60 })
        let peak = Double(steady.map(\.kib).max() ?? 0) / 1024, low = Double(steady.map(\.kib).min() ?? 0) / 1024
        let level = pipeline.queueLevels["leaky"]
        print(String(format: "first minute %.1f MiB, last minute %.1f MiB: ratio %.3f (target <= 1.05); range %.1f..%.1f MiB",
                     early, late, late / early, low, peak))
        print("frames consumed \(summary.itemsPerSink["fakesink0"] ?? 0), dropped by the leaky queue \(level?.dropped ?? 0), most waiting \(level?.maxItems ?? 0)")
    }
}
