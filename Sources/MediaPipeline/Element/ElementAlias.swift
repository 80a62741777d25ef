/// Another element's name (GStreamer's: `x264enc`, `mp4mux`, `qtdemux`),
/// with GStreamer's property names and units, standing for one of ours
/// with some settings fixed (`x264enc` is `encode codec=h264`).
///
/// The alias's properties are derived from the target's declaration: a
/// property mapped with ``PropertyMapping/Rule/same(_:)`` or
/// ``PropertyMapping/Rule/scaled(_:by:)`` takes the target's type and
/// range (divided by the factor), so no range is written twice. The graph
/// checker translates an alias into its target before the graph runs: the
/// runtime only ever sees our elements. Immutable and `Sendable`.
public struct ElementAlias: ElementFactory {
    public private(set) var name: String
    /// The element this name stands for.
    public let target: any ElementFactory
    /// Settings of the target the name fixes (`codec=h264` for `x264enc`).
    public let fixed: [String: PropertyValue]
    public let mappings: [PropertyMapping]
    public let padTemplates: [PadTemplate]
    public let properties: [PropertySchema]
    public let example: String
    /// Where the name comes from and what differs, for `wasi-media elements`.
    public let note: String
    /// Rules that read several properties at once (x264enc's `pass` with
    /// `quantizer`); given the alias's values and the translation so far.
    let combine: (@Sendable ([String: PropertyValue], inout [String: PropertyValue]) -> String?)?

    /// - Parameters:
    ///   - sinkKinds, sourceKinds: narrow the target's pads to these kinds
    ///     (`vorbisdec` takes encoded audio only, where `decode` takes both).
    public init(_ name: String, of target: any ElementFactory, fixed: [String: PropertyValue] = [:],
                _ mappings: [PropertyMapping] = [], sinkKinds: Set<StreamKind>? = nil, sourceKinds: Set<StreamKind>? = nil,
                example: String, note: String = "",
                combine: (@Sendable ([String: PropertyValue], inout [String: PropertyValue]) -> String?)? = nil) {
        self.name = name
        self.target = target
        self.fixed = fixed
        self.mappings = mappings
        self.example = example
        self.note = note
        self.combine = combine
        padTemplates = target.padTemplates.map { t in
            var t = t
            if let narrow = t.direction == .sink ? sinkKinds : sourceKinds { t.kinds.formIntersection(narrow) }
            return t
        }
        properties = mappings.map { $0.schema(target: target) }
    }

    public var summary: String {
        let settings = fixed.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        return "GStreamer's \(name): \(target.name)\(settings)"
    }

    public var readsInputsInOrder: Bool { target.readsInputsInOrder }
    public var takesPositionedWrites: Bool { target.takesPositionedWrites }
    public var pullsFiles: Bool { target.pullsFiles }
    public var capabilities: ElementCapabilities { target.capabilities }

    /// The same alias under another name (`avdec_h264` from the `avdec_*` family).
    func named(_ other: String) -> ElementAlias {
        var copy = self
        copy.name = other
        return copy
    }

    /// The target's settings for these alias settings (typed by ``properties``).
    /// - Throws: ``PropertyProblem`` when a combination has no counterpart.
    public func translate(_ values: [String: PropertyValue]) throws(PropertyProblem) -> [String: PropertyValue] {
        var out = fixed
        for (key, value) in values {
            guard let mapping = mappings.first(where: { $0.name == key }) else { continue }
            switch mapping.rule {
            case .same(let to):
                out[to] = value
            case .scaled(let to, let factor):
                switch value {
                case .int(let v): out[to] = .int(v * factor)
                case .double(let v): out[to] = .double(v * Double(factor))
                default: out[to] = value
                }
            case .choice(let to, let table):
                guard case .string(let word) = value, let mapped = table.first(where: { $0.0 == word }) else { continue }
                if let v = mapped.1 { out[to] = v } else { out[to] = nil }
            case .accepted, .combined:
                continue
            }
        }
        if let combine, let problem = combine(values, &out) { throw PropertyProblem(message: problem) }
        return out
    }
}

/// How one property of an ``ElementAlias`` maps onto its target.
public struct PropertyMapping: Sendable {
    public enum Rule: Sendable {
        /// The same value, under the target's property of this name.
        case same(String)
        /// The value times `factor`: the alias's unit to the target's (kbit/s
        /// to bit/s is 1000). The range is the target's divided by `factor`.
        case scaled(String, by: Int)
        /// Each of the alias's words to a value of the target's property (nil: leave it unset).
        case choice(String, [(String, PropertyValue?)])
        /// Taken and checked, with no effect here; the doc says why.
        case accepted
        /// Read by the alias's combining rule together with other properties.
        case combined
    }

    public var name: String
    public var rule: Rule
    /// The alias's own type, for rules whose type is not the target's.
    public var kind: PropertySchema.Kind?
    public var unit: PropertyUnit?
    public var aliases: [String: String]
    public var doc: String?

    public init(_ name: String, _ rule: Rule, kind: PropertySchema.Kind? = nil, unit: PropertyUnit? = nil,
                aliases: [String: String] = [:], doc: String? = nil) {
        self.name = name
        self.rule = rule
        self.kind = kind
        self.unit = unit
        self.aliases = aliases
        self.doc = doc
    }

    /// The target property this maps onto, if one.
    public var targetName: String? {
        switch rule {
        case .same(let t), .scaled(let t, _), .choice(let t, _): t
        case .accepted, .combined: nil
        }
    }

    /// One line for `wasi-media elements`: `bitrate (kbit/s) -> encode bitrate (bit/s) x1000`.
    public func describe(target: any ElementFactory) -> String {
        let own = name + (unit.map { " (\($0.rawValue))" } ?? "")
        let theirs = targetName.flatMap { target.property($0) }
        let theirsText = theirs.map { "\(target.name) \($0.name)" + ($0.unit.map { " (\($0.rawValue))" } ?? "") } ?? ""
        switch rule {
        case .same: return "\(own) -> \(theirsText)"
        case .scaled(_, let factor): return "\(own) -> \(theirsText), x\(factor)"
        case .choice(_, let table):
            let pairs = table.map { "\($0.0)=\($0.1.map { "\($0)" } ?? "unset")" }.joined(separator: ", ")
            return "\(own) -> \(theirsText): \(pairs)"
        case .accepted: return "\(own): accepted, no effect here" + (doc.map { " (\($0))" } ?? "")
        case .combined: return "\(own): " + (doc ?? "combined with other properties")
        }
    }

    /// The alias's schema: the target's type and range in the alias's units, its doc.
    func schema(target: any ElementFactory) -> PropertySchema {
        let theirs = targetName.flatMap { target.property($0) }
        var kind = self.kind ?? theirs?.kind ?? .string
        if self.kind == nil, case .scaled(_, let factor) = rule, case .int(let r)? = theirs?.kind {
            kind = .int(max(r.lowerBound / factor, r.lowerBound > 0 ? 1 : r.lowerBound)...(r.upperBound / factor))
        }
        if case .choice(_, let table) = rule, self.kind == nil { kind = .choice(table.map(\.0)) }
        var aliases = self.aliases
        if self.kind == nil, case .same = rule { aliases.merge(theirs?.aliases ?? [:]) { a, _ in a } }
        let doc = self.doc ?? theirs?.doc ?? ""
        return PropertySchema(name, kind, unit: unit ?? (self.kind == nil ? theirs?.unit : nil), aliases: aliases, doc: doc)
    }
}
