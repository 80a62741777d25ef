public import MediaCore

/// The user's settings of one element kind, declared once: a value type
/// whose stored properties' initial values are the defaults, and a table
/// that names each property, its type, unit, range and doc, and where it
/// lives (GStreamer's `Settings`, as gst-plugins-rs keeps them apart from
/// the runtime `State` built at negotiation).
///
/// Everything else is derived from this one declaration: the registry's
/// ``PropertySchema``s (and so `wasi-media elements`, launch-line checking
/// and its error messages), the defaults they show (read from `Self()`),
/// the words a choice accepts (the Swift enum's cases). An element reads
/// its settings as typed fields, never by name.
///
/// ```swift
/// struct Settings: ElementSettings {
///     var numBuffers = -1
///     var pattern: VideoPattern = .index
///     static let declaration: [Setting<Self>] = [
///         .int("num-buffers", \.numBuffers, -1...Int(Int32.max), unit: .buffers, "frames to produce; -1 for no end"),
///         .choice("pattern", \.pattern, "the picture"),
///     ]
/// }
/// ```
public protocol ElementSettings: Sendable, Equatable {
    /// Every setting at its default.
    init()
    /// One entry per property, in the order `wasi-media elements` lists them.
    static var declaration: [Setting<Self>] { get }
}

/// Settings of an element that takes none.
public struct NoSettings: ElementSettings {
    public init() {}
    public static let declaration: [Setting<NoSettings>] = []
}

extension ElementSettings {
    /// The schema of every property, derived from ``declaration``.
    public static var schemas: [PropertySchema] { declaration.map(\.schema) }

    /// The settings with these typed values applied over the defaults
    /// (values as ``PropertySchema/parse(_:)`` gave them; names not declared are ignored).
    public init(_ values: [String: PropertyValue]) {
        self.init()
        for setting in Self.declaration {
            if let v = values[setting.schema.name] { setting.write(&self, v) }
        }
    }

    /// Every property's value in these settings, by name (unset optional ones are absent).
    public var values: [String: PropertyValue] {
        var out: [String: PropertyValue] = [:]
        for setting in Self.declaration { out[setting.schema.name] = setting.read(self) }
        return out
    }
}

/// One property of an element's settings: its schema, and how to read and
/// write it in the settings value. Made with the static constructors
/// (`.int`, `.choice`...), which derive the schema's default from `S()`.
public struct Setting<S: ElementSettings>: Sendable {
    public let schema: PropertySchema
    let read: @Sendable (S) -> PropertyValue?
    let write: @Sendable (inout S, PropertyValue) -> Void

    init(_ name: String, _ kind: PropertySchema.Kind, unit: PropertyUnit?, aliases: [String: String] = [:], doc: String,
         read: @escaping @Sendable (S) -> PropertyValue?, write: @escaping @Sendable (inout S, PropertyValue) -> Void) {
        self.read = read
        self.write = write
        schema = PropertySchema(name, kind, unit: unit, default: read(S()).map(\.description), aliases: aliases, doc: doc)
    }
}

// MARK: - Constructors

extension Setting {
    public static func int(_ name: String, _ key: any WritableKeyPath<S, Int> & Sendable, _ range: ClosedRange<Int>,
                           unit: PropertyUnit? = nil, _ doc: String) -> Setting {
        Setting(name, .int(range), unit: unit, doc: doc, read: { .int($0[keyPath: key]) },
                write: { s, v in if case .int(let i) = v { s[keyPath: key] = i } })
    }

    /// An integer that is unset by default (nil: the element decides, often from caps).
    public static func int(_ name: String, _ key: any WritableKeyPath<S, Int?> & Sendable, _ range: ClosedRange<Int>,
                           unit: PropertyUnit? = nil, _ doc: String) -> Setting {
        Setting(name, .int(range), unit: unit, doc: doc, read: { $0[keyPath: key].map { .int($0) } },
                write: { s, v in if case .int(let i) = v { s[keyPath: key] = i } })
    }

