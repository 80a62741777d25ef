import Synchronization
/// A key for a value kept per guest instance (see ``InstanceState``).
///
/// ```swift
/// enum VideoEncoders: InstanceStateKey {
///     static func makeValue() -> HandleTable<VideoEncoder> { HandleTable(resourceName: "video-encoder") }
/// }
/// let encoders = call.state[VideoEncoders.self]
/// ```
public protocol InstanceStateKey {
    associatedtype Value
    /// Creates the value the first time an instance asks for it.
    static func makeValue() -> Value
}

/// What the host keeps for one guest instance: handle tables and whatever
/// else its imports need, by key. Created empty with the instance and
/// released with it.
///
/// Confined to the instance (not `Sendable`): reach it from a ``HostCall``
/// or from the thread that runs the instance.
public final class InstanceState {
    private var values: [ObjectIdentifier: Any] = [:]

    // MARK: - The call in progress (kept by the engines)

    /// When the outermost call in progress must end (``WasmLimits/timeLimit``);
    /// nil between calls and for calls without a limit. Imports that wait
    /// (`clock.wait-until`) wake at it.
    public internal(set) var deadline: ContinuousClock.Instant?

    /// The canonical-ABI function the host is running inside the guest
    /// (`cabi_realloc`, `cabi_post_<export>`), if any. While it runs the guest
    /// may not call imports: the component model's "may leave" rule, which
    /// keeps a guest from changing host state the host is in the middle of using.
    var canonicalCallback: String?

    /// Bytes the host has copied between guest memory and its own while
    /// serving the current import, charged to fuel when the import returns.
    let work = HostWorkMeter()

    /// Unique among this process's instances; names the host threads the
    /// instance holds (``demuxerThreadName``).
    public let serial: UInt64 = InstanceState.serials.add(1, ordering: .relaxed).newValue

    /// The name of this instance's byte-fed demuxer threads
    /// (`/proc/self/task/*/comm`): `gdmx-` and the serial in hex.
    public var demuxerThreadName: String { "gdmx-" + String(serial, radix: 16) }

    private static let serials = Atomic<UInt64>(0)

    /// Where the guest's `wasi:logging` lines go, and its last words
    /// (``LoggingHost``).
    public let log = GuestLog()

    public init() {}

    /// The value for `key`, made by `Key.makeValue()` on first use.
    public subscript<Key: InstanceStateKey>(key: Key.Type) -> Key.Value {
        get {
            if let value = values[ObjectIdentifier(key)] as? Key.Value { return value }
            let value = Key.makeValue()
            values[ObjectIdentifier(key)] = value
            return value
        }
        set {
            values[ObjectIdentifier(key)] = newValue
        }
    }
}

/// Counts the bytes the host moves in and out of one instance's memory
/// while it serves an import (``HostFunction/serve(_:)`` resets it).
final class HostWorkMeter {
    var bytes: UInt64 = 0

    /// Charges the bytes counted, one unit of fuel per 64 (as bulk memory
    /// instructions cost), to a call with `budget` (nil: unlimited) whose
    /// engine has `left()` units left, storing what remains with `set`.
    /// Throws ``HostLimitExceeded/fuel(budget:)``, leaving none, when there
    /// is not enough. Resets the count either way.
    func charge(budget: UInt64?, left: () -> UInt64?, set: (UInt64) -> Void) throws(HostLimitExceeded) {
        let cost = bytes / 64
        bytes = 0
        guard cost > 0, let budget, let left = left() else { return }
        set(left >= cost ? left - cost : 0)
        if left < cost { throw .fuel(budget: budget) }
    }
}
