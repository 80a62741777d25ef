import Foundation
public import MediaCore
public import MediaPipeline

/// One guest module running as a pipeline step: a video filter, an audio
/// filter or an encoded transform (see ``GuestWorld``).
///
/// Loading compiles the module, checks it exports its world and imports
/// nothing beyond its grants, instantiates it within its limits and calls
/// `configure` (or `start`) with the properties. Then the host calls
/// `accepted-formats` once and `process`/`transform` per item, and `flush`
/// at the end of the stream; calls never overlap.
///
/// Items cross as the guest ABI says: a frame's buffer moves into the
/// guest's `media-buffer` table as an owned handle (no bytes copied), and
/// the frames the guest returns are lifted back out of it, so a guest that
/// returns its input gives back the very same bytes. `cabi_post_*` is
/// called after every result is lifted.
///
/// A trap poisons the instance: every later call fails with the same
/// report until ``restart()`` makes a new instance from the compiled module.
///
/// Not `Sendable`: made and used by one task (the element's).
public final class GuestProcessor {
    /// What to load and how.
    public struct Options: Sendable {
        /// `wasmtime`, `wasmkit` or `auto` (Wasmtime where present; see ``Engines/names``).
        public var engine: String = "auto"
        /// The world to run; nil infers it from the exports.
        public var world: GuestWorld?
        /// The interfaces the guest may import.
        public var grants: Set<Grant> = ["types"]
        /// Fuel per call and the memory cap.
        public var limits: WasmLimits = .standard
        /// Passed to `configure`/`start`, in order.
        public var properties: [(String, String)] = []
        /// The guest's `wasi:logging` lines below this level are dropped unread.
        public var logLevel: ElementLog.Level = .info
        /// Receives the guest's log lines (on the thread calling the guest);
        /// nil writes them to stderr, naming the module.
        public var onLog: (@Sendable (ElementLog) -> Void)?

        public init(engine: String = "auto", world: GuestWorld? = nil, grants: Set<Grant> = ["types"],
                    limits: WasmLimits = .standard, properties: [(String, String)] = [],
                    logLevel: ElementLog.Level = .info, onLog: (@Sendable (ElementLog) -> Void)? = nil) {
            self.engine = engine
            self.world = world
            self.grants = grants
            self.limits = limits
            self.properties = properties
            self.logLevel = logLevel
            self.onLog = onLog
        }
    }

    /// The engines `engine=` accepts.
    public static let engineNames = Engines.names

    /// The module's path, as given (used in every error).
    public let path: String
    public let world: GuestWorld
    public let options: Options
    private let module: any WasmModule
    private var instance: any WasmInstance

    /// Loads `path` (see the type's description).
    /// - Throws: ``GuestProcessorError`` naming the file and every problem found.
    public convenience init(path: String, options: Options = Options()) throws(GuestProcessorError) {
        try self.init(bytes: Self.read(path), path: path, options: options)
    }

    /// The module file's bytes.
    private static func read(_ path: String) throws(GuestProcessorError) -> [UInt8] {
        do { return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            let why = FileManager.default.fileExists(atPath: path) ? "it exists but cannot be read" : "no such file"
            throw GuestProcessorError(.unreadable, module: path, "cannot read the module file: \(why)")
        }
    }

    /// Loads a module from its bytes; `path` names it in errors.
    public convenience init(bytes: [UInt8], path: String, options: Options = Options()) throws(GuestProcessorError) {
        try self.init(bytes: bytes, path: path, options: options, configure: true)
    }

    /// Loads `path` and asks what it declares (world, properties) without
    /// calling `configure`: what `wasi-media elements --module` shows.
    public static func inspect(path: String, engine: String = "auto") throws(GuestProcessorError) -> GuestProcessor {
        try GuestProcessor(bytes: read(path), path: path, options: Options(engine: engine), configure: false)
    }

