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

/// Counts the bytes the host moves in and out of one instance's memory.
final class HostWorkMeter {
    var bytes: UInt64 = 0

    /// Fuel for the bytes counted since the last take (one unit per 64 bytes,
    /// as bulk memory instructions cost), and resets the count.
    func takeFuel() -> UInt64 {
        defer { bytes = 0 }
        return bytes / 64
    }
}
