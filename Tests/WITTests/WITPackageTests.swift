import Foundation
import MediaTestSupport
import Testing
import MediaTestWatchdog

/// `wit/` at the root of the repository.
private let witDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("wit").path

/// A scratch copy of `wit/` with `edit` applied to one file, checked and removed.
private func checkEditedCopy(file: String, _ edit: (String) -> String) throws -> [String] {
    let copy = FileManager.default.temporaryDirectory
        .appendingPathComponent("wit-\(UUID().uuidString)")
    try FileManager.default.copyItem(atPath: witDirectory, toPath: copy.path)
    defer { try? FileManager.default.removeItem(at: copy) }
    let path = copy.appendingPathComponent(file).path
    let original = try String(contentsOfFile: path, encoding: .utf8)
    let edited = edit(original)
    #expect(edited != original, "the edit of \(file) changed nothing")
    try edited.write(toFile: path, atomically: true, encoding: .utf8)
    return WITPackageCheck(directory: copy.path).problems
}

@Suite("wasi:media WIT package", .watchdog)
struct WITPackageTests {
    @Test func packageParsesValidatesAndMatchesTheContract() {
        let check = WITPackageCheck(directory: witDirectory)
        #expect(check.problems.isEmpty, Comment(rawValue: "\n" + check.problems.joined(separator: "\n")))
        #expect(check.interfaces.count == WITContract.ownInterfaces.count)
        #expect(check.worlds.count == WITContract.worlds.count)
    }

    @Test func contractNamesFollowTheCoreModuleConvention() throws {
        let types = try #require(WITContract.interface(named: "types"))
        #expect(types.qualifiedName == "wasi:media/types@0.1.0-draft")
        #expect(types.coreImportFields == [
            "[constructor]media-buffer", "[method]media-buffer.size", "[method]media-buffer.read",
            "[method]media-buffer.write", "[method]media-buffer.duplicate", "[resource-drop]media-buffer",
        ])
        let processor = try #require(WITContract.interface(named: "video-processor"))
        #expect(processor.coreExportNames.contains("wasi:media/video-processor@0.1.0-draft#process"))
        let demuxer = try #require(WITContract.interface(named: "container")?.resources.first { $0.name == "demuxer" })
        #expect(demuxer.coreImportFields.contains("[static]demuxer.open"))
        // Every world names only interfaces of the table.
        for world in WITContract.worlds {
            for name in world.imports + world.exports {
                #expect(WITContract.interface(named: name) != nil, "\(world.name) uses unknown interface \(name)")
            }
        }
    }

    // MARK: - The check catches what it must

    @Test func reportsARenamedExport() throws {
        let problems = try checkEditedCopy(file: "video-processor.wit") {
            $0.replacingOccurrences(of: "process: func(", with: "filter-frame: func(")
        }
        #expect(problems.contains("interface video-processor: functions: missing process"))
        #expect(problems.contains("interface video-processor: functions: not in WITContract: filter-frame"))
    }

    @Test func reportsARenamedResourceMethod() throws {
        let problems = try checkEditedCopy(file: "types.wit") {
            $0.replacingOccurrences(of: "read: func(offset", with: "read-bytes: func(offset")
        }
        #expect(problems.contains("interface types: resource media-buffer: methods: missing read"))
    }

    @Test func reportsAKeywordUsedAsAFieldName() throws {
        let problems = try checkEditedCopy(file: "capture.wit") {
            $0.replacingOccurrences(of: "%type: device-type", with: "type: device-type")
        }
        #expect(problems.contains { $0.hasPrefix("capture.wit: does not parse") }, "\(problems)")
    }

    @Test func reportsAnUnknownTypeInAFreeFunction() throws {
        let problems = try checkEditedCopy(file: "codec.wit") {
            $0.replacingOccurrences(of: "-> encoder-support-result;", with: "-> encoder-support;")
        }
        #expect(problems.contains { $0.contains("codec.wit") && $0.contains("Cannot find type 'encoder-support'") },
                "\(problems)")
    }

    @Test func reportsAnUnknownTypeInAResourceMethod() throws {
        // WasmKit does not look inside resources; the check does.
        let problems = try checkEditedCopy(file: "container.wit") {
            $0.replacingOccurrences(of: "add-track: func(info: track-info)", with: "add-track: func(info: track-infos)")
        }
        #expect(problems.contains("container: method muxer.add-track: cannot find type 'track-infos'"), "\(problems)")
    }

    @Test func reportsAMissingWorldImport() throws {
        let problems = try checkEditedCopy(file: "worlds.wit") {
            $0.replacingOccurrences(of: "    import clock;\n", with: "")
        }
        #expect(problems.contains("world media-app: imports: missing clock"))
    }

    @Test func reportsASecondPackageName() throws {
        let problems = try checkEditedCopy(file: "clocks.wit") {
            $0.replacingOccurrences(of: "package wasi:media@0.1.0-draft;", with: "package wasi:clocks@0.1.0-draft;")
        }
        #expect(!problems.isEmpty)
    }
}
