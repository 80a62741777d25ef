import Foundation
@testable import MediaCommands
import MediaCore
import MediaFFmpeg
import MediaTestSupport
import MediaTestWatchdog
import Testing

/// The Swift of docs/guests.md, compiled and run as a reader would.
///
/// Every block marked `<!-- guest: WORLD NAME -->` replaces the source of a
/// package made by `guest new` and is built with `guest build`; each guest
/// is then called (or run) once and its output checked. For the tutorial's
/// Invert, the page's manifest is the package's, and its `test.sh` lines
/// are the package's test. Blocks marked `<!-- fragment -->` are excerpts
/// and are not compiled; every Swift block carries one mark or the other.
///
/// Serialized, and building in GuestSDKTests' shared SwiftPM folder
/// (``SDKWorkspace/sharedBuild``), so the SDK compiles once per test
/// process. The packages are named `Doc<NAME>`, so their products never
/// meet GuestSDKTests' own (`Invert` among them) in that folder.
@Suite(.serialized, .watchdog) struct GuestDocsTests {
    /// The guests this suite runs after building them; renaming one on the
    /// page without changing the suite fails ``thePageMarksEverySwiftBlock``.
    static let checkedGuests = ["Invert", "Volume", "Scramble", "Tracks"]

    @Test func thePageMarksEverySwiftBlock() throws {
        let blocks = try GuestsPage.blocks()
        for block in blocks where block.language == "swift" && block.mark == .none {
            Issue.record("docs/guests.md:\(block.line): a Swift block without <!-- guest: WORLD NAME --> or <!-- fragment -->")
        }
        for block in blocks {
            if case .malformed(let text) = block.mark {
                Issue.record("docs/guests.md:\(block.line): a mark this suite does not know: \(text)")
            }
            if block.mark == .fragment, block.text.contains("@_cdecl(\"wasi_media_") {
                Issue.record("docs/guests.md:\(block.line): a whole guest marked as a fragment is never compiled; mark it as a guest")
            }
        }
        let guests = blocks.compactMap(\.guest)
        #expect(Set(guests.map(\.world)) == Set(GuestsPage.worlds), "a guest of every world: \(guests)")
        #expect(Set(guests.map(\.name)).count == guests.count, "guest names repeat: \(guests)")
        for name in Self.checkedGuests {
            #expect(guests.contains { $0.name == name }, "docs/guests.md has no guest named \(name), which this suite checks")
        }
        #expect(blocks.contains { $0.mark == .manifest("Invert") } && blocks.contains { $0.mark == .testScript("Invert") })
    }

    /// The manifest the tutorial shows is the one `guest new` writes, but
    /// for the SDK's path.
    @Test func thePageShowsTheManifestGuestNewWrites() throws {
        let page = try #require(try GuestsPage.blocks().first { $0.mark == .manifest("Invert") }).text
        let dir = SDKWorkspace.root + "/page-manifest"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let made = try SDKWorkspace.run(CLI.executable, ["guest", "new", "Invert", "--world", "video-filter", "--dir", dir])
        try #require(made.status == 0, "\(made.stderr)")
        let written = try String(contentsOfFile: dir + "/Invert/Package.swift", encoding: .utf8)
        #expect(GuestsPage.withoutSDKPath(page) + "\n" == GuestsPage.withoutSDKPath(written))
    }

    @Test(arguments: GuestsPage.guestBlocks)
    func everyGuestOnThePageBuildsAndDoesWhatThePageSays(_ block: DocBlock) throws {
        let guest = try #require(block.guest)
        let package = try build(block)
        switch guest.name {
        case "Invert": try checkInvert(package)
        case "Volume": try checkVolume(package)
        case "Scramble": try checkScramble(package)
        case "Tracks": try checkTracks(package)
        default: break
        }
    }