    private init(bytes: [UInt8], path: String, options: Options, configure: Bool) throws(GuestProcessorError) {
        self.path = path
        self.options = options
        let engine: any WasmEngine
        do { engine = try Engines.make(options.engine, limits: options.limits) } catch {
            throw GuestProcessorError(.invalidModule, module: path, error.message)
        }
        let host = GuestHost.standard
        let world: GuestWorld
        do {
            if let chosen = options.world {
                world = chosen
            } else {
                let plain = try engine.compile(bytes)
                guard let found = GuestWorld.infer(from: plain.exports.map(\.name)) else {
                    throw GuestProcessorError(.invalidModule, module: path,
                                              "exports none of the worlds \(GuestWorld.allCases.map(\.rawValue).joined(separator: ", ")) "
                                              + "(no `process` of video-processor or audio-processor, no `transform` of encoded-transformer)")
                }
                world = found
            }
            module = try engine.compile(bytes, requiredExports: world.requiredExports, host: host)
        } catch let error as GuestProcessorError {
            throw error
        } catch let error as WasmError {
            throw GuestProcessorError(.invalidModule, module: path, "not a valid \(options.world?.rawValue ?? "guest") module: \(error)")
        } catch {
            throw GuestProcessorError(.invalidModule, module: path, "\(error)")
        }
        self.world = world
        do {
            instance = try module.instantiate(host: host, grants: options.grants, limits: options.limits)
        } catch {
            throw GuestProcessorError(.invalidModule, module: path, "cannot instantiate the \(world) guest: \(error)")
        }
        if configure {
            try setUp()
        } else {
            declaredProperties = try describe()
        }
    }

    /// The functions the module imports, by name.
    public var imports: [ImportName] { module.imports.map(\.name) }

    /// Makes a new instance from the compiled module and configures it
    /// again (after a trap poisoned the old one). Handles the old instance
    /// held are dropped with it.
    public func restart() throws(GuestProcessorError) {
        do {
            instance = try module.instantiate(host: GuestHost.standard, grants: options.grants, limits: options.limits)
        } catch {
            throw GuestProcessorError(.invalidModule, module: path, "cannot instantiate the \(world) guest again: \(error)")
        }
        try setUp()
    }

    /// Whether an earlier trap made the instance unusable.
    public var isPoisoned: Bool { instance.poisonedBy != nil }

    /// Fuel the last call used, where the engine meters it.
    public var fuelUsedByLastCall: UInt64? { instance.fuelUsedByLastCall }

    // MARK: - Setup

    private func setUp() throws(GuestProcessorError) {
        instance.state.log.origin = "guest " + path
        instance.state.log.minimumLevel = options.logLevel
        instance.state.log.handler = options.onLog
        declaredProperties = try describe()
        if let declared = declaredProperties {
            try check(options.properties, against: declared)
        }
        let function = world.setupFunction
        let message: String? = try guarded(function) { () throws(WasmError) -> String? in
            let (pointer, count) = try lowerProperties(options.properties)
            return try instance.call(world.export(function), [.i32(pointer), .i32(count)]) { (results) throws(GuestFault) -> String? in
                let memory = try self.memory()
                let r = try pointerResult(results)
                try TypesHost.checkReturnArea(r, size: 12, alignment: 4, memory: memory)
                switch try memory.load(UInt8.self, at: r) {
                case 0: return nil
                case 1: return try memory.readString(at: memory.load(UInt32.self, at: r + 4), byteCount: memory.load(UInt32.self, at: r + 8))
                case let other: throw GuestFault.invalidValue("result case \(other) does not exist (0 or 1)")
                }
            }
        }
        if let message {
            throw GuestProcessorError(.refused, module: path, function: function, message)
        }
    }

