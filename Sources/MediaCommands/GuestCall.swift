import ArgumentParser
import Foundation
import MediaCore
import MediaFFmpeg
import MediaPipeline
import MediaWasm

/// `wasi-media guest call M.wasm [--props k=v]... --in FILE (--out FILE | --expect FILE)`:
/// one call of a filter or transform guest on one input, for tests and
/// debugging, with nothing lossy in between.
///
/// - video filter: an image FFmpeg reads (PNG, JPEG, BMP, PPM...) or raw
///   frame bytes (`--size WxH --pixel-format F`) in; PNG, or raw bytes
///   for any other extension, out;
/// - audio filter: a WAV file in and out;
/// - encoded transform: one frame's payload bytes in and out.
///
/// The guest's `configure` (or `start`), `process` (or `transform`) and
/// `flush` run once each; everything they return is written (a second
/// output item to `NAME-1.EXT`, and so on). With `--expect`, the output
/// is compared with the file instead, exactly unless `--tolerance` says
/// otherwise, and the command exits 1 naming the first difference.
struct GuestCall: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Call a filter or transform guest once on one input (image, raw frame, WAV, payload) and write or check its output.",
        discussion: """
            Exit status: 0 when the call ran (and the output matched --expect), 1 when the output differs from --expect, \
            2 when the guest could not be loaded, refused its properties or trapped.
            """)

    @Argument(help: "The guest module (.wasm): a video filter, audio filter or encoded transform.") var module: String
    @Option(name: .customLong("props"), help: "A property for configure/start, key=value (repeatable; several may be joined with ';').")
    var props: [String] = []
    @Option(name: .customLong("in"), help: "The input: an image or raw frame (video filter), a WAV file (audio filter), payload bytes (encoded transform).")
    var input: String
    @Option(name: .customLong("out"), help: "Where to write the output (.png writes PNG; any other extension raw bytes).") var output: String?
    @Option(name: .customLong("expect"), help: "Compare the output with this file instead of writing it.") var expected: String?
    @Option(help: "Largest difference allowed per byte (video) or sample (audio, in the sample format's units) with --expect.")
    var tolerance: Double = 0
    @Option(help: "Size of a raw input frame, WxH.") var size: String?
    @Option(name: .customLong("pixel-format"), help: "Pixel format of a raw input frame, or of an image once read (default: the first the guest accepts).")
    var pixelFormat: String?
    @Option(name: .customLong("timestamp-us"), help: "Timestamp of the input, µs.") var timestampUs: Int64 = 0
    @Flag(help: "For an encoded transform: the payload is a delta frame (default: key).") var delta = false
    @Option(help: "The engine to run the guest on.") var engine: EngineChoice = .auto
    @Option(name: .customLong("log-level"), help: "The least level of the guest's log lines shown on stderr.") var logLevel: String = "info"

    func validate() throws {
        if (output == nil) == (expected == nil) { throw ValidationError("give exactly one of --out FILE and --expect FILE") }
        if ElementLog.Level(rawValue: logLevel) == nil {
            throw ValidationError("--log-level: '\(logLevel)' is not a level (\(ElementLog.Level.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if tolerance < 0 { throw ValidationError("--tolerance: must not be negative") }
    }

    func run() throws {
        var options = GuestProcessor.Options(engine: engine.rawValue, logLevel: ElementLog.Level(rawValue: logLevel) ?? .info)
        options.properties = props.flatMap { $0.split(separator: ";") }.compactMap { entry -> (String, String)? in
            guard let eq = entry.firstIndex(of: "=") else { return (String(entry), "") }
            return (String(entry[..<eq]), String(entry[entry.index(after: eq)...]))
        }
        let guest: GuestProcessor
        do { guest = try GuestProcessor(path: module, options: options) } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        do {
            switch guest.world {
            case .videoFilter: try callVideo(guest)
            case .audioFilter: try callAudio(guest)
            case .encodedTransform: try callEncoded(guest)
            }
        } catch let error as GuestProcessorError {
            printError("error: \(error)")
            throw ExitCode(2)
        } catch let error as MediaError {
            printError("error: \(error)")
            throw ExitCode(2)
        }
    }

    // MARK: - Video

    private func callVideo(_ guest: GuestProcessor) throws {
        let accepted = try guest.acceptedPixelFormats()
        var format = accepted.first ?? .rgba8888
        if let pixelFormat {
            guard let chosen = PixelFormat(settingName: pixelFormat) else {
                throw ValidationError("--pixel-format: '\(pixelFormat)' is not a pixel format (\(PixelFormat.wordList))")
            }
            format = chosen
        }
        guard accepted.isEmpty || accepted.contains(format) else {
            throw ValidationError("--pixel-format: the guest accepts \(accepted.map(\.witName).joined(separator: ", ")), not \(format.witName)")
        }
        var frame: VideoFrame
        if let size {
            let parts = size.lowercased().split(separator: "x").compactMap { Int($0) }
            guard parts.count == 2 else { throw ValidationError("--size: '\(size)' is not WxH") }
            frame = try StillImage.readRaw(input, format: format, width: parts[0], height: parts[1])
        } else {
            frame = try StillImage.read(input, as: format)
        }
        frame.timestampUs = timestampUs
        let inputDescription = "\(frame.width)x\(frame.height) \(frame.format.witName)"
        let start = ContinuousClock.now
        let outputs = try guest.process(frame) + guest.flushVideo()
        let elapsed = ContinuousClock.now - start
        printError("\(guest.world.itemFunction): 1 frame in (\(inputDescription)), \(outputs.count) out "
                   + "(\(outputs.map { "\($0.width)x\($0.height) \($0.format.witName)" }.joined(separator: ", "))) in \(milliseconds(elapsed)) ms")
        try deliver(outputs.count) { (index, path) throws in
            let frame = outputs[index]
            if let expected = path.expected {
                return try compare(frame, with: expected)
            }
            if path.output.lowercased().hasSuffix(".png") {
                try StillImage.writePNG(frame, to: path.output)
            } else {
                try StillImage.writeRaw(frame, to: path.output)
            }
            return nil
        }
    }

    /// Nil when `frame` matches the file, else what differs.
    private func compare(_ frame: VideoFrame, with path: String) throws -> String? {
        let isRaw = !["png", "jpg", "jpeg", "bmp", "ppm", "pgm", "tif", "tiff", "webp"].contains(URL(fileURLWithPath: path).pathExtension.lowercased())
        let reference = isRaw ? try StillImage.readRaw(path, format: frame.format, width: frame.width, height: frame.height)
                              : try StillImage.read(path, as: frame.format)
        guard reference.width == frame.width, reference.height == frame.height else {
            return "the output is \(frame.width)x\(frame.height), \(path) is \(reference.width)x\(reference.height)"
        }
        let got = frame.buffer.bytes, want = reference.buffer.bytes
        var differing = 0, first: Int?, largest = 0
        for i in 0..<min(got.count, want.count) {
            let d = abs(Int(got[i]) - Int(want[i]))
            if Double(d) > tolerance {
                differing += 1
                if first == nil { first = i }
            }
            largest = max(largest, d)
        }
        guard let first else { return nil }
        let where_: String
        if frame.format.isSubsampled420 {
            where_ = "byte \(first) of the planes"
        } else {
            let pixel = first / 4
            where_ = "pixel (\(pixel % frame.width), \(pixel / frame.width)), byte \(first % 4) of it"
        }
        return "\(differing) of \(got.count) bytes differ (largest difference \(largest)); the first at \(where_): \(got[first]), expected \(want[first])"
    }

    // MARK: - Audio

    private func callAudio(_ guest: GuestProcessor) throws {
        let accepted = try guest.acceptedSampleFormats()
        var audio = try WaveFile.read(input)
        guard accepted.isEmpty || accepted.contains(audio.format) else {
            throw ValidationError("the guest accepts \(accepted.map(\.witName).joined(separator: ", ")); \(input) holds \(audio.format.witName)")
        }
        audio.timestampUs = timestampUs
        let start = ContinuousClock.now
        let outputs = try guest.process(audio) + guest.flushAudio()
        let elapsed = ContinuousClock.now - start
        printError("process: \(audio.frameCount) samples of \(audio.channels) channels in, \(outputs.map(\.frameCount).reduce(0, +)) out "
                   + "in \(outputs.count) run\(outputs.count == 1 ? "" : "s") in \(milliseconds(elapsed)) ms")
        try deliver(outputs.count) { (index, path) throws in
            if let expected = path.expected {
                let reference = try WaveFile.read(expected)
                return compare(outputs[index], with: reference, path: expected)
            }
            try WaveFile.write(outputs[index], to: path.output)
            return nil
        }
    }

    private func compare(_ audio: AudioData, with reference: AudioData, path: String) -> String? {
        guard audio.format == reference.format, audio.channels == reference.channels, audio.sampleRate == reference.sampleRate,
              audio.frameCount == reference.frameCount else {
            return "the output is \(audio.frameCount) samples, \(audio.channels) channels, \(audio.sampleRate) Hz \(audio.format.witName); "
                + "\(path) is \(reference.frameCount), \(reference.channels), \(reference.sampleRate) Hz \(reference.format.witName)"
        }
        let got = samples(audio), want = samples(reference)
        var differing = 0, first: Int?
        for i in 0..<min(got.count, want.count) where abs(got[i] - want[i]) > tolerance {
            differing += 1
            if first == nil { first = i }
        }
        guard let first else { return nil }
        return "\(differing) of \(got.count) samples differ; the first, sample \(first) (in the buffer's order), is \(got[first]), expected \(want[first])"
    }

    /// Every sample as a number, in the buffer's order.
    private func samples(_ audio: AudioData) -> [Double] {
        audio.buffer.withUnsafeBytes { raw in
            switch audio.format {
            case .f32Planar: return raw.withMemoryRebound(to: Float.self) { $0.map(Double.init) }
            case .s16Interleaved: return raw.withMemoryRebound(to: Int16.self) { $0.map(Double.init) }
            }
        }
    }

    // MARK: - Encoded

    private func callEncoded(_ guest: GuestProcessor) throws {
        guard let data = FileManager.default.contents(atPath: input) else {
            throw ValidationError("--in: cannot read \(input)")
        }
        let chunk = EncodedChunk(data: [UInt8](data), timestampUs: timestampUs, durationUs: nil, isKeyframe: !delta)
        let outputs = try guest.transform(chunk) + guest.flushEncoded()
        printError("transform: 1 frame of \(data.count) bytes in, \(outputs.count) out (\(outputs.map { "\($0.data.count) bytes" }.joined(separator: ", ")))")
        try deliver(outputs.count) { (index, path) throws in
            if let expected = path.expected {
                guard let want = FileManager.default.contents(atPath: expected) else { throw ValidationError("--expect: cannot read \(expected)") }
                let got = outputs[index].data
                if got == [UInt8](want) { return nil }
                let first = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(got.count, want.count)
                return "the output (\(got.count) bytes) differs from \(expected) (\(want.count) bytes) from byte \(first)"
            }
            try Data(outputs[index].data).write(to: URL(fileURLWithPath: path.output))
            return nil
        }
    }

    // MARK: - Plumbing

    /// Writes or checks each of `count` outputs: the first to the path
    /// given, the others to `NAME-1.EXT`, `NAME-2.EXT`...; `body` returns
    /// what differs from an expected file, or nil.
    private func deliver(_ count: Int, _ body: (Int, (output: String, expected: String?)) throws -> String?) throws {
        let base = expected ?? output!
        guard count > 0 else {
            printError(expected != nil ? "error: the guest returned nothing; \(base) expected its output" : "the guest returned nothing; nothing written")
            if expected != nil { throw ExitCode.failure }
            return
        }
        var mismatches: [String] = []
        for index in 0..<count {
            let path = index == 0 ? base : Self.numbered(base, index)
            if let problem = try body(index, (path, expected == nil ? nil : path)) {
                mismatches.append("\(path): \(problem)")
            } else if expected == nil {
                print(path)
            }
        }
        if !mismatches.isEmpty {
            for mismatch in mismatches { printError("error: output differs: \(mismatch)") }
            throw ExitCode.failure
        }
        if let expected { printError("output matches \(expected)\(count > 1 ? " and its \(count - 1) numbered siblings" : "")") }
    }

    /// `out.png` with 2 → `out-2.png`.
    static func numbered(_ path: String, _ index: Int) -> String {
        let url = URL(fileURLWithPath: path)
        let ext = url.pathExtension
        let stem = url.deletingPathExtension().path
        return ext.isEmpty ? "\(stem)-\(index)" : "\(stem)-\(index).\(ext)"
    }

    private func milliseconds(_ duration: Duration) -> String {
        String(format: "%.2f", Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15)
    }
}
