import MediaWasm
import Testing
import MediaTestWatchdog

/// Fuel, the memory and table caps and nesting, on every engine. Fuel is
/// counted in each engine's own units: tests assert budgets and their
/// exhaustion, never how much fuel a given guest uses.
@Suite(.watchdog) struct LimitTests {
    static let spinner = """
        (module
          (func (export "spin") (loop $forever (br $forever)))
          (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
        """

    @Test func defaultsAreStated() {
        let limits = WasmLimits()
        #expect(limits.fuelPerCall == 2_000_000_000)
        #expect(limits.memoryCap == 256 * 1024 * 1024)
        #expect(limits.tableElementCap == 100_000)
        #expect(limits.maxNestedCalls == 8)
        #expect(WasmKitEngine().limits == .standard)
    }

    @Test(arguments: testedEngines)
    func infiniteLoopIsStoppedByFuel(engineName: String) throws {
        let limits = WasmLimits(fuelPerCall: 100_000)
        let module = try engine(engineName, limits).compile(try wasm(Self.spinner))
        let instance = try module.instantiate(host: HostImports(), grants: [])

        let error = wasmError { _ = try instance.call("spin", []) }
        let report = try #require(error?.trapReport)
        #expect(report.reason == .outOfFuel(budget: 100_000))
        #expect(report.export == "spin")
        #expect(report.description == "guest exceeded its fuel budget of 100000 in `spin`")
        let spent = try #require(instance.fuelUsedByLastCall)
        #expect(spent > 0 && spent <= 100_000)

        // The trapped instance is poisoned; a fresh one from the same module works.
        #expect(wasmError { _ = try instance.call("add", [.i32(1), .i32(2)]) } == .poisoned(report))
        #expect(instance.poisonedBy == report)
        let fresh = try module.instantiate(host: HostImports(), grants: [])
        #expect(try fresh.call("add", [.i32(1), .i32(2)]) == [.i32(3)])
        let used = try #require(fresh.fuelUsedByLastCall)
        #expect(used > 0 && used <= 100_000)
    }

    @Test(arguments: testedEngines)
    func fuelIsRefilledForEveryCall(engineName: String) throws {
        let instance = try instantiate(on: engineName, """
            (module (func (export "count") (param $n i32)
              (loop $again (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))
            """, limits: WasmLimits(fuelPerCall: 50_000))
        // Each call costs well under the budget, and together far more than it.
        for _ in 0..<20 { _ = try instance.call("count", [.i32(5_000)]) }
        let used = try #require(instance.fuelUsedByLastCall)
        #expect(used > 5_000 && used < 50_000)
    }

    @Test(arguments: testedEngines)
    func unlimitedFuelReportsNoUsage(engineName: String) throws {
        let instance = try instantiate(on: engineName, Self.spinner, limits: WasmLimits(fuelPerCall: nil))
        #expect(try instance.call("add", [.i32(1), .i32(2)]) == [.i32(3)])
        #expect(instance.fuelUsedByLastCall == nil)
    }

    static let bomb = """
        (module
          (memory (export "memory") 1)
          ;; Grows one page at a time until refused, then traps.
          (func (export "bomb")
            (loop $more (br_if $more (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
            unreachable)
          ;; Grows until refused, then returns the page count it got.
          (func (export "careful") (result i32)
            (loop $more (br_if $more (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
            memory.size)
          (func (export "huge") (result i32) (memory.grow (i32.const 60000))))
        """

    @Test(arguments: testedEngines)
    func memoryBombIsStoppedByTheCap(engineName: String) throws {
        let limits = WasmLimits(memoryCap: 1 << 20)
        let instance = try instantiate(on: engineName, Self.bomb, limits: limits)
        let report = try #require(wasmError { _ = try instance.call("bomb", []) }?.trapReport)
        #expect(report.reason == .unreachable)
        #expect(report.refusedGrowth == RefusedGrowth(requestedBytes: (1 << 20) + 65_536, capBytes: 1 << 20))
        #expect(report.hitMemoryCap)
        #expect(report.description.hasSuffix("(memory.grow to 1114112 bytes was refused: the memory cap is 1048576 bytes)"))
        #expect(instance.memory?.byteCount == 1 << 20)
    }

    @Test(arguments: testedEngines)
    func refusedGrowthIsNotAnErrorByItself(engineName: String) throws {
        let instance = try instantiate(on: engineName, Self.bomb, limits: WasmLimits(memoryCap: 1 << 20))
        #expect(try instance.call("careful", []) == [.i32(16)])
        #expect(try instance.call("huge", []) == [WasmValue(Int32(-1))])
    }

    @Test(arguments: testedEngines)
    func initialMemoryOverTheCapFailsInstantiation(engineName: String) throws {
        let module = try engine(engineName).compile(try wasm(#"(module (memory (export "memory") 32))"#))
        let error = wasmError { _ = try module.instantiate(host: HostImports(), grants: [], limits: WasmLimits(memoryCap: 1 << 20)) }
        #expect(error == .instantiation(reason: "its initial memory of 2097152 bytes exceeds the memory cap of 1048576 bytes"))
        // Over the engine's own cap, the module is turned away when compiled.
        let capped = try engine(engineName, WasmLimits(memoryCap: 1 << 20))
        #expect(wasmError { _ = try capped.compile(try wasm("(module (memory 17))")) }
            == .instantiation(reason: "its initial memory of 1114112 bytes exceeds the memory cap of 1048576 bytes"))
    }

    @Test(arguments: testedEngines)
    func tablesAreCapped(engineName: String) throws {
        let text = """
            (module (table $t 10 funcref)
              (func (export "grow") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0))))
            """
        let instance = try instantiate(on: engineName, text, limits: WasmLimits(tableElementCap: 100))
        #expect(try instance.call("grow", [.i32(90)]) == [.i32(10)])
        #expect(try instance.call("grow", [.i32(1)]) == [WasmValue(Int32(-1))])
        let capped = try engine(engineName, WasmLimits(tableElementCap: 5))
        #expect(wasmError { _ = try capped.compile(try wasm(text)) }
            == .instantiation(reason: "its initial table exceeds the table cap of 5 elements"))
    }

    @Test(arguments: testedEngines)
    func startFunctionRunsOnOneCallsFuel(engineName: String) throws {
        let module = try engine(engineName, WasmLimits(fuelPerCall: 10_000)).compile(try wasm("(module (func $s (loop $l (br $l))) (start $s))"))
        let report = try #require(wasmError { _ = try module.instantiate(host: HostImports(), grants: []) }?.trapReport)
        #expect(report.export == "<start>")
        #expect(report.reason == .outOfFuel(budget: 10_000))
    }

    @Test(arguments: testedEngines)
    func runawayRecursionIsAStackOverflow(engineName: String) throws {
        let instance = try instantiate(on: engineName, #"(module (func $f (export "f") (call $f)))"#)
        #expect(wasmError { _ = try instance.call("f", []) }?.trapReport?.reason == .stackOverflow)
    }
}