    public static func double(_ name: String, _ key: any WritableKeyPath<S, Double> & Sendable, _ range: ClosedRange<Double>,
                              unit: PropertyUnit? = nil, _ doc: String) -> Setting {
        Setting(name, .double(range), unit: unit, doc: doc, read: { .double($0[keyPath: key]) },
                write: { s, v in if let d = v.doubleValue { s[keyPath: key] = d } })
    }

    public static func bool(_ name: String, _ key: any WritableKeyPath<S, Bool> & Sendable, _ doc: String) -> Setting {
        Setting(name, .bool, unit: nil, doc: doc, read: { .bool($0[keyPath: key]) },
                write: { s, v in if case .bool(let b) = v { s[keyPath: key] = b } })
    }

    public static func string(_ name: String, _ key: any WritableKeyPath<S, String> & Sendable, _ doc: String) -> Setting {
        Setting(name, .string, unit: nil, doc: doc, read: { .string($0[keyPath: key]) },
                write: { s, v in if case .string(let t) = v { s[keyPath: key] = t } })
    }

    /// A string that is unset by default.
    public static func string(_ name: String, _ key: any WritableKeyPath<S, String?> & Sendable, _ doc: String) -> Setting {
        Setting(name, .string, unit: nil, doc: doc, read: { $0[keyPath: key].map { .string($0) } },
                write: { s, v in if case .string(let t) = v { s[keyPath: key] = t } })
    }

    public static func fraction(_ name: String, _ key: any WritableKeyPath<S, Rational> & Sendable,
                                unit: PropertyUnit? = nil, _ doc: String) -> Setting {
        Setting(name, .fraction, unit: unit, doc: doc, read: { .fraction(Int($0[keyPath: key].num), Int($0[keyPath: key].den)) },
                write: { s, v in if let r = v.rationalValue { s[keyPath: key] = r } })
    }

    /// A fraction that is unset by default.
    public static func fraction(_ name: String, _ key: any WritableKeyPath<S, Rational?> & Sendable,
                                unit: PropertyUnit? = nil, _ doc: String) -> Setting {
        Setting(name, .fraction, unit: unit, doc: doc, read: { $0[keyPath: key].map { .fraction(Int($0.num), Int($0.den)) } },
                write: { s, v in if let r = v.rationalValue { s[keyPath: key] = r } })
    }

    /// One of an enum's cases, by ``SettingChoice/settingName`` (or an alias).
    public static func choice<E: SettingChoice>(_ name: String, _ key: any WritableKeyPath<S, E> & Sendable, _ doc: String) -> Setting {
        Setting(name, .choice(E.allCases.map(\.settingName)), unit: nil, aliases: E.aliasWords, doc: doc,
                read: { .string($0[keyPath: key].settingName) },
                write: { s, v in if case .string(let w) = v, let e = E(settingName: w) { s[keyPath: key] = e } })
    }

    /// One of an enum's cases, unset by default.
    public static func choice<E: SettingChoice>(_ name: String, _ key: any WritableKeyPath<S, E?> & Sendable, _ doc: String) -> Setting {
        Setting(name, .choice(E.allCases.map(\.settingName)), unit: nil, aliases: E.aliasWords, doc: doc,
                read: { $0[keyPath: key].map { .string($0.settingName) } },
                write: { s, v in if case .string(let w) = v, let e = E(settingName: w) { s[keyPath: key] = e } })
    }

    /// Caps, checked when the graph is (`capsfilter caps=`); unset by default.
    public static func caps(_ name: String, _ key: any WritableKeyPath<S, Caps?> & Sendable, _ doc: String) -> Setting {
        Setting(name, .caps, unit: nil, doc: doc, read: { $0[keyPath: key].map { .string($0.description) } },
                write: { s, v in if case .string(let t) = v { s[keyPath: key] = try? Caps(parsing: t) } })
    }
}

extension PropertyValue {
    /// A number as a `Double` (integers too).
    public var doubleValue: Double? {
        switch self {
        case .double(let d): d
        case .int(let i): Double(i)
        default: nil
        }
    }

    /// A fraction (or a whole number) as a ``Rational``.
    public var rationalValue: Rational? {
        switch self {
        case .fraction(let n, let d): Rational(Int64(n), Int64(d))
        case .int(let n): Rational(Int64(n), 1)
        default: nil
        }
    }
}
