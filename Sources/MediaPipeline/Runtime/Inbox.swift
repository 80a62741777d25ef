import Synchronization
import MediaCore

/// How full an inbox may get: by items, bytes and span of time (GStreamer's
/// `queue` limits). Zero bytes or time means no limit of that kind. An empty
/// inbox always takes one item, however large.
struct InboxLimits: Sendable, Hashable {
    var items: Int
    var bytes: Int = 0
    var timeUs: Int64 = 0
}

extension InboxLimits {
    /// The limits an element's factory declared for its input.
    init(_ declared: InputQueueLimits) {
        self.init(items: declared.items, bytes: declared.bytes, timeUs: declared.timeUs)
    }
}

/// How a send ended.
enum Delivery: Sendable, Hashable {
    /// The inbox took the item (or a leaky one dropped it, as its policy says).
    case delivered
    /// The inbox was closed (the run is torn down): the item went nowhere.
    case closed
}

/// The size and time of one waiting item, for the byte and time limits.
struct InboxMeasure: Sendable {
    var bytes: Int
    var timestampUs: Int64?
}

/// A bounded many-producer, one-consumer channel: an element's input queue.
///
/// `send` suspends while the inbox is full, `receive` while it is empty;
/// neither blocks a thread. `close` wakes everyone: later sends return
/// `.closed`, `receive` drains what is left and then returns nil. `purge` drops
/// every droppable item at once (a flushing seek). Thread-safe.
///
/// With a ``FlowActivity``, a task parked in `send` or `receive` counts as
/// parked; whoever resumes it counts it as running again, under the lock.
final class Inbox<Item: Sendable>: Sendable {
    private struct State {
        /// Slots before `head` are nil: a popped item is released at once.
        var items: [Item?] = []
        var sizes: [InboxMeasure?] = []
        var head = 0
        var closed = false
        var receiver: CheckedContinuation<(Item, Int)?, Never>? = nil
        var senders: [CheckedContinuation<Void, Never>] = []
        var dropped = 0
        var bytes = 0
        var flushes = 0
        var highItems = 0
        var highBytes = 0
        var count: Int { items.count - head }

        mutating func append(_ item: Item, _ size: InboxMeasure) {
            items.append(item)
            sizes.append(size)
            bytes += size.bytes
            highItems = max(highItems, count)
            highBytes = max(highBytes, bytes)
        }

        mutating func pop() -> Item {
            let item = items[head].take()!
            bytes -= sizes[head].take()!.bytes
            head += 1
            if head >= 64 && head * 2 >= items.count {
                items.removeFirst(head)
                sizes.removeFirst(head)
                head = 0
            }
            return item
        }

        /// The first parked sender, counted as running again.
        mutating func takeSender(_ activity: FlowActivity?) -> CheckedContinuation<Void, Never>? {
            guard !senders.isEmpty else { return nil }
            activity?.resumed()
            return senders.removeFirst()
        }

        mutating func remove(at index: Int) {
            bytes -= sizes[index]!.bytes
            items.remove(at: index)
            sizes.remove(at: index)
        }

        /// Time between the oldest and the newest waiting item that have timestamps.
        var spanUs: Int64 {
            guard let first = (head..<sizes.count).lazy.compactMap({ self.sizes[$0]!.timestampUs }).first,
                  let last = (head..<sizes.count).reversed().lazy.compactMap({ self.sizes[$0]!.timestampUs }).first else { return 0 }
            return MediaTime.subtract(last, first)
        }

        func isFull(_ limits: InboxLimits) -> Bool {
            guard count > 0 else { return false }
            if count >= limits.items { return true }
            if limits.bytes > 0 && bytes >= limits.bytes { return true }
            if limits.timeUs > 0 && spanUs >= limits.timeUs { return true }
            return false
        }
    }

    private let state = Mutex(State())

    /// A receiver parked on an empty inbox gets the item with the flush count of that moment.
    private typealias Receiver = CheckedContinuation<(Item, Int)?, Never>
    private enum SendStep { case deliver(Receiver, Int), stored, closed, wait }
    private enum ReceiveStep { case item(Item, Int, CheckedContinuation<Void, Never>?), end, wait }
    let limits: InboxLimits
    let leak: LeakPolicy
    /// Decides which items a leaky inbox or a purge may drop (events never are).
    let droppable: @Sendable (Item) -> Bool
    let measure: @Sendable (Item) -> InboxMeasure
    let activity: FlowActivity?

    init(limits: InboxLimits, leak: LeakPolicy = .none, droppable: @escaping @Sendable (Item) -> Bool = { _ in true },
         measure: @escaping @Sendable (Item) -> InboxMeasure = { _ in InboxMeasure(bytes: 0) }, activity: FlowActivity? = nil) {
        precondition(limits.items > 0)
        self.activity = activity
        self.limits = limits
        self.leak = leak
        self.droppable = droppable
        self.measure = measure
    }

    convenience init(capacity: Int, leak: LeakPolicy = .none, droppable: @escaping @Sendable (Item) -> Bool = { _ in true }) {
        self.init(limits: InboxLimits(items: capacity), leak: leak, droppable: droppable)
    }

