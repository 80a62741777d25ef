/// A blocking FIFO of fixed capacity between two threads: `push` waits while
/// full, `pop` waits while empty. Closing wakes both sides; after `close`,
/// `pop` drains what is left and then returns nil, `push` returns false.
final class BoundedQueue<Element>: @unchecked Sendable {
    private let cond = Condition()
    /// A ring: popped slots are set to nil at once, so the queue never keeps
    /// an element alive after handing it out.
    private var slots: [Element?]
    private var head = 0
    private var count = 0
    private var closed = false
    var capacity: Int { slots.count }

    init(capacity: Int) {
        precondition(capacity > 0)
        slots = Array(repeating: nil, count: capacity)
    }

    /// False when the queue was closed (the consumer gave up).
    func push(_ item: Element) -> Bool {
        cond.lock()
        defer { cond.unlock() }
        while count == slots.count && !closed { cond.wait() }
        if closed { return false }
        slots[(head + count) % slots.count] = item
        count += 1
        cond.broadcast()
        return true
    }

    func pop() -> Element? {
        cond.lock()
        defer { cond.unlock() }
        while count == 0 && !closed { cond.wait() }
        guard count > 0 else { return nil }
        let item = slots[head].take()
        head = (head + 1) % slots.count
        count -= 1
        cond.broadcast()
        return item
    }

    func close() {
        cond.locked {
            closed = true
            cond.broadcast()
        }
    }
}
