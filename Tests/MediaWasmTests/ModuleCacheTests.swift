import MediaWasm
import Testing
import MediaTestWatchdog

/// Compiled modules are cached by content: the second compile of the same
/// bytes finds the module, and every check that depends on the caller is
/// made again on a cached module.
@Suite(.watchdog) struct ModuleCacheTests {
    /// Differs in every test process, so no earlier run left these modules in the disk cache.
    static let salt = UInt32.random(in: 0...UInt32.max)

    /// A module no other test compiles (the cache is process-wide): `seed` makes the bytes unique.
    func module(_ seed: Int, memoryPages: Int = 1) throws -> [UInt8] {
        try wasm("""
            (module (memory (export "memory") \(memoryPages))
              (func (export "seed") (result i32) (i32.const \(seed)))
              (func (export "salt") (result i32) (i32.const \(Self.salt)))
              (func (export "grow") (result i32) (memory.grow (i32.const 1))))
            """)
    }

    @Test(arguments: testedEngines)
    func secondCompileOfTheSameBytesIsCached(engineName: String) throws {
        let engine = try Engines.make(engineName)
        let bytes = try module(1_000 + engineName.count)
        let first = try engine.compile(bytes)
        let second = try engine.compile(bytes)
        #expect(!first.fromCache)
        #expect(second.fromCache)
        #expect(second.exports == first.exports && second.imports == first.imports)
        // Other bytes are another module.
        #expect(try !engine.compile(try module(2_000 + engineName.count)).fromCache)
        // Instances of a cached module are independent.
        let a = try second.instantiate(host: HostImports(), grants: [])
        let b = try second.instantiate(host: HostImports(), grants: [])
        #expect(try a.call("grow", []) == [.i32(1)])
        #expect(a.memory?.byteCount == 2 * 65_536)
        #expect(b.memory?.byteCount == 65_536)
        #expect(try b.call("seed", []) == [.i32(UInt32(1_000 + engineName.count))])
    }

    @Test(arguments: testedEngines)
    func checksAreMadeAgainOnACachedModule(engineName: String) throws {
        let bytes = try module(3_000 + engineName.count, memoryPages: 17)
        _ = try Engines.make(engineName).compile(bytes)
        // Required exports and the host's imports are the caller's.
        let missing = wasmError { _ = try Engines.make(engineName).compile(bytes, requiredExports: ["run"], host: nil) }
        #expect(missing == .link([.missingExport("run")]))
        // A smaller cap turns the cached module's initial memory away.
        let capped = try Engines.make(engineName, limits: WasmLimits(memoryCap: 1 << 20))
        #expect(wasmError { _ = try capped.compile(bytes) }
            == .instantiation(reason: "its initial memory of 1114112 bytes exceeds the memory cap of 1048576 bytes"))
        // And so does an instance's own cap.
        let module = try Engines.make(engineName).compile(bytes)
        #expect(module.fromCache)
        #expect(wasmError { _ = try module.instantiate(host: HostImports(), grants: [], limits: WasmLimits(memoryCap: 1 << 20)) }
            == .instantiation(reason: "its initial memory of 1114112 bytes exceeds the memory cap of 1048576 bytes"))
    }

    @Test(arguments: testedEngines)
    func malformedBytesAreNotCached(engineName: String) throws {
        let bytes: [UInt8] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x05]
        for _ in 0..<2 {
            let error = wasmError { _ = try Engines.make(engineName).compile(bytes) }
            guard case .malformedModule = error else { Issue.record("\(engineName): \(String(describing: error))"); return }
        }
    }

    @Test func autoPrefersWasmtimeWherePresent() throws {
        let auto = try Engines.make("auto")
        if WasmtimeEngine.availability.isAvailable {
            #expect(auto.name == "wasmtime")
            #expect(Engines.autoChoice.name == "wasmtime")
        } else {
            #expect(auto.name == "wasmkit")
            #expect(Engines.autoChoice.reason.hasPrefix("wasmtime is unavailable: "))
        }
    }
}
