import Foundation

/// A one-line progress bar on standard error, drawn only when stderr is a
/// terminal and at most ten times a second. Thread-safe.
final class ProgressBar: @unchecked Sendable {
    let enabled: Bool
    private let lock = NSLock()
    private var lastDraw = Date.distantPast
    private let start = Date()

    init(enabled: Bool = isatty(2) != 0) { self.enabled = enabled }

    /// `frames` nil when unknown (a pipeline reports only its position).
    func update(positionUs: Int64, durationUs: Int64?, frames: Int?) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start)
        var line = "\r"
        if let d = durationUs, d > 0 {
            let fraction = min(1, max(0, Double(positionUs) / Double(d)))
            let width = 30
            let filled = Int(fraction * Double(width))
            line += "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
            line += String(format: " %3.0f%%", fraction * 100)
        }
        line += String(format: " %.1f s ", Double(positionUs) / 1_000_000)
        if let frames {
            line += String(format: " %d frames  %.0f fps ", frames, elapsed > 0 ? Double(frames) / elapsed : 0)
        }
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
