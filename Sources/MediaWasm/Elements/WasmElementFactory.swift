import MediaCore
public import MediaPipeline

/// The `wasm` element: a pipeline step whose work is done by a sandboxed
/// guest module (a video filter, an audio filter or an encoded transform).
///
/// ```text
/// videotestsrc ! videoconvert format=rgba8888 ! wasm module=Grayscale.wasm ! encode ! mux ! filesink location=gray.mp4
/// ```
///
/// Everything about the module is checked when the element is made (the
/// pipeline's `ready`): the file, its world, its imports against `grant=`.
/// See docs/wasm-element.md.
public struct WasmElementFactory: RunnableElementFactory {
    public let name = "wasm"
    public let summary = "Runs a sandboxed WebAssembly guest: video filter, audio filter or encoded transform"
    public let padTemplates: [PadTemplate] = [
        PadTemplate("sink", .sink, kinds: [.rawVideo, .rawAudio, .encodedVideo, .encodedAudio]),
        PadTemplate("src", .source, kinds: [.rawVideo, .rawAudio, .encodedVideo, .encodedAudio]),
    ]
    public let properties: [PropertySchema] = [
        PropertySchema("module", .string, doc: "path of the guest's .wasm file"),
        PropertySchema("world", .choice(GuestWorld.allCases.map(\.rawValue)),
                       doc: "the world the guest exports; unset infers it from the exports"),
        PropertySchema("grant", .string, default: "types",
                       doc: "interfaces the guest may import, comma-separated (\(GuestHost.interfaceNames.joined(separator: ", "))); empty for none"),
        PropertySchema("fuel", .int(0...Int.max), default: String(WasmLimits.defaultFuelPerCall),
                       doc: "fuel per call into the guest (about one unit per instruction); 0 for no limit"),
        PropertySchema("memory", .string, default: "\(WasmLimits.defaultMemoryCap >> 20)MiB",
                       doc: "cap on the guest's linear memory: bytes, or a number with KiB, MiB or GiB"),
        PropertySchema("host-memory", .string, default: "\(WasmLimits.defaultHostMemory >> 20)MiB",
                       doc: "cap on the memory the host holds for the guest (its media buffers): bytes, or a number with KiB, MiB or GiB"),
        PropertySchema("time-limit", .double(0...1e9), default: String(Int(WasmLimits.defaultTimeLimit.components.seconds)),
                       doc: "wall-clock limit of one call into the guest, in seconds, time in host imports included; 0 for no limit"),
        PropertySchema("on-error", .choice(GuestErrorPolicy.allCases.map(\.rawValue)), default: GuestErrorPolicy.stop.rawValue,
                       doc: "when the guest traps: stop the pipeline, skip the item (warning), or pass it on unchanged (warning)"),
        PropertySchema("engine", .choice(GuestProcessor.engineNames), default: "auto",
                       doc: "engine to run the guest on: wasmtime (JIT, when libwasmtime is present) or wasmkit; auto is wasmtime where present, wasmkit otherwise"),
        PropertySchema("props", .string,
                       doc: "properties for the guest's configure/start: key=value;key=value (quote the whole value in a launch line)"),
    ]
    public let example = "videotestsrc num-buffers=30 ! videoconvert format=rgba8888 ! wasm module=.build/guests/Grayscale.wasm ! fakesink"

    public init() {}

    public func make(_ values: [String: PropertyValue], context: ElementContext) throws(PipelineError) -> any Element {
        let p = Properties(values, schema: properties)
        let settings = try WasmElementSettings(p)
        let processor: GuestProcessor
        do {
            processor = try GuestProcessor(path: settings.module, options: settings.options)
        } catch {
            throw PipelineError(.failed, error.description, element: context.name)
        }
        return WasmElement(processor: processor, onError: settings.onError, name: context.name)
    }
}

/// What a `wasm` element does when its guest traps.
public enum GuestErrorPolicy: String, Sendable, CaseIterable {
    /// Fail the pipeline with an error naming the element, the guest function and the reason.
    case stop
    /// Drop the item, post a bus warning, and go on with a fresh instance.
    case skip
    /// Forward the item unchanged, post a bus warning, and go on with a fresh instance.
    case passthrough
}

/// The user's settings of a `wasm` element, parsed and checked (every problem at once).
struct WasmElementSettings {
    var module: String
    var options: GuestProcessor.Options
    var onError: GuestErrorPolicy

    init(_ p: Properties) throws(PipelineError) {
        var problems: [String] = []
        module = p.string("module") ?? ""
        if module.isEmpty { problems.append("module= is required (the guest's .wasm file)") }
        var options = GuestProcessor.Options()
        options.engine = p.string("engine") ?? "auto"
        options.world = p.string("world").flatMap(GuestWorld.init(rawValue:))
        let grants = (p.string("grant") ?? "types").split(separator: ",").map { $0.trimmingSpaces }.filter { !$0.isEmpty }
        for grant in grants where !GuestHost.interfaceNames.contains(grant) {
            problems.append("grant: '\(grant)' is not an interface (\(GuestHost.interfaceNames.joined(separator: ", ")))")
        }
        options.grants = Set(grants.map { Grant($0) })
        let fuel = p.int("fuel") ?? Int(WasmLimits.defaultFuelPerCall)
        options.limits.fuelPerCall = fuel == 0 ? nil : UInt64(fuel)
        if let cap = WasmLimits.byteCount(p.string("memory") ?? "") {
            options.limits.memoryCap = cap
        } else {
            problems.append("memory: '\(p.string("memory") ?? "")' is not a size (bytes, or a number with KiB, MiB or GiB)")
        }
        if let cap = WasmLimits.byteCount(p.string("host-memory") ?? "") {
            options.limits.hostMemory = cap
        } else {
            problems.append("host-memory: '\(p.string("host-memory") ?? "")' is not a size (bytes, or a number with KiB, MiB or GiB)")
        }
        options.limits.timeLimit = WasmLimits.timeLimit(seconds: p.double("time-limit") ?? WasmLimits.defaultTimeLimit.inSeconds)
        switch Self.pairs(p.string("props") ?? "") {
        case .success(let pairs): options.properties = pairs
        case .failure(let problem): problems.append(problem.message)
        }
        onError = p.string("on-error").flatMap(GuestErrorPolicy.init(rawValue:)) ?? .stop
        self.options = options
        if !problems.isEmpty {
            throw PipelineError(.invalidGraph, problems.joined(separator: "; "))
        }
    }

    struct Problem: Error { var message: String }

    /// `key=value;key=value` in order; empty entries are skipped.
    static func pairs(_ text: String) -> Result<[(String, String)], Problem> {
        var pairs: [(String, String)] = []
        for entry in text.split(separator: ";") {
            let entry = entry.trimmingSpaces
            guard !entry.isEmpty else { continue }
            guard let eq = entry.firstIndex(of: "="), eq != entry.startIndex else {
                return .failure(Problem(message: "props: '\(entry)' is not key=value"))
            }
            pairs.append((String(entry[..<eq]), String(entry[entry.index(after: eq)...])))
        }
        return .success(pairs)
    }

}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}

extension ElementRegistry {
    /// The standard elements plus `wasm` (guests): what `wasi-media run` uses.
    public static let withGuests: ElementRegistry = {
        var registry = ElementRegistry.standard
        registry.register(WasmElementFactory())
        return registry
    }()
}
