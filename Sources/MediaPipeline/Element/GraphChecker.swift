/// A graph whose every element, property and link was checked against the
/// registry: what the runtime builds (docs/pipelines.md, "Pads").
public struct CheckedGraph: Sendable {
    public struct Element: Sendable {
        public var name: String
        /// The element's factory; for a name that is an alias (`x264enc`), the factory it stands for (`encode`).
        public var factory: any ElementFactory
        /// Every property the graph set, typed by the factory's schema
        /// (an alias's already translated: `x264enc bitrate=800` is `bitrate: 800000`).
        public var properties: [String: PropertyValue]
        /// The alias the graph used (`x264enc`), if any.
        public var alias: String? = nil
        /// What this element does, given its settings (``ElementFactory/capabilities(for:)``).
        public var capabilities: ElementCapabilities { factory.capabilities(for: properties) }
    }

    public struct Link: Sendable, Hashable {
        public var from: PadRef
        public var to: PadRef
        /// Concrete pad names; a sometimes-pad that appears at run time keeps its pattern (`video_%u`).
        public var fromPad: String
        public var toPad: String
        /// The kinds both ends and the caps filter allow (at least one).
        public var kinds: Set<StreamKind>
        public var caps: Caps?
    }

    public var elements: [Element]
    public var links: [Link]
}