    /// What keeps the suite honest: a marked block that no longer compiles
    /// fails its build, and so its test.
    @Test func aBlockThatNoLongerCompilesFailsItsBuild() throws {
        let invert = try #require(GuestsPage.guestBlocks.first { $0.guest?.name == "Invert" })
        let package = try SDKWorkspace.newPackage("DocBroken", world: "video-filter", sharingBuild: true)
        try SDKWorkspace.write(package + "/Sources/DocBroken/DocBroken.swift", invert.text + "\nlet broken: Int = \"not a number\"\n")
        let result = try SDKWorkspace.run(CLI.executable, ["guest", "build", ".", "-o", ".build/DocBroken.wasm"], in: package)
        #expect(result.status != 0)
        #expect((result.stdout + result.stderr).contains("DocBroken.swift"), "\(result.stdout)\n\(result.stderr)")
    }

    // MARK: - Building

    /// `guest new Doc<NAME>`, the block as its source (and, where the page
    /// has one, its manifest), built with `guest build`. Returns the package.
    func build(_ block: DocBlock) throws -> String {
        let guest = try #require(block.guest)
        let name = "Doc" + guest.name
        let package = try SDKWorkspace.newPackage(name, world: guest.world, sharingBuild: true)
        try SDKWorkspace.write(package + "/Sources/\(name)/\(name).swift", block.text)
        if let manifest = try GuestsPage.blocks().first(where: { $0.mark == .manifest(guest.name) }) {
            try SDKWorkspace.write(package + "/Package.swift", GuestsPage.renamed(manifest.text, guest.name, to: name)
                .replacingOccurrences(of: GuestsPage.sdkPlaceholder, with: SDKWorkspace.sdk))
        }
        let built = try SDKWorkspace.run(CLI.executable, ["guest", "build", ".", "-o", ".build/\(name).wasm"], in: package)
        try #require(built.status == 0, "docs/guests.md:\(block.line): \(guest.name) does not build:\n\(built.stdout)\n\(built.stderr)")
        try SDKWorkspace.expectLoadable(package + "/.build/\(name).wasm", world: guest.world)
        return package
    }

    // MARK: - What each guest does

    /// Strength 1 inverts red, green and blue and keeps alpha; 0 leaves the
    /// picture as it was; 0.5 makes every colour 128. Then the tutorial's
    /// steps: its output becomes `testdata/expected.png`, and `test.sh`,
    /// ending with the page's lines, passes.
    func checkInvert(_ package: String) throws {
        let frame = try TestPattern.videoFrame(index: 3, width: 64, height: 48, format: .rgba8888)
        try StillImage.writePNG(frame, to: package + "/picture.png")
        let input = frame.buffer.bytes
        func call(_ strength: String) throws -> [UInt8] {
            let out = package + "/strength-\(strength).png"
            let result = try SDKWorkspace.run(CLI.executable, ["guest", "call", ".build/DocInvert.wasm", "--props", "strength=" + strength,
                                                               "--in", "picture.png", "--out", out], in: package)
            try #require(result.status == 0, "\(result.stderr)")
            return try StillImage.read(out).buffer.bytes
        }
        let inverted = try call("1")
        #expect(inverted.count == input.count)
        let expected = input.enumerated().map { $0.offset % 4 == 3 ? $0.element : 255 - $0.element }
        #expect(inverted == expected, "strength=1 is not the inverse")
        #expect(try call("0") == input, "strength=0 changed the picture")
        let half = try call("0.5")
        #expect(half.enumerated().allSatisfy { $0.offset % 4 == 3 ? $0.element == input[$0.offset] : $0.element == 128 })

        let script = try #require(try GuestsPage.blocks().first { $0.mark == .testScript("Invert") }).text
        let testPath = package + "/test.sh"
        let test = try String(contentsOfFile: testPath, encoding: .utf8)
        let firstCall = try #require(test.range(of: "\"$wasi_media\" guest call"), "test.sh no longer calls the guest:\n\(test)")
        try (String(test[..<firstCall.lowerBound]) + GuestsPage.renamed(script, "Invert", to: "DocInvert") + "\n")
            .write(toFile: testPath, atomically: true, encoding: .utf8)
        let expectedOutput = try SDKWorkspace.run(CLI.executable, ["guest", "call", ".build/DocInvert.wasm", "--in", "testdata/input.png",
                                                                   "--out", "testdata/expected.png"], in: package)
        #expect(expectedOutput.status == 0, "\(expectedOutput.stderr)")
        let passed = try SDKWorkspace.run("/bin/bash", ["test.sh"], in: package)
        #expect(passed.status == 0 && passed.stdout.contains("test.sh: DocInvert passed"), "\(passed.stdout)\n\(passed.stderr)")
    }

