import Foundation
import Testing
import MediaTestSupport
import MediaWasm
import MediaTestWatchdog

/// The guest SDK as a user outside the repository meets it: `guest new`
/// into an empty folder under /tmp, then `guest build` and the package's
/// own `test.sh`, with no hand edits; a guest that reaches WASI; a package
/// of several products; the SDK as a dependency by URL.
///
/// These run the wasm toolchain (Swift's embedded stdlib, wasi-libc, the
/// compiler builtins: scripts/setup.sh installs them), as `BuiltGuests`
/// does. Serialized: all but the URL dependency build into one SwiftPM
/// folder (``SDKWorkspace/sharedBuild``), so the SDK compiles once for them.
@Suite(.serialized, .watchdog) struct GuestSDKTests {
    /// What a user does first, timed: `guest new`, then `guest build`. The
    /// first test of the suite, it finds the shared build folder empty, so
    /// the SDK compiles from nothing as in a user's new package.
    @Test func aNewVideoFilterBuildsAsItStandsAndPassesItsTest() throws {
        let cold = !FileManager.default.fileExists(atPath: SDKWorkspace.sharedBuild + "/release")
        let start = ContinuousClock.now
        let package = try SDKWorkspace.newPackage("Invert", world: "video-filter", sharingBuild: true)
        let built = try SDKWorkspace.run(CLI.executable, ["guest", "build", ".", "-o", ".build/Invert.wasm"], in: package)
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        #expect(built.status == 0, "\(built.stderr)")
        #expect(built.stdout.contains(".build/Invert.wasm: ") && built.stdout.contains("world video-filter"), "\(built.stdout)")
        try SDKWorkspace.expectLoadable(package + "/.build/Invert.wasm", world: "video-filter")

        let test = try SDKWorkspace.run("/bin/bash", ["test.sh"], in: package)
        #expect(test.status == 0, "\(test.stdout)\n\(test.stderr)")
        #expect(test.stdout.contains("Invert passed"), "\(test.stdout)\n\(test.stderr)")

        // In a pipeline, as it stands (the stub passes frames through): the
        // PNGs it writes are those of the same pipeline without the step.
        let source = "videotestsrc num-buffers=3 width=64 height=48 ! videoconvert format=rgba8888"
        for (folder, step) in [("with", "wasm module=\(package)/.build/Invert.wasm ! "), ("without", "")] {
            try FileManager.default.createDirectory(atPath: "\(package)/\(folder)", withIntermediateDirectories: true)
            let run = try CLI.run(["run", "\(source) ! \(step)pngenc ! multifilesink location=\(package)/\(folder)/f%02d.png"])
            #expect(run.status == 0, "\(run.stderr)")
        }
        for index in 0..<3 {
            let name = String(format: "f%02d.png", index)
            let with = FileManager.default.contents(atPath: "\(package)/with/\(name)")
            #expect(with != nil && with == FileManager.default.contents(atPath: "\(package)/without/\(name)"), "\(name)")
        }
        let whole = ContinuousClock.now - start
        print(String(format: "guest new -> built module %.1f s, -> its test.sh passed (guest call) and a pipeline ran it %.1f s (%@)",
                     seconds, Double(whole.components.seconds) + Double(whole.components.attoseconds) / 1e18,
                     cold ? "the SDK compiled from nothing" : "the SDK compiled already by another test"))
    }

    @Test(arguments: ["audio-filter", "encoded-transform", "media-app"])
    func aNewGuestOfEveryWorldBuildsAsItStandsAndPassesItsTest(world: String) throws {
        let name = "New" + world.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        let package = try SDKWorkspace.newPackage(name, world: world, sharingBuild: true)
        let test = try SDKWorkspace.run("/bin/bash", ["test.sh"], in: package)
        #expect(test.status == 0, "\(test.stdout)\n\(test.stderr)")
        #expect(test.stdout.contains("world \(world)"), "\(test.stdout)")
        #expect(test.stdout.contains("\(name) passed"), "\(test.stdout)\n\(test.stderr)")
        try SDKWorkspace.expectLoadable(package + "/.build/\(name).wasm", world: world)
    }