    /// Lowers `list<tuple<string, string>>`: each string, then the 16-byte pairs.
    private func lowerProperties(_ pairs: [(String, String)]) throws(WasmError) -> (UInt32, UInt32) {
        var lowered: [(UInt32, UInt32, UInt32, UInt32)] = []
        for (key, value) in pairs {
            let k = try instance.lower(string: key)
            let v = try instance.lower(string: value)
            lowered.append((k.pointer, k.length, v.pointer, v.length))
        }
        let list = try instance.allocate(size: UInt32(16 * lowered.count), alignment: 4)
        guard let memory = instance.memory else { throw .guestFault(.noMemory) }
        do {
            for (i, entry) in lowered.enumerated() {
                let at = list + UInt32(16 * i)
                try memory.store(entry.0, at: at)
                try memory.store(entry.1, at: at + 4)
                try memory.store(entry.2, at: at + 8)
                try memory.store(entry.3, at: at + 12)
            }
        } catch { throw .guestFault(error) }
        return (list, UInt32(lowered.count))
    }

    // MARK: - Properties

    /// The properties the guest declares through
    /// `wasi:media/properties#describe`; nil when it exports no `describe`
    /// or its `describe` returns `none` (it declares nothing, and every
    /// property reaches it unchecked).
    public private(set) var declaredProperties: [PropertySchema]?

    /// The export that declares a guest's properties.
    public static let describeExport = "wasi:media/properties@0.1.0-draft#describe"

    /// Calls `describe` if the guest exports it.
    private func describe() throws(GuestProcessorError) -> [PropertySchema]? {
        guard let signature = instance.signature(of: Self.describeExport) else { return nil }
        guard signature == WasmSignature([], [.i32]) else {
            throw GuestProcessorError(.invalidModule, module: path, function: "describe",
                                      "`\(Self.describeExport)` has the core type \(signature), not () -> i32 (docs/guest-abi.md)")
        }
        return try guarded("describe") { () throws(WasmError) in
            try instance.call(Self.describeExport, []) { (results) throws(GuestFault) -> [PropertySchema]? in
                try GuestPropertyRecords.lift(pointerResult(results), memory: self.memory())
            }
        }
    }

    /// Refuses, before `configure`, a property the guest does not declare or
    /// a value its declaration does not allow; every problem at once.
    private func check(_ properties: [(String, String)], against declared: [PropertySchema]) throws(GuestProcessorError) {
        var problems: [String] = []
        for (name, value) in properties {
            switch declared.property(name, of: "the guest") {
            case .failure(let problem): problems.append(problem.message)
            case .success(let schema):
                if case .failure(let problem) = schema.parse(value) { problems.append(problem.message) }
            }
        }
        if !problems.isEmpty {
            throw GuestProcessorError(.invalidProperty, module: path, problems.joined(separator: "; "))
        }
    }

    // MARK: - Formats

    /// The pixel formats a video filter accepts; empty means any.
    public func acceptedPixelFormats() throws(GuestProcessorError) -> [PixelFormat] {
        try acceptedIndices().map { (index) throws(GuestProcessorError) in
            do { return try MediaRecords.pixelFormat(index: UInt32(index)) } catch {
                throw GuestProcessorError(.badResult, module: path, function: "accepted-formats", "\(error)")
            }
        }
    }

    /// The sample formats an audio filter accepts; empty means any.
    public func acceptedSampleFormats() throws(GuestProcessorError) -> [SampleFormat] {
        try acceptedIndices().map { (index) throws(GuestProcessorError) in
            do { return try MediaRecords.sampleFormat(index: UInt32(index)) } catch {
                throw GuestProcessorError(.badResult, module: path, function: "accepted-formats", "\(error)")
            }
        }
    }

    private func acceptedIndices() throws(GuestProcessorError) -> [UInt8] {
        try guarded("accepted-formats") { () throws(WasmError) in
            try instance.call(world.export("accepted-formats"), []) { (results) throws(GuestFault) -> [UInt8] in
                let memory = try self.memory()
                let (q, n) = try listHeader(pointerResult(results), elementSize: 1, alignment: 1, memory: memory)
                return try memory.read(at: q, count: n)
            }
        }
    }

    // MARK: - Items

