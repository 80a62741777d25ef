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
