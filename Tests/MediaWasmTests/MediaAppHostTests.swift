import Foundation
import Testing
import MediaCore
import MediaFFmpeg
import MediaPipeline
@testable import MediaWasm
import MediaTestSupport
import MediaTestWatchdog

/// The bytes of an example or check guest (built once per process by ``GuestModules``).
private func guestBytes(_ name: String) async throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: try await GuestModules.path(name))))
}

/// Media-app guests on the host: the Transcode example end to end, grants,
/// and the host interfaces (codec, container, clock, mixer, devices) through
/// small WAT guests.
@Suite(.watchdog) struct MediaAppHostTests {
    static func tempDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("media-app-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A 1 s 320x240 30 fps H.264/AAC clip.
    static func clip(in directory: String) throws -> String {
        let path = directory + "/clip.mp4"
        var settings = TestClip.Settings()
        settings.seconds = 1
        settings.width = 320
        settings.height = 240
        try TestClip.write(to: path, settings)
        return path
    }

    static func host(writable directory: String) throws -> MediaAppHost {
        var files = FileAccess()
        try files.grant(directory: directory, writable: true)
        return MediaAppHost(files: files)
    }

    // MARK: - The Transcode guest

    @Test(arguments: testedEngines)
    func transcodeGuestTranscodesAClipEndToEnd(engineName: String) async throws {
        let directory = try Self.tempDirectory()
        let input = try Self.clip(in: directory)
        let output = directory + "/out.webm"
        let host = try Self.host(writable: directory)
        let outcome = try host.run(try await guestBytes("Transcode"), arguments: [input, output], grants: host.allGrants, engine: try engine(engineName))
        #expect(outcome == .success)

        let demuxer = try Demuxer(url: output)
        #expect(demuxer.tracks.map(\.parameters.codecName).sorted() == ["opus", "vp9"])
        let video = try #require(demuxer.tracks.first { $0.isVideo })
        #expect(video.parameters.width == 320 && video.parameters.height == 240)
        var frames = 0
        while let chunk = try demuxer.readChunk(trackId: video.id) {
            if !chunk.data.isEmpty { frames += 1 }
        }
        #expect(frames == 30)
    }

    @Test(arguments: testedEngines)
    func outputOutsideTheGrantIsRefusedAndNothingIsWritten(engineName: String) async throws {
        let granted = try Self.tempDirectory(), elsewhere = try Self.tempDirectory()
        let input = try Self.clip(in: granted)
        let host = try Self.host(writable: granted)
        let outside = elsewhere + "/out.mp4"
        let outcome = try host.run(try await guestBytes("Transcode"), arguments: [input, outside], grants: host.allGrants, engine: try engine(engineName))
        guard case .failure(let message) = outcome else {
            Issue.record("expected the guest to fail, got \(outcome)")
            return
        }
        #expect(message.contains("access denied"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
        // Through `..` and through a link out of the granted directory: the same.
        let viaDots = granted + "/../" + URL(fileURLWithPath: elsewhere).lastPathComponent + "/out.mp4"
        try FileManager.default.createSymbolicLink(atPath: granted + "/link", withDestinationPath: elsewhere)
        for path in [viaDots, granted + "/link/out.mp4"] {
            let again = try host.run(try await guestBytes("Transcode"), arguments: [input, path], grants: host.allGrants, engine: try engine(engineName))
            #expect(again != .success, "\(path)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
    }

    @Test(arguments: testedEngines)
    func anUngrantedInterfaceFailsInstantiationNamingIt(engineName: String) async throws {
        let host = MediaAppHost()
        let guestEngine = try engine(engineName)
        do {
            _ = try host.run(try await guestBytes("Transcode"), arguments: [], grants: ["container"], engine: guestEngine)
            Issue.record("instantiation should fail")
        } catch let error as WasmError {
            guard case .link(let problems) = error else {
                Issue.record("expected a link error, got \(error)")
                return
            }
            let ungranted = problems.compactMap { problem -> ImportName? in
                if case .ungrantedImport(let name, let grant) = problem, grant == "codec" { return name }
                return nil
            }
            #expect(ungranted.contains(ImportName(module: "wasi:media/codec@0.1.0-draft", field: "[constructor]video-encoder")))
            #expect(problems.count == ungranted.count, "only codec imports are ungranted: \(problems)")
            #expect(error.description.contains("was not granted `codec`"))
        }
    }

    // MARK: - Coverage

    /// Every function of every interface the media-app world imports has a
    /// host import with the guest SDK's core signature, and the SDK
    /// (ImportCoverage links every declaration) imports exactly the contract.
    @Test(arguments: testedEngines)
    func hostAndGuestSDKCoverEveryImportOfTheContract(engineName: String) async throws {
        let world = try #require(WITContract.world(named: "media-app"))
        var contract: Set<ImportName> = []
        for name in world.imports {
            let interface = try #require(WITContract.interface(named: name))
            for field in interface.coreImportFields { contract.insert(ImportName(module: interface.qualifiedName, field: field)) }
        }
        let module = try engine(engineName).compile(try await guestBytes("ImportCoverage"))
        let guestImports = Dictionary(uniqueKeysWithValues: module.imports.map { ($0.name, $0.signature) })
        #expect(Set(guestImports.keys) == contract)

        let host = MediaAppHost().imports
        for name in contract.sorted() {
            let function = host.function(name)
            #expect(function != nil, "the host does not implement \(name)")
            if let function, let guest = guestImports[name] {
                #expect(function.signature == guest, "\(name): host \(function.signature), guest SDK \(String(describing: guest))")
            }
        }
        let offered = Set(host.modules.values.flatMap { module in module.functions.keys.map { ImportName(module: module.name, field: $0) } })
        #expect(offered.subtracting(contract).isEmpty, "imports outside the contract: \(offered.subtracting(contract))")
    }
}
