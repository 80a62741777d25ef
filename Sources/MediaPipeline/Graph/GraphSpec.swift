/// A pipeline graph as data: what launch lines and JSON both describe
/// (see docs/graph-format.md).
///
/// Equality compares elements by name and links as a set, so a graph that
/// went text → JSON → text → JSON is equal to where it started.
public struct GraphSpec: Sendable, Codable, Hashable, CustomStringConvertible {
    /// The JSON format's version; readers refuse others.
    public static let version = 1

    public var elements: [ElementSpec]
    public var links: [LinkSpec]

    public init(elements: [ElementSpec] = [], links: [LinkSpec] = []) {
        self.elements = elements
        self.links = links
    }

    public func element(named name: String) -> ElementSpec? { elements.first { $0.name == name } }

    /// The launch-line spelling.
    public var description: String { LaunchLine.serialize(self) }

    public static func == (a: GraphSpec, b: GraphSpec) -> Bool {
        a.elements.count == b.elements.count && a.links.count == b.links.count
            && Set(a.elements) == Set(b.elements) && Set(a.links) == Set(b.links)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(Set(elements))
        hasher.combine(Set(links))
    }

    // MARK: - JSON

    private enum CodingKeys: String, CodingKey { case version, elements, links }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let version = try c.decodeIfPresent(Int.self, forKey: .version) ?? Self.version
        guard version == Self.version else {
            throw DecodingError.dataCorruptedError(forKey: .version, in: c,
                                                   debugDescription: "graph version \(version) is not supported (this host reads version \(Self.version))")
        }
        elements = try c.decode([ElementSpec].self, forKey: .elements)
        links = try c.decodeIfPresent([LinkSpec].self, forKey: .links) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.version, forKey: .version)
        try c.encode(elements, forKey: .elements)
        try c.encode(links, forKey: .links)
    }
}

/// One element: a factory, a unique name, and property values as text
/// (typed by the factory's property schema when the graph is built).
public struct ElementSpec: Sendable, Codable, Hashable {
    public var name: String
    public var factory: String
    public var properties: [String: String]

    public init(name: String, factory: String, properties: [String: String] = [:]) {
        self.name = name
        self.factory = factory
        self.properties = properties
    }

    private enum CodingKeys: String, CodingKey { case name, factory, properties }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        factory = try c.decode(String.self, forKey: .factory)
        properties = try c.decodeIfPresent([String: String].self, forKey: .properties) ?? [:]
    }
}

/// One end of a link: an element and, optionally, one of its pads.
public struct PadRef: Sendable, Codable, Hashable, CustomStringConvertible {
    public var element: String
    /// nil means "the element's next free pad of the right direction".
    public var pad: String?

    public init(element: String, pad: String? = nil) {
        self.element = element
        self.pad = pad
    }

    /// The launch-line spelling: `x.` or `x.pad`.
    public var description: String { element + "." + (pad ?? "") }
}

/// A link from a source pad to a sink pad, optionally restricted by caps.
public struct LinkSpec: Sendable, Codable, Hashable {
    public var from: PadRef
    public var to: PadRef
    public var caps: Caps?

    public init(from: PadRef, to: PadRef, caps: Caps? = nil) {
        self.from = from
        self.to = to
        self.caps = caps
    }
}

/// Where each piece of a parsed launch line came from, for error messages
/// about problems found after parsing (unknown factory, bad property value).
public struct SourceMap: Sendable, Hashable {
    /// The factory word of each element, by element name.
    public var elements: [String: SourceRange] = [:]
    /// Each property, by element name and property key (the whole `key=value`).
    public var properties: [String: [String: SourceRange]] = [:]
    /// Each link, by its index in `GraphSpec.links` (the `!` that made it).
    public var links: [Int: SourceRange] = [:]

    public init() {}
}

/// A span of a launch line: 1-based column and length in characters.
public struct SourceRange: Sendable, Hashable, CustomStringConvertible {
    public var column: Int
    public var length: Int
    public init(column: Int, length: Int) {
        self.column = column
        self.length = max(1, length)
    }
    public var description: String { "column \(column)" }
}
