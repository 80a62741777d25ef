import ArgumentParser
import Foundation
import MediaWasm

/// `wasi-media engines`: each WebAssembly engine, present or not and why;
/// with `--measure`, what compiling, instantiating and the fuel budget cost on each.
struct EnginesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engines",
        abstract: "List the WebAssembly engines guests can run on, and whether each is present here.",
        discussion: """
            libwasmtime is looked for in WASI_MEDIA_WASMTIME_LIB, then .tools/pip (scripts/setup.sh), then the \
            system library path. engine=auto is wasmtime where it is present, wasmkit otherwise.
            --measure compiles a module twice (the second compile finds it in the module cache), instantiates it \
            many times, and runs an infinite loop until the default fuel budget stops it, on every engine present.
            """)

    @Flag(help: "Measure compile, cached compile, instantiate and how long the default fuel budget lets a loop run.")
    var measure = false

    @Option(help: "A module to measure instead of the built-in one (any guest of the wasi:media worlds).")
    var module: String?

    func run() throws {
        for (name, availability) in Engines.availability {
            print("\(name): \(availability)")
        }
        let auto = Engines.autoChoice
        print("auto: \(auto.name) (\(auto.reason))")
        guard measure else { return }

        let bytes: [UInt8]
        if let module {
            guard let data = FileManager.default.contents(atPath: module) else { throw ValidationError("cannot read \(module)") }
            bytes = [UInt8](data)
        } else {
            bytes = Self.spinModule
        }
        for (name, availability) in Engines.availability where availability.isAvailable {
            let engine = try Engines.make(name)
            let host = MediaAppHost().imports
            let (first, coldMs) = try Self.timed { try engine.compile(bytes, requiredExports: [], host: host) }
            let (second, cachedMs) = try Self.timed { try engine.compile(bytes, requiredExports: [], host: host) }
            guard second.fromCache else {
                throw ValidationError("\(name): the second compile of the same bytes did not find the module in the cache")
            }
            var times: [Double] = []
            for _ in 0..<200 {
                let (_, ms) = try Self.timed { try second.instantiate(host: host, grants: host.allGrants) }
                times.append(ms)
            }
            times.sort()
            print(String(format: "%@: compile %.2f ms (%@), again %.3f ms (module cache); instantiate median %.3f ms, p95 %.3f ms (target <= 1 ms)",
                         name, coldMs, first.fromCache ? "found compiled in a cache" : "cold", cachedMs,
                         times[times.count / 2], times[times.count * 95 / 100]))
            if module == nil {
                let instance = try second.instantiate(host: host, grants: host.allGrants)
                let start = DispatchTime.now().uptimeNanoseconds
                do {
                    _ = try instance.call("spin", [])
                    throw ValidationError("\(name): the infinite loop returned")
                } catch WasmError.trap(let report) {
                    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                    guard case .outOfFuel = report.reason else { throw ValidationError("\(name): \(report)") }
                    print(String(format: "%@: an infinite loop is stopped by the default fuel budget (%llu) after %.2f s",
                                 name, engine.limits.fuelPerCall ?? 0, seconds))
                }
            }
        }
    }

    static func timed<T>(_ body: () throws -> T) throws -> (T, Double) {
        let start = DispatchTime.now().uptimeNanoseconds
        let value = try body()
        return (value, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }

    /// `(module (func (export "spin") (loop (br 0))))`, assembled.
    static let spinModule: [UInt8] = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
        0x01, 0x04, 0x01, 0x60, 0x00, 0x00,                          // type 0: () -> ()
        0x03, 0x02, 0x01, 0x00,                                      // function 0: type 0
        0x07, 0x08, 0x01, 0x04, 0x73, 0x70, 0x69, 0x6e, 0x00, 0x00,  // export "spin" = function 0
        0x0a, 0x09, 0x01, 0x07, 0x00, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b,  // loop br 0 end end
    ]
}
