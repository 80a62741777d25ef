/// The files of a new guest package (`wasi-media guest new`): a manifest
/// depending on the SDK, a stub of the world's protocol that builds and
/// passes its test as it stands, a README, and `test.sh`.
///
/// The test data (`testdata/`) is binary and written by ``GuestNew`` from
/// ``GuestTestData``.
struct GuestTemplate {
    /// The package, target, product and type name.
    var name: String
    var world: SDKWorld
    /// The SDK's directory, absolute.
    var sdkPath: String
    /// The `wasi-media` executable `test.sh` runs unless `WASI_MEDIA` says otherwise, absolute.
    var wasiMedia: String

    /// The package identity SwiftPM gives a path dependency: its directory's name.
    var sdkIdentity: String { sdkPath.split(separator: "/").last.map(String.init) ?? sdkPath }

    /// One file: its path inside the package, its text, and whether it is a program.
    struct File {
        var path: String
        var text: String
        var executable = false
    }

    var files: [File] {
        [File(path: "Package.swift", text: manifest),
         File(path: "Sources/\(name)/\(name).swift", text: source),
         File(path: "README.md", text: readme),
         File(path: "test.sh", text: testScript, executable: true),
         File(path: ".gitignore", text: ".build/\n")]
    }

    // MARK: - Package.swift

    var manifest: String {
        """
        // swift-tools-version: 6.1
        //
        // \(name): a wasi:media \(world) guest in Embedded Swift. Build it with
        //
        //     wasi-media guest build . -o .build/\(name).wasm
        //
        // which passes every compiler and linker flag for wasm32-unknown-none-wasm:
        // this manifest needs none. README.md says how to depend on the SDK by URL.
        import PackageDescription

        let package = Package(
            name: "\(name)",
            dependencies: [
                .package(path: "\(Self.swiftLiteral(sdkPath))"),
            ],
            targets: [
                .executableTarget(name: "\(name)", dependencies: [.product(name: "\(world.module)", package: "\(Self.swiftLiteral(sdkIdentity))")]),
            ]
        )

        """
    }

    // MARK: - The stub

