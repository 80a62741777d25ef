/// What the runtime and the checker must know about an element to run it,
/// declared by its factory: neither guesses from an element's name or reads
/// its properties. A factory declares what any element of its kind may do
/// in ``ElementFactory/capabilities``; one whose settings decide it (a
/// source with `is-live=true`, a sink with `sync=false`) answers per
/// element in ``ElementFactory/capabilities(for:)``.
public struct ElementCapabilities: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Produces in real time (a camera, a test source with `is-live=true`):
    /// the pipeline gets a clock, the source produces each item when the
    /// clock reaches its time, and nothing prerolls.
    public static let liveSource = ElementCapabilities(rawValue: 1 << 0)

    /// Decouples the elements on its two sides with a queue of its own
    /// (GStreamer's `queue`): its input holds what
    /// ``ElementFactory/inputQueueLimits(for:)`` says instead of a link's
    /// two items, and may drop items when full.
    public static let threadBoundary = ElementCapabilities(rawValue: 1 << 1)

    /// A sink that presents each item at its time on the pipeline clock,
    /// when the pipeline has one (offline pipelines have none and run as
    /// fast as they can).
    public static let syncsToClock = ElementCapabilities(rawValue: 1 << 2)

    /// Its output has the kind of its input (queue, tee, identity,
    /// capsfilter): the checker looks past it to pick an upstream pad.
    public static let passesKindThrough = ElementCapabilities(rawValue: 1 << 3)
}

extension ElementFactory {
    /// None by default.
    public var capabilities: ElementCapabilities { [] }

    /// By default what every element of the kind does (``capabilities``).
    public func capabilities(for properties: [String: PropertyValue]) -> ElementCapabilities { capabilities }

    /// By default a link's bound: two items, nothing dropped.
    public func inputQueueLimits(for properties: [String: PropertyValue]) -> InputQueueLimits { .link }

    /// By default none.
    public func inputCaps(for properties: [String: PropertyValue]) -> Caps? { nil }
}
