import ArgumentParser
import Foundation
import MediaCore
import MediaPipeline
import MediaWasm

/// `wasi-media bench guest`: what running a filter as a guest costs, on each
/// engine, against its targets.
struct GuestBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guest",
        abstract: "Guest costs on each engine against their targets: round trip, Grayscale vs native Swift, instantiation, pipeline fps.",
        discussion: """
            Builds nothing: point --guests at the output of scripts/build-guests.sh (benchmarks/guest.sh does both). \
            Measures, in one run and on each engine (Wasmtime is skipped, saying why, when libwasmtime is absent):
              - compiling Grayscale.wasm, then compiling the same bytes again, found in the module cache (no target);
              - instantiating the compiled module (median of --instances; target <= 1 ms);
              - PassThrough per 1920x1080 RGBA frame, the host<->guest round trip (target <= 2 ms);
              - Grayscale per frame against native Swift running the same kernel source, runs alternating \
            (Sources/MediaCommands/GrayscaleKernel.swift links to the guest's file; target <= 2.0x on Wasmtime), \
            and Wasmtime against WasmKit on the same module (target >= 10x);
              - on Wasmtime, frames per second of `videotestsrc monochrome=true ! videoconvert ! wasm (Grayscale) \
            ! videoconvert ! encode codec=h264 ! fakesink` against the same pipeline without the wasm step, runs \
            alternating (target >= 90%): on a gray source the step leaves the pictures as they are, so the encoder \
            does the same work in both; then the colour source (no target: gray frames encode cheaper) and the \
            pipeline without the encoder (no target: the step's own cost).
            Each line gives the values, their ratio, the target and whether it was met ("ok" or "MISSED"); \
            the last line counts the targets met. Times are medians of the runs.

            """)

    @Option(help: "Directory holding PassThrough.wasm and Grayscale.wasm.") var guests = ".build/guests"
    @Option(help: "Engines to measure (all: wasmtime and wasmkit).") var engine: EngineSelection = .all
    @Option(help: "Frames per run on Wasmtime and in native Swift.") var frames = 30
    @Option(help: "Frames per run of Grayscale on WasmKit (an interpreter: about 0.1-1 s a frame).") var wasmkitFrames = 2
    @Option(help: "Runs of each per-frame measurement.") var runs = 5
    @Option(help: "Instantiations timed per engine.") var instances = 200
    @Option(help: "Frames per pipeline run (0 skips the pipeline comparison).") var pipelineFrames = 240
    @Option(help: "Runs of each pipeline, interleaved.") var pipelineRuns = 3
    @Option(help: "Frame width.") var width = 1920
    @Option(help: "Frame height.") var height = 1080

    func run() async throws {
        let engines = engine.engines
        let grayPath = guests + "/Grayscale.wasm", passPath = guests + "/PassThrough.wasm"
        let grayBytes = try Self.load(grayPath)
        let size = "\(width)x\(height) RGBA"
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
        print("guest bench: \(size) frames; \(frames) frames x \(runs) runs (Grayscale on WasmKit: \(wasmkitFrames) x \(runs)), medians; load average \(load)")

        var available: [String] = []
        for name in engines {
            if let state = Engines.availability.first(where: { $0.name == name })?.availability, !state.isAvailable {
                print("\(name): skipped, \(state)")
                continue
            }
            available.append(name)
        }

        // Compiling first, before anything else in this process has compiled the module.
        for name in available {
            let engine = try Engines.make(name)
            let cold = try Self.seconds { _ = try engine.compile(grayBytes, requiredExports: GuestWorld.videoFilter.requiredExports, host: GuestHost.standard) }
            var cached = false
            let again = try Self.seconds {
                cached = try engine.compile(grayBytes, requiredExports: GuestWorld.videoFilter.requiredExports, host: GuestHost.standard).fromCache
            }
            print(String(format: "Compile Grayscale.wasm (%d bytes): %@ first in this process %.2f ms, same bytes again %.3f ms (%@): %.4fx of the first (no target)",
                         grayBytes.count, name, cold * 1e3, again * 1e3, cached ? "module cache" : "NOT cached", again / cold))
        }

        for name in available {
            let engine = try Engines.make(name)
            let module = try engine.compile(grayBytes, requiredExports: GuestWorld.videoFilter.requiredExports, host: GuestHost.standard)
            var times: [Double] = []
            for _ in 0..<max(1, instances) {
                var instance: (any WasmInstance)?
                times.append(try Self.seconds { instance = try module.instantiate(host: GuestHost.standard, grants: ["types"]) })
                withExtendedLifetime(instance) {}
                instance = nil
            }
            let ms = Self.median(times) * 1e3
            print(Self.verdict(String(format: "Instantiate compiled Grayscale.wasm: %@ %.3f ms (median of %d)", name, ms, times.count),
                               target: "<= 1 ms", ratio: ms / 1, met: ms <= 1))
        }

        let placeholder = try VideoFrame(format: .rgba8888, width: 1, height: 1, timestampUs: 0)
        // A frame of its own for each measurement: one that shared its bytes with
        // another would be copied on its first write.
        func testFrame() throws -> VideoFrame {
            try TestPattern.videoFrame(index: 0, width: width, height: height, format: .rgba8888)
        }
        let reference = try testFrame()

        // The frame moves into the guest and back (`consume`), as in a pipeline,
        // so nothing but the guest's own reads and writes touches the pixels.
        // One run: ms per frame.
        func guestRun(_ processor: GuestProcessor, frames: Int, _ frame: inout VideoFrame) throws -> Double {
            try Self.seconds {
                for _ in 0..<frames {
                    var holder: VideoFrame? = frame
                    frame = placeholder
                    let out = try processor.process(holder.take()!)
                    guard out.count == 1 else { throw ValidationError("\(processor.path) returned \(out.count) frames") }
                    frame = out[0]
                }
            } / Double(frames) * 1e3
        }
        func guestMs(_ processor: GuestProcessor, frames: Int, _ frame: inout VideoFrame) throws -> Double {
            var times: [Double] = []
            for _ in 0..<runs { times.append(try guestRun(processor, frames: frames, &frame)) }
            return Self.median(times)
        }

        for name in available {
            let pass = try GuestProcessor(path: passPath, options: .init(engine: name))
            var frame = try testFrame()
            let ms = try guestMs(pass, frames: frames, &frame)
            guard frame.buffer.bytes == reference.buffer.bytes else { throw ValidationError("PassThrough on \(name) changed the frame") }
            print(Self.verdict(String(format: "PassThrough %@: %@ %.3f ms per frame", size, name, ms),
                               target: "<= 2 ms", ratio: ms / 2, met: ms <= 2))
        }

        // Native Swift: the guest's kernel source, compiled for this machine. Its
        // runs alternate with the guest's, so a busy machine slows both alike.
        var native = try testFrame()
        func nativeRun() -> Double {
            Self.seconds { for _ in 0..<frames { Self.grayscale(&native) } } / Double(frames) * 1e3
        }
        var expected = try testFrame()
        Self.grayscale(&expected)

        var grayMs: [String: Double] = [:]
        for name in available {
            let gray = try GuestProcessor(path: grayPath, options: .init(engine: name))
            var frame = try testFrame()
            var guestTimes: [Double] = [], nativeTimes: [Double] = []
            for _ in 0..<runs {
                nativeTimes.append(nativeRun())
                guestTimes.append(try guestRun(gray, frames: name == "wasmkit" ? wasmkitFrames : frames, &frame))
            }
            guard frame.buffer.bytes == expected.buffer.bytes else { throw ValidationError("Grayscale on \(name) and native Swift differ") }
            let ms = Self.median(guestTimes), nativeMs = Self.median(nativeTimes)
            grayMs[name] = ms
            let line = String(format: "Grayscale %@: %@ %.2f ms, native Swift %.2f ms: %.2fx", size, name, ms, nativeMs, ms / nativeMs)
            if name == "wasmtime" {
                print(Self.verdict(line, target: "<= 2.0x", ratio: nil, met: ms / nativeMs <= 2))
            } else {
                print(line + " (no target)")
            }
        }
        if let fast = grayMs["wasmtime"], let slow = grayMs["wasmkit"] {
            print(Self.verdict(String(format: "Grayscale %@, same module: wasmtime %.2f ms, wasmkit %.2f ms: wasmtime %.1fx faster", size, fast, slow, slow / fast),
                               target: ">= 10x", ratio: nil, met: slow / fast >= 10))
        }

        // The pipeline on Wasmtime only: on WasmKit the guest alone takes far longer than the encoder.
        if pipelineFrames <= 0 {
            print("Pipeline fps with and without the wasm step: skipped (--pipeline-frames 0)")
        } else if !available.contains("wasmtime") {
            print("Pipeline fps with and without the wasm step: skipped, it is measured on wasmtime")
        } else {
            try await pipelines(grayPath: grayPath)
        }
        print("targets met: \(Self.targets.met) of \(Self.targets.checked)")
    }

    /// The pipeline with the wasm Grayscale step on Wasmtime against the same pipeline without it.
    func pipelines(grayPath: String) async throws {
        let step = "wasm module=\(grayPath) engine=wasmtime"
        // Frames per second of `source ! [step !] tail`, each pipeline's runs
        // alternating with the other's; medians.
        func compare(_ source: String, _ tail: String) async throws -> (with: Double, without: Double) {
            var bare: [Double] = [], guest: [Double] = []
            for _ in 0..<pipelineRuns {
                bare.append(Double(pipelineFrames) / (try await Self.time("\(source) ! \(tail)", frames: pipelineFrames)))
                guest.append(Double(pipelineFrames) / (try await Self.time("\(source) ! \(step) ! \(tail)", frames: pipelineFrames)))
            }
            return (Self.median(guest), Self.median(bare))
        }
        func source(monochrome: Bool) -> String {
            "videotestsrc num-buffers=\(pipelineFrames) width=\(width) height=\(height)\(monochrome ? " monochrome=true" : "") ! videoconvert format=rgba8888"
        }
        let encoder = "videoconvert format=yuv420p ! encode codec=h264 ! fakesink"
        // The target line: a gray source, which Grayscale leaves exactly as it
        // is ((77 + 150 + 29) v + 128) >> 8 = v), so the encoder gets the same
        // pictures with and without the step and only the step's cost differs.
        let same = try await compare(source(monochrome: true), encoder)
        print(Self.verdict(String(format: "Pipeline videotestsrc monochrome=true %dx%d ! videoconvert ! wasm Grayscale ! videoconvert ! encode codec=h264, "
                                  + "%d frames x %d runs: wasmtime %.1f fps, without the wasm step %.1f fps: %.1f%% (the encoder gets the same pictures)",
                                  width, height, pipelineFrames, pipelineRuns, same.with, same.without, same.with / same.without * 100),
                           target: ">= 90%", ratio: nil, met: same.with / same.without >= 0.9))
        // On the colour source the step turns the frames gray, which are
        // cheaper to encode: that pipeline can be faster than the one without the step.
        let colour = try await compare(source(monochrome: false), encoder)
        print(String(format: "Pipeline as above on the colour source: wasmtime %.1f fps, without the wasm step %.1f fps: %.1f%% "
                     + "(no target: the step's gray frames are cheaper to encode than the colour ones)",
                     colour.with, colour.without, colour.with / colour.without * 100))
        // Without the encoder the step's own cost shows.
        let raw = try await compare(source(monochrome: false), "videoconvert format=yuv420p ! fakesink")
        print(String(format: "Pipeline without the encoder: wasmtime %.1f fps, without the wasm step %.1f fps: %.1f%% "
                     + "(no target; the step's own cost, %.2f ms per frame, compiling the module at start included)",
                     raw.with, raw.without, raw.with / raw.without * 100, (1 / raw.with - 1 / raw.without) * 1e3))
        try await loggingPipelines(guestDirectory: (grayPath as NSString).deletingLastPathComponent)
    }

    /// A guest logging 1000 lines per frame in a tight loop against the same
    /// guest logging nothing: the host's level filter and rate limit keep
    /// what a flooding guest costs the pipeline small.
    func loggingPipelines(guestDirectory: String) async throws {
        let faults = guestDirectory + "/Faults.wasm"
        guard FileManager.default.fileExists(atPath: faults) else {
            print("Pipeline with a flooding guest: skipped, \(faults) is missing (scripts/build-guests.sh builds it)")
            return
        }
        let lines = 1000
        let source = "videotestsrc num-buffers=\(pipelineFrames) width=\(width) height=\(height) ! videoconvert format=rgba8888"
        var quiet: [Double] = [], flooding: [Double] = []
        for _ in 0..<pipelineRuns {
            quiet.append(Double(pipelineFrames) / (try await Self.time(
                "\(source) ! wasm module=\(faults) engine=wasmtime props=mode=pass ! fakesink", frames: pipelineFrames)))
            flooding.append(Double(pipelineFrames) / (try await Self.time(
                "\(source) ! wasm module=\(faults) engine=wasmtime props=mode=flood;count=\(lines) ! fakesink", frames: pipelineFrames)))
        }
        let with = Self.median(flooding), without = Self.median(quiet)
        print(Self.verdict(String(format: "Pipeline videotestsrc ! videoconvert ! wasm Faults, %d frames x %d runs: logging %d lines a frame "
                                  + "(info, past the rate limit) %.1f fps, logging nothing %.1f fps: %.1f%%",
                                  pipelineFrames, pipelineRuns, lines, with, without, with / without * 100),
                           target: ">= 95%", ratio: nil, met: with / without >= 0.95))
    }

    /// `line`, the target, the ratio to it when given, and whether it was met;
    /// counted in ``targets``.
    static func verdict(_ line: String, target: String, ratio: Double?, met: Bool) -> String {
        targets.checked += 1
        if met { targets.met += 1 }
        let ratioText = ratio.map { String(format: ", ratio to target %.3f", $0) } ?? ""
        return "\(line) (target \(target)\(ratioText)) \(met ? "ok" : "MISSED")"
    }

    /// Targets checked and met in this run (one command runs at a time).
    nonisolated(unsafe) static var targets = (checked: 0, met: 0)

    static func load(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read \(path) (build the guests: bash scripts/build-guests.sh \((path as NSString).deletingLastPathComponent))")
        }
        return [UInt8](data)
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    /// Wall time of one pipeline run, in seconds.
    /// - Throws: when its sink did not receive `frames` frames.
    static func time(_ line: String, frames: Int) async throws -> Double {
        let pipeline = try Pipeline(launch: line, registry: .withGuests)
        let drain = Task { for await _ in pipeline.bus {} }
        let start = DispatchTime.now().uptimeNanoseconds
        let summary = try await pipeline.run()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        await drain.value
        let received = summary.itemsPerSink.values.reduce(0, +)
        guard received >= frames else { throw ValidationError("`\(line)` passed \(received) of \(frames) frames") }
        return elapsed
    }

    /// Grayscale in native Swift: the guest's kernel (GrayscaleKernel.swift) on the frame's pixels.
    static func grayscale(_ frame: inout VideoFrame) {
        frame.buffer.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            grayscalePixels(base.assumingMemoryBound(to: UInt32.self), count: raw.count / 4, redFirst: true)
        }
    }
}
