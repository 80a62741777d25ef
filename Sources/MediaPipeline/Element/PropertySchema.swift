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

/// One property an element factory accepts: its name, type, default, range and doc.
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
    }

    public var name: String
    public var kind: Kind
    /// The default as text, or nil when the property is unset by default.
    public var defaultValue: String?
    public var doc: String

    public init(_ name: String, _ kind: Kind, default defaultValue: String? = nil, doc: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.doc = doc
    }

    /// A short type description for messages and `wasi-media elements`.
    public var typeDescription: String {
        switch kind {
        case .int(let r): "integer in \(r.lowerBound)...\(r.upperBound)"
        case .double(let r): "number in \(r.lowerBound)...\(r.upperBound)"
        case .bool: "boolean (true/false)"
        case .string: "string"
        case .choice(let words): "one of " + words.joined(separator: ", ")
        case .fraction: "fraction (like 30/1)"
        }
    }

    /// Parses `text` as this property's type, or says why not.
    public func parse(_ text: String) -> Result<PropertyValue, PropertyProblem> {
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
            guard words.contains(text) else { return bad() }
            return .success(.string(text))
        case .fraction:
            guard let (n, d) = parseFraction(text) else { return bad() }
            return .success(.fraction(n, d))
        }
    }
}

/// Why a property value was refused.
public struct PropertyProblem: Error, Sendable, Hashable {
    public var message: String
}
