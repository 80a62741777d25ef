/// How much an element's input may hold before the sender waits (or,
/// when leaky, before an item is dropped): GStreamer's `queue` limits.
/// Zero bytes or time means no limit of that kind; an empty input always
/// takes one item, however large.
public struct InputQueueLimits: Sendable, Hashable {
    /// Items, at least 1.
    public var items: Int
    /// Bytes of media; 0 for no limit.
    public var bytes: Int
    /// µs between the oldest and the newest item held; 0 for no limit.
    public var timeUs: Int64
    /// What a full input does with one more item.
    public var leak: LeakPolicy

    public init(items: Int, bytes: Int = 0, timeUs: Int64 = 0, leak: LeakPolicy = .none) {
        self.items = max(1, items)
        self.bytes = bytes
        self.timeUs = timeUs
        self.leak = leak
    }

    /// A plain link between two elements: 2 items, nothing dropped.
    public static let link = InputQueueLimits(items: 2)
}

/// What a full input does with one more item.
public enum LeakPolicy: String, Sendable, Hashable, CaseIterable {
    /// The sender waits for room (the default: nothing is lost).
    case none
    /// The new item is dropped (GStreamer's `leaky=upstream`).
    case upstream
    /// The oldest waiting item is dropped to make room (`leaky=downstream`).
    case downstream
}
