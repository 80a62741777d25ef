@_spi(Fuzzing) import WasmKit
import Synchronization

/// Enforces ``WasmLimits/memoryCap`` and ``WasmLimits/tableElementCap`` for
/// one store, and remembers the last memory growth it refused so that a
/// trap which follows can say the cap was hit.
final class MemoryCapLimiter: ResourceLimiter {
    let memoryCap: Int
    let tableElementCap: Int
    /// The byte size of the last refused growth; 0 when none since ``reset()``.
    private let refusedBytes = Atomic<Int>(0)

    init(limits: WasmLimits) {
        memoryCap = limits.memoryCap
        tableElementCap = limits.tableElementCap
    }

    func limitMemoryGrowth(to desired: Int) throws -> Bool {
        guard desired > memoryCap else { return true }
        refusedBytes.store(desired, ordering: .relaxed)
        return false
    }

    func limitTableGrowth(to desired: Int) throws -> Bool {
        desired <= tableElementCap
    }

    /// The last growth refused since ``reset()``.
    var refused: RefusedGrowth? {
        let bytes = refusedBytes.load(ordering: .relaxed)
        return bytes == 0 ? nil : RefusedGrowth(requestedBytes: bytes, capBytes: memoryCap)
    }

    func reset() { refusedBytes.store(0, ordering: .relaxed) }

    /// The error for a module whose initial memory or table this limiter refused.
    var initialSizeError: WasmError {
        if let refused {
            .instantiation(reason: "its initial memory of \(refused.requestedBytes) bytes exceeds the memory cap of \(refused.capBytes) bytes")
        } else {
            .instantiation(reason: "its initial table exceeds the table cap of \(tableElementCap) elements")
        }
    }
}
