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
/// Its settings are declared once (``WasmElement/Settings``); this factory
/// is their declaration's. See docs/wasm-element.md.
public struct WasmElementFactory: DeclaredElementFactory {
    private let declaration = ElementDeclaration<WasmElement>()

    public init() {}

    public var name: String { declaration.name }
    public var summary: String { declaration.summary }
    public var padTemplates: [PadTemplate] { declaration.padTemplates }
    public var properties: [PropertySchema] { declaration.properties }
    public var example: String { declaration.example }

    public func make(_ values: [String: PropertyValue], context: ElementContext) throws(PipelineError) -> any Element {
        try declaration.make(values, context: context)
    }

    public func settingsValues(_ properties: [String: PropertyValue]) -> [String: PropertyValue] {
        declaration.settingsValues(properties)
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

extension GuestErrorPolicy: SettingChoice {}
extension GuestWorld: SettingChoice {}
extension EngineChoice: SettingChoice {}
extension ElementLog.Level: SettingChoice {}

extension WasmElement {
    /// The user's settings of a `wasm` element. Defaults are WasmLimits'.
    struct Settings: ElementSettings {
        var module: String?
        var world: GuestWorld?
        var grant = "types"
        var fuel = Int(WasmLimits.defaultFuelPerCall)
        var memory = "\(WasmLimits.defaultMemoryCap >> 20)MiB"
        var hostMemory = "\(WasmLimits.defaultHostMemory >> 20)MiB"
        var timeLimit = WasmLimits.defaultTimeLimit.inSeconds
        var onError: GuestErrorPolicy = .stop
        var engine: EngineChoice = .auto
        var props: String?
        var logLevel: ElementLog.Level = .info

        static let declaration: [Setting<Self>] = [
            .string("module", \.module, "path of the guest's .wasm file"),
            .choice("world", \.world, "the world the guest exports; unset infers it from the exports"),
            .string("grant", \.grant, "interfaces the guest may import, comma-separated (\(GuestHost.interfaceNames.joined(separator: ", "))); empty for none"),
            .int("fuel", \.fuel, 0...Int.max, "fuel per call into the guest (about one unit per instruction); 0 for no limit"),
            .string("memory", \.memory, "cap on the guest's linear memory: bytes, or a number with KiB, MiB or GiB"),
            .string("host-memory", \.hostMemory, "cap on the memory the host holds for the guest (its media buffers): bytes, or a number with KiB, MiB or GiB"),
            .double("time-limit", \.timeLimit, 0...1e9, unit: .seconds,
                    "wall-clock limit of one call into the guest, time in host imports included; 0 for no limit"),
            .choice("on-error", \.onError, "when the guest traps: stop the pipeline, skip the item (warning), or pass it on unchanged (warning)"),
            .choice("engine", \.engine, "engine to run the guest on: wasmtime (JIT, when libwasmtime is present) or wasmkit; auto is wasmtime where present, wasmkit otherwise"),
            .string("props", \.props, "properties for the guest's configure/start: key=value;key=value (quote the whole value in a launch line)"),
            .choice("log-level", \.logLevel, "the least level of the guest's wasi:logging lines posted on the bus; lower ones are dropped unread"),
        ]

        /// The guest processor's options these settings give, or every problem at once.
        func options() throws(PipelineError) -> GuestProcessor.Options {
            var problems: [String] = []
            if (module ?? "").isEmpty { problems.append("module= is required (the guest's .wasm file)") }
            var options = GuestProcessor.Options()
            options.engine = engine.rawValue
            options.world = world
            let grants = grant.split(separator: ",").map { $0.trimmingSpaces }.filter { !$0.isEmpty }
            for grant in grants where !GuestHost.interfaceNames.contains(grant) {
                problems.append("grant: '\(grant)' is not an interface (\(GuestHost.interfaceNames.joined(separator: ", ")))")
            }
            options.grants = Set(grants.map { Grant($0) })
            options.limits.fuelPerCall = fuel == 0 ? nil : UInt64(fuel)
            if let cap = WasmLimits.byteCount(memory) {
                options.limits.memoryCap = cap
            } else {
                problems.append("memory: '\(memory)' is not a size (bytes, or a number with KiB, MiB or GiB)")
            }
            if let cap = WasmLimits.byteCount(hostMemory) {
                options.limits.hostMemory = cap
            } else {
                problems.append("host-memory: '\(hostMemory)' is not a size (bytes, or a number with KiB, MiB or GiB)")
            }
            options.limits.timeLimit = WasmLimits.timeLimit(seconds: timeLimit)
            options.logLevel = logLevel
            switch Self.pairs(props ?? "") {
            case .success(let pairs): options.properties = pairs
            case .failure(let problem): problems.append(problem.message)
            }
            if !problems.isEmpty {
                throw PipelineError(.invalidGraph, problems.joined(separator: "; "))
            }
            return options
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
