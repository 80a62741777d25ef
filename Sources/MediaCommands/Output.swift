import Foundation
import MediaCore

/// Writes to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// JSON for machine consumers: sorted keys, pretty-printed, one document on stdout.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(value)
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
}

/// Seconds with millisecond precision, for people.
func formatSeconds(_ us: Int64?) -> String {
    guard let us else { return "?" }
    return String(format: "%.3f s", Double(us) / 1_000_000)
}
