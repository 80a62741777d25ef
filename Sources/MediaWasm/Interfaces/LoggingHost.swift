public import MediaPipeline
import Foundation

/// The host side of `wasi:logging/logging@0.1.0-draft`: `log(level,
/// context, message)`, which every world may import without a grant.
///
/// Each line goes to the instance's ``GuestLog``: below its
/// ``GuestLog/minimumLevel`` it is dropped before the host reads a byte of
/// it; past the rate limit it is counted and dropped; otherwise it is
/// handed to ``GuestLog/handler`` (the `wasm` element posts it on the bus;
/// without a handler it goes to stderr). A `critical` line is also kept
/// as the call's last words, which the trap report of a trap later in the
/// same call shows (``TrapReport/guestMessage``).
///
/// A level outside the enum, or a context or message outside guest memory
/// or not UTF-8, traps the guest as any bad argument does.
public enum LoggingHost {
    /// The import module name.
    public static let moduleName = "wasi:logging/logging@0.1.0-draft"

    /// The longest message and context kept, in bytes; the rest is cut,
    /// with `…` appended.
    public static let maxMessageBytes = 4096
    public static let maxContextBytes = 256

    /// The context of a `critical` line that a guest logs right before it
    /// traps: kept for the trap report only (``TrapReport/guestMessage``).
    public static let trapContext = "trap"

    public static func module() -> HostModule {
        var module = HostModule(moduleName, alwaysGranted: true)
        module.define("log", WasmSignature([.i32, .i32, .i32, .i32, .i32])) { call in
            let raw = call.u32(0)
            guard raw < UInt32(ElementLog.Level.allCases.count) else {
                throw GuestFault.invalidValue("level \(raw) does not exist (6 levels: trace, debug, info, warn, error, critical)")
            }
            let level = ElementLog.Level.allCases[Int(raw)]
            let log = call.state.log
            // Below the level, or past the rate limit: dropped before a byte is read.
            guard let dropped = log.admit(level) else { return }
            let memory = try call.memory()
            let context = try text(memory, pointer: call.u32(1), count: call.u32(2), limit: maxContextBytes)
            let message = try text(memory, pointer: call.u32(3), count: call.u32(4), limit: maxMessageBytes)
            log.record(ElementLog(level, context: context, message), afterDropping: dropped)
        }
        return module
    }

    /// The string at `pointer`, checked whole (bounds, UTF-8) and cut to `limit` bytes.
    private static func text(_ memory: GuestMemory, pointer: UInt32, count: UInt32, limit: Int) throws(GuestFault) -> String {
        let whole = try memory.readString(at: pointer, byteCount: count)
        guard whole.utf8.count > limit else { return whole }
        var cut = whole.utf8.prefix(limit)
        while let last = cut.last, last & 0xC0 == 0x80 { cut = cut.dropLast() }   // not inside a character
        if let last = cut.last, last >= 0xC0 { cut = cut.dropLast() }
        return String(decoding: cut, as: UTF8.self) + "…"
    }
}

/// What one guest instance has logged, and where its lines go (see
/// ``LoggingHost``). Reached as ``InstanceState/log``; confined to the
/// instance's thread like the rest of its state.
public final class GuestLog {
    /// Receives each line that passes the level and the rate limit, on the
    /// thread that runs the guest, while the guest waits. Nil: stderr.
    public var handler: (@Sendable (ElementLog) -> Void)?
    /// Lines below this level are dropped unread. Default `info`.
    public var minimumLevel: ElementLog.Level = .info
    /// Names the guest in the lines written to stderr.
    public var origin = "guest"
    /// The rate limit: `burst` lines at once, then `perSecond`.
    public var limiter = LogRateLimiter()

    /// The last `critical` line of the call in progress, if any.
    public private(set) var lastWords: ElementLog?

    public init() {}

