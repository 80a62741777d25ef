import ArgumentParser
import MediaWasm

/// `wasi-media engines`: each WebAssembly engine, present or not and why.
struct EnginesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engines",
        abstract: "List the WebAssembly engines guests can run on, and whether each is present here.",
        discussion: "libwasmtime is looked for in WASI_MEDIA_WASMTIME_LIB, then .tools/pip (scripts/setup.sh), then the system library path. engine=auto is wasmkit for now.")

    func run() {
        for (name, availability) in Engines.availability {
            print("\(name): \(availability)")
        }
    }
}
