internal import Foundation

/// What the host holds on one guest instance's behalf — memory and the
/// resources that own threads — checked against the instance's
/// ``WasmLimits/hostMemory``. One per instance, kept in its ``InstanceState``
/// (``InstanceState/hostBudget``).
///
/// Default limit: ``WasmLimits/defaultHostMemory`` (1 GiB); set it with
/// `wasi-media guest run --host-memory 256MiB` or the `wasm` element's
/// `host-memory=256MiB`.
///
/// Every import that would make the host hold more asks first, and is
/// refused (``HostBudgetRefusal``: a `media-error` with code `out-of-bounds`,
/// or a trap where the import has no error result) instead of growing.
/// What is charged, in bytes (estimates are made before the work, from the
/// configuration; queues are charged as they grow and released as they
/// drain; everything is released when the guest drops the resource):
///
/// - `media-buffer`s in the guest's table: the ones it made
///   (`[constructor]media-buffer`, `duplicate`) and the ones the host gave it
///   (decoded frames, mixed audio); released when dropped or handed back.
/// - video encoders: frame bytes × the frames the implementation may hold
///   (lookahead, references, frame threads), before it opens — the support
///   query too; chunks waiting for `get-encoded-chunks`.
/// - video decoders: frame bytes × (references + threads) at the declared
///   coded size (1920x1080 when undeclared; the decoder refuses larger
///   frames), before it opens; frames waiting for `get-decoded-frames`.
/// - audio encoders and decoders: a fixed estimate, the resampled input,
///   and their chunk or audio queue.
/// - muxers: a fixed estimate, output not yet collected, and chunk bytes the
///   container still holds back (an mp4 fragment until the next keyframe).
/// - demuxers: a fixed estimate; chunks read ahead for other tracks; for
///   byte-fed ones every appended byte (kept so the container can seek).
/// - audio contexts: a fixed estimate per context and track, and resampled
///   audio waiting to be mixed (refused before resampling).
///
/// Threads: at most ``maxLiveCodecs`` live codecs (each with at most
/// ``codecThreads`` FFmpeg threads) and ``maxLiveByteFedDemuxers`` live
/// byte-fed demuxers (one host thread each) per instance.
///
/// Confined to its instance (not `Sendable`), like the handle tables.
public final class HostBudget {
    /// Bytes the host may hold for the instance. Engines instantiate with
    /// ``WasmLimits/hostMemory``; every host call that checks the budget
    /// sets it from the calling instance's limits first.
    public var limit: Int
    /// Bytes charged now.
    public private(set) var held = 0
    /// The most bytes ever charged at once.
    public private(set) var peak = 0
    private var live: [ThreadOwner: Int] = [:]

    /// Resources that own threads, capped per instance.
    public enum ThreadOwner: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// An encoder or decoder (``HostBudget/codecThreads`` FFmpeg threads, and
        /// the library's own: SVT-AV1 runs about 23).
        case codec
        /// A `demuxer` fed with `append-bytes` (one host thread that parses).
        case byteFedDemuxer = "byte-fed demuxer"

        public var description: String { rawValue }

        /// The most live at once per instance.
        public var cap: Int {
            switch self {
            case .codec: HostBudget.maxLiveCodecs
            case .byteFedDemuxer: HostBudget.maxLiveByteFedDemuxers
            }
        }

        var why: String {
            switch self {
            case .codec: "each runs its own codec threads"
            case .byteFedDemuxer: "each runs a host thread"
            }
        }
    }

    /// 16 live encoders and decoders, video and audio together.
    public static let maxLiveCodecs = 16
    /// 16 live byte-fed demuxers.
    public static let maxLiveByteFedDemuxers = 16
    /// FFmpeg threads per guest-owned codec: the machine's cores, at most 4.
    public static let codecThreads = min(max(1, ProcessInfo.processInfo.activeProcessorCount), 4)

    public init(limit: Int = WasmLimits.defaultHostMemory) {
        self.limit = limit
    }

    /// Bytes that may still be charged.
    public var room: Int { max(0, limit - held) }

    /// How many resources of `kind` are live.
    public func liveCount(_ kind: ThreadOwner) -> Int { live[kind, default: 0] }

    /// A new charge of `bytes` for `purpose`, refused when it would take
    /// ``held`` past ``limit`` or, with `owner`, the live count past its cap.
    /// - Parameters:
    ///   - operation: the import asking (`[constructor]video-encoder`), for the refusal.
    ///   - advice: what the guest can do about a refusal ("drop one first").
    public func charge(_ bytes: Int, for purpose: String, by operation: String, owner: ThreadOwner? = nil,
                       advice: String? = nil) throws(HostBudgetRefusal) -> HostCharge {
        if let owner, live[owner, default: 0] >= owner.cap {
            throw HostBudgetRefusal(operation: operation, purpose: purpose,
                                    kind: .tooManyLive(owner, cap: owner.cap, why: owner.why), advice: advice ?? "drop one first")
        }
        try check(bytes, for: purpose, by: operation, advice: advice)
        return HostCharge(bytes, for: purpose, budget: self, owner: owner)
    }

    /// A charge for bytes the host already holds and only moves into the
    /// guest's keeping (a decoded frame becoming a `media-buffer`): never
    /// refused, but counted against everything asked for after it.
    public func hold(_ bytes: Int, for purpose: String) -> HostCharge {
        HostCharge(bytes, for: purpose, budget: self, owner: nil)
    }

    /// Refuses unless `bytes` more fit; charges nothing.
    public func check(_ bytes: Int, for purpose: String, by operation: String, advice: String? = nil) throws(HostBudgetRefusal) {
        guard bytes <= room else {
            throw HostBudgetRefusal(operation: operation, purpose: purpose,
                                    kind: .memory(cost: bytes, held: held, limit: limit), advice: advice)
        }
    }

    fileprivate func add(_ bytes: Int) {
        held += bytes
        peak = max(peak, held)
    }

    fileprivate func remove(_ bytes: Int) { held -= bytes }

    fileprivate func admit(_ owner: ThreadOwner) { live[owner, default: 0] += 1 }
    fileprivate func dismiss(_ owner: ThreadOwner) { live[owner, default: 0] -= 1 }
}

