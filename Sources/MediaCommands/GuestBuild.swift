import ArgumentParser
import Foundation
import MediaWasm

/// `wasi-media guest build [DIR] -o OUT.wasm [--product NAME] [--simd]`, or
/// `guest build [DIR] --all --out-dir DIR`: builds a guest package
/// (Embedded Swift for wasm32) with ``GuestToolchain``'s flags, then checks
/// each module as the host will (its world's exports, every import offered
/// by the host) and prints its size, world and imports.
///
/// Exit status: 0 when every module was built and passed; 1 otherwise,
/// with every problem of every module on stderr (a module that fails its
/// checks is not written).
struct GuestBuild: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build a guest package (Embedded Swift, wasm32-unknown-none-wasm) and check its modules against the host.",
        discussion: """
            Passes every compiler and linker flag a guest needs on SwiftPM's command line, so the package's \
            manifest needs none: it depends on the SDK (Guests/) by path or URL and names a world's product. \
            Each module is then checked as the host will load it: every export its world needs, every import \
            offered by the host (a WASI import is named with what pulls it in, such as `print`). \
            Needs the Debian packages wasi-libc and libclang-rt-14-dev-wasm32 (scripts/setup.sh installs them).
            """)

    @Argument(help: "The guest package directory (with its Package.swift).") var directory: String = "."
    @Option(name: .shortAndLong, help: "Where to write the module (one product).") var output: String?
    @Option(help: "The executable product to build, when the package has several.") var product: String?
    @Flag(help: "Build every executable product into --out-dir as NAME.wasm, in one SwiftPM build.") var all = false
    @Option(name: .customLong("out-dir"), help: "Where --all writes the modules (created if missing).") var outputDirectory: String?
    @Flag(help: "Compile with WebAssembly SIMD (fast on Wasmtime, slow on WasmKit).") var simd = false
    @Option(name: .customLong("scratch-path"), help: "SwiftPM's build folder (default: DIR/.build, symbolic links resolved).")
    var scratchPath: String?

    func validate() throws {
        var problems: [String] = []
        if all {
            if outputDirectory == nil { problems.append("--all needs --out-dir DIR") }
            if output != nil { problems.append("--all writes NAME.wasm into --out-dir: -o/--output is for one product") }
            if product != nil { problems.append("--all builds every product: leave out --product") }
        } else {
            if output == nil { problems.append("-o/--output OUT.wasm is required (or --all --out-dir DIR)") }
            if outputDirectory != nil { problems.append("--out-dir goes with --all") }
        }
        if !FileManager.default.fileExists(atPath: directory + "/Package.swift") {
            problems.append("\(directory) has no Package.swift: give the guest package's directory")
        }
        guard problems.isEmpty else { throw ValidationError(problems.joined(separator: "\n")) }
    }

    func run() throws {
        let toolchain: GuestToolchain
        do { toolchain = try GuestToolchain.locate() } catch {
            printError("error: \(error)")
            throw ExitCode.failure
        }
        let common = ["--package-path", directory, "--scratch-path", scratchPath ?? Self.resolvedBuildFolder(of: directory)]
        // Which products, decided before anything is compiled.
        let products: [String]
        do { products = try executableProducts(common, swift: toolchain.swift) } catch {
            printError("error: \(error)")
            throw ExitCode.failure
        }
        let chosen: [String]
        switch choose(from: products) {
        case .success(let names): chosen = names
        case .failure(let problem):
            printError("error: \(problem.message)")
            throw ExitCode.failure
        }

        var build = ["build"] + common + toolchain.buildArguments(simd: simd)
        if !all { build += ["--product", chosen[0]] }
        guard try GuestProcess.run(toolchain.swift, build).status == 0 else {
            printError("error: swift build of \(directory) failed (the compiler's messages are above)")
            throw ExitCode.failure
        }
        let shown = try GuestProcess.run(toolchain.swift, ["build"] + common + toolchain.buildArguments(simd: simd) + ["--show-bin-path"],
                                         captureOutput: true)
        let bin = shown.output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard shown.status == 0, !bin.isEmpty else {
            printError("error: swift build --show-bin-path failed for \(directory): \(shown.errors)")
            throw ExitCode.failure
        }

        let folder = outputDirectory ?? output.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path } ?? "."
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            printError("error: cannot create \(folder) for the module: \(error.localizedDescription)")
            throw ExitCode.failure
        }
        let engine = Engines.auto()
        var failed: [String] = []
        for name in chosen {
            let built = bin + "/" + name + ".wasm"
            let destination = outputDirectory.map { $0 + "/" + name + ".wasm" } ?? output ?? name + ".wasm"
            guard let data = FileManager.default.contents(atPath: built) else {
                failed.append("\(name): \(built) was not built (is \(name) an executable product linked for wasm32?)")
                continue
            }
            let check = GuestModuleCheck([UInt8](data), engine: engine)
            guard check.passed else {
                failed.append("\(name) (\(built)) would not load in the host:\n" + check.problems.map { "  - " + $0 }.joined(separator: "\n"))
                continue
            }
            do {
                // Replaced only when it changed, so that a rebuild with nothing new leaves the file as it was.
                if FileManager.default.contents(atPath: destination) != data {
                    try data.write(to: URL(fileURLWithPath: destination))
                }
            } catch {
                failed.append("\(name): cannot write \(destination): \(error.localizedDescription)")
                continue
            }
            print(Self.summary(of: check, at: destination))
        }
        guard failed.isEmpty else {
            for failure in failed { printError("error: " + failure) }
            throw ExitCode.failure
        }
    }

    // MARK: - Products

    /// A reason no product could be chosen, said before building.
    struct ProductChoiceError: Error { var message: String }

    /// The products to build: `--product`'s, every one for `--all`, or the only one.
    func choose(from products: [String]) -> Result<[String], ProductChoiceError> {
        let listed = products.isEmpty ? "none" : products.joined(separator: ", ")
        if products.isEmpty {
            return .failure(ProductChoiceError(message: "\(directory) has no executable product: a guest is an `.executableTarget` "
                                               + "depending on a world's product (WasiMediaVideoFilter, …)"))
        }
        if all { return .success(products) }
        if let product {
            guard products.contains(product) else {
                return .failure(ProductChoiceError(message: "\(directory) has no executable product '\(product)' (it has \(listed))"))
            }
            return .success([product])
        }
        guard products.count == 1 else {
            return .failure(ProductChoiceError(message: "\(directory) has \(products.count) executable products (\(listed)): "
                                               + "choose one with --product NAME, or build them all with --all --out-dir DIR"))
        }
        return .success(products)
    }

    /// Why the package's products could not be read.
    struct DescribeError: Error, CustomStringConvertible {
        var directory: String
        var reason: String
        var description: String { "cannot read the products of the package in \(directory): \(reason)" }
    }

    /// The executable products of the package (SwiftPM makes one for each
    /// executable target without one), by `swift package describe`.
    /// - Parameter location: `--package-path DIR` and `--scratch-path` if any.
    func executableProducts(_ location: [String], swift: String) throws -> [String] {
        let described = try GuestProcess.run(swift, ["package"] + location + ["describe", "--type", "json"], captureOutput: true)
        guard described.status == 0 else {
            throw DescribeError(directory: directory, reason: "swift package describe failed:\n" + described.errors)
        }
        // Resolving a dependency may print progress before the document.
        let text = described.output
        guard let start = text.firstIndex(of: "{"),
              let json = try? JSONSerialization.jsonObject(with: Data(text[start...].utf8)) as? [String: Any],
              let products = json["products"] as? [[String: Any]] else {
            throw DescribeError(directory: directory, reason: "swift package describe printed no package description")
        }
        return products.compactMap { product in
            guard let name = product["name"] as? String, let type = product["type"] as? [String: Any],
                  type.keys.contains("executable") else { return nil }
            return name
        }
    }

    /// `DIR/.build` with symbolic links resolved (the folder's own, when it
    /// is one, and its parents'): SwiftPM spells paths as it is given them,
    /// so builds of several packages whose `.build` links to one folder share
    /// what they compiled (the SDK) only when each names that folder the
    /// same way, and a package's first build names it as the later ones do.
    static func resolvedBuildFolder(of directory: String) -> String {
        let folder = URL(fileURLWithPath: directory).resolvingSymlinksInPath().appendingPathComponent(".build")
        return FileManager.default.fileExists(atPath: folder.path) ? folder.resolvingSymlinksInPath().path : folder.path
    }

    // MARK: - Output

    /// `out.wasm: 56392 bytes, world video-filter, 1 import` and one line per imported interface.
    static func summary(of check: GuestModuleCheck, at path: String) -> String {
        let world = check.world.map { "world \($0)" } ?? "no world"
        let count = check.imports.count == 1 ? "1 import" : "\(check.imports.count) imports"
        return (["\(path): \(check.byteCount) bytes, \(world), \(count)"] + check.importLines.map { "  " + $0 }).joined(separator: "\n")
    }
}
