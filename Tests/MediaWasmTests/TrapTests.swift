import MediaWasm
import Testing
import MediaTestWatchdog

@Suite(.watchdog) struct TrapTests {
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

    static let traps: [(String, [WasmValue], TrapReason)] = [
        ("unreachable", [], .unreachable),
        ("divide", [.i32(1), .i32(0)], .integerDivideByZero),
        ("divide", [WasmValue(Int32.min), WasmValue(Int32(-1))], .integerOverflow),
        ("load", [.i32(65_534)], .memoryOutOfBounds),
        ("load", [.i32(0xFFFF_FFFF)], .memoryOutOfBounds),
        ("truncate", [.f64(.nan)], .invalidConversionToInteger),
    ]

    @Test(arguments: testedEngines.flatMap { engine in traps.map { (engine, $0.0, $0.1, $0.2) } })
    func everyTrapBecomesAnError(engineName: String, export: String, arguments: [WasmValue], reason: TrapReason) throws {
        let instance = try instantiate(on: engineName, Self.guest)
        let report = try #require(wasmError { _ = try instance.call(export, arguments) }?.trapReport)
        #expect(report.export == export)
        #expect(report.reason == reason)
        #expect(report.hostImport == nil)
        #expect(report.engine == engineName)
        // The trap poisons the instance: every later call fails with the same report.
        #expect(wasmError { _ = try instance.call(export, arguments) } == .poisoned(report))
        #expect(instance.poisonedBy == report)
    }

    /// Every engine reports every trap alike, down to the description.
    @Test func everyEngineReportsTheSameTraps() throws {
        for (export, arguments, _) in Self.traps {
            let reports = try testedEngines.map { engineName in
                let instance = try instantiate(on: engineName, Self.guest)
                return try #require(wasmError { _ = try instance.call(export, arguments) }?.trapReport)
            }
            #expect(Set(reports.map(\.engineIndependent)).count == 1, "\(export): \(reports)")
            #expect(Set(reports.map(\.description)).count == 1, "\(export): \(reports.map(\.description))")
        }
    }

    /// Traps without a reason of their own keep the engine's words
    /// (EngineTests pins each engine's), and poison the instance like any other.
    @Test(arguments: testedEngines)
    func otherTrapsKeepTheEnginesWords(engineName: String) throws {
        let instance = try instantiate(on: engineName, Self.guest)
        let report = try #require(wasmError { _ = try instance.call("indirect", []) }?.trapReport)
        guard case .engine(let text) = report.reason else { Issue.record("expected an engine reason, got \(report.reason)"); return }
        #expect(!text.isEmpty)
        #expect(report.description == "guest trapped in `indirect`: \(text)")
        #expect(wasmError { _ = try instance.call("indirect", []) } == .poisoned(report))
    }
}