    var capacity: Int { limits.items }

    /// Items a leaky inbox has dropped so far.
    var dropped: Int { state.withLock { $0.dropped } }

    /// Delivers `item`, waiting for room.
    func send(_ item: Item) async -> Delivery {
        let size = measure(item)
        while true {
            let step: SendStep = state.withLock { s in
                if s.closed { return .closed }
                if let r = s.receiver { s.receiver = nil; activity?.resumed(); return .deliver(r, s.flushes) }
                if !s.isFull(limits) { s.append(item, size); return .stored }
                switch leak {
                case .none: return .wait
                case .upstream:
                    guard droppable(item) else { return .wait }
                    s.dropped += 1
                    return .stored
                case .downstream:
                    // Drop the oldest droppable items until the new one fits, keeping events in order.
                    var dropped = false
                    while s.isFull(limits), let victim = (s.head..<s.items.count).first(where: { droppable(s.items[$0]!) }) {
                        s.remove(at: victim)
                        s.dropped += 1
                        dropped = true
                    }
                    guard dropped || !s.isFull(limits) else { return .wait }
                    s.append(item, size)
                    return .stored
                }
            }
            switch step {
            case .deliver(let r, let flushes): r.resume(returning: (item, flushes)); return .delivered
            case .stored: return .delivered
            case .closed: return .closed
            case .wait:
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    let now = state.withLock { s -> Bool in
                        if s.closed || !s.isFull(limits) || s.receiver != nil { return true }
                        s.senders.append(c)
                        return false
                    }
                    if now { c.resume() } else { activity?.parked() }
                }
            }
        }
    }

    /// Most items and bytes that waited at once.
    var highWater: (items: Int, bytes: Int) { state.withLock { ($0.highItems, $0.highBytes) } }

    /// The next item, or nil once the inbox is closed and empty.
    func receive() async -> Item? { await receiveCounted()?.0 }

    /// The next item with the inbox's flush count at the moment it was taken:
    /// if ``flushes`` has moved on since, a purge came after it (it is stale).
    func receiveCounted() async -> (Item, Int)? {
        let step: ReceiveStep = state.withLock { s in
            if s.count > 0 {
                let item = s.pop()
                return .item(item, s.flushes, s.takeSender(activity))
            }
            return s.closed ? .end : .wait
        }
        switch step {
        case .item(let item, let flushes, let sender):
            sender?.resume()
            return (item, flushes)
        case .end:
            return nil
        case .wait:
            return await withCheckedContinuation { (c: Receiver) in
                // Re-check under the lock: an item or a close may have come in between.
                let now: ReceiveStep = state.withLock { s in
                    if s.count > 0 {
                        let item = s.pop()
                        return .item(item, s.flushes, s.takeSender(activity))
                    }
                    if s.closed { return .end }
                    s.receiver = c   // the inbox is empty, so no sender is parked
                    return .wait
                }
                switch now {
                case .item(let item, let flushes, let sender): sender?.resume(); c.resume(returning: (item, flushes))
                case .end: c.resume(returning: nil)
                case .wait: activity?.parked()
                }
            }
        }
    }

    /// Drops every droppable item now (events stay, in order), wakes the
    /// senders, and counts one flush. With `then`, appends it past the limits.
    func purge(then event: Item? = nil) {
        let (receiver, senders, flushes) = state.withLock { s -> (Receiver?, [CheckedContinuation<Void, Never>], Int) in
            var kept: [Item?] = []
            var keptSizes: [InboxMeasure?] = []
            for i in s.head..<s.items.count where !droppable(s.items[i]!) {
                kept.append(s.items[i])
                keptSizes.append(s.sizes[i])
            }
            s.items = kept
            s.sizes = keptSizes
            s.head = 0
            s.bytes = keptSizes.reduce(0) { $0 + $1!.bytes }
            s.flushes += 1
            var receiver: Receiver? = nil
            if let event, !s.closed {
                if let r = s.receiver { s.receiver = nil; receiver = r; activity?.resumed() } else { s.append(event, measure(event)) }
            }
            let w = s.senders
            for _ in w { activity?.resumed() }
            s.senders = []
            return (receiver, w, s.flushes)
        }
        if let event { receiver?.resume(returning: (event, flushes)) }
        senders.forEach { $0.resume() }
    }

    /// How many purges this inbox has had.
    var flushes: Int { state.withLock { $0.flushes } }

    /// Bytes waiting (for the byte limit and queue levels).
    var bytes: Int { state.withLock { $0.bytes } }

    func close() {
        let (receiver, senders) = state.withLock { s -> (Receiver?, [CheckedContinuation<Void, Never>]) in
            s.closed = true
            let r = s.receiver
            s.receiver = nil
            let w = s.senders
            s.senders = []
            if r != nil { activity?.resumed() }
            for _ in w { activity?.resumed() }
            return (r, w)
        }
        receiver?.resume(returning: nil)
        senders.forEach { $0.resume() }
    }

    /// Items waiting (for tests and queue levels).
    var count: Int { state.withLock { $0.count } }
}