    /// Runs `process` on a video frame: the frame's buffer moves to the guest.
    public func process(_ frame: consuming VideoFrame) throws(GuestProcessorError) -> [VideoFrame] {
        let flat: [UInt64]
        do { flat = try MediaRecords.lowerFlat(frame, into: instance.state) } catch {
            throw GuestProcessorError(.trap, module: path, function: "process", "\(error)")
        }
        let args: [WasmValue] = [.i32(UInt32(flat[0])), .i32(UInt32(flat[1])), .i32(UInt32(flat[2])), .i32(UInt32(flat[3])),
                                 .i64(flat[4]), .i32(UInt32(flat[5])), .i64(flat[6])]
        return try videoList("process", args)
    }

    /// Runs `process` on audio: the buffer moves to the guest.
    public func process(_ audio: consuming AudioData) throws(GuestProcessorError) -> [AudioData] {
        let flat: [UInt64]
        do { flat = try MediaRecords.lowerFlat(audio, into: instance.state) } catch {
            throw GuestProcessorError(.trap, module: path, function: "process", "\(error)")
        }
        let args: [WasmValue] = [.i32(UInt32(flat[0])), .i32(UInt32(flat[1])), .i32(UInt32(flat[2])), .i32(UInt32(flat[3])), .i64(flat[4])]
        return try audioList("process", args)
    }

    /// Runs `transform` on an encoded chunk (its data is copied into the guest).
    /// The chunk crosses as an `encoded-frame`: `key` or `delta`, its
    /// timestamps and duration; RTP timestamp, SSRC and payload type absent.
    public func transform(_ chunk: EncodedChunk) throws(GuestProcessorError) -> [EncodedChunk] {
        try guarded("transform") { () throws(WasmError) in
            let data = try instance.lower(bytes: chunk.data)
            let args: [WasmValue] = [
                .i32(chunk.isKeyframe ? 1 : 2), .i32(data.pointer), .i32(data.length), WasmValue(chunk.timestampUs),
                .i32(chunk.decodeTimestampUs == nil ? 0 : 1), WasmValue(chunk.decodeTimestampUs ?? 0),
                .i32(chunk.durationUs == nil ? 0 : 1), WasmValue(chunk.durationUs ?? 0),
                .i32(0), .i32(0), .i32(0), .i32(0), .i32(0), .i32(0),
            ]
            return try instance.call(world.export("transform"), args) { (results) throws(GuestFault) in
                try liftEncodedFrames(results)
            }
        }
    }

    /// Runs `flush` of a video filter.
    public func flushVideo() throws(GuestProcessorError) -> [VideoFrame] { try videoList("flush", []) }
    /// Runs `flush` of an audio filter.
    public func flushAudio() throws(GuestProcessorError) -> [AudioData] { try audioList("flush", []) }
    /// Runs `flush` of an encoded transform.
    public func flushEncoded() throws(GuestProcessorError) -> [EncodedChunk] {
        try guarded("flush") { () throws(WasmError) in
            try instance.call(world.export("flush"), []) { (results) throws(GuestFault) in try liftEncodedFrames(results) }
        }
    }

    private func videoList(_ function: String, _ args: [WasmValue]) throws(GuestProcessorError) -> [VideoFrame] {
        try recordList(function, args, size: MediaRecords.videoFrameSize, alignment: MediaRecords.videoFrameAlignment,
                       lift: MediaRecords.liftVideoFrame(at:in:state:))
    }

    private func audioList(_ function: String, _ args: [WasmValue]) throws(GuestProcessorError) -> [AudioData] {
        try recordList(function, args, size: MediaRecords.audioDataSize, alignment: MediaRecords.audioDataAlignment,
                       lift: MediaRecords.liftAudioData(at:in:state:))
    }

    /// Calls `function` and lifts the `list<record>` it returns, each record
    /// `size` bytes aligned to `alignment`, with `lift`.
    private func recordList<Record>(_ function: String, _ args: [WasmValue], size: UInt32, alignment: UInt32,
                                    lift: @escaping (UInt32, GuestMemory, InstanceState) throws(GuestFault) -> Record)
        throws(GuestProcessorError) -> [Record] {
        try guarded(function) { () throws(WasmError) in
            try instance.call(world.export(function), args) { (results) throws(GuestFault) -> [Record] in
                let memory = try self.memory()
                let (q, n) = try listHeader(pointerResult(results), elementSize: size, alignment: alignment, memory: memory)
                var records: [Record] = []
                for i in 0..<n {
                    records.append(try lift(q + i * size, memory, instance.state))
                }
                return records
            }
        }
    }