    /// gain=0.5 halves every sample of the package's `testdata/input.wav`
    /// (16-bit), rounding as the guest's fixed point does; gain=4 clamps.
    func checkVolume(_ package: String) throws {
        let input = try samples(WaveFile.read(package + "/testdata/input.wav"))
        for (gain, factor) in [("0.5", 128), ("4", 1024)] {
            let out = package + "/gain-\(gain).wav"
            let result = try SDKWorkspace.run(CLI.executable, ["guest", "call", ".build/DocVolume.wasm", "--props", "gain=" + gain,
                                                               "--in", "testdata/input.wav", "--out", out], in: package)
            try #require(result.status == 0, "\(result.stderr)")
            let output = try samples(WaveFile.read(out))
            #expect(output == input.map { Int16(min(max((Int($0) * factor + 128) >> 8, -32768), 32767)) }, "gain=\(gain)")
        }
    }

    func samples(_ audio: AudioData) throws -> [Int16] {
        try #require(audio.format == .s16Interleaved)
        return audio.buffer.bytes.withUnsafeBytes { raw in
            (0..<raw.count / 2).map { raw.loadUnaligned(fromByteOffset: $0 * 2, as: Int16.self) }
        }
    }

    /// key=7 XORs every byte with 7; the same call again gives the payload back.
    func checkScramble(_ package: String) throws {
        try Data([0, 1, 2, 250]).write(to: URL(fileURLWithPath: package + "/payload.bin"))
        let once = try SDKWorkspace.run(CLI.executable, ["guest", "call", ".build/DocScramble.wasm", "--props", "key=7",
                                                         "--in", "payload.bin", "--out", "scrambled.bin"], in: package)
        #expect(once.status == 0, "\(once.stderr)")
        #expect(FileManager.default.contents(atPath: package + "/scrambled.bin") == Data([7, 6, 5, 253]))
        let twice = try SDKWorkspace.run(CLI.executable, ["guest", "call", ".build/DocScramble.wasm", "--props", "key=7",
                                                          "--in", "scrambled.bin", "--expect", "payload.bin"], in: package)
        #expect(twice.status == 0 && twice.stderr.contains("output matches"), "\(twice.stderr)")
    }

    /// Lists both tracks of an H.264/AAC clip in a granted directory;
    /// refuses the clip without the grant, and wants an argument.
    func checkTracks(_ package: String) throws {
        let dir = package + "/media"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let clip = try CLI.clip(in: dir)
        let listed = try SDKWorkspace.run(CLI.executable, ["guest", "run", ".build/DocTracks.wasm", "--dir-ro", dir, "--", clip], in: package)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stderr.contains(": video avc1") && listed.stderr.contains(": audio mp4a") && listed.stderr.contains(" chunks"),
                "\(listed.stderr)")
        let refused = try SDKWorkspace.run(CLI.executable, ["guest", "run", ".build/DocTracks.wasm", "--", clip], in: package)
        #expect(refused.status == 1 && refused.stderr.contains("access denied"), "\(refused.stderr)")
        let usage = try SDKWorkspace.run(CLI.executable, ["guest", "run", ".build/DocTracks.wasm"], in: package)
        #expect(usage.status == 1 && usage.stderr.contains("usage: Tracks FILE"), "\(usage.stderr)")
    }
}

// MARK: - The page

