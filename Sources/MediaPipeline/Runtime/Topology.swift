/// The links of a checked graph as inboxes and routes, and what each
/// element declared it does (``ElementCapabilities``), fixed before the run.
/// Immutable once built; shared by every task of the run.
struct Topology: Sendable {
    /// Where one source pad's output goes.
    struct Route: Sendable {
        /// Index of the inbox the items go to.
        var target: Int
        /// The downstream element takes positioned writes.
        var seekable: Bool
        /// The downstream element reads files itself when offered one.
        var pulls: Bool
        var pad: String
        var caps: Caps?
        var link: CheckedGraph.Link
    }

    let elements: [CheckedGraph.Element]
    /// What each element does, from its factory and settings.
    let capabilities: [ElementCapabilities]
    private(set) var routes: [[String: Route]]
    private(set) var sinkPads: [[String]]
    private(set) var sourcePads: [[String]]
    private(set) var inboxes: [Inbox<Envelope>] = []
    /// Inbox of each element's sink pad.
    private(set) var inboxIndex: [Int: [String: Int]] = [:]
    private(set) var inboxesByElement: [Int: [Int]] = [:]
    /// Elements with no source pads.
    let sinks: Set<Int>
    /// Every element upstream of each element.
    private(set) var ancestors: [Set<Int>]

    /// True when any element produces in real time.
    var isLive: Bool { capabilities.contains { $0.contains(.liveSource) } }

    init(_ graph: CheckedGraph, activity: FlowActivity? = nil) {
        elements = graph.elements
        capabilities = elements.map { $0.factory.capabilities(for: $0.properties) }
        let index = Dictionary(uniqueKeysWithValues: elements.enumerated().map { ($1.name, $0) })
        routes = [[String: Route]](repeating: [:], count: elements.count)
        sinkPads = [[String]](repeating: [], count: elements.count)
        sourcePads = [[String]](repeating: [], count: elements.count)
        var parents = [Set<Int>](repeating: [], count: elements.count)
        for link in graph.links {
            let from = index[link.from.element]!, to = index[link.to.element]!
            sinkPads[to].append(link.toPad)
            sourcePads[from].append(link.fromPad)
            parents[to].insert(from)
        }
        // Inboxes: one per element, or one per sink pad for elements that read
        // their inputs one after another (so a later input waits upstream, not in memory).
        let droppable: @Sendable (Envelope) -> Bool = { $0.isItem }
        let measure: @Sendable (Envelope) -> InboxMeasure = { $0.measure }
        for i in elements.indices where !sinkPads[i].isEmpty {
            let factory = elements[i].factory
            if factory.readsInputsInOrder {
                for pad in sinkPads[i] {
                    inboxIndex[i, default: [:]][pad] = inboxes.count
                    inboxesByElement[i, default: []].append(inboxes.count)
                    inboxes.append(Inbox(limits: InboxLimits(.link), droppable: droppable, measure: measure, activity: activity))
                }
                continue
            }
            // A thread boundary's own settings shape its inbox: limits, and what to drop when full.
            let limits = capabilities[i].contains(.threadBoundary) ? factory.inputQueueLimits(for: elements[i].properties) : .link
            for pad in sinkPads[i] { inboxIndex[i, default: [:]][pad] = inboxes.count }
            inboxesByElement[i, default: []].append(inboxes.count)
            inboxes.append(Inbox(limits: InboxLimits(limits), leak: limits.leak, droppable: droppable, measure: measure, activity: activity))
        }
        for link in graph.links {
            let from = index[link.from.element]!, to = index[link.to.element]!
            routes[from][link.fromPad] = Route(target: inboxIndex[to]![link.toPad]!, seekable: elements[to].factory.takesPositionedWrites,
                                               pulls: elements[to].factory.pullsFiles, pad: link.toPad, caps: link.caps, link: link)
        }
        let sourcePads = sourcePads
        sinks = Set(elements.indices.filter { sourcePads[$0].isEmpty })
        ancestors = [Set<Int>](repeating: [], count: elements.count)
        for i in elements.indices {
            var seen = Set<Int>(), stack = Array(parents[i])
            while let p = stack.popLast() {
                guard seen.insert(p).inserted else { continue }
                stack.append(contentsOf: parents[p])
            }
            ancestors[i] = seen
        }
    }
}
