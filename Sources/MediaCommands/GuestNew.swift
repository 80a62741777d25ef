import ArgumentParser
import Foundation
import MediaCore

/// `wasi-media guest new NAME --world video-filter|audio-filter|encoded-transform|media-app
/// [--dir D] [--sdk PATH]`: writes a guest package into D/NAME that builds
/// and passes its test as it stands (``GuestTemplate``, and ``GuestTestData``).
///
/// Refuses a NAME that is not a Swift identifier or names an SDK module or
/// protocol, and a D/NAME that exists and is not an empty directory.
struct GuestNew: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Create a guest package: the SDK dependency, a stub of the world's protocol, a README, and test.sh.",
        discussion: """
            The package depends on the SDK (Guests/ of this wasi-media, found above the running executable, or --sdk) \
            by its absolute path; its README says how to depend on it by URL instead. Build it with \
            'wasi-media guest build DIR -o DIR/.build/NAME.wasm', test it with DIR/test.sh.
            """)

    @Argument(help: "The guest's name: the package, its target and product, the type, NAME.wasm.") var name: String
    @Option(help: "The world the guest exports: \(SDKWorld.allCases.map(\.rawValue).joined(separator: ", ")).") var world: SDKWorld
    @Option(name: .customLong("dir"), help: "The folder to create the package in, as DIR/NAME.") var parent: String = "."
    @Option(help: "The SDK's directory (the Guests/ folder with its Package.swift). Default: the one above the running executable.")
    var sdk: String?

    /// Names a guest's module and type cannot take: they would hide the SDK's.
    static let reservedNames: Set<String> = Set(SDKWorld.allCases.flatMap { [$0.module, $0.protocolName] } + ["WasiMedia", "Swift"])

    func validate() throws {
        var problems: [String] = []
        if let problem = Self.nameProblem(name) { problems.append(problem) }
        let destination = URL(fileURLWithPath: parent).appendingPathComponent(name).path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: destination, isDirectory: &isDirectory) {
            let entries = isDirectory.boolValue ? ((try? FileManager.default.contentsOfDirectory(atPath: destination)) ?? ["?"]) : ["?"]
            if !isDirectory.boolValue {
                problems.append("\(destination) exists and is not a directory")
            } else if !entries.isEmpty {
                problems.append("\(destination) exists and is not empty: guest new does not overwrite (choose another NAME or --dir)")
            }
        }
        guard problems.isEmpty else { throw ValidationError(problems.joined(separator: "\n")) }
    }

    /// Why `name` cannot name a guest, if it cannot.
    static func nameProblem(_ name: String) -> String? {
        guard let first = name.unicodeScalars.first, first.properties.isAlphabetic, first.isASCII,
              name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }) else {
            return "NAME '\(name)' must be a Swift identifier of ASCII letters, digits and _, starting with a letter (it names the type and the module)"
        }
        if reservedNames.contains(name) { return "NAME '\(name)' is taken by the SDK (\(reservedNames.sorted().joined(separator: ", ")))" }
        return nil
    }

    func run() throws {
        let sdkPath: String
        do { sdkPath = try Self.locateSDK(given: sdk) } catch {
            printError("error: \(error)")
            throw ExitCode.failure
        }
        let template = GuestTemplate(name: name, world: world, sdkPath: sdkPath, wasiMedia: Self.runningExecutable().path)
        let root = URL(fileURLWithPath: parent).appendingPathComponent(name)
        do {
            for file in template.files {
                try Self.write(Data(file.text.utf8), to: root.appendingPathComponent(file.path), executable: file.executable)
            }
            if world != .mediaApp {
                let testdata = root.appendingPathComponent("testdata")
                try FileManager.default.createDirectory(at: testdata, withIntermediateDirectories: true)
                try GuestTestData.write(for: world, into: testdata)
            }
        } catch let error as MediaError {
            printError("error: cannot write the package's test data into \(root.path): \(error)")
            throw ExitCode.failure
        } catch {
            printError("error: cannot write the package into \(root.path): \(error.localizedDescription)")
            throw ExitCode.failure
        }
        print("""
            Created \(root.path): \(withArticle(world.description)) guest depending on the SDK at \(sdkPath).
              cd \(root.path)
              wasi-media guest build . -o .build/\(name).wasm
              ./test.sh
            """)
    }

    private static func write(_ data: Data, to url: URL, executable: Bool) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path) }
    }

    // MARK: - Where things are

    /// Why no SDK was found.
    struct SDKNotFound: Error, CustomStringConvertible {
        var description: String
    }

    /// The SDK's absolute directory: `given` (relative to the current
    /// directory), or the first `Guests/` holding the SDK in a folder above
    /// the running executable (`.build/debug/wasi-media` of a checkout).
    static func locateSDK(given: String?) throws(SDKNotFound) -> String {
        if let given {
            let url = URL(fileURLWithPath: given).standardizedFileURL
            guard isSDK(url) else {
                throw SDKNotFound(description: "--sdk \(given): \(url.path) is not the guest SDK (no Package.swift with Sources/WasiMedia beside it)")
            }
            return url.path
        }
        let executable = runningExecutable()
        var folder = executable.deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("Guests")
            if isSDK(candidate) { return candidate.path }
            folder = folder.deletingLastPathComponent()
        }
        throw SDKNotFound(description: "no guest SDK (a Guests/ folder with Package.swift and Sources/WasiMedia) in any folder above "
                          + "\(executable.path): give its directory with --sdk PATH")
    }

    static func isSDK(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path)
            && FileManager.default.fileExists(atPath: url.appendingPathComponent("Sources/WasiMedia").path)
    }

    /// This process's executable, symbolic links resolved.
    static func runningExecutable() -> URL {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.resolvingSymlinksInPath()
    }
}
