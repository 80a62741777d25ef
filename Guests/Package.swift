// swift-tools-version: 6.1
//
// Guests: WebAssembly guests for the wasi:media host, written in Embedded
// Swift for wasm32-unknown-none-wasm. Not part of the root package's build:
// `scripts/build-guests.sh` builds it (see docs/guests.md) through
// `wasi-media guest build`, which passes the compiler and linker flags
// (Sources/MediaCommands/GuestToolchain.swift). The SDK's targets have only
// safe settings, so another package depends on it by path or by URL (SwiftPM
// refuses unsafeFlags in a product of a package depended on by version).
// The examples and checks are executable targets without products of their
// own: SwiftPM makes their products when it builds this package itself, and
// a package depending on the SDK neither sees nor builds them.
//
//   Examples/<Name> (one .wasm each) -> WasiMediaVideoFilter | WasiMediaAudioFilter
//                                       | WasiMediaEncodedTransform | WasiMediaApp
//                                         (a world's exports) -> WasiMedia (imports, types, canonical ABI)
//
// A world module holds the `@_expose(wasm, ...)` exports of its world, so a
// guest links exactly one of them and exports exactly that world.
import PackageDescription

/// Every target is Embedded Swift. Whole-module compilation and the reactor
/// link (no entry point, no C start files, libc and the compiler builtins)
/// come from `wasi-media guest build`'s command line.
let embedded: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
    .enableExperimentalFeature("Embedded"),
    .enableExperimentalFeature("Extern"),
]

/// WebAssembly SIMD (128-bit vectors), for a guest whose loops the compiler
/// can vectorize: unsafe flags, on an example only (never on an SDK target;
/// a guest elsewhere asks `guest build --simd`). Swift takes its target
/// features from the Clang importer, hence `-Xcc`. Wasmtime's JIT turns
/// these instructions into the CPU's vector instructions; WasmKit interprets
/// them far more slowly than scalar code, so only a guest that gains from
/// it on Wasmtime gets it.
///
/// `-force-vector-interleave=4` has LLVM run four vectors per loop
/// iteration. LLVM's cost model for x86 chooses that by itself; the one for
/// WebAssembly knows nothing of the machine the JIT will target and keeps
/// one, which leaves Wasmtime a loop whose counter and branch cost as much
/// as a quarter of its work (measured: Grayscale 1.8-2.0x native with one,
/// 1.3x with four).
let simd: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-msimd128", "-Xllvm", "-force-vector-interleave=4"])]

/// Each example: its name, the folder under `Examples/`, its world module,
/// and settings of its own.
let examples: [(name: String, world: String, settings: [SwiftSetting])] = [
    ("Grayscale", "WasiMediaVideoFilter", simd),
    ("PassThrough", "WasiMediaVideoFilter", []),
    ("BoxOverlay", "WasiMediaVideoFilter", []),
    ("Gain", "WasiMediaAudioFilter", []),
    ("NegatePadSend", "WasiMediaEncodedTransform", []),
    ("NegatePadReceive", "WasiMediaEncodedTransform", []),
    ("Transcode", "WasiMediaApp", []),
]

/// Checks, built beside the examples by scripts/build-guests.sh but not
/// examples: `ImportCoverage` links every import wrapper of the SDK;
/// `FrameOwnership` does odd things with buffers, for host tests.
let checks: [(name: String, world: String)] = [
    ("ImportCoverage", "WasiMediaApp"),
    ("FrameOwnership", "WasiMediaVideoFilter"),
    ("Faults", "WasiMediaVideoFilter"),
]

let package = Package(
    name: "Guests",
    products: [
        .library(name: "WasiMedia", targets: ["WasiMedia"]),
        .library(name: "WasiMediaVideoFilter", targets: ["WasiMediaVideoFilter"]),
        .library(name: "WasiMediaAudioFilter", targets: ["WasiMediaAudioFilter"]),
        .library(name: "WasiMediaEncodedTransform", targets: ["WasiMediaEncodedTransform"]),
        .library(name: "WasiMediaApp", targets: ["WasiMediaApp"]),
    ],
    targets: [
        .target(name: "WasiMedia", swiftSettings: embedded),
        .target(name: "WasiMediaVideoFilter", dependencies: ["WasiMedia"], swiftSettings: embedded),
        .target(name: "WasiMediaAudioFilter", dependencies: ["WasiMedia"], swiftSettings: embedded),
        .target(name: "WasiMediaEncodedTransform", dependencies: ["WasiMedia"], swiftSettings: embedded),
        .target(name: "WasiMediaApp", dependencies: ["WasiMedia"], swiftSettings: embedded),
    ] + examples.map {
        .executableTarget(name: $0.name, dependencies: [.target(name: $0.world)],
                          path: "Examples/\($0.name)", swiftSettings: embedded + $0.settings)
    } + checks.map {
        .executableTarget(name: $0.name, dependencies: [.target(name: $0.world)],
                          path: "Checks/\($0.name)", swiftSettings: embedded)
    }
)
