internal import Foundation

/// What one guest instance may consume. Every engine enforces all of them.
///
/// Set per instance at instantiation; an engine's ``WasmEngine/limits`` are
/// the defaults it instantiates with.
public struct WasmLimits: Sendable, Hashable {
    /// Fuel for each call from the host into the guest; nil is unlimited.
    /// (Default: ``defaultFuelPerCall``.)
    ///
    /// One unit of fuel is roughly one executed WebAssembly instruction (bulk
    /// memory operations cost one more per 64 bytes they move). The budget is
    /// refilled at the start of every outermost call; guest code the host
    /// calls back while serving an import (`cabi_realloc`) draws on the same
    /// budget. A call that runs out traps with ``TrapReason/outOfFuel(budget:)``.
    public var fuelPerCall: UInt64?

    /// The most linear memory the guest may have, in bytes. (Default: ``defaultMemoryCap``.)
    ///
    /// A `memory.grow` past it fails the way the specification allows, by
    /// returning -1 to the guest; a trap that follows is reported with
    /// ``TrapReport/refusedGrowth``. A module whose initial memory is larger
    /// fails to instantiate.
    public var memoryCap: Int

    /// The most elements a table may have. (Default: ``defaultTableElementCap``.)
    public var tableElementCap: Int

    /// How deeply the host may call back into a guest that is itself waiting
    /// on a host import (an import lowering a result with `cabi_realloc` is
    /// depth 1). (Default: ``defaultMaxNestedCalls``.)
    public var maxNestedCalls: Int

    /// The most host memory the host may hold on this instance's behalf, in
    /// bytes: media buffers the guest made, codec and container sessions,
    /// queued chunks, frames and audio, output waiting to be collected.
    /// (Default: ``defaultHostMemory``.)
    ///
    /// Every import that would make the host hold more checks first and
    /// answers `media-error` (or traps, where the import cannot return an
    /// error) instead of growing. See docs/security.md for what is charged.
    public var hostMemory: Int

    /// The longest one outermost call into the guest may take, wall-clock
    /// time spent in host imports included; nil is unlimited.
    /// (Default: ``defaultTimeLimit``.)
    ///
    /// A call past it traps with ``TrapReason/timeLimit(_:)``. On
    /// Wasmtime the guest's own code is interrupted (epoch interruption);
    /// on both engines every host import checks it on entry, and waits
    /// (`clock.wait-until`) wake at it.
    public var timeLimit: Duration?

    /// 2,000,000,000 units: about 4 s of guest code on WasmKit here, far
    /// more than a 4K frame's worth of per-pixel work, yet it stops a
    /// runaway guest in bounded time.
    public static let defaultFuelPerCall: UInt64 = 2_000_000_000
    /// 256 MiB: room for several 4K RGBA frames (33 MB each) and the guest's heap.
    public static let defaultMemoryCap = 256 << 20
    /// 100,000 elements.
    public static let defaultTableElementCap = 100_000
    /// 1 GiB: a few 4K decoders or encoders and their frames.
    public static let defaultHostMemory = 1 << 30
    /// 30 s per call: far more than any frame's work, short enough that a
    /// stuck guest does not hold a pipeline for long.
    public static let defaultTimeLimit: Duration = .seconds(30)
    /// 8 levels.
    public static let defaultMaxNestedCalls = 8

    public init(fuelPerCall: UInt64? = Self.defaultFuelPerCall,
                memoryCap: Int = Self.defaultMemoryCap,
                tableElementCap: Int = Self.defaultTableElementCap,
                maxNestedCalls: Int = Self.defaultMaxNestedCalls,
                hostMemory: Int = Self.defaultHostMemory,
                timeLimit: Duration? = Self.defaultTimeLimit) {
        self.fuelPerCall = fuelPerCall
        self.memoryCap = memoryCap
        self.tableElementCap = tableElementCap
        self.maxNestedCalls = maxNestedCalls
        self.hostMemory = hostMemory
        self.timeLimit = timeLimit
    }

    /// The defaults.
    public static let standard = WasmLimits()
}

extension WasmLimits {
    /// Bytes from `1048576`, `64MiB`, `64M`, `512KiB`, `1GiB` (at most 2^31 - 1 of a unit); nil for anything else.
    public static func byteCount(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Int)] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10), ("B", 1)]
        for (suffix, scale) in units where t.hasSuffix(suffix) {
            guard let n = Int(t.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), n > 0, n <= Int(Int32.max) else { return nil }
            return n * scale
        }
        guard let n = Int(t), n > 0 else { return nil }
        return n
    }

    /// A time limit from seconds (`30`, `0.5`); `0` means none. Nil for anything else.
    public static func timeLimit(seconds text: String) -> Duration?? {
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, value >= 0, value <= 1e9 else { return nil }
        return .some(timeLimit(seconds: value))
    }

    /// A time limit of `seconds` (0 ... 1e9), rounded up to the millisecond; `0` means none.
    public static func timeLimit(seconds: Double) -> Duration? {
        seconds == 0 ? nil : .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var inSeconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
