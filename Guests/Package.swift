// swift-tools-version: 6.1
//
// Guests: WebAssembly guests for the wasi:media host, written in Embedded
// Swift for wasm32-unknown-none-wasm. Not part of the root package's build:
// `scripts/build-guests.sh` builds it (see docs/guests.md).
//
//   Examples/<Name> (one .wasm each) -> WasiMediaVideoFilter | WasiMediaAudioFilter
//                                       | WasiMediaEncodedTransform | WasiMediaApp
//                                         (a world's exports) -> WasiMedia (imports, types, canonical ABI)
//
// A world module holds the `@_expose(wasm, ...)` exports of its world, so a
// guest links exactly one of them and exports exactly that world.
import PackageDescription

/// Every target is Embedded Swift, compiled whole-module.
let embedded: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
    .enableExperimentalFeature("Embedded"),
    .enableExperimentalFeature("Extern"),
    .unsafeFlags(["-wmo"]),
]

/// A reactor module: no entry point, no C start files, exports only what
/// the code names with `@_expose(wasm, ...)`. libc (for `malloc`) and the
/// compiler builtins are added by `scripts/build-guests.sh`.
let reactor: [LinkerSetting] = [
    .unsafeFlags(["-nostartfiles", "-Xclang-linker", "-nostdlib", "-Xlinker", "--no-entry", "-Xlinker", "--strip-debug"]),
]

/// Each example: its name, the folder under `Examples/`, and its world module.
let examples: [(name: String, world: String)] = [
    ("Grayscale", "WasiMediaVideoFilter"),
    ("PassThrough", "WasiMediaVideoFilter"),
    ("BoxOverlay", "WasiMediaVideoFilter"),
    ("Gain", "WasiMediaAudioFilter"),
    ("NegatePadSend", "WasiMediaEncodedTransform"),
    ("NegatePadReceive", "WasiMediaEncodedTransform"),
    ("Transcode", "WasiMediaApp"),
]

/// Checks, built beside the examples by scripts/build-guests.sh but not
/// examples: `ImportCoverage` links every import wrapper of the SDK;
/// `FrameOwnership` does odd things with buffers, for host tests.
let checks: [(name: String, world: String)] = [
    ("ImportCoverage", "WasiMediaApp"),
    ("FrameOwnership", "WasiMediaVideoFilter"),
]

let package = Package(
    name: "Guests",
    products: [
        .library(name: "WasiMedia", targets: ["WasiMedia"]),
        .library(name: "WasiMediaVideoFilter", targets: ["WasiMediaVideoFilter"]),
        .library(name: "WasiMediaAudioFilter", targets: ["WasiMediaAudioFilter"]),
        .library(name: "WasiMediaEncodedTransform", targets: ["WasiMediaEncodedTransform"]),
        .library(name: "WasiMediaApp", targets: ["WasiMediaApp"]),
    ] + (examples + checks).map { .executable(name: $0.name, targets: [$0.name]) },
    targets: [
        .target(name: "WasiMedia", swiftSettings: embedded),
        .target(name: "WasiMediaVideoFilter", dependencies: ["WasiMedia"], swiftSettings: embedded),
        .target(name: "WasiMediaAudioFilter", dependencies: ["WasiMedia"], swiftSettings: embedded),
        .target(name: "WasiMediaEncodedTransform", dependencies: ["WasiMedia"], swiftSettings: embedded),
        .target(name: "WasiMediaApp", dependencies: ["WasiMedia"], swiftSettings: embedded),
    ] + examples.map {
        .executableTarget(name: $0.name, dependencies: [.target(name: $0.world)],
                          path: "Examples/\($0.name)", swiftSettings: embedded, linkerSettings: reactor)
    } + checks.map {
        .executableTarget(name: $0.name, dependencies: [.target(name: $0.world)],
                          path: "Checks/\($0.name)", swiftSettings: embedded, linkerSettings: reactor)
    }
)
