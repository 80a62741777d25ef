public import MediaCore

/// A `media-buffer` as a guest holds it: a reference around a
/// ``MediaCore/MediaBuffer`` so that `write` through one handle is seen by
/// every later `read` of the same handle.
///
/// Moving a buffer into a box and back out does not copy its bytes: the box
/// holds the only reference (copy-on-write storage), so a frame the guest
/// returns unchanged leaves the host exactly as it came in.
///
/// A box in a guest's table is charged to the instance's ``HostBudget`` for
/// its size until the guest drops it or the host takes the buffer back.
///
/// Confined to the guest instance whose table holds it (not `Sendable`).
public final class HostMediaBuffer {
    /// The bytes. Its ``MediaCore/MediaBuffer/planes`` may be empty for a buffer
    /// made by `[constructor]media-buffer`; records give the layout when lifted.
    public var buffer: MediaBuffer
    /// The bytes this box counts against its instance's budget.
    private var charge: HostCharge?

    /// A box charged to nothing (a buffer lent for one call, or a test's).
    public init(_ buffer: MediaBuffer) {
        self.buffer = buffer
    }

    /// A box whose bytes `charge` counts until it is dropped or taken.
    init(_ buffer: MediaBuffer, charge: HostCharge) {
        self.buffer = buffer
        self.charge = charge
    }

    /// Moves the buffer out, leaving an empty one behind, so the caller holds
    /// the only reference to the bytes; the charge is released.
    public func takeBuffer() -> MediaBuffer {
        charge = nil
        let taken = buffer
        buffer = MediaBuffer(count: 0, planes: [])
        return taken
    }
}

/// The per-instance table of `media-buffer` handles
/// (`wasi:media/types@0.1.0-draft`).
///
/// ```swift
/// let handle = try instance.state.mediaBuffers.insert(HostMediaBuffer(frame.buffer))
/// let buffer = try instance.state.mediaBuffers.take(handle).takeBuffer()
/// ```
public enum MediaBufferTable: InstanceStateKey {
    /// The WIT name used in handle errors.
    public static var resourceName: String { "media-buffer" }

    public static func makeValue() -> HandleTable<HostMediaBuffer> {
        HandleTable(resourceName: resourceName)
    }
}

extension InstanceState {
    /// This instance's `media-buffer` handles (made on first use).
    public var mediaBuffers: HandleTable<HostMediaBuffer> { self[MediaBufferTable.self] }

    /// Gives the guest ownership of `buffer` (an `own<media-buffer>` lowered
    /// into it), charging its size to the ``hostBudget``: the bytes exist
    /// already, so this is never refused, but they count against what the
    /// guest asks for next.
    /// - Returns: the new handle.
    public func issueBuffer(_ buffer: MediaBuffer) throws(GuestFault) -> UInt32 {
        try mediaBuffers.insert(HostMediaBuffer(buffer, charge: hostBudget.hold(buffer.size, for: "media-buffers")))
    }

    /// Takes the buffer behind an owned handle back from the guest (an
    /// `own<media-buffer>` lifted from it); the handle is gone afterwards.
    /// Throws (a trap) if `handle` is not a live, owned handle.
    public func takeBuffer(_ handle: UInt32) throws(GuestFault) -> MediaBuffer {
        try mediaBuffers.take(handle).takeBuffer()
    }
}
