import MediaCore
import MediaPipeline
import Synchronization

/// The running `wasm` element (see ``WasmElementFactory``): one guest
/// instance, made in the element's task, fed one item at a time.
///
/// Negotiation: the guest's world fixes the kind it takes (raw video, raw
/// audio, encoded chunks); a video or audio filter must list the input's
/// format in `accepted-formats` (an empty list accepts any). The output
/// has the input's format; a frame the guest returns in another format or
/// size announces a new format downstream.
final class WasmElement: DeclaredElement {
    static let sink = PadTemplate.sink([.rawVideo, .rawAudio, .encodedVideo, .encodedAudio])
    static let src = PadTemplate.src([.rawVideo, .rawAudio, .encodedVideo, .encodedAudio])
    static let descriptor = ElementDescriptor(
        "wasm", "Runs a sandboxed WebAssembly guest: video filter, audio filter or encoded transform", pads: [sink, src],
        example: "videotestsrc num-buffers=30 ! videoconvert format=rgba8888 ! wasm module=.build/guests/Grayscale.wasm ! fakesink")

    let processor: GuestProcessor
    let onError: GuestErrorPolicy
    let name: String
    private var output: StreamFormat?
    private var frameRate = Rational(30, 1)
    /// A trap in `flush` at a seek, under `on-error=skip|passthrough`: said with the next outputs.
    private var pendingWarning: String?

    /// The guest's log lines since they were last posted (the guest runs on
    /// the element's task; lines are posted with the outputs of each call).
    private let logs = LogLines()

    /// Loads and checks the guest (file, world, imports against `grant=`).
    init(settings: Settings, context: ElementContext) throws(PipelineError) {
        var options = try settings.options()
        options.onLog = { [logs] entry in logs.append(entry) }
        do {
            processor = try GuestProcessor(path: settings.module ?? "", options: options)
        } catch {
            throw PipelineError(.failed, error.description, element: context.name)
        }
        onError = settings.onError
        name = context.name
    }

    func negotiate(_ request: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        guard let input = request.inputs["sink"] ?? request.input else {
            throw PipelineError(.notNegotiated, "no input format", pad: "sink")
        }
        let guest = "guest \(processor.path) (\(processor.world))"
        switch (processor.world, input) {
        case (.videoFilter, .rawVideo(let format, _, _, let rate)):
            frameRate = rate
            let accepted = try call { () throws(GuestProcessorError) in try processor.acceptedPixelFormats() }
            guard accepted.isEmpty || accepted.contains(format) else {
                throw PipelineError(.notNegotiated,
                                    "\(name).sink (\(input)) cannot link: \(guest) accepts \(accepted.map(\.witName).joined(separator: ", "))", pad: "sink")
            }
        case (.audioFilter, .rawAudio(let format, _, _)):
            let accepted = try call { () throws(GuestProcessorError) in try processor.acceptedSampleFormats() }
            guard accepted.isEmpty || accepted.contains(format) else {
                throw PipelineError(.notNegotiated,
                                    "\(name).sink (\(input)) cannot link: \(guest) accepts \(accepted.map(\.witName).joined(separator: ", "))", pad: "sink")
            }
        case (.encodedTransform, .encoded):
            break
        default:
            throw PipelineError(.notNegotiated, "\(name).sink (\(input)) cannot link: \(guest) takes \(Self.takes(processor.world))", pad: "sink")
        }
        let filters = request.filters("src")
        guard filters.isEmpty || filters.contains(where: input.satisfies) else {
            throw PipelineError(.notNegotiated,
                                "\(name).src (\(input)) cannot meet downstream (\(filters.map(\.description).joined(separator: " or ")))", pad: "src")
        }
        output = input
        return ["src": input]
    }

    static func takes(_ world: GuestWorld) -> String {
        switch world {
        case .videoFilter: "raw video (video/x-raw)"
        case .audioFilter: "raw audio (audio/x-raw)"
        case .encodedTransform: "encoded chunks"
        }
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        defer { logs.post(into: &out) }
        if let warning = pendingWarning.take() { out.warn(warning) }
        switch (item, processor.world) {
        case (.video, .videoFilter), (.audio, .audioFilter), (.encoded, .encodedTransform): break
        default: throw .unexpected(item, on: pad, expected: Self.takes(processor.world))
        }
        do throws(GuestProcessorError) {
            switch (item, processor.world) {
            case (.video(let frame), .videoFilter):
                for frame in try processor.process(frame) { emit(frame, into: &out) }
            case (.audio(let audio), .audioFilter):
                for audio in try processor.process(audio) { emit(audio, into: &out) }
            case (.encoded(let chunk), .encodedTransform):
                for chunk in try processor.transform(chunk) { out.emit(.encoded(chunk)) }
            default:
                break   // refused above
            }
        } catch {
            try recover(from: error, item: item, into: &out)
        }
    }