    /// The per-pixel and per-sample code and the property declarations that
    /// the filter stubs show in comments compile once uncommented, and the
    /// package's test still passes (the loops change nothing yet); once the
    /// loop changes the data, the test fails.
    @Test(arguments: ["video-filter", "audio-filter"])
    func theCodeTheStubsShowInCommentsCompilesAndTheirTestSeesAChange(world: String) throws {
        let video = world == "video-filter"
        let name = video ? "Uncommented" : "UncommentedAudio"
        let package = try SDKWorkspace.newPackage(name, world: world, sharingBuild: true)
        let source = package + "/Sources/\(name)/\(name).swift"
        let text = try String(contentsOfFile: source, encoding: .utf8)
        let uncommented = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            guard let range = line.range(of: "//     ") else { return String(line) }
            return String(line[..<range.lowerBound]) + line[range.upperBound...]
        }.joined(separator: "\n")
        #expect(uncommented.contains("try \(video ? "frame" : "audio").buffer.write("))
        #expect(uncommented.contains("static var properties: [PropertySpec]?"))
        try uncommented.write(toFile: source, atomically: true, encoding: .utf8)
        let same = try SDKWorkspace.run("/bin/bash", ["test.sh"], in: package)
        #expect(same.status == 0, "\(same.stdout)\n\(same.stderr)")
        #expect(same.stdout.contains("[method]media-buffer.read") && same.stdout.contains("[method]media-buffer.write"), "\(same.stdout)")

