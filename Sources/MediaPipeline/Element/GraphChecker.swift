/// A graph whose every element, property and link was checked against the
/// registry: what the runtime builds (docs/pipelines.md, "Pads").
public struct CheckedGraph: Sendable {
    public struct Element: Sendable {
        public var name: String
        public var factory: any ElementFactory
        /// Every property the graph set, typed by the factory's schema.
        public var properties: [String: PropertyValue]
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
        var order: [String] = []

        // Elements and properties.
        for e in spec.elements {
            let where_ = sourceMap?.elements[e.name]
            guard let factory = registry.factory(named: e.factory) else {
                let hints = registry.suggestions(for: e.factory)
                issues.append(GraphIssue(.unknownFactory,
                                         "no element called '\(e.factory)'" + (hints.isEmpty ? "" : "; did you mean \(hints.map { "'\($0)'" }.joined(separator: " or "))?"),
                                         where_))
                continue
            }
            var typed: [String: PropertyValue] = [:]
            for (key, text) in e.properties.sorted(by: { $0.key < $1.key }) {
                let range = sourceMap?.properties[e.name]?[key] ?? where_
                guard let schema = factory.property(key) else {
                    let names = factory.properties.map(\.name)
                    let close = names.filter { editDistance($0, key) <= 2 }
                    issues.append(GraphIssue(.badProperty,
                                             "'\(e.factory)' has no property '\(key)'"
                                             + (close.isEmpty ? "" : "; did you mean \(close.map { "'\($0)'" }.joined(separator: " or "))?")
                                             + (names.isEmpty ? "" : " (it has: \(names.joined(separator: ", ")))"),
                                             range))
                    continue
                }
                switch schema.parse(text) {
                case .success(let v): typed[key] = v
                case .failure(let problem): issues.append(GraphIssue(.badProperty, "\(e.name): \(problem.message)", range))
                }
            }
            elements[e.name] = CheckedGraph.Element(name: e.name, factory: factory, properties: typed)
            order.append(e.name)
        }

        // Links: pads, directions, double use, kinds.
        var used: [String: Set<String>] = [:]        // element -> pads taken
        var requestCounters: [String: Int] = [:]    // "element/template" -> next index
        var links: [CheckedGraph.Link] = []

        func describe(_ element: CheckedGraph.Element, _ direction: PadDirection) -> String {
            let names = element.factory.templates(direction).map(\.name)
            return names.isEmpty ? "it has no \(direction == .sink ? "sink" : "source") pads" : "it has: " + names.joined(separator: ", ")
        }

        /// Picks the pad for one end of a link; nil (with an issue) when there is none.
        func pick(_ ref: PadRef, _ direction: PadDirection, wanting kinds: Set<StreamKind>?, range: SourceRange?) -> (String, PadTemplate)? {
            guard let element = elements[ref.element] else { return nil }   // unknown factory, already reported
            let templates = element.factory.templates(direction)
            let side = direction == .sink ? "sink" : "source"
            if let pad = ref.pad {
                guard let template = templates.first(where: { $0.matches(pad) }) else {
                    let other = element.factory.templates(direction == .sink ? .source : .sink).contains { $0.matches(pad) }
                    issues.append(GraphIssue(.badLink, other
                        ? "\(ref.element).\(pad) is a \(direction == .sink ? "source" : "sink") pad and cannot be linked as a \(side)"
                        : "\(ref.element) (\(element.factory.name)) has no \(side) pad '\(pad)'; \(describe(element, direction))", range))
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
            if let t = candidates.first(where: { $0.presence == .sometimes }) {
                return (t.name, t)
            }
            if templates.isEmpty {
                issues.append(GraphIssue(.badLink, "\(ref.element) (\(element.factory.name)) has no \(side) pads", range))
            } else {
                issues.append(GraphIssue(.badLink, "every \(side) pad of \(ref.element) (\(element.factory.name)) is already linked", range))
            }
            return nil
        }

        for (index, link) in spec.links.enumerated() {
            let range = sourceMap?.links[index]
            let filterKind = link.caps.flatMap { StreamKind(mediaType: $0.mediaType) }
            if let caps = link.caps, filterKind == nil {
                issues.append(GraphIssue(.badLink, "caps '\(caps.mediaType)' name no stream kind this host carries (video/x-raw, audio/x-raw, video/x-<codec>, audio/x-<codec>, application/x-container)", range))
                continue
            }
            // The sink side first: an unnamed source pad (a demuxer's) is chosen by what the sink takes.
            guard let (toPad, toTemplate) = pick(link.to, .sink, wanting: filterKind.map { [$0] }, range: range) else { continue }
            let wanted = filterKind.map { toTemplate.kinds.intersection([$0]) } ?? toTemplate.kinds
            guard let (fromPad, fromTemplate) = pick(link.from, .source, wanting: wanted, range: range) else { continue }
            var kinds = fromTemplate.kinds.intersection(toTemplate.kinds)
            if let k = filterKind { kinds.formIntersection([k]) }
            guard !kinds.isEmpty else {
                func list(_ s: Set<StreamKind>) -> String { s.map(\.rawValue).sorted().joined(separator: "/") }
                issues.append(GraphIssue(.badLink,
                                         "\(link.from.element).\(fromPad) (\(list(fromTemplate.kinds))) cannot link to \(link.to.element).\(toPad) (\(list(toTemplate.kinds)))"
                                         + (link.caps.map { " through caps \($0)" } ?? ""), range))
                continue
            }
            links.append(CheckedGraph.Link(from: link.from, to: link.to, fromPad: fromPad, toPad: toPad, kinds: kinds, caps: link.caps))
        }

        // Every always-present sink pad needs an input.
        for name in order {
            guard let element = elements[name] else { continue }
            for t in element.factory.templates(.sink) where t.presence == .always && !used[name, default: []].contains(t.name) {
                issues.append(GraphIssue(.badLink, "\(name).\(t.name) is not linked: \(element.factory.name) needs an input there", sourceMap?.elements[name]))
            }
        }

        guard issues.isEmpty else {
            throw GraphError(issues: issues.sorted { ($0.range?.column ?? Int.max) < ($1.range?.column ?? Int.max) })
        }
        return CheckedGraph(elements: order.compactMap { elements[$0] }, links: links)
    }
}

extension String {
    /// The string with the first `target` replaced.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let r = firstRange(of: target) else { return self }
        return self[..<r.lowerBound] + replacement + self[r.upperBound...]
    }
}
