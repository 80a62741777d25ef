/// What the registry knows about an element kind before any instance exists:
/// enough to check a graph, print `wasi-media elements`, and (with the
/// runtime) make the element inside the task that runs it.
///
/// Factories are `Sendable` and immutable; elements are not (see docs/pipelines.md).
public protocol ElementFactory: Sendable {
    /// The name used in launch lines (`videotestsrc`).
    var name: String { get }
    /// One line for listings.
    var summary: String { get }
    var padTemplates: [PadTemplate] { get }
    var properties: [PropertySchema] { get }
    /// A launch-line example using the element.
    var example: String { get }
    /// True for elements that consume their inputs one after another (concat):
    /// each sink pad then gets its own inbox, so a later input waits upstream.
    var readsInputsInOrder: Bool { get }
    /// True for sinks that take positioned writes (`MediaItem.write`), like a file.
    var takesPositionedWrites: Bool { get }
    /// True for elements that read a file themselves when the element upstream
    /// offers one (a demuxer after `filesrc`: pull mode, so it can seek).
    var pullsFiles: Bool { get }
    /// What every instance does that the runtime must know (see ``ElementCapabilities``).
    var capabilities: ElementCapabilities { get }
    /// What an instance with these settings does (by default ``capabilities``).
    func capabilities(for properties: [String: PropertyValue]) -> ElementCapabilities
    /// A ``ElementCapabilities/threadBoundary`` element's input limits for these settings.
    func inputQueueLimits(for properties: [String: PropertyValue]) -> InputQueueLimits
}

extension ElementFactory {
    public var readsInputsInOrder: Bool { false }
    public var takesPositionedWrites: Bool { false }
    public var pullsFiles: Bool { false }

    public func property(_ name: String) -> PropertySchema? { properties.first { $0.name == name } }
    public func templates(_ direction: PadDirection) -> [PadTemplate] { padTemplates.filter { $0.direction == direction } }
}

/// The element factories a pipeline can use, by name. Thread-safe to read
/// once built; registration happens before sharing.
public struct ElementRegistry: Sendable {
    private var factories: [String: any ElementFactory] = [:]

    public init(_ factories: [any ElementFactory] = []) {
        for f in factories { register(f) }
    }

    public mutating func register(_ factory: any ElementFactory) {
        factories[factory.name] = factory
    }

    public func factory(named name: String) -> (any ElementFactory)? { factories[name] }

    public var names: [String] { factories.keys.sorted() }

    /// Registered names close to `name` (edit distance at most 2), for "did you mean".
    public func suggestions(for name: String) -> [String] {
        names.filter { editDistance($0, name) <= 2 }
    }
}

/// Levenshtein distance, for suggestions.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + [Int](repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