        let change = video
            ? ("// p[i], p[i + 1], p[i + 2], p[i + 3]: red, green, blue, alpha", "p[i] = ~p[i]")
            : ("storeBytes(of: x,", "storeBytes(of: x / 2,")
        try #require(uncommented.contains(change.0))
        try uncommented.replacingOccurrences(of: change.0, with: change.1).write(toFile: source, atomically: true, encoding: .utf8)
        let changed = try SDKWorkspace.run("/bin/bash", ["test.sh"], in: package)
        #expect(changed.status == 1, "\(changed.stdout)\n\(changed.stderr)")
        #expect(changed.stderr.contains("testdata/expected.\(video ? "png" : "wav")"), "\(changed.stderr)")
    }

    /// Swift's `print` goes to the host's log; C's `printf` imports WASI,
    /// which no host offers: the build fails naming each import and what
    /// pulls it in, and writes no module. `--all` writes the module that passed.
    @Test func aGuestReachingWASIFailsTheBuildNamingTheImportAndTheConstruct() throws {
        let package = try SDKWorkspace.printingPackage()
        let printer = try SDKWorkspace.run(CLI.executable, ["guest", "build", ".", "-o", "out/Printer.wasm", "--product", "Printer",
                                                            "--scratch-path", SDKWorkspace.sharedBuild], in: package)
        #expect(printer.status == 0, "\(printer.stdout)\n\(printer.stderr)")
        #expect(printer.stdout.contains("wasi:logging/logging@0.1.0-draft: log"), "\(printer.stdout)")

        let cPrinter = try SDKWorkspace.run(CLI.executable, ["guest", "build", ".", "-o", "out/CPrinter.wasm", "--product", "CPrinter",
                                                             "--scratch-path", SDKWorkspace.sharedBuild], in: package)
        #expect(cPrinter.status == 1)
        #expect(cPrinter.stderr.contains("error: CPrinter"), "\(cPrinter.stderr)")
        let fdWrite = try #require(cPrinter.stderr.split(separator: "\n").first { $0.contains("`fd_write`") }, "\(cPrinter.stderr)")
        #expect(fdWrite.contains("`wasi_snapshot_preview1`") && fdWrite.contains("`printf`") && fdWrite.contains("`print`"), "\(fdWrite)")
        #expect(cPrinter.stderr.contains("`fd_seek`") && cPrinter.stderr.contains("`FILE *`"), "\(cPrinter.stderr)")
        #expect(!FileManager.default.fileExists(atPath: package + "/out/CPrinter.wasm"))

        let all = try SDKWorkspace.run(CLI.executable, ["guest", "build", ".", "--all", "--out-dir", "all",
                                                        "--scratch-path", SDKWorkspace.sharedBuild], in: package)
        #expect(all.status == 1)
        #expect(all.stderr.contains("error: CPrinter") && !all.stderr.contains("error: Printer"), "\(all.stderr)")
        #expect(FileManager.default.fileExists(atPath: package + "/all/Printer.wasm"))
        #expect(!FileManager.default.fileExists(atPath: package + "/all/CPrinter.wasm"))
    }

    @Test func severalProductsWithoutProductFailBeforeBuilding() throws {
        let package = try SDKWorkspace.printingPackage(name: "TwoProducts")
        let result = try SDKWorkspace.run(CLI.executable, ["guest", "build", ".", "-o", "out.wasm"], in: package)
        #expect(result.status == 1)
        #expect(result.stderr.contains("has 2 executable products (") && result.stderr.contains("CPrinter")
                && result.stderr.contains("Printer") && result.stderr.contains("choose one with --product NAME"), "\(result.stderr)")
        #expect(!result.stdout.contains("Building") && !result.stdout.contains("Compiling"), "\(result.stdout)")
        #expect(!FileManager.default.fileExists(atPath: package + "/.build/wasm32-unknown-none-wasm"))
    }

    /// A package depends on the SDK by URL and version (a `file://` clone of
    /// a repository holding `Guests/` at its root: no network) and builds;
    /// the same SDK with an unsafe flag in a library target is refused by
    /// SwiftPM, which is why the flags live in `guest build`.
    @Test func theSDKWorksAsAURLDependencyByVersion() throws {
        let repository = try SDKWorkspace.sdkRepository(named: "wasi-media-guests", unsafe: false)
        let package = try SDKWorkspace.urlPackage("ByURL", dependency: repository, identity: "wasi-media-guests")
        let built = try SDKWorkspace.run(CLI.executable, ["guest", "build", ".", "-o", ".build/ByURL.wasm"], in: package)
        #expect(built.status == 0, "\(built.stdout)\n\(built.stderr)")
        try SDKWorkspace.expectLoadable(package + "/.build/ByURL.wasm", world: "video-filter")

        let unsafe = try SDKWorkspace.sdkRepository(named: "unsafe-guests", unsafe: true)
        let refusing = try SDKWorkspace.urlPackage("Refused", dependency: unsafe, identity: "unsafe-guests")
        let refused = try SDKWorkspace.run(CLI.executable, ["guest", "build", ".", "-o", ".build/Refused.wasm"], in: refusing)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("the target 'WasiMedia' in product 'WasiMediaVideoFilter' contains unsafe build flags"),
                "\(refused.stderr)")
    }

    @Test func guestNewRefusesWhatItCannotWrite() throws {
        let dir = SDKWorkspace.root
        let badName = try SDKWorkspace.run(CLI.executable, ["guest", "new", "9lives", "--world", "video-filter", "--dir", dir])
        #expect(badName.status == 64)
        #expect(badName.stderr.contains("NAME '9lives' must be a Swift identifier"), "\(badName.stderr)")
        let taken = try SDKWorkspace.run(CLI.executable, ["guest", "new", "VideoFilter", "--world", "video-filter", "--dir", dir])
        #expect(taken.status == 64)
        #expect(taken.stderr.contains("NAME 'VideoFilter' is taken by the SDK"), "\(taken.stderr)")

        let occupied = dir + "/Occupied"
        try FileManager.default.createDirectory(atPath: occupied, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: URL(fileURLWithPath: occupied + "/notes.txt"))
        let refused = try SDKWorkspace.run(CLI.executable, ["guest", "new", "Occupied", "--world", "media-app", "--dir", dir])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("\(occupied) exists and is not empty"), "\(refused.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: occupied) == ["notes.txt"])

        let noSDK = try SDKWorkspace.run(CLI.executable, ["guest", "new", "Lost", "--world", "media-app", "--dir", dir, "--sdk", "/no/such/sdk"])
        #expect(noSDK.status == 1)
        #expect(noSDK.stderr.contains("--sdk /no/such/sdk: /no/such/sdk is not the guest SDK"), "\(noSDK.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/Lost"))
    }

    @Test func guestBuildReportsEveryBadOptionTogether() throws {
        let result = try SDKWorkspace.run(CLI.executable, ["guest", "build", "/no/such/package", "--out-dir", "x"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("-o/--output OUT.wasm is required"), "\(result.stderr)")
        #expect(result.stderr.contains("--out-dir goes with --all"), "\(result.stderr)")
        #expect(result.stderr.contains("/no/such/package has no Package.swift"), "\(result.stderr)")
    }

    /// The flags have one home, `GuestToolchain`: the script builds through
    /// `wasi-media guest build` and passes none of its own.
    @Test func buildGuestsScriptHasNoFlagsOfItsOwn() throws {
        let script = try String(contentsOf: BuiltGuests.repositoryRoot.appendingPathComponent("scripts/build-guests.sh"), encoding: .utf8)
        #expect(script.contains("guest build \"$root/Guests\" --all --out-dir \"$out\""))
        for flag in ["-Xswiftc", "-Xlinker", "-Xcc", "-nostartfiles", "--no-entry", "-wmo"] {
            #expect(!script.contains(flag), "scripts/build-guests.sh passes \(flag) itself")
        }
    }
}

