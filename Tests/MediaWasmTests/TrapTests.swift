import MediaWasm
import Testing

@Suite struct TrapTests {
    static let guest = """
        (module
          (memory (export "memory") 1)
          (func (export "unreachable") unreachable)
          (func (export "divide") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
          (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
          (func (export "truncate") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
          (type $v (func))
          (table 1 funcref)
          (func (export "indirect") (call_indirect (type $v) (i32.const 0))))
        """

    @Test(arguments: [
        ("unreachable", [WasmValue](), TrapReason.unreachable),
        ("divide", [.i32(1), .i32(0)], .integerDivideByZero),
        ("divide", [WasmValue(Int32.min), WasmValue(Int32(-1))], .integerOverflow),
        ("load", [.i32(65_534)], .memoryOutOfBounds),
        ("load", [.i32(0xFFFF_FFFF)], .memoryOutOfBounds),
        ("truncate", [.f64(.nan)], .invalidConversionToInteger),
    ])
    func everyTrapBecomesAnError(export: String, arguments: [WasmValue], reason: TrapReason) throws {
        let instance = try instantiate(Self.guest)
        let report = try #require(wasmError { _ = try instance.call(export, arguments) }?.trapReport)
        #expect(report.export == export)
        #expect(report.reason == reason)
        #expect(report.hostImport == nil)
        #expect(report.engine == "wasmkit")
    }

    @Test func otherTrapsKeepTheEnginesWords() throws {
        let instance = try instantiate(Self.guest)
        let report = try #require(wasmError { _ = try instance.call("indirect", []) }?.trapReport)
        guard case .engine(let text) = report.reason else { Issue.record("expected an engine reason"); return }
        #expect(text.contains("indirect call"))
    }
}