/// Checks a ``GraphSpec`` against an ``ElementRegistry`` and reports every
/// problem at once, with launch-line columns when a ``SourceMap`` is given.
public enum GraphChecker {
    public static func check(_ spec: GraphSpec, sourceMap: SourceMap? = nil,
                             registry: ElementRegistry) throws(GraphError) -> CheckedGraph {
        var issues: [GraphIssue] = []
        var elements: [String: CheckedGraph.Element] = [:]
        var pads: [String: [PadTemplate]] = [:]
        var order: [String] = []

        // Elements and properties.
        for e in spec.elements {
            let where_ = sourceMap?.elements[e.name]
            guard let factory = registry.factory(named: e.factory) else {
                issues.append(GraphIssue(.unknownFactory, registry.unknownFactoryMessage(e.factory), where_))
                continue
            }
            var typed: [String: PropertyValue] = [:]
            for (key, text) in e.properties.sorted(by: { $0.key < $1.key }) {
                let range = sourceMap?.properties[e.name]?[key] ?? where_
                let schema: PropertySchema
                switch factory.properties.property(key, of: "'\(e.factory)'") {
                case .success(let found): schema = found
                case .failure(let problem):
                    issues.append(GraphIssue(.badProperty, problem.message, range))
                    continue
                }
                switch schema.parse(text) {
                case .success(let v): typed[key] = v
                case .failure(let problem): issues.append(GraphIssue(.badProperty, "\(e.name): \(problem.message)", range))
                }
            }
            if let alias = factory as? ElementAlias {
                do {
                    typed = try alias.translate(typed)
                } catch {
                    issues.append(GraphIssue(.badProperty, "\(e.name): \(error.message)", where_))
                }
                elements[e.name] = CheckedGraph.Element(name: e.name, factory: alias.target, properties: typed, alias: alias.name)
                pads[e.name] = alias.padTemplates
            } else {
                elements[e.name] = CheckedGraph.Element(name: e.name, factory: factory, properties: typed)
                pads[e.name] = factory.padTemplates
            }
            order.append(e.name)
        }

        /// The pad templates an element offers: an alias's may be narrower than its target's.
        func templates(_ name: String, _ direction: PadDirection) -> [PadTemplate] {
            (pads[name] ?? []).filter { $0.direction == direction }
        }
        func factoryName(_ element: CheckedGraph.Element) -> String { element.alias ?? element.factory.name }

        // Caps an element imposes on its input (capsfilter) join the caps of the link into it.
        var linkCaps = spec.links.map(\.caps)
        for (index, link) in spec.links.enumerated() {
            guard let target = elements[link.to.element], let imposed = target.factory.inputCaps(for: target.properties) else { continue }
            guard let existing = linkCaps[index] else { linkCaps[index] = imposed; continue }
            switch existing.merged(with: imposed) {
            case .success(let merged): linkCaps[index] = merged
            case .failure(let problem):
                issues.append(GraphIssue(.badLink, "caps \(existing) before \(link.to.element) conflict with its caps=\(imposed): \(problem.message)",
                                         sourceMap?.links[index]))
            }
        }

        // The kinds a link's far end can finally take: through elements that
        // pass their input's kind on (queue, tee), what they lead to. Picks a
        // demuxer's or decodebin's pad for `d. ! queue ! videoconvert`.
        var wantedMemo: [Int: Set<StreamKind>] = [:]
        func wanted(_ index: Int, depth: Int = 0) -> Set<StreamKind> {
            if let w = wantedMemo[index] { return w }
            let link = spec.links[index]
            var kinds = Set(StreamKind.allCases)
            if let caps = linkCaps[index], let k = StreamKind(mediaType: caps.mediaType) { kinds = [k] }
            guard let target = elements[link.to.element] else { return kinds }
            let sinks = templates(link.to.element, .sink).filter { link.to.pad.map($0.matches) ?? true }
            kinds.formIntersection(sinks.reduce(into: Set<StreamKind>()) { $0.formUnion($1.kinds) })
            if depth < 32, target.factory.capabilities.contains(.passesKindThrough) {
                let onward = spec.links.indices.filter { spec.links[$0].from.element == link.to.element }
                if !onward.isEmpty {
                    let union = onward.reduce(into: Set<StreamKind>()) { $0.formUnion(wanted($1, depth: depth + 1)) }
                    if !union.isEmpty { kinds.formIntersection(union) }
                }
            }
            wantedMemo[index] = kinds
            return kinds
        }

        // Links: pads, directions, double use, kinds.
        var used: [String: Set<String>] = [:]        // element -> pads taken
        var requestCounters: [String: Int] = [:]    // "element/template" -> next index
        var links: [CheckedGraph.Link] = []

        var sometimesUses: [String: Int] = [:]      // "element/template" -> unnamed links taken
        func describe(_ element: CheckedGraph.Element, _ direction: PadDirection) -> String {
            let names = templates(element.name, direction).map(\.name)
            return names.isEmpty ? "it has no \(direction == .sink ? "sink" : "source") pads" : "it has: " + names.joined(separator: ", ")
        }

        /// Picks the pad for one end of a link; nil (with an issue) when there is none.
        func pick(_ ref: PadRef, _ direction: PadDirection, wanting kinds: Set<StreamKind>?, range: SourceRange?) -> (String, PadTemplate)? {
            guard let element = elements[ref.element] else { return nil }   // unknown factory, already reported
            let templates = templates(ref.element, direction)
            let side = direction == .sink ? "sink" : "source"
            if let pad = ref.pad {
                guard let template = templates.first(where: { $0.matches(pad) }) else {
                    let other = GraphChecker.templates(pads[ref.element] ?? [], direction == .sink ? .source : .sink).contains { $0.matches(pad) }
                    issues.append(GraphIssue(.badLink, other
                        ? "\(ref.element).\(pad) is a \(direction == .sink ? "source" : "sink") pad and cannot be linked as a \(side)"
                        : "\(ref.element) (\(factoryName(element))) has no \(side) pad '\(pad)'; \(describe(element, direction))", range))
                    return nil
                }
                if used[ref.element, default: []].contains(pad) {
                    issues.append(GraphIssue(.badLink, "pad \(ref.element).\(pad) is linked twice", range))
                    return nil
                }
                used[ref.element, default: []].insert(pad)
                return (pad, template)
            }
            // No pad named: a free always-pad, else a new request pad, else a sometimes-pad.
            // Prefer pads of a kind the other end takes; with none, take any, so the
            // kind check below reports the mismatch naming both pads.
            let compatible = templates.filter { kinds == nil || !$0.kinds.isDisjoint(with: kinds!) }
            let candidates = compatible.isEmpty ? templates : compatible
            if let t = candidates.first(where: { $0.presence == .always && !used[ref.element, default: []].contains($0.name) }) {
                used[ref.element, default: []].insert(t.name)
                return (t.name, t)
            }
            if let t = candidates.first(where: { $0.presence == .request }) {
                let key = ref.element + "/" + t.name
                var n = requestCounters[key, default: 0]
                var pad = t.name.replacingFirst("%u", with: String(n))
                while used[ref.element, default: []].contains(pad) { n += 1; pad = t.name.replacingFirst("%u", with: String(n)) }
                requestCounters[key] = n + 1
                used[ref.element, default: []].insert(pad)
                return (pad, t)
            }
            // A sometimes-pad: the first unnamed link to a template keeps its
            // pattern (bound to the first such pad that appears); later ones
            // name the next pads (`video_1`), so no two links share a pad.
            let sometimes = candidates.filter { $0.presence == .sometimes }
            if let t = sometimes.first(where: { sometimesUses[ref.element + "/" + $0.name, default: 0] == 0 }) ?? sometimes.first {
                let key = ref.element + "/" + t.name
                let n = sometimesUses[key, default: 0]
                sometimesUses[key] = n + 1
                return (n == 0 ? t.name : t.name.replacingFirst("%u", with: String(n)), t)
            }
            if templates.isEmpty {
                issues.append(GraphIssue(.badLink, "\(ref.element) (\(factoryName(element))) has no \(side) pads", range))
            } else {
                issues.append(GraphIssue(.badLink, "every \(side) pad of \(ref.element) (\(factoryName(element))) is already linked", range))
            }
            return nil
        }

        for (index, link) in spec.links.enumerated() {
            let range = sourceMap?.links[index]
            let caps = linkCaps[index]
            let filterKind = caps.flatMap { StreamKind(mediaType: $0.mediaType) }
            if let caps, filterKind == nil {
                issues.append(GraphIssue(.badLink, "caps '\(caps.mediaType)' name no stream kind this host carries (video/x-raw, audio/x-raw, video/x-<codec>, audio/x-<codec>, application/x-container)", range))
                continue
            }
            // The sink side first: an unnamed source pad (a demuxer's) is chosen by what the sink takes.
            guard let (toPad, toTemplate) = pick(link.to, .sink, wanting: filterKind.map { [$0] }, range: range) else { continue }
            var wantedKinds = filterKind.map { toTemplate.kinds.intersection([$0]) } ?? toTemplate.kinds
            let onward = wanted(index)
            if !onward.isDisjoint(with: wantedKinds) { wantedKinds.formIntersection(onward) }
            guard let (fromPad, fromTemplate) = pick(link.from, .source, wanting: wantedKinds, range: range) else { continue }
            var kinds = fromTemplate.kinds.intersection(toTemplate.kinds)
            if let k = filterKind { kinds.formIntersection([k]) }
            guard !kinds.isEmpty else {
                func list(_ s: Set<StreamKind>) -> String { s.map(\.rawValue).sorted().joined(separator: "/") }
                issues.append(GraphIssue(.badLink,
                                         "\(link.from.element).\(fromPad) (\(list(fromTemplate.kinds))) cannot link to \(link.to.element).\(toPad) (\(list(toTemplate.kinds)))"
                                         + (caps.map { " through caps \($0)" } ?? ""), range))
                continue
            }
            links.append(CheckedGraph.Link(from: link.from, to: link.to, fromPad: fromPad, toPad: toPad, kinds: kinds, caps: caps))
        }

        // Every always-present sink pad needs an input.
        for name in order {
            guard let element = elements[name] else { continue }
            for t in templates(name, .sink) where t.presence == .always && !used[name, default: []].contains(t.name) {
                issues.append(GraphIssue(.badLink, "\(name).\(t.name) is not linked: \(factoryName(element)) needs an input there", sourceMap?.elements[name]))
            }
        }

        guard issues.isEmpty else {
            throw GraphError(issues: issues.sorted { ($0.range?.column ?? Int.max) < ($1.range?.column ?? Int.max) })
        }
        return CheckedGraph(elements: order.compactMap { elements[$0] }, links: links)
    }
}

extension GraphChecker {
    static func templates(_ all: [PadTemplate], _ direction: PadDirection) -> [PadTemplate] { all.filter { $0.direction == direction } }
}

extension String {
    /// The string with the first `target` replaced.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let r = firstRange(of: target) else { return self }
        return self[..<r.lowerBound] + replacement + self[r.upperBound...]
    }
}