/// The folder these tests work in (under /tmp, outside the repository) and
/// what they make there.
enum SDKWorkspace {
    /// Made once per test process.
    static let root: String = {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("wasi-media-sdk-\(getpid())-\(UUID().uuidString.prefix(8))").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// The SwiftPM build folder the packages share (their `.build` links
    /// here, or `--scratch-path` names it), so the SDK compiles once.
    static var sharedBuild: String { root + "/shared-build" }

    /// The SDK of this checkout.
    static var sdk: String { BuiltGuests.repositoryRoot.appendingPathComponent("Guests").path }

    /// `guest new NAME --world WORLD` in ``root``; with `sharingBuild`, its
    /// `.build` is a link to ``sharedBuild``.
    static func newPackage(_ name: String, world: String, sharingBuild: Bool) throws -> String {
        let made = try run(CLI.executable, ["guest", "new", name, "--world", world, "--dir", root])
        try #require(made.status == 0, "guest new: \(made.stderr)")
        let package = root + "/" + name
        if sharingBuild {
            try FileManager.default.createDirectory(atPath: sharedBuild, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: package + "/.build", withDestinationPath: sharedBuild)
        }
        return package
    }

    /// A package of two video filters: `Printer` calls `print`, `CPrinter`
    /// calls C's `printf` through a C target.
    static func printingPackage(name: String = "Printing") throws -> String {
        let package = root + "/" + name
        try write(package + "/Package.swift", """
            // swift-tools-version: 6.1
            import PackageDescription

            let package = Package(
                name: "\(name)",
                dependencies: [.package(path: "\(sdk)")],
                targets: [
                    .target(name: "CStdio"),
                    .executableTarget(name: "Printer", dependencies: [.product(name: "WasiMediaVideoFilter", package: "Guests")]),
                    .executableTarget(name: "CPrinter", dependencies: ["CStdio", .product(name: "WasiMediaVideoFilter", package: "Guests")]),
                ]
            )
            """)
        try write(package + "/Sources/CStdio/include/say.h", "int say_hello(void);\n")
        try write(package + "/Sources/CStdio/say.c", """
            int printf(const char *format, ...);
            int say_hello(void) { return printf("hello from C\\n"); }
            """)
        let filter = { (type: String, call: String, imports: String) in
            """
            \(imports)import WasiMediaVideoFilter

            struct \(type): VideoFilter {
                func process(_ frame: VideoFrame) throws(MediaError) -> [VideoFrame] {
                    \(call)
                    return [frame]
                }
            }

            @_cdecl("wasi_media_video_filter")
            func videoFilter() -> UnsafeMutableRawPointer { exportVideoFilter(\(type).self) }
            """
        }
        try write(package + "/Sources/Printer/Printer.swift", filter("Printer", "print(\"a frame\")", ""))
        try write(package + "/Sources/CPrinter/CPrinter.swift", filter("CPrinter", "_ = say_hello()", "import CStdio\n"))
        return package
    }

    /// A git repository named `name` holding a copy of the SDK at its root,
    /// tagged 0.1.0; with `unsafe`, its library targets get `-wmo` as an unsafe flag.
    static func sdkRepository(named name: String, unsafe: Bool) throws -> String {
        let repository = root + "/" + name
        try FileManager.default.createDirectory(atPath: repository, withIntermediateDirectories: true)
        for entry in try FileManager.default.contentsOfDirectory(atPath: sdk) where entry != ".build" {
            try FileManager.default.copyItem(atPath: sdk + "/" + entry, toPath: repository + "/" + entry)
        }
        if unsafe {
            let manifest = repository + "/Package.swift"
            let text = try String(contentsOfFile: manifest, encoding: .utf8)
            let feature = ".enableExperimentalFeature(\"Extern\"),"
            try #require(text.contains(feature), "Guests/Package.swift no longer enables Extern: the test must change")
            try text.replacingOccurrences(of: feature, with: feature + " .unsafeFlags([\"-wmo\"]),")
                .write(toFile: manifest, atomically: true, encoding: .utf8)
        }
        let git = ["-c", "user.name=test", "-c", "user.email=test@localhost", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"]
        for arguments in [["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "SDK"], ["tag", "0.1.0"]] {
            let result = try run("/usr/bin/git", git + arguments, in: repository)
            try #require(result.status == 0, "git \(arguments.joined(separator: " ")): \(result.stderr)")
        }
        return repository
    }

    /// A pass-through video filter depending on the SDK in `dependency` by file URL, from 0.1.0.
    static func urlPackage(_ name: String, dependency: String, identity: String) throws -> String {
        let package = root + "/" + name
        try write(package + "/Package.swift", """
            // swift-tools-version: 6.1
            import PackageDescription

            let package = Package(
                name: "\(name)",
                dependencies: [.package(url: "file://\(dependency)", from: "0.1.0")],
                targets: [
                    .executableTarget(name: "\(name)", dependencies: [.product(name: "WasiMediaVideoFilter", package: "\(identity)")]),
                ]
            )
            """)
        try write(package + "/Sources/\(name)/\(name).swift", """
            import WasiMediaVideoFilter

            struct \(name): VideoFilter {
                func process(_ frame: VideoFrame) throws(MediaError) -> [VideoFrame] { [frame] }
            }

            @_cdecl("wasi_media_video_filter")
            func videoFilter() -> UnsafeMutableRawPointer { exportVideoFilter(\(name).self) }
            """)
        return package
    }

    /// Checks the module at `path` as the host loads it, with MediaWasm's own
    /// tables: it exports `world` and links.
    static func expectLoadable(_ path: String, world: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let engine = WasmKitEngine()
        let names = try engine.compile(bytes).exports.map(\.name)
        if world == "media-app" {
            #expect(names.contains(MediaAppHost.runExport) && GuestWorld.infer(from: names) == nil, "\(names)")
            _ = try engine.compile(bytes, requiredExports: [RequiredExport(MediaAppHost.runExport, MediaAppHost.runSignature)],
                                   host: MediaAppHost().imports)
        } else {
            let found = try #require(GuestWorld.infer(from: names), "\(path) exports no processor world: \(names)")
            #expect(found.rawValue == world)
            _ = try engine.compile(bytes, requiredExports: found.requiredExports, host: GuestHost.standard)
        }
    }

    static func write(_ path: String, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Runs `tool` in `directory` with `WASI_MEDIA` set to the binary under
    /// test (test.sh runs it); output is collected through files, so neither
    /// stream can fill a pipe while the other is read. Waits without a limit
    /// of its own: the suite's watchdog bounds every test.
    static func run(_ tool: String, _ arguments: [String], in directory: String? = nil) throws -> CLI.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.environment = ProcessInfo.processInfo.environment.merging(["WASI_MEDIA": CLI.executable]) { $1 }
        let outputs = (root + "/.out-\(UUID().uuidString)", root + "/.err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: outputs.0, contents: nil)
        FileManager.default.createFile(atPath: outputs.1, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outputs.0); try? FileManager.default.removeItem(atPath: outputs.1) }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outputs.0))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: outputs.1))
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try? out.close()
        try? err.close()
        return CLI.Result(status: process.terminationStatus,
                          stdout: (try? String(contentsOfFile: outputs.0, encoding: .utf8)) ?? "",
                          stderr: (try? String(contentsOfFile: outputs.1, encoding: .utf8)) ?? "")
    }
}
