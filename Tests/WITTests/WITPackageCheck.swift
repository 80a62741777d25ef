import Foundation
import MediaTestSupport
import WIT

/// Parses and checks a WIT package directory with WasmKit's `WIT` library
/// and compares it with ``WITContract``. Every problem found is reported,
/// not only the first.
///
/// WasmKit 0.4.2 resolves and validates types in records, variants,
/// aliases, free functions, `use` and world items, but never looks inside a
/// resource (`ResourceSyntax.functions` is internal and its validator skips
/// it), so this check resolves the names used by resource constructors,
/// methods and static functions itself.
struct WITPackageCheck {
    let directory: String
    private(set) var problems: [String] = []

    /// The parsed package's interfaces and worlds, by name.
    private(set) var interfaces: [String: SyntaxNode<InterfaceSyntax>] = [:]
    private(set) var worlds: [String: SyntaxNode<WorldSyntax>] = [:]

    init(directory: String) {
        self.directory = directory
        run()
    }

    private mutating func report(_ problem: String) { problems.append(problem) }

    private mutating func run() {
        let loader = DependencyLoader()
        let files: [String]
        do {
            files = try loader.packageFiles(in: directory).sorted()
        } catch {
            return report("cannot list \(directory): \(error)")
        }
        guard !files.isEmpty else { return report("no .wit file in \(directory)") }

        // Parse each file alone first, so every file's syntax error is reported.
        var sources: [String: String] = [:]
        for file in files {
            do {
                let text = try loader.contentsOfWITFile(at: file)
                sources[file] = text
                _ = try SourceFileSyntax.parse(text, fileName: file)
            } catch {
                report("\(name(of: file)): does not parse: \(error)")
            }
        }
        guard problems.isEmpty else { return }

        let package: PackageUnit
        let resolver: PackageResolver
        do {
            (package, resolver) = try PackageResolver.parse(directory: directory, loader: loader)
        } catch {
            return report("the package does not parse: \(error)")
        }
        if package.packageName.description != WITContract.qualifiedPackageName {
            report("package is \(package.packageName), expected \(WITContract.qualifiedPackageName)")
        }

        do {
            let diagnostics = try SemanticsContext(rootPackage: package, packageResolver: resolver)
                .validate(package: package)
            for (file, list) in diagnostics.sorted(by: { $0.key < $1.key }) {
                // WasmKit 0.4.2 knows floats only as `float32`/`float64`, which
                // current WIT no longer accepts (wit/README.md, "Tools"); the
                // wasm-tools cross-check validates every `f32` and `f64`.
                for diagnostic in list where !["Cannot find type 'f32' in scope", "Cannot find type 'f64' in scope"].contains(diagnostic.message) {
                    let at = sources[file].flatMap { diagnostic.location($0) }.map { ":\($0.line):\($0.column)" } ?? ""
                    report("\(name(of: file))\(at): \(diagnostic.message)")
                }
            }
        } catch {
            report("validation failed: \(error)")
        }

        collect(package)
        checkResourceTypes()
        compareWithContract()
    }

    private func name(of file: String) -> String { URL(fileURLWithPath: file).lastPathComponent }

    // MARK: - Collecting

    private mutating func collect(_ package: PackageUnit) {
        for file in package.sourceFiles {
            var interfacesInFile: [String] = []
            for item in file.items {
                switch item {
                case .interface(let interface):
                    let name = interface.name.text
                    if interfaces[name] != nil { report("interface \(name) is defined twice") }
                    interfaces[name] = interface
                    interfacesInFile.append(name)
                case .world(let world):
                    let name = world.name.text
                    if worlds[name] != nil { report("world \(name) is defined twice") }
                    worlds[name] = world
                case .use:
                    break
                }
            }
            if interfacesInFile.count > 1 {
                report("\(name(of: file.fileName)) defines \(interfacesInFile.count) interfaces "
                       + "(\(interfacesInFile.joined(separator: ", "))): keep one interface per file")
            }
        }
        for name in Set(interfaces.keys).intersection(worlds.keys) {
            report("\(name) names both an interface and a world")
        }
    }

