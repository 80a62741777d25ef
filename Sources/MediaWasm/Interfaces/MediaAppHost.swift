internal import MediaCore
public import MediaPipeline

/// Runs `media-app` guests: a program that drives the media interfaces
/// itself and exports `wasi:media/app@0.1.0-draft#run`.
///
/// ```swift
/// var files = FileAccess()
/// try files.grant(directory: "media", writable: true)
/// let host = MediaAppHost(files: files)
/// let outcome = try host.run(wasm, arguments: ["media/in.mp4", "media/out.webm"], grants: host.allGrants)
/// ```
///
/// What the guest may touch: the interfaces in `grants` (an import of any
/// other fails instantiation, naming it), files inside ``files``, devices
/// in ``devices``. `types` is granted always: every world imports it.
public struct MediaAppHost: Sendable {
    public var files: FileAccess
    public var devices: DeviceAccess
    /// The guest's `wasi:logging` lines below this level are dropped unread;
    /// the others go to stderr, named by ``logOrigin``.
    public var logLevel: ElementLog.Level = .info
    public var logOrigin = "guest"

    public init(files: FileAccess = FileAccess(), devices: DeviceAccess = DeviceAccess()) {
        self.files = files
        self.devices = devices
    }

    /// The export every media-app guest has.
    public static let runExport = "wasi:media/app@0.1.0-draft#run"
    public static let runSignature = WasmSignature([.i32, .i32], [.i32])

    /// The interfaces a media-app imports, by grant name.
    public static let interfaces: [String] = ["types", "codec", "capture", "container", "audio-mixer", "playback", "clock"]

    /// Every grant of the media-app world.
    public var allGrants: Set<Grant> { Set(Self.interfaces.map { Grant($0) }) }

    /// The host modules of every interface the media-app world imports.
    public var imports: HostImports {
        HostImports([
            TypesHost.module(),
            CodecHost.module(),
            CaptureHost.module(devices: devices),
            ContainerHost.module(files: files),
            AudioMixerHost.module(),
            PlaybackHost.module(devices: devices),
            ClockHost.module(),
            LoggingHost.module(),
        ])
    }

    /// How a guest's `run` ended, when it did not trap.
    public enum Outcome: Sendable, Hashable {
        case success
        /// `run` returned `error(message)`.
        case failure(String)
    }

    /// Compiles `bytes` on `engine` (by default the one `auto` picks),
    /// instantiates it with `grants` (plus `types`) and `limits`, and calls
    /// `run(arguments)`.
    /// - Throws: ``WasmError``: `link` naming every ungranted or unknown
    ///   import, `trap` with the report when the guest trapped.
    public func run(_ bytes: [UInt8], arguments: [String], grants: Set<Grant>, limits: WasmLimits? = nil,
                    engine: any WasmEngine = Engines.auto()) throws(WasmError) -> Outcome {
        let imports = self.imports
        let module = try engine.compile(bytes, requiredExports: [RequiredExport(Self.runExport, Self.runSignature),
                                                                 RequiredExport(CanonicalRealloc.name, CanonicalRealloc.signature)],
                                        host: imports)
        let instance = try module.instantiate(host: imports, grants: grants.union(["types"]), limits: limits)
        instance.state.log.minimumLevel = logLevel
        instance.state.log.origin = logOrigin
        defer { instance.state.log.reportDrops(now: true) }
        return try Self.callRun(instance, arguments)
    }

    /// Calls `run(arguments)` on an instance of a media-app guest.
    public static func callRun(_ instance: any WasmInstance, _ arguments: [String]) throws(WasmError) -> Outcome {
        var strings: [(pointer: UInt32, length: UInt32)] = []
        for argument in arguments { strings.append(try instance.lower(string: argument)) }
        guard let count = UInt32(exactly: arguments.count), arguments.count <= Int(UInt32.max) / 8 else {
            throw .guestFault(.tooLarge(byteCount: arguments.count * 8))
        }
        let list = try instance.allocate(size: count * 8, alignment: 4)
        guard let memory = instance.memory else { throw .guestFault(.noMemory) }
        do {
            for (index, string) in strings.enumerated() {
                try memory.store(string.pointer, at: list + UInt32(index * 8))
                try memory.store(string.length, at: list + UInt32(index * 8) + 4)
            }
        } catch {
            throw .guestFault(error)
        }
        return try instance.call(runExport, [.i32(list), .i32(count)]) { (results) throws(GuestFault) -> Outcome in
            guard results.count == 1, let area = results[0].u32 else { throw .invalidValue("run returned \(results)") }
            try memory.requireAligned(area, to: 4)
            _ = try memory.range(at: area, count: 12)
            switch try memory.load(UInt8.self, at: area) {
            case 0:
                return .success
            case 1:
                let message = try memory.readString(at: try memory.load(UInt32.self, at: area + 4),
                                                    byteCount: try memory.load(UInt32.self, at: area + 8))
                return .failure(message)
            case let other:
                throw .invalidValue("run returned result case \(other)")
            }
        }
    }
}

/// The allocator export the canonical ABI needs, as a required export.
enum CanonicalRealloc {
    static let name = "cabi_realloc"
    static let signature = WasmSignature([.i32, .i32, .i32, .i32], [.i32])
}
