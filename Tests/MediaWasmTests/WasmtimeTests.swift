import MediaWasm
import Testing

/// The Wasmtime backend, on the key behaviours of the WasmKit suites
/// (calls, host imports, traps, fuel, the memory cap, guest faults, links).
/// Skipped where libwasmtime is absent (`scripts/setup.sh` installs it).
@Suite(.enabled(if: WasmtimeEngine.availability.isAvailable, "libwasmtime is not available"))
struct WasmtimeTests {
    func wasmtime(_ limits: WasmLimits = .standard) throws -> WasmtimeEngine {
        try #require(WasmtimeEngine(limits: limits))
    }

    func instantiate(_ text: String, host: HostImports = HostImports(), limits: WasmLimits = .standard) throws -> any WasmInstance {
        let module = try wasmtime(limits).compile(try wasm(text), requiredExports: [], host: host)
        #expect(module.engineName == "wasmtime")
        return try module.instantiate(host: host, grants: host.allGrants)
    }

    @Test func availabilityNamesTheLibrary() throws {
        guard case .available(let path) = WasmtimeEngine.availability else { Issue.record("unavailable"); return }
        #expect(path.hasSuffix("wasmtime.so"))
        #expect(try wasmtime().name == "wasmtime")
    }

    @Test func callsAnExportWithParametersAndResults() throws {
        let instance = try instantiate("""
            (module
              (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
              (func (export "mix") (param i64 f32 f64) (result f64 i64)
                (f64.add (f64.promote_f32 (local.get 1)) (local.get 2)) (i64.mul (local.get 0) (i64.const 2))))
            """)
        #expect(try instance.call("add", [.i32(40), .i32(2)]) == [.i32(42)])
        #expect(try instance.call("add", [WasmValue(Int32(-5)), .i32(2)]) == [WasmValue(Int32(-3))])
        #expect(try instance.call("mix", [WasmValue(Int64(-21)), .f32(0.5), .f64(1.25)]) == [.f64(1.75), WasmValue(Int64(-42))])
        #expect(instance.signature(of: "add") == WasmSignature([.i32, .i32], [.i32]))
        let error = wasmError { _ = try instance.call("add", [.i32(1)]) }
        guard case .invalidCall(let export, _) = error else { Issue.record("expected invalidCall"); return }
        #expect(export == "add")
        #expect(instance.poisonedBy == nil)
    }

    @Test func guestCallsAHostImport() throws {
        let seen = Recorder<Int32>()
        var env = HostModule("env")
        env.define("scale", WasmSignature([.i32, .f64], [.f64])) { call in
            seen.append(call.s32(0))
            call.setResult(Double(call.s32(0)) * call.f64(1))
        }
        let instance = try instantiate("""
            (module
              (import "env" "scale" (func $scale (param i32 f64) (result f64)))
              (func (export "run") (param i32) (result f64) (call $scale (local.get 0) (f64.const 0.5))))
            """, host: HostImports([env]))
        #expect(try instance.call("run", [WasmValue(Int32(-7))]) == [.f64(-3.5)])
        #expect(seen.all == [-7])
    }

    @Test func hostErrorTrapsNamingTheImport() throws {
        struct DeviceBusy: Error, CustomStringConvertible { var description: String { "camera is busy" } }
        var env = HostModule("env")
        env.define("open", WasmSignature([])) { _ in throw DeviceBusy() }
        let instance = try instantiate("""
            (module (import "env" "open" (func $open)) (func (export "run") (call $open)))
            """, host: HostImports([env]))
        let report = try #require(wasmError { _ = try instance.call("run", []) }?.trapReport)
        #expect(report.hostImport == ImportName(module: "env", field: "open"))
        #expect(report.description == "guest trapped in `run` while the host served `env#open`: host error: camera is busy")
    }

    @Test(arguments: [
        ("unreachable", [WasmValue](), TrapReason.unreachable),
        ("divide", [.i32(1), .i32(0)], .integerDivideByZero),
        ("divide", [WasmValue(Int32.min), WasmValue(Int32(-1))], .integerOverflow),
        ("load", [.i32(65_534)], .memoryOutOfBounds),
        ("load", [.i32(0xFFFF_FFFF)], .memoryOutOfBounds),
        ("truncate", [.f64(.nan)], .invalidConversionToInteger),
    ])
    func everyTrapBecomesAnError(export: String, arguments: [WasmValue], reason: TrapReason) throws {
        let instance = try instantiate(TrapTests.guest)
        let report = try #require(wasmError { _ = try instance.call(export, arguments) }?.trapReport)
        #expect(report.export == export)
        #expect(report.reason == reason)
        #expect(report.hostImport == nil)
        #expect(report.engine == "wasmtime")
        #expect(wasmError { _ = try instance.call(export, arguments) } == .poisoned(report))
    }