    /// Free functions and resources of an interface, as parsed.
    struct Members: Equatable {
        var functions: [String] = []
        var resources: [String: ResourceMembers] = [:]
    }

    struct ResourceMembers: Equatable {
        var hasConstructor = false
        var methods: [String] = []
        var statics: [String] = []
        var all: [(kind: String, function: SyntaxNode<NamedFunctionSyntax>)] = []

        static func == (a: Self, b: Self) -> Bool {
            a.hasConstructor == b.hasConstructor && a.methods == b.methods && a.statics == b.statics
        }
    }

    func members(of interface: SyntaxNode<InterfaceSyntax>) -> Members {
        var members = Members()
        for item in interface.items {
            switch item {
            case .function(let function):
                members.functions.append(function.name.text)
            case .typeDef(let typeDef):
                guard case .resource(let resource) = typeDef.body else { continue }
                var result = ResourceMembers()
                for function in Self.functions(of: resource) {
                    switch function {
                    case .constructor(let f):
                        result.hasConstructor = true
                        result.all.append(("constructor", f))
                    case .method(let f):
                        result.methods.append(f.name.text)
                        result.all.append(("method", f))
                    case .`static`(let f):
                        result.statics.append(f.name.text)
                        result.all.append(("static function", f))
                    }
                }
                members.resources[typeDef.name.text] = result
            case .use:
                break
            }
        }
        return members
    }

    /// A resource's constructor, methods and static functions. WasmKit keeps
    /// them in an internal stored property, `ResourceSyntax.functions`, read
    /// here by reflection; if a WasmKit update renames it, every resource
    /// comes back empty and the contract comparison fails loudly.
    static func functions(of resource: ResourceSyntax) -> [ResourceFunctionSyntax] {
        Mirror(reflecting: resource).children.first { $0.label == "functions" }?.value
            as? [ResourceFunctionSyntax] ?? []
    }

    // MARK: - Types inside resources

    /// Type names WasmKit 0.4.2 parses as plain names although WIT defines
    /// them as built-in types: its lexer only knows the older `float32` and
    /// `float64` spellings.
    static let builtInNames: Set<String> = ["f32", "f64"]

    private mutating func checkResourceTypes() {
        for (interfaceName, interface) in interfaces.sorted(by: { $0.key < $1.key }) {
            var known = Self.builtInNames
            for item in interface.items {
                switch item {
                case .typeDef(let typeDef):
                    known.insert(typeDef.name.text)
                case .use(let use):
                    for name in use.names { known.insert((name.asName ?? name.name).text) }
                case .function:
                    break
                }
            }
            for (resourceName, resource) in members(of: interface).resources.sorted(by: { $0.key < $1.key }) {
                for (kind, function) in resource.all {
                    let place = "\(interfaceName): \(kind) \(resourceName).\(function.name.text)"
                    var types = function.function.parameters.map(\.type)
                    types += function.function.results.types
                    for type in types {
                        for missing in Self.unknownNames(in: type, known: known) {
                            report("\(place): cannot find type '\(missing)'")
                        }
                    }
                    var seen = Set<String>()
                    for parameter in function.function.parameters where !seen.insert(parameter.name.text).inserted {
                        report("\(place): parameter \(parameter.name.text) appears twice")
                    }
                }
            }
        }
    }

    /// Names used in `type` that are not in `known`.
    static func unknownNames(in type: TypeReprSyntax, known: Set<String>) -> [String] {
        switch type {
        case .bool, .u8, .u16, .u32, .u64, .s8, .s16, .s32, .s64, .float32, .float64, .char, .string:
            return []
        case .name(let id):
            return known.contains(id.text) ? [] : [id.text]
        case .handle(.own(let id)), .handle(.borrow(let id)):
            return known.contains(id.text) ? [] : [id.text]
        case .list(let element), .option(let element):
            return unknownNames(in: element, known: known)
        case .tuple(let elements):
            return elements.flatMap { unknownNames(in: $0, known: known) }
        case .result(let result):
            return [result.ok, result.error].compactMap { $0 }.flatMap { unknownNames(in: $0, known: known) }
        case .future(let element):
            return element.map { unknownNames(in: $0, known: known) } ?? []
        case .stream:
            return []
        }
    }

