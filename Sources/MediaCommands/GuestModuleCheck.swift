import MediaWasm

/// What `guest build` found in one built module: its world, its imports,
/// and every reason the host would refuse it.
struct GuestModuleCheck {
    var byteCount: Int
    /// The world whose main function the module exports; nil when none or several.
    var world: SDKWorld?
    /// Function imports, in the module's order.
    var imports: [ImportName]
    /// Every problem found, each a sentence naming the import or export; empty when the host would load the module.
    var problems: [String]

    var passed: Bool { problems.isEmpty }

    /// Checks `bytes` as the host checks a guest before running it: compiled
    /// by `engine`, every export its world needs present with its core
    /// signature, every import offered by the host table of that world
    /// (``SDKWorld/hostImports``) with the same signature. Grants are not
    /// checked: who runs the guest decides them.
    init(_ bytes: [UInt8], engine: any WasmEngine) {
        byteCount = bytes.count
        imports = []
        problems = []
        let module: any WasmModule
        do {
            module = try engine.compile(bytes)
        } catch {
            problems = Self.sentences(error, world: nil)
            return
        }
        imports = module.imports.filter { $0.kind == .function }.map(\.name)
        switch SDKWorld.inferred(from: module.exports.map(\.name)) {
        case .success(let found):
            world = found
            do {
                _ = try engine.compile(bytes, requiredExports: found.requiredExports, host: found.hostImports)
            } catch {
                problems = Self.sentences(error, world: found)
            }
        case .failure(let failure):
            problems = ["exports no single world: \(failure)"]
            // The imports still matter: check them against the largest table, media-app's.
            do {
                _ = try engine.compile(bytes, requiredExports: [], host: SDKWorld.mediaApp.hostImports)
            } catch {
                problems += Self.sentences(error, world: nil)
            }
        }
    }

    /// One sentence per problem in `error`. Imports of WASI are grouped by
    /// what pulls them in (``WASIImport``), so that `printf` gives one
    /// sentence naming `fd_write` and its companions; an import of a
    /// media-app's interface in another world is said to be one.
    static func sentences(_ error: WasmError, world: SDKWorld?) -> [String] {
        guard case .link(let problems) = error else { return ["\(error)"] }
        var sentences: [String] = []
        var wasi: [WASIImport: [ImportName]] = [:]
        for problem in problems {
            guard case .unknownImport(let name) = problem else {
                sentences.append(problem.description)
                continue
            }
            if WASIImport.modules.contains(name.module) {
                wasi[WASIImport(field: name.field), default: []].append(name)
            } else if let world, world != .mediaApp, SDKWorld.mediaApp.hostImports.function(name) != nil {
                sentences.append("the guest imports `\(name.field)` from `\(name.module)`, which only a media-app may import "
                                 + "(a \(world) guest is linked with \(world.hostImports.modules.keys.sorted().joined(separator: ", ")))")
            } else {
                sentences.append(problem.description)
            }
        }
        for use in WASIImport.allCases {
            guard let names = wasi[use] else { continue }
            let fields = names.map { "`\($0.field)`" }.joined(separator: ", ")
            let modules = Set(names.map(\.module)).sorted().map { "`\($0)`" }.joined(separator: ", ")
            sentences.append("the guest imports \(fields) from \(modules), which no host offers (no world imports WASI): \(use.explanation)")
        }
        return sentences
    }

    /// The imports grouped by module, one line each: `wasi:media/types@0.1.0-draft: [method]media-buffer.read, …`.
    var importLines: [String] {
        var order: [String] = []
        var fields: [String: [String]] = [:]
        for name in imports {
            if fields[name.module] == nil { order.append(name.module) }
            fields[name.module, default: []].append(name.field)
        }
        return order.map { "\($0): \(fields[$0, default: []].joined(separator: ", "))" }
    }
}
