/// The resources of one type that one guest instance holds, by handle.
///
/// Handles are the `i32`s the canonical ABI passes for `own<T>` and
/// `borrow<T>`: indices into the table, from 1 (0 is never valid) and
/// always below 2^28. A freed index is issued again only once
/// ``reuseDelay`` other indices have been freed after it, so a handle used
/// after it was dropped is reliably told apart from one never issued,
/// while indices stay below `limit + reuseDelay + 1`. Every misuse throws a
/// ``GuestFault`` naming the resource and the handle ("video-encoder handle
/// 7 was never issued", "... was already dropped"); thrown from a host
/// function, it traps the guest, never the host.
///
/// - An owned entry (``insert(_:)``) belongs to the guest: ``drop(_:)`` removes
///   it and runs the table's cleanup; ``take(_:)`` moves it back to the host
///   without cleanup (an `own<T>` argument).
/// - A lent entry (``lend(_:)``) is a `borrow<T>` the host gave the guest for
///   one call: dropping it ends the borrow without cleanup, and
///   ``endBorrows()`` removes those the guest kept when the call returns.
///
/// Confined to the instance it belongs to (not `Sendable`). Entries still
/// owned when the table goes away are cleaned up then.
public final class HandleTable<Resource> {
    public enum Ownership: Sendable, Hashable {
        case owned, borrowed
    }

    private enum Slot {
        case live(Resource, Ownership)
        /// Issued once, now dropped or moved (or index 0, never issued).
        case free
    }

    /// The resource's WIT name, used in errors: `video-encoder`.
    public let resourceName: String
    /// The most live handles the guest may hold.
    public let limit: Int
    private let cleanup: (Resource) -> Void
    /// Index 0 is a placeholder: handle 0 is never issued.
    private var slots: [Slot] = [.free]
    /// Freed indices, oldest first, from `freedStart` on.
    private var freed: [UInt32] = []
    private var freedStart = 0
    public private(set) var count = 0

    /// 4,096 live handles per table.
    public static var defaultLimit: Int { 4_096 }
    /// 1,024: how many indices are freed after one before it is issued again.
    public static var reuseDelay: Int { 1_024 }
    /// Handles stay below 2^28: a guest may use the top 4 bits of a word as tags.
    static var handleBound: Int { 1 << 28 }

    /// - Parameters:
    ///   - limit: the most live handles (at most 2^28 - 1 - ``reuseDelay``).
    ///   - cleanup: runs when the guest drops an owned handle, and for every
    ///     owned entry left when the table goes away.
    public init(resourceName: String, limit: Int = defaultLimit, cleanup: @escaping (Resource) -> Void = { _ in }) {
        self.resourceName = resourceName
        self.limit = min(limit, Self.handleBound - 1 - Self.reuseDelay)
        self.cleanup = cleanup
    }

    deinit {
        for case .live(let resource, .owned) in slots { cleanup(resource) }
    }

    /// Gives the guest ownership of `resource` and returns its new handle.
    public func insert(_ resource: Resource) throws(GuestFault) -> UInt32 {
        try add(resource, .owned)
    }

    /// Lends `resource` to the guest (a `borrow<T>` argument) and returns its handle.
    public func lend(_ resource: Resource) throws(GuestFault) -> UInt32 {
        try add(resource, .borrowed)
    }

    /// The resource behind `handle`, owned or borrowed, which stays in the table.
    public func borrow(_ handle: UInt32) throws(GuestFault) -> Resource {
        try entry(handle).resource
    }

    /// Whether `handle` is owned or borrowed.
    public func ownership(of handle: UInt32) throws(GuestFault) -> Ownership {
        try entry(handle).ownership
    }

    /// Moves an owned resource out of the table (an `own<T>` argument); no cleanup runs.
    public func take(_ handle: UInt32) throws(GuestFault) -> Resource {
        let found = try entry(handle)
        guard found.ownership == .owned else {
            throw .handleNotOwned(resource: resourceName, handle: handle)
        }
        release(handle)
        return found.resource
    }

    /// The guest's `[resource-drop]`: removes the handle; runs the cleanup if it was owned.
    public func drop(_ handle: UInt32) throws(GuestFault) {
        let found = try entry(handle)
        release(handle)
        if found.ownership == .owned { cleanup(found.resource) }
    }

    /// Removes every borrowed entry (the call they were lent for returned) and
    /// returns how many the guest had not dropped.
    @discardableResult
    public func endBorrows() -> Int {
        var ended = 0
        for index in slots.indices {
            if case .live(_, .borrowed) = slots[index] {
                release(UInt32(index))
                ended += 1
            }
        }
        return ended
    }

    private func add(_ resource: Resource, _ ownership: Ownership) throws(GuestFault) -> UInt32 {
        guard count < limit else { throw .tooManyHandles(resource: resourceName, limit: limit) }
        let handle: UInt32
        if freed.count - freedStart > Self.reuseDelay {
            handle = freed[freedStart]
            freedStart += 1
            if freedStart > Self.reuseDelay, freedStart * 2 > freed.count {
                freed.removeFirst(freedStart)
                freedStart = 0
            }
            slots[Int(handle)] = .live(resource, ownership)
        } else {
            handle = UInt32(slots.count)
            slots.append(.live(resource, ownership))
        }
        count += 1
        return handle
    }

    private func release(_ handle: UInt32) {
        slots[Int(handle)] = .free
        freed.append(handle)
        count -= 1
    }

    private func entry(_ handle: UInt32) throws(GuestFault) -> (resource: Resource, ownership: Ownership) {
        guard handle != 0, Int(handle) < slots.count else {
            throw .handleNeverIssued(resource: resourceName, handle: handle)
        }
        guard case .live(let resource, let ownership) = slots[Int(handle)] else {
            throw .handleAlreadyDropped(resource: resourceName, handle: handle)
        }
        return (resource, ownership)
    }
}
