import ArgumentParser
import Foundation
import MediaPipeline
import MediaWasm

/// `wasi-media elements [NAME] [--json]`: like gst-inspect.
struct Elements: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the elements, or show one: pads, kinds, properties.")

    @Argument(help: "An element to describe.") var name: String?
    @Flag(help: "Print JSON (an object keyed by element name).") var json = false

    struct Description: Encodable {
        struct Pad: Encodable { var name: String; var direction: String; var presence: String; var kinds: [String] }
        struct Property: Encodable { var name: String; var type: String; var `default`: String?; var doc: String }
        var summary: String
        var pads: [Pad]
        var properties: [Property]
        var example: String

        init(_ f: any ElementFactory) {
            summary = f.summary
            pads = f.padTemplates.map { Pad(name: $0.name, direction: $0.direction.rawValue, presence: $0.presence.rawValue, kinds: $0.kinds.map(\.rawValue).sorted()) }
            properties = f.properties.map { Property(name: $0.name, type: $0.typeDescription, default: $0.defaultValue, doc: $0.doc) }
            example = f.example
        }
    }

    func run() throws {
        let registry = ElementRegistry.withGuests
        var names = registry.names
        if let name {
            guard registry.factory(named: name) != nil else {
                let hints = registry.suggestions(for: name)
                printError("error: no element called '\(name)'" + (hints.isEmpty ? "" : "; did you mean \(hints.joined(separator: " or "))?"))
                throw ExitCode.failure
            }
            names = [name]
        }
        if json {
            try printJSON(Dictionary(uniqueKeysWithValues: names.map { ($0, Description(registry.factory(named: $0)!)) }))
            return
        }
        if name == nil {
            for n in names { print("\(n.padding(toLength: 14, withPad: " ", startingAt: 0)) \(registry.factory(named: n)!.summary)") }
            return
        }
        let d = Description(registry.factory(named: names[0])!)
        print("\(names[0]): \(d.summary)\n\npads")
        for p in d.pads { print("  \(p.name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(p.direction), \(p.presence): \(p.kinds.joined(separator: ", "))") }
        print("\nproperties")
        if d.properties.isEmpty { print("  (none)") }
        for p in d.properties {
            print("  \(p.name): \(p.type)" + (p.default.map { ", default \($0)" } ?? ""))
            print("      \(p.doc)")
        }
        print("\nexample\n  wasi-media run '\(d.example)'")
    }
}
