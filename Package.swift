// swift-tools-version: 6.1
//
// The architecture, bottom up (arrows point down only):
//
//   wasi-media (executable) -> MediaCommands -> MediaWasm -> MediaPipeline -> MediaFFmpeg -> MediaCore
//                                                                                \-> CFFmpeg (libav* 5.1)
//   MediaWasm: guest engines (WasmKit), the wasi:media host interfaces and the `wasm` element
//
// MediaCore imports no C module. Only MediaFFmpeg imports CFFmpeg.
// WasmKit types appear in no public signature outside MediaWasm.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "wasi-media",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "MediaCore", targets: ["MediaCore"]),
        .library(name: "MediaFFmpeg", targets: ["MediaFFmpeg"]),
        .library(name: "MediaPipeline", targets: ["MediaPipeline"]),
        .library(name: "MediaWasm", targets: ["MediaWasm"]),
        .executable(name: "wasi-media", targets: ["wasi-media"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swiftwasm/WasmKit", from: "0.4.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CFFmpeg",
            path: "Sources/CFFmpeg",
            pkgConfig: "libavformat libavcodec libavutil libswscale libswresample libavdevice",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev",
                              "libswscale-dev", "libswresample-dev", "libavdevice-dev"])]
        ),
        .target(name: "MediaCore", swiftSettings: swiftSettings),
        .target(
            name: "MediaFFmpeg",
            dependencies: [
                "CFFmpeg", "MediaCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MediaPipeline",
            dependencies: [
                "MediaCore", "MediaFFmpeg",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The engine layer for sandboxed guests: compile, link host imports by grant,
        // call exports, bounds-checked guest memory, handle tables, fuel and memory limits.
        .target(
            name: "MediaWasm",
            dependencies: [
                "MediaCore", "MediaFFmpeg", "MediaPipeline",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "WasmKit", package: "WasmKit"),
                .product(name: "WasmParser", package: "WasmKit"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MediaCommands",
            dependencies: [
                "MediaCore", "MediaFFmpeg", "MediaPipeline", "MediaWasm",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "wasi-media",
            dependencies: ["MediaCommands"],
            swiftSettings: swiftSettings
        ),
        // Helpers the test targets share (seeded randomness, a loopback HTTP server, fixtures).
        .target(name: "MediaTestSupport", dependencies: ["MediaCore", "MediaFFmpeg"], path: "Tests/MediaTestSupport",
                swiftSettings: swiftSettings),
        // The watchdog every test suite carries: a test past its limit prints every thread's stack and ends the run.
        .target(name: "MediaTestWatchdog", path: "Tests/MediaTestWatchdog", swiftSettings: swiftSettings),
        .testTarget(name: "MediaCoreTests", dependencies: ["MediaCore", "MediaTestWatchdog"], swiftSettings: swiftSettings),
        .testTarget(name: "MediaFFmpegTests", dependencies: ["MediaFFmpeg", "MediaCore", "MediaTestSupport", "MediaTestWatchdog"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "MediaPipelineTests", dependencies: ["MediaPipeline", "MediaCore", "MediaFFmpeg", "MediaTestSupport", "MediaTestWatchdog"],
                    swiftSettings: swiftSettings),
        // Parses wit/ (the wasi:media WIT package) and checks it against WITContract.
        .testTarget(name: "WITTests", dependencies: ["MediaTestSupport", "MediaTestWatchdog", .product(name: "WIT", package: "WasmKit")],
                    swiftSettings: swiftSettings),
        .testTarget(name: "MediaWasmTests",
                    dependencies: ["MediaWasm", "MediaCore", "MediaFFmpeg", "MediaPipeline", "MediaTestSupport", "MediaTestWatchdog",
                                   .product(name: "WAT", package: "WasmKit")],
                    swiftSettings: swiftSettings),
        .testTarget(name: "MediaCommandsTests", dependencies: ["MediaCommands", "MediaPipeline", "MediaFFmpeg", "MediaCore", "MediaTestSupport", "MediaWasm", "MediaTestWatchdog",
                                                             .product(name: "WAT", package: "WasmKit")],
                    swiftSettings: swiftSettings),
    ]
)