/// Bytes (and possibly a live-resource slot) charged to a ``HostBudget`` for
/// one purpose; given back when the charge goes away, so a resource keeps its
/// charges and dropping it releases them.
///
/// Confined to its instance (not `Sendable`).
public final class HostCharge {
    /// What the bytes are for ("decoded frames waiting for get-decoded-frames").
    public let purpose: String
    public private(set) var bytes: Int
    private let budget: HostBudget
    private let owner: HostBudget.ThreadOwner?

    fileprivate init(_ bytes: Int, for purpose: String, budget: HostBudget, owner: HostBudget.ThreadOwner?) {
        self.purpose = purpose
        self.bytes = max(0, bytes)
        self.budget = budget
        self.owner = owner
        budget.add(self.bytes)
        if let owner { budget.admit(owner) }
    }

    deinit {
        budget.remove(bytes)
        if let owner { budget.dismiss(owner) }
    }

    /// Checks that the charge may grow by `more` bytes, without growing it.
    /// `purpose` overrides the charge's own in a refusal.
    public func check(growingBy more: Int, by operation: String, for purpose: String? = nil,
                      advice: String? = nil) throws(HostBudgetRefusal) {
        guard more > 0 else { return }
        try budget.check(more, for: purpose ?? self.purpose, by: operation, advice: advice)
    }

    /// Sets the charge to `newBytes`; growth past the limit is refused and leaves it unchanged.
    public func update(to newBytes: Int, by operation: String, advice: String? = nil) throws(HostBudgetRefusal) {
        try check(growingBy: newBytes - bytes, by: operation, advice: advice)
        set(newBytes)
    }

    /// Sets the charge to `newBytes` the host holds already (measured after
    /// the work); never refused.
    public func set(_ newBytes: Int) {
        let value = max(0, newBytes)
        budget.remove(bytes)
        bytes = value
        budget.add(value)
    }
}

/// An import refused because the host would hold more for the guest than
/// its budget allows. Inside an import with a `result`, it is the
/// `media-error` `out-of-bounds`; elsewhere it traps with this message.
public struct HostBudgetRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// `cost` more bytes would pass `limit` with `held` already charged.
        case memory(cost: Int, held: Int, limit: Int)
        /// One more live resource of this kind would pass `cap`.
        case tooManyLive(HostBudget.ThreadOwner, cap: Int, why: String)
    }

    /// The import refused (`[method]video-decoder.decode`).
    public var operation: String
    public var purpose: String
    public var kind: Kind
    public var advice: String?

    public var description: String {
        var text: String
        switch kind {
        case .memory(let cost, let held, let limit):
            text = "\(operation): \(Self.bytes(cost)) more for \(purpose) would pass this guest's host-memory limit of "
                + "\(Self.bytes(limit)); the host already holds \(Self.bytes(held)) for it"
        case .tooManyLive(let owner, let cap, let why):
            text = "\(operation): this guest already has \(cap) live \(owner)s (\(why)), the most one instance may have"
        }
        if let advice { text += "; \(advice)" }
        return text
    }

    /// `33177600 bytes (31.6 MiB)`, `900 bytes`, `28800 bytes (28.1 KiB)`, `13615003648 bytes (12.7 GiB)`.
    public static func bytes(_ count: Int) -> String {
        func scaled(_ unit: Int, _ name: String) -> String {
            let value = Double(count) / Double(unit)
            return "\(count) bytes (\(String(format: value < 10 ? "%.2f" : "%.1f", value)) \(name))"
        }
        if count >= 1 << 30 { return scaled(1 << 30, "GiB") }
        if count >= 1 << 20 { return scaled(1 << 20, "MiB") }
        if count >= 1 << 10 { return scaled(1 << 10, "KiB") }
        return "\(count) bytes"
    }
}

enum HostBudgetKey: InstanceStateKey {
    static func makeValue() -> HostBudget { HostBudget() }
}

extension InstanceState {
    /// This instance's host budget (made on first use, with the default limit
    /// until a host call sets the instance's own).
    public var hostBudget: HostBudget { self[HostBudgetKey.self] }
}

extension WasmInstance {
    /// This instance's host budget, its limit set to the instance's ``WasmLimits/hostMemory``.
    public var hostBudget: HostBudget {
        let budget = state.hostBudget
        budget.limit = limits.hostMemory
        return budget
    }
}