    // MARK: - Contract

    private mutating func compareWithContract() {
        let expectedInterfaces = Set(WITContract.ownInterfaces.map(\.name))
        for name in Set(interfaces.keys).subtracting(expectedInterfaces).sorted() {
            report("interface \(name) is not in WITContract")
        }
        for expected in WITContract.ownInterfaces {
            guard let interface = interfaces[expected.name] else {
                report("interface \(expected.name) is missing")
                continue
            }
            let found = members(of: interface)
            compare("interface \(expected.name): functions", found.functions, expected.functions)
            compare("interface \(expected.name): resources", Array(found.resources.keys), expected.resources.map(\.name))
            for resource in expected.resources {
                guard let got = found.resources[resource.name] else { continue }
                let place = "interface \(expected.name): resource \(resource.name)"
                if got.hasConstructor != resource.hasConstructor {
                    report("\(place): " + (resource.hasConstructor ? "has no constructor" : "has a constructor not in WITContract"))
                }
                compare("\(place): methods", got.methods, resource.methods)
                compare("\(place): static functions", got.statics, resource.staticFunctions)
            }
        }

        let expectedWorlds = Set(WITContract.worlds.map(\.name))
        for name in Set(worlds.keys).subtracting(expectedWorlds).sorted() {
            report("world \(name) is not in WITContract")
        }
        for expected in WITContract.worlds {
            guard let world = worlds[expected.name] else {
                report("world \(expected.name) is missing")
                continue
            }
            var imports: [String] = []
            var exports: [String] = []
            for item in world.items {
                switch item {
                case .import(let item): imports.append(externName(item.kind))
                case .export(let item): exports.append(externName(item.kind))
                case .use, .type, .include:
                    report("world \(expected.name): only imports and exports of interfaces are expected")
                }
            }
            compare("world \(expected.name): imports", imports, expected.imports)
            compare("world \(expected.name): exports", exports, expected.exports)
        }
    }

    private func externName(_ kind: ExternKindSyntax) -> String {
        switch kind {
        case .path(.id(let id)): return id.text
        case .path(.package(let package, let name)):
            // `wasi:logging@0.1.0-draft` and `logging` as a world writes it: `wasi:logging/logging@0.1.0-draft`.
            let text = package.description
            guard let at = text.firstIndex(of: "@") else { return "\(text)/\(name.text)" }
            return "\(text[..<at])/\(name.text)\(text[at...])"
        case .interface(let id, _): return "\(id.text) (inline interface)"
        case .function(let id, _): return "\(id.text) (function)"
        }
    }

    private mutating func compare(_ what: String, _ found: [String], _ expected: [String]) {
        var seen = Set<String>()
        for name in found where !seen.insert(name).inserted {
            report("\(what): \(name) appears twice")
        }
        let missing = Set(expected).subtracting(found).sorted()
        let extra = Set(found).subtracting(expected).sorted()
        if !missing.isEmpty { report("\(what): missing \(missing.joined(separator: ", "))") }
        if !extra.isEmpty { report("\(what): not in WITContract: \(extra.joined(separator: ", "))") }
    }
}

/// WasmKit's `LocalFileLoader`, with `deps/` resolved: WasmKit 0.4.2 lists
/// the entries of `deps/` by bare name (`logging`), which it then looks
/// for in the working directory; this returns their paths.
struct DependencyLoader: PackageFileLoader {
    private let local = LocalFileLoader()

    func packageFiles(in packageDirectory: String) throws -> [String] { try local.packageFiles(in: packageDirectory) }
    func contentsOfWITFile(at filePath: String) throws -> String { try local.contentsOfWITFile(at: filePath) }
    func dependencyDirectories(from packageDirectory: String) throws -> [String] {
        let deps = URL(fileURLWithPath: packageDirectory).appendingPathComponent("deps")
        return try local.dependencyDirectories(from: packageDirectory).map { deps.appendingPathComponent($0).path }
    }
}