    var source: String {
        switch world {
        case .videoFilter:
            """
            import WasiMediaVideoFilter

            /// A video filter. The host calls `configure` with the element's properties,
            /// then `process` for each frame, and `flush` at the end of the stream.
            /// As it stands it returns every frame unchanged.
            struct \(name): VideoFilter {
                /// The pixel formats `process` takes; put a `videoconvert format=rgba8888`
                /// in front of the filter in a pipeline.
                var acceptedFormats: [PixelFormat] { [.rgba8888] }

                // The properties `configure` takes, which the host checks before the first
                // call (a misspelt name is refused, with a suggestion). Undeclared (nil),
                // whatever the user gives is passed on.
                //
                //     static var properties: [PropertySpec]? {[
                //         .number("strength", 0...1, default: "1", doc: "how much of the effect to apply"),
                //     ]}

                mutating func configure(_ properties: Properties) throws(GuestError) {
                    // The element's `props=key=value;…`: `try properties.number("strength")`,
                    // `properties["mode"]`. Throw a GuestError to refuse a value.
                }

                func process(_ frame: VideoFrame) throws(MediaError) -> [VideoFrame] {
                    // The per-pixel work goes here: read the pixels (the host copies them
                    // in), change them in place, and write them back.
                    //
                    //     var pixels = try frame.buffer.read()
                    //     pixels.withUnsafeMutableBytes { p in
                    //         for i in stride(from: 0, to: p.count, by: 4) {
                    //             // p[i], p[i + 1], p[i + 2], p[i + 3]: red, green, blue, alpha
                    //         }
                    //     }
                    //     try frame.buffer.write(pixels)
                    //
                    // Returning the frame sends it on; its buffer moves to the host, no pixel copied.
                    return [frame]
                }
            }

            @_cdecl("\(world.registrationSymbol)")
            func videoFilter() -> UnsafeMutableRawPointer { \(world.registrationFunction)(\(name).self) }

            """
        case .audioFilter:
            """
            import WasiMediaAudioFilter

            /// An audio filter. The host calls `configure` with the element's properties,
            /// then `process` for each run of samples, and `flush` at the end of the stream.
            /// As it stands it returns the audio unchanged.
            struct \(name): AudioFilter {
                /// The sample formats `process` takes: `f32Planar` (each channel's
                /// Floats one after the other) and `s16Interleaved` (Int16, channels
                /// alternating, as in a 16-bit WAV file).
                var acceptedFormats: [SampleFormat] { [.f32Planar, .s16Interleaved] }

                // The properties `configure` takes, checked by the host before the first call:
                //
                //     static var properties: [PropertySpec]? {[
                //         .number("gain", 0...16, default: "1", doc: "what every sample is multiplied by"),
                //     ]}

                mutating func configure(_ properties: Properties) throws(GuestError) {
                    // The element's `props=key=value;…`: `try properties.number("gain")`.
                    // Throw a GuestError to refuse a value.
                }

                func process(_ audio: AudioData) throws(MediaError) -> [AudioData] {
                    // The per-sample work goes here: read the samples, change them in
                    // place, and write them back.
                    //
                    //     var samples = try audio.buffer.read()
                    //     samples.withUnsafeMutableBytes { raw in
                    //         switch audio.format {
                    //         case .f32Planar:
                    //             for i in 0..<(raw.count / 4) {
                    //                 let x = raw.loadUnaligned(fromByteOffset: i * 4, as: Float.self)
                    //                 raw.storeBytes(of: x, toByteOffset: i * 4, as: Float.self)
                    //             }
                    //         case .s16Interleaved:
                    //             for i in 0..<(raw.count / 2) {
                    //                 let x = raw.loadUnaligned(fromByteOffset: i * 2, as: Int16.self)
                    //                 raw.storeBytes(of: x, toByteOffset: i * 2, as: Int16.self)
                    //             }
                    //         }
                    //     }
                    //     try audio.buffer.write(samples)
                    //
                    // Returning the audio sends it on; its buffer moves to the host, no sample copied.
                    return [audio]
                }
            }

            @_cdecl("\(world.registrationSymbol)")
            func audioFilter() -> UnsafeMutableRawPointer { \(world.registrationFunction)(\(name).self) }

            """
        case .encodedTransform:
            """
            import WasiMediaEncodedTransform

            /// An encoded transform: works on compressed frames between an encoder and
            /// a muxer (or a demuxer and a decoder), as WebRTC's Encoded Transform does.
            /// As it stands it returns every frame unchanged.
            struct \(name): EncodedTransform {
                mutating func start(_ options: Properties) throws(GuestError) {
                    // `options["kind"]` is `video` or `audio`, `options["mime-type"]` the
                    // codec (`video/H264`…), with the element's `props=key=value;…`.
                }

                mutating func transform(_ frame: EncodedFrame) throws(GuestError) -> [EncodedFrame] {
                    // The work on the frame's bytes goes here: `frame.data` is the
                    // compressed payload ([UInt8]); `frame.type` is key or delta.
                    // Return [] to drop the frame, or several frames.
                    return [frame]
                }
            }

            @_cdecl("\(world.registrationSymbol)")
            func encodedTransform() -> UnsafeMutableRawPointer { \(world.registrationFunction)(\(name).self) }

            """
        case .mediaApp:
            """
            import WasiMediaApp

            /// A media app: a program the host runs with
            /// `wasi-media guest run \(name).wasm --dir DIR -- ARGUMENTS…`.
            /// As it stands it prints its arguments, and wants at least one.
            struct \(name): MediaApp {
                mutating func run(_ arguments: [String]) throws(GuestError) {
                    guard !arguments.isEmpty else { throw GuestError("usage: \(name) ARGUMENT…") }
                    // `print` and `log(.debug, "…")` go to the host's log (stderr for `guest run`).
                    print("\(name): " + arguments.joined(separator: " "))
                    // The program goes here: `Demuxer`/`Muxer` for files inside the
                    // directories granted with --dir, the codec classes, `MediaClock`.
                    // A thrown GuestError's message is shown to the user, and
                    // `guest run` exits 1.
                }
            }

            @_cdecl("\(world.registrationSymbol)")
            func mediaApp() -> UnsafeMutableRawPointer { \(world.registrationFunction)(\(name).self) }

            """
        }
    }

    // MARK: - test.sh

    var testScript: String {
        let header = """
            #!/usr/bin/env bash
            # Builds \(name) and checks it: \(testPurpose)
            # WASI_MEDIA names the wasi-media executable (default: the one that made this package).
            set -euo pipefail
            cd "$(dirname "$0")"
            wasi_media="${WASI_MEDIA:-\(Self.shellQuoted(wasiMedia))}"

            "$wasi_media" guest build . -o .build/\(name).wasm

            """
        switch world {
        case .videoFilter, .audioFilter, .encodedTransform:
            let kind = testDataExtension
            return header + """
                "$wasi_media" guest call .build/\(name).wasm --in testdata/input.\(kind) --expect testdata/expected.\(kind)
                echo "test.sh: \(name) passed"

                """
        case .mediaApp:
            return header + """
                # With arguments, run prints them (to the host's log, on stderr) and succeeds.
                status=0
                printed="$("$wasi_media" guest run .build/\(name).wasm -- hello world 2>&1)" || status=$?
                if [ "$status" -ne 0 ] || [[ "$printed" != *"\(name): hello world"* ]]; then
                    echo "test.sh: FAILED: expected exit 0 and '\(name): hello world', got $status: $printed" >&2
                    exit 1
                fi
                # Without arguments, run fails with its usage message.
                status=0
                message="$("$wasi_media" guest run .build/\(name).wasm 2>&1)" || status=$?
                if [ "$status" -ne 1 ] || [[ "$message" != *"usage: \(name)"* ]]; then
                    echo "test.sh: FAILED: without arguments, expected exit 1 and 'usage: \(name)', got $status: $message" >&2
                    exit 1
                fi
                echo "test.sh: \(name) passed"

                """
        }
    }

