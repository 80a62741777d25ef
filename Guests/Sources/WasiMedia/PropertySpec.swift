/// One property a filter or transform takes, as it declares it to the host
/// (`wasi:media/properties`' `property`): the host checks what the user
/// wrote against it before the first `configure`, and `wasi-media elements
/// --module` lists it.
///
/// ```swift
/// static var properties: [PropertySpec]? {[
///     .number("strength", 0...1, default: "1", doc: "how much of the effect to apply"),
///     .choice("mode", ["invert", "negate"], default: "invert", doc: "what to do with each pixel"),
/// ]}
/// ```
public struct PropertySpec {
    /// The kind of value a property takes (`property-kind`).
    public enum Kind: UInt8 {
        case string, boolean, integer, number, choice, fraction
    }

    public var name: String
    public var kind: Kind
    /// Bounds of an `integer` or `number`; nil for none.
    public var range: ClosedRange<Double>?
    /// The words of a `choice`.
    public var choices: [String]
    /// The value used when the property is not given, as text; nil for none.
    public var defaultValue: String?
    /// One line for people.
    public var doc: String

    public init(_ name: String, _ kind: Kind, range: ClosedRange<Double>? = nil, choices: [String] = [],
                default defaultValue: String? = nil, doc: String) {
        self.name = name
        self.kind = kind
        self.range = range
        self.choices = choices
        self.defaultValue = defaultValue
        self.doc = doc
    }

    /// Any text.
    public static func string(_ name: String, default value: String? = nil, doc: String) -> PropertySpec {
        PropertySpec(name, .string, default: value, doc: doc)
    }

    /// `true` or `false`.
    public static func boolean(_ name: String, default value: String? = nil, doc: String) -> PropertySpec {
        PropertySpec(name, .boolean, default: value, doc: doc)
    }

    /// A whole number within `range`.
    public static func integer(_ name: String, _ range: ClosedRange<Int>, default value: String? = nil, doc: String) -> PropertySpec {
        PropertySpec(name, .integer, range: Double(range.lowerBound)...Double(range.upperBound), default: value, doc: doc)
    }

    /// A number within `range`.
    public static func number(_ name: String, _ range: ClosedRange<Double>, default value: String? = nil, doc: String) -> PropertySpec {
        PropertySpec(name, .number, range: range, default: value, doc: doc)
    }

    /// One of `choices`.
    public static func choice(_ name: String, _ choices: [String], default value: String? = nil, doc: String) -> PropertySpec {
        PropertySpec(name, .choice, choices: choices, default: value, doc: doc)
    }

    /// `n/d`.
    public static func fraction(_ name: String, default value: String? = nil, doc: String) -> PropertySpec {
        PropertySpec(name, .fraction, default: value, doc: doc)
    }
}

/// The result of `describe` (`option<list<property>>`), for the world
/// modules: lowering into the export return area, and freeing it again.
package enum PropertyDescription {
    /// The size of one lowered `property` record, and its alignment.
    static let recordSize = 80
    static let recordAlignment = 8

    /// Stores `option<list<property>>` and returns the area.
    package static func lower(_ specs: [PropertySpec]?) -> UnsafeMutableRawPointer {
        let area = CanonicalABI.exportReturnArea
        guard let specs else {
            CanonicalABI.store(UInt8(0), area, 0)
            return area
        }
        let list = CanonicalABI.allocate(byteCount: specs.count * recordSize, alignment: recordAlignment)
        for (index, spec) in specs.enumerated() {
            let p = list + index * recordSize
            let name = CanonicalABI.copy(spec.name)
            CanonicalABI.storePair(name.0, name.1, p, 0)
            CanonicalABI.store(spec.kind.rawValue, p, 8)
            CanonicalABI.store(UInt8(spec.range == nil ? 0 : 1), p, 16)
            CanonicalABI.store(spec.range?.lowerBound ?? 0, p, 24)
            CanonicalABI.store(UInt8(spec.range == nil ? 0 : 1), p, 32)
            CanonicalABI.store(spec.range?.upperBound ?? 0, p, 40)
            let choices = CanonicalABI.allocate(byteCount: spec.choices.count * 8, alignment: 4)
            for (i, choice) in spec.choices.enumerated() {
                let c = CanonicalABI.copy(choice)
                CanonicalABI.storePair(c.0, c.1, choices, i * 8)
            }
            CanonicalABI.storePair(choices, spec.choices.count, p, 48)
            if let value = spec.defaultValue {
                let v = CanonicalABI.copy(value)
                CanonicalABI.store(UInt8(1), p, 56)
                CanonicalABI.storePair(v.0, v.1, p, 60)
            } else {
                CanonicalABI.store(UInt8(0), p, 56)
            }
            let doc = CanonicalABI.copy(spec.doc)
            CanonicalABI.storePair(doc.0, doc.1, p, 68)
        }
        CanonicalABI.store(UInt8(1), area, 0)
        CanonicalABI.storePair(list, specs.count, area, 4)
        return area
    }

    /// Frees what `lower(_:)` allocated for the result at `area`.
    package static func free(_ area: UnsafeMutableRawPointer) {
        guard CanonicalABI.load(area, 0, as: UInt8.self) != 0 else { return }
        let (list, count) = CanonicalABI.loadPair(area, 4)
        guard let list else { return }
        for index in 0..<count {
            let p = list + index * recordSize
            CanonicalABI.freePair(p, 0)
            let (choices, choiceCount) = CanonicalABI.loadPair(p, 48)
            if let choices {
                for i in 0..<choiceCount { CanonicalABI.freePair(choices, i * 8) }
                choices.deallocate()
            }
            if CanonicalABI.load(p, 56, as: UInt8.self) != 0 { CanonicalABI.freePair(p, 60) }
            CanonicalABI.freePair(p, 68)
        }
        list.deallocate()
    }
}
