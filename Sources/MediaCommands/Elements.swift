import ArgumentParser
import Foundation
import MediaPipeline
import MediaWasm

/// `wasi-media elements [NAME] [--json]`: like gst-inspect. Everything it
/// prints is read from the elements' declarations (``PropertySchema``s,
/// pad templates, aliases), so it cannot drift from what the checker accepts.
struct Elements: ParsableCommand {
    /// The description of `path` when it is a media-app guest (it exports `run`).
    static func mediaApp(_ path: String) -> GuestDescription? {
        guard let data = FileManager.default.contents(atPath: path),
              let module = try? Engines.auto().compile([UInt8](data)),
              module.exports.contains(where: { $0.name == MediaAppHost.runExport }) else { return nil }
        return GuestDescription(mediaApp: path, imports: module.imports.map(\.name))
    }

    static let configuration = CommandConfiguration(abstract: "List the elements, or show one: pads, kinds, properties (GStreamer names too).")

    @Argument(help: "An element to describe (ours, or a GStreamer name such as x264enc).") var name: String?
    @Flag(help: "Print JSON (an object keyed by element name).") var json = false
    @Option(help: ArgumentHelp("Describe a guest module instead: its world, imports and the properties it declares.", valueName: "M.wasm"))
    var module: String?

    func run() throws {
        if let module {
            let description: GuestDescription
            do {
                description = GuestDescription(try GuestProcessor.inspect(path: module))
            } catch {
                // Not a filter or transform: a media app, or nothing the host runs.
                guard let app = Self.mediaApp(module) else {
                    printError("error: \(error)")
                    throw ExitCode.failure
                }
                description = app
            }
            if json { try printJSON(description) } else { print(description.text) }
            return
        }
        let registry = ElementRegistry.withGuests
        var names = registry.names
        if let name {
            guard registry.factory(named: name) != nil else {
                printError("error: " + registry.unknownFactoryMessage(name))
                throw ExitCode.failure
            }
            names = [name]
        }
        if json {
            try printJSON(Dictionary(uniqueKeysWithValues: names.map { ($0, ElementDescription(registry.factory(named: $0)!)) }))
            return
        }
        if name == nil {
            let ours = names.filter { !(registry.factory(named: $0) is ElementAlias) }
            for n in ours { print("\(n.padding(toLength: 16, withPad: " ", startingAt: 0)) \(registry.factory(named: n)!.summary)") }
            print("\nGStreamer's names (aliases with GStreamer's properties and units; `wasi-media elements NAME` shows the mapping)")
            for alias in registry.aliases { print("\(alias.name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(alias.summary)") }
            return
        }
        print(ElementDescription(registry.factory(named: names[0])!).text(names[0]))
    }
}
