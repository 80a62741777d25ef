import MediaWasm
import Testing
import MediaTestWatchdog

/// Calls into guests and out to host imports, on every engine.
@Suite(.watchdog) struct CallTests {
    @Test func engineIsNamed() {
        #expect(WasmKitEngine().name == "wasmkit")
        #expect(WasmKitEngine.name == "wasmkit")
        #expect(WasmtimeEngine.name == "wasmtime")
    }

    @Test(arguments: testedEngines)
    func enginesAreMadeByName(engineName: String) throws {
        let made = try engine(engineName)
        #expect(made.name == engineName)
        #expect(made.limits == .standard)
    }

    @Test(arguments: testedEngines)
    func callsAnExportWithParametersAndResults(engineName: String) throws {
        let instance = try instantiate(on: engineName, """
            (module
              (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
              (func (export "mix") (param i64 f32 f64) (result i64 f64)
                (i64.add (local.get 0) (i64.const 1))
                (f64.add (f64.promote_f32 (local.get 1)) (local.get 2))))
            """)
        #expect(try instance.call("add", [.i32(40), .i32(2)]) == [.i32(42)])
        #expect(try instance.call("add", [WasmValue(Int32(-5)), .i32(2)]) == [WasmValue(Int32(-3))])
        #expect(try instance.call("mix", [.i64(41), .f32(1.5), .f64(0.25)]) == [.i64(42), .f64(1.75)])
        #expect(try instance.call("mix", [WasmValue(Int64(-43)), .f32(-0.5), .f64(1.25)]) == [WasmValue(Int64(-42)), .f64(0.75)])
        #expect(instance.signature(of: "mix") == WasmSignature([.i64, .f32, .f64], [.i64, .f64]))
        #expect(instance.fuelUsedByLastCall.map { $0 > 0 } == true)
    }

    @Test(arguments: testedEngines)
    func rejectsUnknownExportsAndWrongArguments(engineName: String) throws {
        let instance = try instantiate(on: engineName, #"(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))"#)
        guard case .invalidCall(let export, let reason) = wasmError({ _ = try instance.call("sub", []) }) else {
            Issue.record("expected invalidCall"); return
        }
        #expect(export == "sub")
        #expect(reason.contains("no function"))
        guard case .invalidCall(_, let why) = wasmError({ _ = try instance.call("add", [.i64(1), .i32(2)]) }) else {
            Issue.record("expected invalidCall"); return
        }
        #expect(why == "it takes (i32, i32) -> i32, not (i64, i32)")
        // A wrong call is the host's mistake, not the guest's: the instance still works.
        #expect(try instance.call("add", [.i32(1), .i32(2)]) == [.i32(3)])
    }

    @Test(arguments: testedEngines)
    func guestCallsAHostImport(engineName: String) throws {
        let seen = Recorder<Int32>()
        var env = HostModule("env")
        env.define("scale", WasmSignature([.i32, .f64], [.f64])) { call in
            seen.append(call.s32(0))
            call.setResult(Double(call.s32(0)) * call.f64(1))
        }
        let instance = try instantiate(on: engineName, """
            (module
              (import "env" "scale" (func $scale (param i32 f64) (result f64)))
              (func (export "run") (param i32) (result f64) (call $scale (local.get 0) (f64.const 0.5))))
            """, host: HostImports([env]))
        #expect(try instance.call("run", [WasmValue(Int32(-7))]) == [.f64(-3.5)])
        #expect(seen.all == [-7])
    }

    @Test(arguments: testedEngines)
    func hostErrorTrapsNamingTheImport(engineName: String) throws {
        struct DeviceBusy: Error, CustomStringConvertible { var description: String { "camera is busy" } }
        var env = HostModule("env")
        env.define("open", WasmSignature([])) { _ in throw DeviceBusy() }
        let instance = try instantiate(on: engineName, """
            (module (import "env" "open" (func $open)) (func (export "run") (call $open)))
            """, host: HostImports([env]))
        let report = try #require(wasmError { _ = try instance.call("run", []) }?.trapReport)
        #expect(report.export == "run")
        #expect(report.hostImport == ImportName(module: "env", field: "open"))
        #expect(report.reason == .hostError("camera is busy"))
        #expect(report.description == "guest trapped in `run` while the host served `env#open`: host error: camera is busy")
    }

    @Test(arguments: testedEngines)
    func startFunctionAndInitializeRun(engineName: String) throws {
        let calls = Recorder<String>()
        var env = HostModule("env")
        env.define("mark", WasmSignature([.i32])) { call in
            calls.append(call.u32(0) == 1 ? "start" : "_initialize")
        }
        _ = try instantiate(on: engineName, """
            (module
              (import "env" "mark" (func $mark (param i32)))
              (func $start (call $mark (i32.const 1)))
              (start $start)
              (func (export "_initialize") (call $mark (i32.const 2))))
            """, host: HostImports([env]))
        #expect(calls.all == ["start", "_initialize"])
    }

    @Test(arguments: testedEngines)
    func trapInStartFunctionIsReported(engineName: String) throws {
        let error = wasmError { _ = try instantiate(on: engineName, "(module (func $s unreachable) (start $s))") }
        #expect(error?.trapReport?.export == "<start>")
        #expect(error?.trapReport?.reason == .unreachable)
    }
}