    func finish(into out: inout Outputs) throws(PipelineError) {
        defer { logs.post(into: &out) }
        if let warning = pendingWarning.take() { out.warn(warning) }
        do throws(GuestProcessorError) {
            switch processor.world {
            case .videoFilter: for frame in try processor.flushVideo() { emit(frame, into: &out) }
            case .audioFilter: for audio in try processor.flushAudio() { emit(audio, into: &out) }
            case .encodedTransform: for chunk in try processor.flushEncoded() { out.emit(.encoded(chunk)) }
            }
        } catch {
            try recover(from: error, item: nil, into: &out)
        }
    }

    /// A flushing seek: the guest's `flush` runs and what it returns is
    /// dropped (it belongs before the seek), so the guest starts the new
    /// segment holding nothing (docs/guest-abi.md, "When the host calls each export").
    /// A trap there fails the pipeline under `on-error=stop`; otherwise the
    /// instance is replaced (a fresh one holds nothing either) and a warning
    /// goes out with the next outputs.
    func flush() throws(PipelineError) {
        do throws(GuestProcessorError) {
            switch processor.world {
            case .videoFilter: _ = try processor.flushVideo()
            case .audioFilter: _ = try processor.flushAudio()
            case .encodedTransform: _ = try processor.flushEncoded()
            }
        } catch {
            guard error.kind == .trap, onError != .stop else {
                throw PipelineError(.failed, error.description, element: name)
            }
            pendingWarning = "\(error.summary); flushed at a seek with a fresh instance"
            do { try processor.restart() } catch {
                throw PipelineError(.failed, error.description, element: name)
            }
        }
    }

    private func emit(_ frame: VideoFrame, into out: inout Outputs) {
        let format = StreamFormat.rawVideo(frame.format, width: frame.width, height: frame.height, frameRate: frameRate)
        if format != output {
            output = format
            out.setFormat(format)
        }
        out.emit(.video(frame))
    }

    private func emit(_ audio: AudioData, into out: inout Outputs) {
        let format = StreamFormat.rawAudio(audio.format, sampleRate: audio.sampleRate, channels: audio.channels)
        if format != output {
            output = format
            out.setFormat(format)
        }
        out.emit(.audio(audio))
    }

    /// Applies `on-error`: stop fails the pipeline; skip and passthrough warn,
    /// drop or forward the item, and go on with a fresh instance.
    private func recover(from error: GuestProcessorError, item: MediaItem?, into out: inout Outputs) throws(PipelineError) {
        guard error.kind == .trap, onError != .stop else {
            throw PipelineError(.failed, error.description, element: name)
        }
        let what = item?.timestampUs.map { "the item at \($0) µs" } ?? "the end of stream"
        switch onError {
        case .skip: out.warn("\(error.summary); skipped \(what)")
        case .passthrough: out.warn("\(error.summary); passed \(what) on unchanged")
        case .stop: break
        }
        if onError == .passthrough, let item { out.emit(item) }
        do { try processor.restart() } catch {
            throw PipelineError(.failed, error.description, element: name)
        }
    }

    private func call<R>(_ body: () throws(GuestProcessorError) -> R) throws(PipelineError) -> R {
        do { return try body() } catch { throw PipelineError(.failed, error.description, element: name) }
    }
}

/// Log lines a guest wrote during calls, until the element posts them.
private final class LogLines: Sendable {
    private let lines = Mutex<[ElementLog]>([])

    func append(_ entry: ElementLog) { lines.withLock { $0.append(entry) } }

    /// Posts every line held on the bus (with the call's outputs) and forgets them.
    func post(into out: inout Outputs) {
        let held = lines.withLock { lines in defer { lines.removeAll() }; return lines }
        for entry in held { out.log(entry) }
    }
}
