import Synchronization

/// One instance's memory cap, and the last growth past it that was refused
/// since ``reset()``. Each backend keeps one per instance where it enforces
/// the cap (WasmKit's resource limiter, Wasmtime's host-made memories), so
/// that a trap following a refused `memory.grow` says the cap was hit
/// (``TrapReport/refusedGrowth``). Thread-safe.
final class MemoryCapRefusals: Sendable {
    let memoryCap: Int
    /// The byte size of the last refused growth; 0 when none.
    private let refusedBytes = Atomic<Int>(0)

    init(memoryCap: Int) { self.memoryCap = memoryCap }

    /// Records that the memory was refused growth to `bytes`.
    func refuse(_ bytes: Int) { refusedBytes.store(bytes, ordering: .relaxed) }

    /// Forgets the refusals so far (at the start of each outermost call).
    func reset() { refusedBytes.store(0, ordering: .relaxed) }

    /// The last growth refused since ``reset()``.
    var refused: RefusedGrowth? {
        let bytes = refusedBytes.load(ordering: .relaxed)
        return bytes == 0 ? nil : RefusedGrowth(requestedBytes: bytes, capBytes: memoryCap)
    }
}

extension WasmError {
    /// The reason for a module whose initial memory of `bytes` is over the cap, in every backend's words.
    static func initialMemoryReason(bytes: some BinaryInteger, cap: Int) -> String {
        "its initial memory of \(bytes) bytes exceeds the memory cap of \(cap) bytes"
    }

    /// A module whose initial memory of `bytes` is over the cap.
    static func initialMemoryOverCap(bytes: some BinaryInteger, cap: Int) -> WasmError {
        .instantiation(reason: initialMemoryReason(bytes: bytes, cap: cap))
    }

    /// A module whose initial table is over the cap of `cap` elements.
    static func initialTableOverCap(cap: Int) -> WasmError {
        .instantiation(reason: "its initial table exceeds the table cap of \(cap) elements")
    }
}
