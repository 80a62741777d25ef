import ArgumentParser
import Foundation
import MediaCore
import MediaWasm

/// `wasi-media bench guest`: what running a filter as a guest costs per frame.
struct GuestBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guest",
        abstract: "Guest cost per frame: PassThrough (the host<->guest round trip) and Grayscale against native Swift.",
        discussion: """
            Builds nothing: point --guests at the output of scripts/build-guests.sh (benchmarks/guest.sh does both). \
            Prints ms per frame from the median of the runs: PassThrough against its target (<= 2 ms per 1920x1080 \
            RGBA frame), and Grayscale on the engine against the same BT.601 integer formula in native Swift.
            """)

    @Option(help: "Directory holding PassThrough.wasm and Grayscale.wasm.") var guests = ".build/guests"
    @Option(help: "Frames per run.") var frames = 20
    @Option(help: "Runs of each measurement.") var runs = 5
    @Option(help: "Frame width.") var width = 1920
    @Option(help: "Frame height.") var height = 1080
    @Option(help: "Engine (auto, wasmtime, wasmkit).") var engine = "auto"

    func run() throws {
        let options = GuestProcessor.Options(engine: engine)
        let pass = try GuestProcessor(path: guests + "/PassThrough.wasm", options: options)
        let gray = try GuestProcessor(path: guests + "/Grayscale.wasm", options: options)
        var frame = try TestPattern.videoFrame(index: 0, width: width, height: height, format: .rgba8888)
        let reference = frame.buffer.bytes
        let placeholder = try VideoFrame(format: .rgba8888, width: 1, height: 1, timestampUs: 0)

        func perFrameMs(_ body: () -> Void) -> Double {
            var times: [Double] = []
            for _ in 0..<runs {
                let start = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<frames { body() }
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(frames))
            }
            return times.sorted()[times.count / 2]
        }

        // The frame moves into the guest and back (`consume`), as in a pipeline, so
        // nothing but the guest's own reads and writes touches the pixels.
        func guestMs(_ processor: GuestProcessor, _ frame: inout VideoFrame) throws -> Double {
            var times: [Double] = []
            for _ in 0..<runs {
                let start = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<frames {
                    var holder: VideoFrame? = frame
                    frame = placeholder
                    let out = try processor.process(holder.take()!)
                    guard out.count == 1 else { throw ValidationError("\(processor.path) returned \(out.count) frames") }
                    frame = out[0]
                }
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(frames))
            }
            return times.sorted()[times.count / 2]
        }

        let passMs = try guestMs(pass, &frame)
        guard frame.buffer.bytes == reference else { throw ValidationError("PassThrough changed the frame") }

        var native = try TestPattern.videoFrame(index: 0, width: width, height: height, format: .rgba8888)
        let nativeMs = perFrameMs { Self.grayscale(&native) }
        let grayMs = try guestMs(gray, &frame)
        guard frame.buffer.bytes == native.buffer.bytes else { throw ValidationError("guest and native grayscale differ") }

        let size = "\(width)x\(height) RGBA"
        print("engine: \(engine == "auto" ? "wasmkit (auto)" : engine); \(frames) frames x \(runs) runs, medians")
        print(String(format: "PassThrough %@: %.3f ms per frame (target <= 2 ms); ratio to target %.3f", size, passMs, passMs / 2))
        print(String(format: "Grayscale %@: guest %.2f ms, native Swift %.2f ms per frame; ratio guest/native %.1fx", size, grayMs, nativeMs, grayMs / nativeMs))
    }

    /// The guest's formula: R, G, B become `(77 R + 150 G + 29 B + 128) >> 8`; alpha kept.
    static func grayscale(_ frame: inout VideoFrame) {
        frame.buffer.withUnsafeMutableBytes { raw in
            guard let p = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
            var i = 0
            while i + 4 <= raw.count {
                let y = UInt8(truncatingIfNeeded: (77 * UInt32(p[i]) + 150 * UInt32(p[i + 1]) + 29 * UInt32(p[i + 2]) + 128) >> 8)
                p[i] = y
                p[i + 1] = y
                p[i + 2] = y
                i += 4
            }
        }
    }
}