    /// Whether a line at `level` is to be read: nil drops it unread (below
    /// the level, or past the rate limit, which counts it); else how many
    /// lines the rate limit dropped before it. A `critical` line is always
    /// read, for the trap report, and counts against the limit like any other.
    func admit(_ level: ElementLog.Level) -> Int? {
        guard level >= minimumLevel else { return nil }
        switch limiter.take() {
        case .pass(let dropped): return dropped
        case .drop: return level == .critical ? -1 : nil
        }
    }

    /// A new outermost call begins: the last call's last words are forgotten.
    func beginCall() { lastWords = nil }

    /// Takes one line ``admit(_:)`` let through, `dropped` lines after the
    /// last one passed on (-1: a `critical` line past the rate limit, kept
    /// for the trap report only). A `critical` line is kept as last words;
    /// one with context `trap` is shown with the trap, not logged as well.
    /// The first line after drops is preceded by a `warn` saying how many went.
    func record(_ entry: ElementLog, afterDropping dropped: Int) {
        if entry.level == .critical {
            lastWords = entry
            if entry.context == LoggingHost.trapContext || dropped < 0 { return }
        }
        if dropped > 0 { deliver(dropNotice(dropped)) }
        deliver(entry)
    }

    /// Says how many lines the rate limit dropped since it last said so, at
    /// the end of a call: at most once a second, unless `now` (the end of
    /// the stream), so that a guest that floods its log to the end is told
    /// without the notices becoming a flood of their own.
    public func reportDrops(now: Bool = false) {
        guard limiter.dropped > 0 else { return }
        let time = limiter.now()
        if !now, let last = lastNotice, time - last < 1 { return }
        lastNotice = time
        deliver(dropNotice(limiter.takeDropped()))
    }

    private var lastNotice: Double?

    private func dropNotice(_ dropped: Int) -> ElementLog {
        ElementLog(.warn, context: "wasi-media",
                   "\(dropped) log line\(dropped == 1 ? "" : "s") dropped: more than \(limiter.burst) at once or \(limiter.perSecond) a second")
    }

    private func deliver(_ entry: ElementLog) {
        if let handler {
            handler(entry)
        } else {
            FileHandle.standardError.write(Data("\(origin): \(entry)\n".utf8))
        }
    }
}

/// A token bucket: `burst` lines may pass at once, refilled at `perSecond`.
/// Reads the clock only when the bucket is empty, so a guest under the
/// limit pays nothing for it. The clock can be replaced (tests).
public struct LogRateLimiter {
    public var burst: Int
    public var perSecond: Int
    /// Seconds since some fixed point.
    public var now: () -> Double

    private var tokens: Double
    private var refilledAt: Double?
    /// Lines dropped since a line was last let through (or the count taken).
    public private(set) var dropped = 0

    /// The count of dropped lines, which starts again from zero.
    public mutating func takeDropped() -> Int {
        defer { dropped = 0 }
        return dropped
    }

    public enum Verdict: Equatable {
        /// Let the line through; `dropped` lines were dropped since the last one let through.
        case pass(dropped: Int)
        case drop
    }

    public init(burst: Int = 200, perSecond: Int = 100, now: (() -> Double)? = nil) {
        self.burst = burst
        self.perSecond = perSecond
        self.now = now ?? LogRateLimiter.monotonicSeconds
        self.tokens = Double(burst)
    }

    /// The OS monotonic clock (the pipeline's own real-time source), in seconds.
    static func monotonicSeconds() -> Double { Double(monotonic.nowUs) / 1e6 }
    private static let monotonic = SystemMonotonicTimeSource()

    public mutating func take() -> Verdict {
        if tokens < 1 {
            let time = now()
            if let refilledAt {
                tokens = min(Double(burst), tokens + (time - refilledAt) * Double(perSecond))
            }
            refilledAt = time
            guard tokens >= 1 else {
                dropped += 1
                return .drop
            }
        }
        tokens -= 1
        defer { dropped = 0 }
        return .pass(dropped: dropped)
    }
}
