import Synchronization

/// A bounded many-producer, one-consumer channel: an element's input queue.
///
/// `send` suspends while the inbox is full, `receive` while it is empty;
/// neither blocks a thread. `close` wakes everyone: later sends return
/// false, `receive` drains what is left and then returns nil. Thread-safe.
final class Inbox<Item: Sendable>: Sendable {
    private struct State {
        var items: [Item] = []
        var head = 0
        var closed = false
        var receiver: CheckedContinuation<Item?, Never>? = nil
        var senders: [CheckedContinuation<Void, Never>] = []
        var count: Int { items.count - head }

        mutating func pop() -> Item {
            let item = items[head]
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

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Delivers `item`, waiting for room; false when the inbox was closed.
    func send(_ item: Item) async -> Bool {
        while true {
            let step: SendStep = state.withLock { s in
                if s.closed { return .closed }
                if let r = s.receiver { s.receiver = nil; return .deliver(r) }
                if s.count < capacity { s.items.append(item); return .stored }
                return .wait
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
