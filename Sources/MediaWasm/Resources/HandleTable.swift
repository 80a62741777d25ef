/// The resources of one type that one guest instance holds, by handle.
///
/// Handles are the `i32`s the canonical ABI passes for `own<T>` and
/// `borrow<T>`. They start at 1 and are never reused, so 0 is never valid
/// and a handle used after it was dropped is told apart from one never
/// issued. Every misuse throws a ``GuestFault`` naming the resource and the
/// handle ("video-encoder handle 7 was never issued"); thrown from a host
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

    /// The resource's WIT name, used in errors: `video-encoder`.
    public let resourceName: String
    /// The most live handles the guest may hold.
    public let limit: Int
    private let cleanup: (Resource) -> Void
    private var entries: [UInt32: (resource: Resource, ownership: Ownership)] = [:]
    private var nextHandle: UInt32 = 1

    /// 4,096 live handles per table.
    public static var defaultLimit: Int { 4_096 }

    /// - Parameter cleanup: runs when the guest drops an owned handle, and for
    ///   every owned entry left when the table goes away.
    public init(resourceName: String, limit: Int = defaultLimit, cleanup: @escaping (Resource) -> Void = { _ in }) {
        self.resourceName = resourceName
        self.limit = limit
        self.cleanup = cleanup
    }

    deinit {
        for (_, entry) in entries where entry.ownership == .owned { cleanup(entry.resource) }
    }

    /// The number of live handles.
    public var count: Int { entries.count }

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
        entries[handle] = nil
        return found.resource
    }

    /// The guest's `[resource-drop]`: removes the handle; runs the cleanup if it was owned.
    public func drop(_ handle: UInt32) throws(GuestFault) {
        let found = try entry(handle)
        entries[handle] = nil
        if found.ownership == .owned { cleanup(found.resource) }
    }

    /// Removes every borrowed entry (the call they were lent for returned) and
    /// returns how many the guest had not dropped.
    @discardableResult
    public func endBorrows() -> Int {
        let lent = entries.filter { $0.value.ownership == .borrowed }
        for handle in lent.keys { entries[handle] = nil }
        return lent.count
    }

    private func add(_ resource: Resource, _ ownership: Ownership) throws(GuestFault) -> UInt32 {
        guard entries.count < limit, nextHandle != 0 else {
            throw .tooManyHandles(resource: resourceName, limit: limit)
        }
        let handle = nextHandle
        nextHandle &+= 1  // wraps to 0 after 2^32 - 1 handles: the table is then exhausted
        entries[handle] = (resource, ownership)
        return handle
    }

    private func entry(_ handle: UInt32) throws(GuestFault) -> (resource: Resource, ownership: Ownership) {
        if let found = entries[handle] { return found }
        if handle == 0 || handle >= nextHandle && nextHandle != 0 {
            throw .handleNeverIssued(resource: resourceName, handle: handle)
        }
        throw .handleAlreadyDropped(resource: resourceName, handle: handle)
    }
}
