/// A typed value of an element property, parsed from launch-line or JSON text.
public enum PropertyValue: Sendable, Hashable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case bool(Bool)
    case string(String)
    case fraction(Int, Int)

    public var description: String {
        switch self {
        case .int(let v): String(v)
        case .double(let v): String(v)
        case .bool(let v): v ? "true" : "false"
        case .string(let v): v
        case .fraction(let n, let d): "\(n)/\(d)"
        }
    }
}

/// The unit of a numeric property, as `wasi-media elements` shows it.
public enum PropertyUnit: String, Sendable, Hashable, CaseIterable, Codable {
    case pixels
    case framesPerSecond = "frames/s"
    case hertz = "Hz"
    case bitsPerSecond = "bit/s"
    case kilobitsPerSecond = "kbit/s"
    case nanoseconds = "ns"
    case microseconds = "µs"
    case milliseconds = "ms"
    case seconds = "s"
    case bytes
    case buffers
    case frames
    case samples
    case channels
}

/// One property an element factory accepts: its name, type, unit, default, range and doc.
public struct PropertySchema: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case int(ClosedRange<Int>)
        case double(ClosedRange<Double>)
        case bool
        case string
        /// One of the listed words.
        case choice([String])
        /// `n/d`, positive denominator.
        case fraction
        /// Caps, as in a launch line: `video/x-raw,width=640`.
        case caps
    }

    public var name: String
    public var kind: Kind
    public var unit: PropertyUnit?
    /// The default as text, or nil when the property is unset by default.
    public var defaultValue: String?
    public var doc: String
    /// Other spellings of a choice's words, lowercased, to the word they stand
    /// for (GStreamer's: `rgba` and `RGBA` for `rgba8888`, `0` for `smpte`).
    public var aliases: [String: String]

    public init(_ name: String, _ kind: Kind, unit: PropertyUnit? = nil, default defaultValue: String? = nil,
                aliases: [String: String] = [:], doc: String) {
        self.name = name
        self.kind = kind
        self.unit = unit
        self.defaultValue = defaultValue
        self.aliases = aliases
        self.doc = doc
    }

    /// A short type description for messages and `wasi-media elements`.
    public var typeDescription: String {
        let unit = unit.map { " (\($0.rawValue))" } ?? ""
        switch kind {
        case .int(let r): return "integer in \(r.lowerBound)...\(r.upperBound)" + unit
        case .double(let r): return "number in \(r.lowerBound)...\(r.upperBound)" + unit
        case .bool: return "boolean (true/false)"
        case .string: return "string"
        case .choice(let words): return "one of " + words.joined(separator: ", ")
        case .fraction: return "fraction (like 30/1)" + unit
        case .caps: return "caps (like video/x-raw,width=640)"
        }
    }

    /// GStreamer's type prefixes a value may carry (`(int)640`, `(fraction)30/1`).
    static let typePrefixes: Set<String> = ["int", "i", "uint", "u", "gint", "guint", "int64", "uint64", "double", "d", "float", "f",
                                            "boolean", "bool", "b", "string", "s", "str", "fraction"]

    /// Parses `text` as this property's type, or says why not.
    ///
    /// Accepts GStreamer's spellings too: a leading type in parentheses
    /// (`(int)640`), a whole number for a fraction (`30` is 30/1), a
    /// choice's words in any case and its aliases.
    public func parse(_ text: String) -> Result<PropertyValue, PropertyProblem> {
        var text = text
        if text.hasPrefix("("), let close = text.firstIndex(of: ")"),
           Self.typePrefixes.contains(String(text[text.index(after: text.startIndex)..<close])) {
            text = String(text[text.index(after: close)...])
        }
        func bad() -> Result<PropertyValue, PropertyProblem> {
            .failure(PropertyProblem(message: "'\(text)' is not a valid value for '\(name)': expected \(typeDescription)"))
        }
        switch kind {
        case .int(let range):
            guard let v = Int(text), range.contains(v) else { return bad() }
            return .success(.int(v))
        case .double(let range):
            guard let v = Double(text), v.isFinite, range.contains(v) else { return bad() }
            return .success(.double(v))
        case .bool:
            switch text.lowercased() {
            case "true", "yes", "1": return .success(.bool(true))
            case "false", "no", "0": return .success(.bool(false))
            default: return bad()
            }
        case .string:
            return .success(.string(text))
        case .choice(let words):
            if words.contains(text) { return .success(.string(text)) }
            let lower = text.lowercased()
            if let word = words.first(where: { $0.lowercased() == lower }) ?? aliases[lower] { return .success(.string(word)) }
            return bad()
        case .fraction:
            if let (n, d) = parseFraction(text) { return .success(.fraction(n, d)) }
            if let n = Int(text) { return .success(.fraction(n, 1)) }
            return bad()
        case .caps:
            do { return .success(.string(try Caps(parsing: text).description)) } catch {
                return .failure(PropertyProblem(message: "'\(text)' is not valid caps for '\(name)': \(error.issues.map(\.message).joined(separator: "; "))"))
            }
        }
    }
}

extension Array where Element == PropertySchema {
    /// The property called `key`, or the refusal a user sees for a name
    /// `owner` (an element factory, a guest module) does not have: with the
    /// names close to it ("did you mean") and the names it does have.
    public func property(_ key: String, of owner: String) -> Result<PropertySchema, PropertyProblem> {
        if let found = first(where: { $0.name == key }) { return .success(found) }
        let names = map(\.name)
        let close = names.filter { editDistance($0, key) <= 2 }
        return .failure(PropertyProblem(message: "\(owner) has no property '\(key)'"
            + (close.isEmpty ? "" : "; did you mean \(close.map { "'\($0)'" }.joined(separator: " or "))?")
            + (names.isEmpty ? "" : " (it has: \(names.joined(separator: ", ")))")))
    }
}

/// Why a property value was refused.
public struct PropertyProblem: Error, Sendable, Hashable {
    public var message: String
}
