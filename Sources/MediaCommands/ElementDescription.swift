import MediaPipeline
import MediaWasm

/// One element as `wasi-media elements` shows it, in text or JSON.
struct ElementDescription: Encodable {
    struct Pad: Encodable { var name: String; var direction: String; var presence: String; var kinds: [String] }
    struct Range: Encodable { var min: Double; var max: Double }
    struct Property: Encodable {
        var name: String
        /// integer, number, boolean, string, choice, fraction, caps.
        var type: String
        var unit: String?
        var range: Range?
        var `default`: String?
        /// A choice's words.
        var values: [String]?
        /// Other spellings a choice accepts, to the word each stands for.
        var aliases: [String: String]?
        var doc: String
        /// The same, in words (`integer in 1...2000000000 (bit/s)`).
        var description: String

        init(_ p: PropertySchema) {
            name = p.name
            unit = p.unit?.rawValue
            self.default = p.defaultValue
            doc = p.doc
            description = p.typeDescription
            aliases = p.aliases.isEmpty ? nil : p.aliases
            switch p.kind {
            case .int(let r): type = "integer"; range = Range(min: Double(r.lowerBound), max: Double(r.upperBound))
            case .double(let r): type = "number"; range = Range(min: r.lowerBound, max: r.upperBound)
            case .bool: type = "boolean"
            case .string: type = "string"
            case .choice(let words): type = "choice"; values = words
            case .fraction: type = "fraction"
            case .caps: type = "caps"
            }
        }
    }
    struct Alias: Encodable {
        /// The element the name stands for, and the settings it fixes.
        var of: String
        var fixed: [String: String]
        /// One line per property: how it maps onto the target's.
        var mapping: [String]
        var note: String?
    }

    var summary: String
    var pads: [Pad]
    var properties: [Property]
    var example: String
    var alias: Alias?

    init(_ f: any ElementFactory) {
        summary = f.summary
        pads = f.padTemplates.map { Pad(name: $0.name, direction: $0.direction.rawValue, presence: $0.presence.rawValue, kinds: $0.kinds.map(\.rawValue).sorted()) }
        properties = f.properties.map(Property.init)
        example = f.example
        if let a = f as? ElementAlias {
            alias = Alias(of: a.target.name, fixed: a.fixed.mapValues(\.description), mapping: a.mappings.map { $0.describe(target: a.target) },
                          note: a.note.isEmpty ? nil : a.note)
        }
    }

    func text(_ name: String) -> String {
        var lines = ["\(name): \(summary)"]
        if let alias {
            let fixed = alias.fixed.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
            lines += ["", "alias of", "  \(alias.of)\(fixed)" + (alias.note.map { " (\($0))" } ?? "")]
            lines += ["", "property mapping (GStreamer's -> ours)"] + (alias.mapping.isEmpty ? ["  (none)"] : alias.mapping.map { "  " + $0 })
        }
        lines += ["", "pads"]
        for p in pads { lines.append("  \(p.name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(p.direction), \(p.presence): \(p.kinds.joined(separator: ", "))") }
        lines += ["", "properties"]
        if properties.isEmpty { lines.append("  (none)") }
        for p in properties {
            lines.append("  \(p.name): \(p.description)" + (p.default.map { ", default \($0)" } ?? ""))
            lines.append("      \(p.doc)")
        }
        lines += ["", "example", "  wasi-media run '\(example)'"]
        return lines.joined(separator: "\n")
    }
}

/// A guest module as `wasi-media elements --module` shows it: what the
/// `wasm` element running it takes, from the module's own declarations.
struct GuestDescription: Encodable {
    var module: String
    var world: String
    var imports: [String]
    /// Nil when the guest declares none (its properties are passed unchecked).
    var properties: [ElementDescription.Property]?

    init(_ guest: GuestProcessor) {
        module = guest.path
        world = guest.world.rawValue
        imports = guest.imports.map(\.description)
        properties = guest.declaredProperties?.map(ElementDescription.Property.init)
    }

    /// A `media-app` guest: a program `wasi-media guest run` runs, with no properties.
    init(mediaApp path: String, imports: [ImportName]) {
        module = path
        world = "media-app"
        self.imports = imports.map(\.description)
        properties = nil
    }

    var text: String {
        let runBy = world == "media-app" ? "run by `wasi-media guest run`" : "run by the `wasm` element"
        var lines = ["\(module): \(withArticle(world)) guest, \(runBy)", "", "imports"]
        lines += imports.isEmpty ? ["  (none)"] : imports.map { "  " + $0 }
        if world == "media-app" {
            lines += ["", "arguments", "  what follows `--` on `wasi-media guest run`, passed to its run(args)"]
            return lines.joined(separator: "\n")
        }
        lines += ["", "properties (props=key=value;key=value)"]
        if let properties {
            if properties.isEmpty { lines.append("  (none: any property is refused)") }
            for p in properties {
                lines.append("  \(p.name): \(p.description)" + (p.default.map { ", default \($0)" } ?? ""))
                lines.append("      \(p.doc)")
            }
        } else {
            lines.append("  (not declared: every property reaches the guest unchecked)")
        }
        return lines.joined(separator: "\n")
    }
}

/// `a video-filter`, `an audio-filter`: the word with its indefinite article.
func withArticle(_ word: String) -> String {
    (word.first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + word
}
