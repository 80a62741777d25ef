import Synchronization

/// A bounded many-producer, one-consumer channel: an element's input queue.
///
/// `send` suspends while the inbox is full, `receive` while it is empty;
/// neither blocks a thread. `close` wakes everyone: later sends return
/// false, `receive` drains what is left and then returns nil. Thread-safe.
/// What a full inbox does with one more item.
enum LeakPolicy: String, Sendable {
    /// The sender waits for room (the default: nothing is lost).
    case none
    /// The new item is dropped (GStreamer's `leaky=upstream`).
    case upstream
    /// The oldest waiting item is dropped to make room (`leaky=downstream`).
    case downstream
}

final class Inbox<Item: Sendable>: Sendable {
    private struct State {
        /// Slots before `head` are nil: a popped item is released at once.
        var items: [Item?] = []
        var head = 0
        var closed = false
        var receiver: CheckedContinuation<Item?, Never>? = nil
        var senders: [CheckedContinuation<Void, Never>] = []
        var dropped = 0
        var count: Int { items.count - head }

        mutating func pop() -> Item {
            let item = items[head].take()!
            head += 1
            if head >= 64 && head * 2 >= items.count {
                items.removeFirst(head)
                head = 0
            }
            return item
        }
    }

    private let state = Mutex(State())

    private enum SendStep { case deliver(CheckedContinuation<Item?, Never>), stored, closed, wait }
    private enum ReceiveStep { case item(Item, CheckedContinuation<Void, Never>?), end, wait }
    let capacity: Int
    let leak: LeakPolicy
    /// Decides which items a leaky inbox may drop (events never are).
    let droppable: @Sendable (Item) -> Bool

    init(capacity: Int, leak: LeakPolicy = .none, droppable: @escaping @Sendable (Item) -> Bool = { _ in true }) {
        precondition(capacity > 0)
        self.capacity = capacity
        self.leak = leak
        self.droppable = droppable
    }

    /// Items a leaky inbox has dropped so far.
    var dropped: Int { state.withLock { $0.dropped } }

    /// Delivers `item`, waiting for room; false when the inbox was closed.
    func send(_ item: Item) async -> Bool {
        while true {
            let step: SendStep = state.withLock { s in
                if s.closed { return .closed }
                if let r = s.receiver { s.receiver = nil; return .deliver(r) }
                if s.count < capacity { s.items.append(item); return .stored }
                switch leak {
                case .none: return .wait
                case .upstream:
                    guard droppable(item) else { return .wait }
                    s.dropped += 1
                    return .stored
                case .downstream:
                    // Drop the oldest droppable item, keeping events in order.
                    guard let victim = (s.head..<s.items.count).first(where: { droppable(s.items[$0]!) }) else { return .wait }
                    s.items.remove(at: victim)
                    s.items.append(item)
                    s.dropped += 1
                    return .stored
                }
            }
            switch step {
            case .deliver(let r): r.resume(returning: item); return true
            case .stored: return true
            case .closed: return false
            case .wait:
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    let now = state.withLock { s -> Bool in
                        if s.closed || s.count < capacity || s.receiver != nil { return true }
                        s.senders.append(c)
                        return false
                    }
                    if now { c.resume() }
                }
            }
        }
    }

    /// The next item, or nil once the inbox is closed and empty.
    func receive() async -> Item? {
        let step: ReceiveStep = state.withLock { s in
            if s.count > 0 {
                let item = s.pop()
                return .item(item, s.senders.isEmpty ? nil : s.senders.removeFirst())
            }
            return s.closed ? .end : .wait
        }
        switch step {
        case .item(let item, let sender):
            sender?.resume()
            return item
        case .end:
            return nil
        case .wait:
            return await withCheckedContinuation { (c: CheckedContinuation<Item?, Never>) in
                // Re-check under the lock: an item or a close may have come in between.
                let now: ReceiveStep = state.withLock { s in
                    if s.count > 0 {
                        let item = s.pop()
                        return .item(item, s.senders.isEmpty ? nil : s.senders.removeFirst())
                    }
                    if s.closed { return .end }
                    s.receiver = c   // the inbox is empty, so no sender is parked
                    return .wait
                }
                switch now {
                case .item(let item, let sender): sender?.resume(); c.resume(returning: item)
                case .end: c.resume(returning: nil)
                case .wait: break
                }
            }
        }
    }

    func close() {
        let (receiver, senders) = state.withLock { s -> (CheckedContinuation<Item?, Never>?, [CheckedContinuation<Void, Never>]) in
            s.closed = true
            let r = s.receiver
            s.receiver = nil
            let w = s.senders
            s.senders = []
            return (r, w)
        }
        receiver?.resume(returning: nil)
        senders.forEach { $0.resume() }
    }

    /// Items waiting (for tests and queue levels).
    var count: Int { state.withLock { $0.count } }
}