/// One fenced block of docs/guests.md and the mark on the line before its
/// opening fence.
struct DocBlock: Sendable, CustomTestStringConvertible {
    enum Mark: Sendable, Equatable {
        /// `<!-- guest: WORLD NAME -->`: a whole guest, compiled.
        case guest(world: String, name: String)
        /// `<!-- manifest: NAME -->`: the whole `Package.swift` of guest NAME.
        case manifest(String)
        /// `<!-- test.sh: NAME -->`: the lines that end guest NAME's `test.sh`.
        case testScript(String)
        /// `<!-- fragment -->`: an excerpt, not compiled.
        case fragment
        /// A `<!-- … -->` of another shape.
        case malformed(String)
        case none
    }

    var mark: Mark
    /// The fence's info string: `swift`, `sh`, or empty.
    var language: String
    /// The lines between the fences, without the fence's indentation.
    var text: String
    /// The opening fence's line, from 1.
    var line: Int

    var guest: (world: String, name: String)? {
        if case .guest(let world, let name) = mark { (world, name) } else { nil }
    }

    var testDescription: String { guest.map { "\($0.name) (\($0.world), line \(line))" } ?? "line \(line)" }
}

enum GuestsPage {
    /// The worlds a guest can export, as `guest new --world` names them.
    static let worlds = SDKWorld.allCases.map(\.rawValue)

    /// Where the tutorial's manifest has the SDK's path.
    static let sdkPlaceholder = "/path/to/wasi-media/Guests"

    static var path: String { BuiltGuests.repositoryRoot.appendingPathComponent("docs/guests.md").path }

    static func blocks() throws -> [DocBlock] {
        parse(try String(contentsOfFile: path, encoding: .utf8))
    }

    /// The marked guests, for a parameterized test; empty when the page is
    /// missing (``GuestDocsTests/thePageMarksEverySwiftBlock`` fails then).
    static var guestBlocks: [DocBlock] {
        ((try? blocks()) ?? []).filter { $0.guest != nil }
    }

    static func parse(_ page: String) -> [DocBlock] {
        let lines = page.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var blocks: [DocBlock] = []
        var index = 0
        while index < lines.count {
            let fence = lines[index]
            let trimmed = fence.drop { $0 == " " }
            guard trimmed.hasPrefix("```") else { index += 1; continue }
            let indent = fence.count - trimmed.count
            let mark = index > 0 ? self.mark(lines[index - 1]) : .none
            var body: [String] = []
            index += 1
            while index < lines.count, lines[index].trimmingCharacters(in: .whitespaces) != "```" {
                body.append(String(lines[index].dropFirst(min(indent, lines[index].prefix { $0 == " " }.count))))
                index += 1
            }
            blocks.append(DocBlock(mark: mark, language: String(trimmed.dropFirst(3)).trimmingCharacters(in: .whitespaces),
                                   text: body.joined(separator: "\n"), line: index - body.count))
            index += 1
        }
        return blocks
    }

    static func mark(_ line: String) -> DocBlock.Mark {
        let text = line.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("<!--"), text.hasSuffix("-->") else { return .none }
        let words = text.dropFirst(4).dropLast(3).split(separator: " ").map(String.init)
        switch (words.first, words.count) {
        case ("guest:", 3) where GuestsPage.worlds.contains(words[1]): return .guest(world: words[1], name: words[2])
        case ("manifest:", 2): return .manifest(words[1])
        case ("test.sh:", 2): return .testScript(words[1])
        case ("fragment", 1): return .fragment
        default: return .malformed(text)
        }
    }

    /// `text` with the quoted name and the module path of guest `name`
    /// (`"Invert"`, `.build/Invert.wasm`, `Invert passed`) made `newName`.
    static func renamed(_ text: String, _ name: String, to newName: String) -> String {
        text.replacingOccurrences(of: "\"\(name)\"", with: "\"\(newName)\"")
            .replacingOccurrences(of: "\(name).wasm", with: "\(newName).wasm")
            .replacingOccurrences(of: "\(name) passed", with: "\(newName) passed")
    }

    /// A manifest with its `.package(path: "…")` made the same whatever the path.
    static func withoutSDKPath(_ manifest: String) -> String {
        manifest.replacingOccurrences(of: #"\.package\(path: "[^"]*"\)"#, with: ".package(path: SDK)", options: .regularExpression)
    }
}
