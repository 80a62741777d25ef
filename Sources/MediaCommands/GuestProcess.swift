import Foundation

/// Runs a tool for `guest build` and `guest new` and waits for it to end
/// (no time limit: a first build of a package takes as long as it takes).
enum GuestProcess {
    struct Outcome {
        var status: Int32
        /// Standard output, when captured.
        var output: String
        /// Standard error, when output was captured (else it went to ours).
        var errors: String
    }

    /// Runs `tool` with `arguments`. With `captureOutput`, stdout and stderr
    /// are collected (stderr through a file, so neither pipe can fill up
    /// while the other is read); without, both go where ours go.
    static func run(_ tool: String, _ arguments: [String], captureOutput: Bool = false) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        guard captureOutput else {
            try process.run()
            process.waitUntilExit()
            return Outcome(status: process.terminationStatus, output: "", errors: "")
        }
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("wasi-media-\(getpid())-\(UUID().uuidString).stderr")
        guard FileManager.default.createFile(atPath: errorFile.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: errorFile.path])
        }
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let errors = try FileHandle(forWritingTo: errorFile)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = errors
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? errors.close()
        let errorText = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        return Outcome(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self), errors: errorText)
    }
}