    /// Lifts `list<encoded-frame>` (80 bytes each, aligned to 8).
    private func liftEncodedFrames(_ results: [WasmValue]) throws(GuestFault) -> [EncodedChunk] {
        let memory = try self.memory()
        let (q, n) = try listHeader(pointerResult(results), elementSize: 80, alignment: 8, memory: memory)
        var chunks: [EncodedChunk] = []
        for i in 0..<n {
            let p = q + i * 80
            let type = try memory.load(UInt8.self, at: p)
            guard type < 3 else { throw GuestFault.invalidValue("encoded-frame-type case \(type) does not exist (3 cases)") }
            let data = try MediaRecords.liftBytes(pointer: memory.load(UInt32.self, at: p + 4), count: memory.load(UInt32.self, at: p + 8), in: memory)
            let decode = try MediaRecords.option(UInt32(memory.load(UInt8.self, at: p + 24)), memory.load(UInt64.self, at: p + 32), "decode-timestamp-us")
            let duration = try MediaRecords.option(UInt32(memory.load(UInt8.self, at: p + 40)), memory.load(UInt64.self, at: p + 48), "duration-us")
            for (offset, name) in [(UInt32(56), "rtp-timestamp"), (64, "synchronization-source"), (72, "payload-type")] {
                _ = try MediaRecords.option(UInt32(memory.load(UInt8.self, at: p + offset)), 0, name)
            }
            chunks.append(EncodedChunk(data: data, timestampUs: try memory.load(Int64.self, at: p + 16),
                                       durationUs: duration.map { Int64(bitPattern: $0) }, isKeyframe: type == 1,
                                       decodeTimestampUs: decode.map { Int64(bitPattern: $0) }))
        }
        return chunks
    }

    // MARK: - Plumbing

    private func memory() throws(GuestFault) -> GuestMemory {
        guard let memory = instance.memory else { throw .noMemory }
        return memory
    }

    /// Runs a call, turning engine errors into errors naming the module and function.
    private func guarded<R>(_ function: String, _ body: () throws(WasmError) -> R) throws(GuestProcessorError) -> R {
        defer { instance.state.log.reportDrops(now: function == "flush") }
        do {
            return try body()
        } catch {
            switch error {
            case .trap(let report), .poisoned(let report):
                throw GuestProcessorError(.trap, module: path, function: function, error.description, trap: report)
            default:
                throw GuestProcessorError(.trap, module: path, function: function, error.description)
            }
        }
    }
}

/// The one `i32` an export returns as a pointer to its result.
private func pointerResult(_ results: [WasmValue]) throws(GuestFault) -> UInt32 {
    guard results.count == 1, case .i32(let pointer) = results[0] else {
        throw .invalidValue("the export returned \(results.count) values, not one i32 pointer")
    }
    return pointer
}

/// Reads and checks a list header (pointer, count) at `r`, and the elements' range.
private func listHeader(_ r: UInt32, elementSize: UInt32, alignment: UInt32,
                        memory: GuestMemory) throws(GuestFault) -> (pointer: UInt32, count: UInt32) {
    try TypesHost.checkReturnArea(r, size: 8, alignment: 4, memory: memory)
    let q = try memory.load(UInt32.self, at: r)
    let n = try memory.load(UInt32.self, at: r + 4)
    let bytes = UInt64(n) * UInt64(elementSize)
    guard bytes <= TypesHost.maxListLength else {
        throw .invalidValue("a list of \(n) elements of \(elementSize) bytes is longer than the canonical ABI allows")
    }
    try memory.requireAligned(q, to: alignment)
    _ = try memory.range(at: q, count: UInt32(bytes))
    return (q, n)
}
