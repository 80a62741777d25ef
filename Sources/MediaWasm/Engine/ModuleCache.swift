import Crypto
import Synchronization

/// Compiled modules by content: the SHA-256 of the module's bytes, plus
/// what else the compiled form depends on (the engine, and for WasmKit the
/// caps its validation applied). A module compiled once is not compiled
/// again while it stays in the cache, whichever element, processor or task
/// asks for it: a pipeline with the same guest in three places compiles it
/// once, and a second pipeline started with the same guest instantiates
/// straight away.
///
/// Holds at most ``capacity`` entries and evicts the least recently used.
/// A module still in use stays alive after eviction (its users hold it).
/// Thread-safe. Checks that depend on the caller (required exports, the
/// host's imports, caps) are made on every `compile`, cached or not.
final class ModuleCache<Entry: Sendable>: Sendable {
    struct Key: Hashable, Sendable {
        var digest: SHA256Digest
        var variant: String
    }

    let capacity: Int
    private let state = Mutex<State>(State())

    private struct State {
        var entries: [Key: (entry: Entry, lastUse: UInt64)] = [:]
        var clock: UInt64 = 0
        var hits = 0
        var misses = 0
    }

    init(capacity: Int = 32) {
        self.capacity = capacity
    }

    /// The entry for `bytes`, made with `make` (outside the lock) when
    /// missing; `make` gets the bytes' SHA-256, so it need not hash them
    /// again. Returns whether it came from the cache. Failures are not cached.
    func entry(for bytes: [UInt8], variant: String = "",
               make: (SHA256Digest) throws(WasmError) -> Entry) throws(WasmError) -> (entry: Entry, cached: Bool) {
        let key = Key(digest: SHA256.hash(data: bytes), variant: variant)
        let found = state.withLock { state -> Entry? in
            state.clock += 1
            guard let found = state.entries[key] else { state.misses += 1; return nil }
            state.hits += 1
            state.entries[key]!.lastUse = state.clock
            return found.entry
        }
        if let found { return (found, true) }
        let made = try make(key.digest)
        state.withLock { state in
            state.clock += 1
            state.entries[key] = (made, state.clock)
            while state.entries.count > capacity,
                  let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
                state.entries[oldest] = nil
            }
        }
        return (made, false)
    }

    /// How many lookups found their module, and how many compiled it.
    var statistics: (hits: Int, misses: Int, entries: Int) {
        state.withLock { ($0.hits, $0.misses, $0.entries.count) }
    }

    /// Empties the cache (modules in use stay alive).
    func removeAll() {
        state.withLock { $0.entries.removeAll() }
    }
}
