public import Foundation
import Synchronization

/// The guests of `Guests/` for every test target, built once per test
/// process with `scripts/build-guests.sh` (incremental: SwiftPM rebuilds
/// only what changed; `scripts/test.sh` builds them before the tests start).
///
/// The build runs on a thread of its own and callers `await` it: nothing
/// blocks a thread of Swift's cooperative pool meanwhile. (It used to be a
/// lazily initialized global run on the first caller's pool thread, with
/// every other caller blocked in `swift_once` on another: with two cores,
/// both pool threads were held for the whole build — minutes on a fresh
/// clone — and every test of the process stood still, time limits included.)
public enum BuiltGuests {
    /// The repository root (three levels above this file).
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Where the modules land: `.build/test-guests/` of the repository.
    public static var directory: URL { repositoryRoot.appendingPathComponent(".build/test-guests") }

    private static let build = GuestBuild(script: repositoryRoot.appendingPathComponent("scripts/build-guests.sh").path,
                                          output: directory.path)

    public struct BuildFailure: Error, CustomStringConvertible {
        public var log: String
        public var description: String { "scripts/build-guests.sh failed:\n\(log)" }
    }

    /// The path of `<name>.wasm` (`Transcode`, `ImportCoverage`), built first if needed.
    public static func path(_ name: String) async throws -> String {
        try await build.finished().get()
        return directory.appendingPathComponent(name + ".wasm").path
    }

    /// The bytes of `<name>.wasm`.
    public static func bytes(_ name: String) async throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: try await path(name))))
    }
}

/// One run of the guest build, started by the first caller on a thread of
/// its own; every caller suspends until it ends. Thread-safe.
final class GuestBuild: Sendable {
    typealias Outcome = Result<Void, BuiltGuests.BuildFailure>

    private enum Phase {
        case notStarted
        case running(waiters: [CheckedContinuation<Outcome, Never>])
        case finished(Outcome)
    }

    private let script: String
    private let output: String
    private let phase = Mutex(Phase.notStarted)

    init(script: String, output: String) {
        self.script = script
        self.output = output
    }

    func finished() async -> Outcome {
        await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            enum Step { case resume(Outcome), start, wait }
            let step = phase.withLock { phase -> Step in
                switch phase {
                case .finished(let outcome): return .resume(outcome)
                case .notStarted: phase = .running(waiters: [continuation]); return .start
                case .running(let waiters): phase = .running(waiters: waiters + [continuation]); return .wait
                }
            }
            switch step {
            case .resume(let outcome): continuation.resume(returning: outcome)
            case .start: Thread { self.run() }.start()
            case .wait: break
            }
        }
    }

    private func run() {
        let outcome = Self.runScript(script, output)
        let waiters = phase.withLock { phase -> [CheckedContinuation<Outcome, Never>] in
            defer { phase = .finished(outcome) }
            if case .running(let waiters) = phase { return waiters }
            return []
        }
        waiters.forEach { $0.resume(returning: outcome) }
    }

    private static func runScript(_ script: String, _ output: String) -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script, output]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return .failure(.init(log: "cannot start build-guests.sh: \(error)")) }
        let log = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return .failure(.init(log: String(decoding: log, as: UTF8.self))) }
        return .success(())
    }
}
