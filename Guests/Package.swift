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

/// WebAssembly SIMD (128-bit vectors), for a guest whose loops the compiler
/// can vectorize. Swift takes its target features from the Clang importer,
/// hence `-Xcc`. Wasmtime's JIT turns these instructions into the CPU's
/// vector instructions; WasmKit interprets them far more slowly than scalar
/// code, so only a guest that gains from it on Wasmtime gets it.
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
    ] + (examples.map(\.name) + checks.map(\.name)).map { .executable(name: $0, targets: [$0]) },
    targets: [
        .target(name: "WasiMedia", swiftSettings: embedded),
        .target(name: "WasiMediaVideoFilter", dependencies: ["WasiMedia"], swiftSettings: embedded),
        .target(name: "WasiMediaAudioFilter", dependencies: ["WasiMedia"], swiftSettings: embedded),
        .target(name: "WasiMediaEncodedTransform", dependencies: ["WasiMedia"], swiftSettings: embedded),
        .target(name: "WasiMediaApp", dependencies: ["WasiMedia"], swiftSettings: embedded),
    ] + examples.map {
        .executableTarget(name: $0.name, dependencies: [.target(name: $0.world)],
                          path: "Examples/\($0.name)", swiftSettings: embedded + $0.settings, linkerSettings: reactor)
    } + checks.map {
        .executableTarget(name: $0.name, dependencies: [.target(name: $0.world)],
                          path: "Checks/\($0.name)", swiftSettings: embedded, linkerSettings: reactor)
    }
)