    /// The extension of the files in `testdata/`: what `guest call` reads for the world.
    private var testDataExtension: String {
        switch world {
        case .videoFilter: "png"
        case .audioFilter: "wav"
        case .encodedTransform, .mediaApp: "bin"
        }
    }

    private var testPurpose: String {
        switch world {
        case .videoFilter: "`testdata/input.png` through the filter gives `testdata/expected.png`."
        case .audioFilter: "`testdata/input.wav` through the filter gives `testdata/expected.wav`."
        case .encodedTransform: "a frame whose payload is `testdata/input.bin` comes out as `testdata/expected.bin`."
        case .mediaApp: "run prints its arguments, and fails with its usage without any."
        }
    }

    // MARK: - README.md

    var readme: String {
        """
        # \(name)

        A `\(world)` guest for the wasi:media host, in Embedded Swift
        (WebAssembly, `wasm32-unknown-none-wasm`), made by `wasi-media guest new`.
        The code is `Sources/\(name)/\(name).swift`: a type conforming to
        `\(world.protocolName)` of the SDK's `\(world.module)` module.

        ## Build and test

        ```sh
        wasi-media guest build . -o .build/\(name).wasm     # add --simd for WebAssembly SIMD (Wasmtime)
        ./test.sh
        ```

        `guest build` passes the compiler and linker flags (so `Package.swift`
        needs none), then checks the module as the host will: the exports of
        its world, and every import against what the host offers (C's `printf`,
        for one, imports WASI's `fd_write`, which no host offers; Swift's `print`
        goes to the host's log). It prints the module's size, world and imports.

        `test.sh` builds the module and checks it: \(testPurpose)\(testNote)

        ## Run

        \(runSection)

        ## The SDK dependency

        `Package.swift` depends on the SDK by path, `\(sdkPath)`, so the
        product's `package:` is that directory's name, `\(sdkIdentity)`. To depend
        on it by URL instead, the SDK must be a git repository whose root holds
        its `Package.swift` (the `Guests/` folder of wasi-media, on its own,
        for instance split out with `git subtree split --prefix Guests`):

        ```swift
        .package(url: "https://example.com/you/wasi-media-guests.git", from: "0.1.0"),
        ```

        and `package:` becomes the repository's name, the URL's last component
        without `.git` (`wasi-media-guests`). A version, a branch or a revision
        all work: the SDK's targets carry no unsafe flags.

        """
    }

    private var testNote: String {
        let change: String
        switch world {
        case .videoFilter: change = "the filter changes the pixels, make the expected output anew, and look at it"
        case .audioFilter: change = "the filter changes the samples, make the expected output anew, and listen to it"
        case .encodedTransform: change = "the transform changes the payload, make the expected output anew, and check it"
        case .mediaApp: return ""
        }
        return """
             Once \(change) before keeping it:

            ```sh
            wasi-media guest call .build/\(name).wasm --in testdata/input.\(testDataExtension) --out testdata/expected.\(testDataExtension)
            ```
            """
    }

    private var runSection: String {
        switch world {
        case .videoFilter:
            "```sh\nwasi-media run 'videotestsrc num-buffers=60 ! videoconvert format=rgba8888 ! wasm module=.build/\(name).wasm ! encode ! mux ! filesink location=out.mp4'\n```"
        case .audioFilter:
            "```sh\nwasi-media run 'audiotestsrc num-buffers=100 ! wasm module=.build/\(name).wasm ! encode codec=opus ! mux format=webm ! filesink location=out.webm'\n```"
        case .encodedTransform:
            "```sh\nwasi-media run 'videotestsrc num-buffers=60 ! encode ! wasm module=.build/\(name).wasm ! mux ! filesink location=out.mp4'\n```"
        case .mediaApp:
            "```sh\nwasi-media guest run .build/\(name).wasm --dir . -- ARGUMENTS…\n```\n\n`--dir` grants a directory the program may read and write; see `wasi-media guest run --help`."
        }
    }

    // MARK: - Quoting

    /// `text` inside a Swift string literal.
    static func swiftLiteral(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }

    /// `text` as one word for bash, inside the double quotes of `"${VAR:-…}"`.
    static func shellQuoted(_ text: String) -> String {
        var quoted = ""
        for character in text {
            if "\\\"$`".contains(character) { quoted.append("\\") }
            quoted.append(character)
        }
        return quoted
    }
}