    @Test func runawayRecursionIsAStackOverflow() throws {
        let instance = try instantiate(#"(module (func $f (export "f") (call $f)))"#)
        let report = try #require(wasmError { _ = try instance.call("f", []) }?.trapReport)
        #expect(report.reason == .stackOverflow)
    }

    @Test func infiniteLoopIsStoppedByFuel() throws {
        let module = try wasmtime(WasmLimits(fuelPerCall: 100_000)).compile(try wasm(LimitTests.spinner))
        let instance = try module.instantiate(host: HostImports(), grants: [])
        let report = try #require(wasmError { _ = try instance.call("spin", []) }?.trapReport)
        #expect(report.reason == .outOfFuel(budget: 100_000))
        #expect(report.description == "guest exceeded its fuel budget of 100000 in `spin`")
        #expect(instance.fuelUsedByLastCall == 100_000)
        let fresh = try module.instantiate(host: HostImports(), grants: [])
        #expect(try fresh.call("add", [.i32(1), .i32(2)]) == [.i32(3)])
        let used = try #require(fresh.fuelUsedByLastCall)
        #expect(used > 0 && used < 100)
    }

    @Test func memoryBombIsStoppedByTheCap() throws {
        let instance = try instantiate(LimitTests.bomb, limits: WasmLimits(memoryCap: 1 << 20))
        let report = try #require(wasmError { _ = try instance.call("bomb", []) }?.trapReport)
        #expect(report.reason == .unreachable)
        #expect(instance.memory?.byteCount == 1 << 20)
        let careful = try instantiate(LimitTests.bomb, limits: WasmLimits(memoryCap: 1 << 20))
        #expect(try careful.call("careful", []) == [.i32(16)])
        #expect(try careful.call("huge", []) == [WasmValue(Int32(-1))])
    }

    @Test func initialMemoryOverTheCapFailsInstantiation() throws {
        let module = try wasmtime().compile(try wasm(#"(module (memory (export "memory") 32))"#))
        let error = wasmError { _ = try module.instantiate(host: HostImports(), grants: [], limits: WasmLimits(memoryCap: 1 << 20)) }
        #expect(error == .instantiation(reason: "its initial memory of 2097152 bytes exceeds the memory cap of 1048576 bytes"))
    }

    @Test func outOfBoundsPointerToAnImportTrapsNamingIt() throws {
        var env = HostModule("env")
        env.define("log", WasmSignature([.i32, .i32])) { call in
            _ = try call.memory().read(at: call.u32(0), count: call.u32(1))
        }
        let instance = try instantiate("""
            (module (import "env" "log" (func $log (param i32 i32)))
              (memory (export "memory") 1)
              (func (export "log") (param i32 i32) (call $log (local.get 0) (local.get 1))))
            """, host: HostImports([env]))
        _ = try instance.call("log", [.i32(65_472), .i32(64)])
        let report = try #require(wasmError { _ = try instance.call("log", [.i32(0xFFFF_FFF0), .i32(64)]) }?.trapReport)
        #expect(report.reason == .guestFault(.outOfBounds(pointer: 0xFFFF_FFF0, length: 64, memorySize: 65_536)))
        #expect(report.description
            == "guest trapped in `log` while the host served `env#log`: pointer 0xfffffff0 + 64 bytes lies outside guest memory (65536 bytes)")
    }

    @Test func hostLowersIntoTheGuestThroughCabiRealloc() throws {
        var env = HostModule("env")
        env.define("greet", WasmSignature([], [.i32])) { call in
            let pointer = try call.instance.lower(string: "hello")
            call.setResult(pointer.pointer)
        }
        let instance = try instantiate("""
            (module (import "env" "greet" (func $greet (result i32)))
              (memory (export "memory") 1)
              (global $next (mut i32) (i32.const 1024))
              (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
                (local $p i32) (local.set $p (global.get $next))
                (global.set $next (i32.add (global.get $next) (local.get 3))) (local.get $p))
              (func (export "run") (result i32) (i32.load8_u (call $greet))))
            """, host: HostImports([env]))
        #expect(try instance.call("run", []) == [.i32(UInt32(UInt8(ascii: "h")))])
    }

    @Test func ungrantedImportFailsInstantiationNamingTheGrant() throws {
        let module = try wasmtime().compile(try wasm(LinkTests.codecGuest), requiredExports: ["run"], host: LinkTests.host)
        let error = wasmError { _ = try module.instantiate(host: LinkTests.host, grants: ["env"]) }
        #expect(error == .link([.ungrantedImport(LinkTests.query, grant: "codec")]))
        let instance = try module.instantiate(host: LinkTests.host, grants: ["codec"])
        #expect(try instance.call("run", []) == [.i32(1)])
    }

    @Test func malformedModuleIsRejectedWithTheReason() throws {
        guard case .malformedModule(let reason, _) = wasmError({ _ = try wasmtime().compile([0, 1, 2, 3]) }) else {
            Issue.record("expected malformedModule"); return
        }
        #expect(!reason.isEmpty)
        let invalid = wasmError { _ = try wasmtime().compile(try wasm(#"(module (func (export "f") (result i32) (i64.const 1)))"#)) }
        guard case .malformedModule(let text, let offset) = invalid else { Issue.record("expected malformedModule"); return }
        #expect(text.contains("type mismatch"))
        #expect(offset != nil)
    }

    @Test func moduleListsImportsAndExports() throws {
        let kit = try engine().compile(try wasm(LinkTests.codecGuest))
        let jit = try wasmtime().compile(try wasm(LinkTests.codecGuest))
        #expect(jit.imports == kit.imports)
        #expect(jit.exports == kit.exports)
    }
}
