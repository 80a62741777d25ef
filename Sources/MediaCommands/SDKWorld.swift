import ArgumentParser
import MediaWasm

/// The four worlds a guest of the Swift SDK (`Guests/`) can export, with
/// what each needs from the SDK and from the host: the SDK module, the
/// protocol and registration function a guest writes against, the exports
/// the host requires and the import table it links the guest with.
enum SDKWorld: String, CaseIterable, ExpressibleByArgument, CustomStringConvertible {
    case videoFilter = "video-filter"
    case audioFilter = "audio-filter"
    case encodedTransform = "encoded-transform"
    case mediaApp = "media-app"

    var description: String { rawValue }

    /// The world as the pipeline's `wasm` element runs it; nil for `media-app`, which `guest run` runs.
    var processorWorld: GuestWorld? {
        switch self {
        case .videoFilter: .videoFilter
        case .audioFilter: .audioFilter
        case .encodedTransform: .encodedTransform
        case .mediaApp: nil
        }
    }

    /// The SDK product (and module) holding the world's exports: `WasiMediaVideoFilter`.
    var module: String {
        switch self {
        case .videoFilter: "WasiMediaVideoFilter"
        case .audioFilter: "WasiMediaAudioFilter"
        case .encodedTransform: "WasiMediaEncodedTransform"
        case .mediaApp: "WasiMediaApp"
        }
    }

    /// The protocol a guest's type conforms to: `VideoFilter`.
    var protocolName: String {
        switch self {
        case .videoFilter: "VideoFilter"
        case .audioFilter: "AudioFilter"
        case .encodedTransform: "EncodedTransform"
        case .mediaApp: "MediaApp"
        }
    }

    /// The C name of the one function a guest defines to register its type: `wasi_media_video_filter`.
    var registrationSymbol: String {
        switch self {
        case .videoFilter: "wasi_media_video_filter"
        case .audioFilter: "wasi_media_audio_filter"
        case .encodedTransform: "wasi_media_encoded_transform"
        case .mediaApp: "wasi_media_app"
        }
    }

    /// The SDK function that registration calls: `exportVideoFilter`.
    var registrationFunction: String { "export" + protocolName }

    /// Every export the host requires of a guest of this world, with its core signature.
    var requiredExports: [RequiredExport] {
        if let processorWorld { return processorWorld.requiredExports }
        return [RequiredExport(MediaAppHost.runExport, MediaAppHost.runSignature),
                RequiredExport("cabi_realloc", WasmSignature([.i32, .i32, .i32, .i32], [.i32]))]
    }

    /// What the host links a guest of this world with: the `wasm` element's
    /// table for the processor worlds, `guest run`'s for media apps.
    var hostImports: HostImports {
        processorWorld == nil ? MediaAppHost().imports : GuestHost.standard
    }

    /// The world whose main function `exports` has (`process`, `transform`
    /// or `run`), or every candidate when not exactly one.
    static func inferred(from exports: [String]) -> Result<SDKWorld, InferenceFailure> {
        let names = Set(exports)
        let found = allCases.filter { world in
            if let processor = world.processorWorld { return names.contains(processor.export(processor.itemFunction)) }
            return names.contains(MediaAppHost.runExport)
        }
        return found.count == 1 ? .success(found[0]) : .failure(InferenceFailure(candidates: found))
    }

    /// Why no single world was inferred: none or several main functions exported.
    struct InferenceFailure: Error, CustomStringConvertible {
        var candidates: [SDKWorld]
        var description: String {
            candidates.isEmpty
                ? "it exports the main function of no world (`process` of video-processor or audio-processor, "
                    + "`transform` of encoded-transformer, `run` of app): does it define its `@_cdecl(\"wasi_media_…\")` function?"
                : "it exports the main functions of several worlds (\(candidates.map(\.rawValue).joined(separator: ", ")))"
        }
    }
}
