@_spi(Fuzzing) import WasmKit
import Synchronization

/// Enforces ``WasmLimits/memoryCap`` and ``WasmLimits/tableElementCap`` for
/// one store, and remembers the last memory growth it refused so that a
/// trap which follows can say the cap was hit.
final class MemoryCapLimiter: ResourceLimiter {
    let tableElementCap: Int
    let refusals: MemoryCapRefusals

    init(limits: WasmLimits) {
        refusals = MemoryCapRefusals(memoryCap: limits.memoryCap)
        tableElementCap = limits.tableElementCap
    }

    func limitMemoryGrowth(to desired: Int) throws -> Bool {
        guard desired > refusals.memoryCap else { return true }
        refusals.refuse(desired)
        return false
    }

    func limitTableGrowth(to desired: Int) throws -> Bool {
        desired <= tableElementCap
    }

    /// The last growth refused since ``reset()``.
    var refused: RefusedGrowth? { refusals.refused }

    func reset() { refusals.reset() }

    /// The error for a module whose initial memory or table this limiter refused.
    var initialSizeError: WasmError {
        if let refused {
            .initialMemoryOverCap(bytes: refused.requestedBytes, cap: refused.capBytes)
        } else {
            .initialTableOverCap(cap: tableElementCap)
        }
    }
}
