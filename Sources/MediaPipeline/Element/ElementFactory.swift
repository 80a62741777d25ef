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
    /// What any element of this kind may do (a source that can be live, a
    /// queue, a sink that syncs); none unless declared (see ``ElementCapabilities``).
    var capabilities: ElementCapabilities { get }
    /// What one element with these settings does: ``capabilities`` less
    /// those its settings turn off (`is-live=false`, `sync=false`).
    func capabilities(for properties: [String: PropertyValue]) -> ElementCapabilities
    /// A ``ElementCapabilities/threadBoundary`` element's input limits for these settings.
    func inputQueueLimits(for properties: [String: PropertyValue]) -> InputQueueLimits
    /// Caps the element imposes on its input (`capsfilter caps=`): the
    /// checker adds them to the link into its sink pad, so upstream
    /// negotiates to them. nil for none.
    func inputCaps(for properties: [String: PropertyValue]) -> Caps?
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
    /// Families of names standing for one alias (`avdec_` + anything).
    private var families: [(prefix: String, alias: ElementAlias)] = []
    /// GStreamer names with no counterpart here, and what comes closest.
    private var missing: [String: String] = [:]

    public init(_ factories: [any ElementFactory] = []) {
        for f in factories { register(f) }
    }

    public mutating func register(_ factory: any ElementFactory) {
        factories[factory.name] = factory
    }

    /// Makes every name starting with `prefix` (`avdec_h264`, `avdec_aac`...) stand for `alias`.
    public mutating func register(family prefix: String, _ alias: ElementAlias) {
        families.append((prefix, alias))
    }

    /// Records that GStreamer's `name` has no counterpart here and which of ours comes closest.
    public mutating func register(missing name: String, closest: String) {
        missing[name] = closest
    }

    /// The factory called `name`: an element, an alias, or a member of an alias family.
    public func factory(named name: String) -> (any ElementFactory)? {
        if let f = factories[name] { return f }
        guard let family = families.first(where: { name.hasPrefix($0.prefix) && name.count > $0.prefix.count }) else { return nil }
        return family.alias.named(name)
    }

    public var names: [String] { factories.keys.sorted() }

    /// The aliases registered by name, sorted by name.
    public var aliases: [ElementAlias] { names.compactMap { factories[$0] as? ElementAlias } }

    /// What comes closest to GStreamer's `name` when this host has no counterpart, if known.
    public func closest(toMissing name: String) -> String? { missing[name] }

    /// Registered names close to `name` (edit distance at most 2), for "did you mean".
    public func suggestions(for name: String) -> [String] {
        names.filter { editDistance($0, name) <= 2 }
    }

    /// Why there is no element called `name`: what comes closest, or names
    /// that are spelled alike.
    public func unknownFactoryMessage(_ name: String) -> String {
        if let closest = missing[name] {
            return "no element called '\(name)': this host has no counterpart of GStreamer's \(name); closest here: \(closest)"
        }
        let hints = suggestions(for: name)
        return "no element called '\(name)'" + (hints.isEmpty ? "" : "; did you mean \(hints.map { "'\($0)'" }.joined(separator: " or "))?")
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
