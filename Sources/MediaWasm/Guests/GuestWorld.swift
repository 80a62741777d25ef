/// The worlds a guest processor can run: what it exports, and so what it does to a stream.
public enum GuestWorld: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Exports `wasi:media/video-processor`: raw video in, raw video out.
    case videoFilter = "video-filter"
    /// Exports `wasi:media/audio-processor`: raw audio in, raw audio out.
    case audioFilter = "audio-filter"
    /// Exports `wasi:media/encoded-transformer`: encoded chunks in and out.
    case encodedTransform = "encoded-transform"

    public var description: String { rawValue }

    /// The exported interface, `wasi:media/video-processor@0.1.0-draft`.
    public var interface: String {
        switch self {
        case .videoFilter: "wasi:media/video-processor@0.1.0-draft"
        case .audioFilter: "wasi:media/audio-processor@0.1.0-draft"
        case .encodedTransform: "wasi:media/encoded-transformer@0.1.0-draft"
        }
    }

    /// The export name of function `name` of the world's interface.
    public func export(_ name: String) -> String { interface + "#" + name }

    /// The function that sets the guest up: `configure`, or `start` for a transform.
    public var setupFunction: String { self == .encodedTransform ? "start" : "configure" }
    /// The function called per item: `process`, or `transform`.
    public var itemFunction: String { self == .encodedTransform ? "transform" : "process" }

    /// Every export the world needs, with its core signature (docs/guest-abi.md, section 3).
    public var requiredExports: [RequiredExport] {
        let list = WasmSignature([], [.i32])
        let setup = WasmSignature([.i32, .i32], [.i32])
        var exports: [RequiredExport] = [RequiredExport("cabi_realloc", WasmSignature([.i32, .i32, .i32, .i32], [.i32]))]
        switch self {
        case .videoFilter:
            exports += [RequiredExport(export("configure"), setup), RequiredExport(export("accepted-formats"), list),
                        RequiredExport(export("process"), WasmSignature([.i32, .i32, .i32, .i32, .i64, .i32, .i64], [.i32])),
                        RequiredExport(export("flush"), list)]
        case .audioFilter:
            exports += [RequiredExport(export("configure"), setup), RequiredExport(export("accepted-formats"), list),
                        RequiredExport(export("process"), WasmSignature([.i32, .i32, .i32, .i32, .i64], [.i32])),
                        RequiredExport(export("flush"), list)]
        case .encodedTransform:
            exports += [RequiredExport(export("start"), setup),
                        RequiredExport(export("transform"), WasmSignature([.i32, .i32, .i32, .i64, .i32, .i64, .i32, .i64,
                                                                           .i32, .i32, .i32, .i32, .i32, .i32], [.i32])),
                        RequiredExport(export("flush"), list)]
        }
        return exports
    }

    /// The world whose item function `exports` has, if exactly one.
    public static func infer(from exports: [String]) -> GuestWorld? {
        let names = Set(exports)
        let found = allCases.filter { names.contains($0.export($0.itemFunction)) }
        return found.count == 1 ? found[0] : nil
    }
}
