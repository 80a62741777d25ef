public import Foundation

/// The guests of `Guests/` for every test target, built once per test
/// process with `scripts/build-guests.sh` (incremental: SwiftPM rebuilds
/// only what changed).
public enum BuiltGuests {
    /// The repository root (three levels above this file).
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Where the modules land: `.build/test-guests/` of the repository.
    public static var directory: URL { repositoryRoot.appendingPathComponent(".build/test-guests") }

    private static let built: Result<Void, BuildFailure> = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [repositoryRoot.appendingPathComponent("scripts/build-guests.sh").path, directory.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do { try process.run() } catch { return .failure(BuildFailure(log: "cannot start build-guests.sh: \(error)")) }
        let log = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            return .failure(BuildFailure(log: String(decoding: log, as: UTF8.self)))
        }
        return .success(())
    }()

    public struct BuildFailure: Error, CustomStringConvertible {
        public var log: String
        public var description: String { "scripts/build-guests.sh failed:\n\(log)" }
    }

    /// The path of `<name>.wasm` (`Transcode`, `ImportCoverage`), built first if needed.
    public static func path(_ name: String) throws -> String {
        try built.get()
        return directory.appendingPathComponent(name + ".wasm").path
    }

    /// The bytes of `<name>.wasm`.
    public static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: try path(name))))
    }
}
