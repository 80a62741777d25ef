import MediaWasm
import Testing
import MediaTestWatchdog

@Suite(.watchdog) struct LoweringTests {
    static let guest = """
        (module
          (memory (export "memory") 1)
          \(bumpAllocator)
          (global $freed (mut i32) (i32.const 0))
          ;; Sums `len` bytes at `ptr`.
          (func (export "sum-bytes") (param $ptr i32) (param $len i32) (result i32)
            (local $sum i32)
            (block $done (loop $next
              (br_if $done (i32.eqz (local.get $len)))
              (local.set $sum (i32.add (local.get $sum) (i32.load8_u (local.get $ptr))))
              (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
              (local.set $len (i32.sub (local.get $len) (i32.const 1)))
              (br $next)))
            (local.get $sum))
          ;; Sums `count` u32s at `ptr`.
          (func (export "sum-u32") (param $ptr i32) (param $count i32) (result i32)
            (local $sum i32)
            (block $done (loop $next
              (br_if $done (i32.eqz (local.get $count)))
              (local.set $sum (i32.add (local.get $sum) (i32.load (local.get $ptr))))
              (local.set $ptr (i32.add (local.get $ptr) (i32.const 4)))
              (local.set $count (i32.sub (local.get $count) (i32.const 1)))
              (br $next)))
            (local.get $sum))
          ;; Returns a pointer to (ptr, len) of the string "result".
          (data (i32.const 64) "result")
          (data (i32.const 80) "\\40\\00\\00\\00\\06\\00\\00\\00")
          (func (export "make") (result i32) (i32.const 80))
          (func (export "cabi_post_make") (param i32) (global.set $freed (i32.add (global.get $freed) (i32.const 1))))
          (func (export "freed") (result i32) (global.get $freed)))
        """

    @Test(arguments: testedEngines)
    func lowersAStringAndReadsItBack(engineName: String) throws {
        let instance = try instantiate(on: engineName, Self.guest)
        let text = "héllo, guest ✓"
        let (pointer, length) = try instance.lower(string: text)
        #expect(length == UInt32(text.utf8.count))
        #expect(pointer >= 1024)
        #expect(try instance.memory?.readString(at: pointer, byteCount: length) == text)
        #expect(try instance.call("sum-bytes", [.i32(pointer), .i32(length)]) == [.i32(UInt32(text.utf8.reduce(0) { $0 + Int($1) }))])
    }

    @Test(arguments: testedEngines)
    func lowersAListAlignedToItsElements(engineName: String) throws {
        let instance = try instantiate(on: engineName, Self.guest)
        _ = try instance.lower(bytes: [1, 2, 3])  // leaves the bump pointer unaligned
        let (pointer, count) = try instance.lower(list: [UInt32](1...10))
        #expect(count == 10)
        #expect(pointer % 4 == 0)
        #expect(try instance.memory?.load(UInt32.self, at: pointer + 4) == 2)
        #expect(try instance.call("sum-u32", [.i32(pointer), .i32(count)]) == [.i32(55)])
        let empty = try instance.lower(bytes: [])
        #expect(empty.length == 0)
    }

    @Test(arguments: testedEngines)
    func postReturnRunsAfterTheResultsAreRead(engineName: String) throws {
        let instance = try instantiate(on: engineName, Self.guest)
        let text = try instance.call("make", []) { results throws(GuestFault) in
            guard case .i32(let at) = results[0], let memory = instance.memory else { throw .noMemory }
            return try memory.readString(at: try memory.load(UInt32.self, at: at), byteCount: try memory.load(UInt32.self, at: at + 4))
        }
        #expect(text == "result")
        #expect(try instance.call("freed", []) == [.i32(1)])
        // An export without cabi_post_ is called as is.
        let sum = try instance.call("sum-bytes", [.i32(64), .i32(1)]) { results throws(GuestFault) in results }
        #expect(sum == [.i32(UInt32(UInt8(ascii: "r")))])
        #expect(try instance.call("freed", []) == [.i32(1)])
    }

    @Test(arguments: testedEngines)
    func badResultsFoundWhileLiftingTrap(engineName: String) throws {
        let instance = try instantiate(on: engineName, Self.guest)
        let error = wasmError {
            _ = try instance.call("make", []) { _ throws(GuestFault) in
                throw GuestFault.outOfBounds(pointer: 0xFFFF_0000, length: 6, memorySize: 65_536)
            }
        }
        #expect(error?.trapReport?.export == "make")
        #expect(instance.poisonedBy != nil)
    }

    static let badAllocations = [
        ("(i32.const 0xFFFF0000)", "outside memory"),
        ("(i32.const 65534)", "block runs past the end"),
        ("(i32.const 1026)", "misaligned"),
        ("(i32.const 0)", "null for a non-empty block"),
    ]

    @Test(arguments: testedEngines.flatMap { engine in badAllocations.map { (engine, $0.0, $0.1) } })
    func badAllocationsAreGuestFaults(engineName: String, returned: String, _: String) throws {
        let instance = try instantiate(on: engineName, """
            (module (memory (export "memory") 1)
              (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) \(returned)))
            """)
        let report = try #require(wasmError { _ = try instance.lower(list: [UInt32](repeating: 7, count: 4)) }?.trapReport)
        guard case .guestFault(.badAllocation(_, let size, let alignment, let memorySize)) = report.reason else {
            Issue.record("expected badAllocation, got \(report.reason)"); return
        }
        #expect((size, alignment, memorySize) == (16, 4, 65_536))
        #expect(report.export == "cabi_realloc")
        #expect(instance.poisonedBy == report)
    }

    @Test(arguments: testedEngines)
    func guestWithoutReallocCannotTakeLists(engineName: String) throws {
        let instance = try instantiate(on: engineName, #"(module (memory (export "memory") 1))"#)
        #expect(wasmError { _ = try instance.lower(string: "x") }?.trapReport?.reason == .guestFault(.noRealloc))
    }

    // MARK: - From inside a host function

    /// `env#greeting(retptr)`: lowers a string into the guest and stores (ptr, len) at `retptr`.
    static var greetingHost: HostImports {
        var env = HostModule("env")
        env.define("greeting", WasmSignature([.i32])) { call in
            let (pointer, length) = try call.instance.lower(string: "hello from the host")
            let memory = try call.memory()
            try memory.store(pointer, at: call.u32(0))
            try memory.store(length, at: call.u32(0) + 4)
        }
        return HostImports([env])
    }

    @Test(arguments: testedEngines)
    func hostFunctionLowersIntoTheGuestItServes(engineName: String) throws {
        let instance = try instantiate(on: engineName, """
            (module
              (import "env" "greeting" (func $greeting (param i32)))
              (memory (export "memory") 1)
              \(bumpAllocator)
              (func (export "greet") (result i32) (call $greeting (i32.const 8)) (i32.const 8)))
            """, host: Self.greetingHost)
        let text = try instance.call("greet", []) { results throws(GuestFault) in
            guard case .i32(let at) = results[0], let memory = instance.memory else { throw .noMemory }
            return try memory.readString(at: try memory.load(UInt32.self, at: at), byteCount: try memory.load(UInt32.self, at: at + 4))
        }
        #expect(text == "hello from the host")
    }

    @Test(arguments: testedEngines)
    func trapInsideTheCallbackIsReportedThroughTheImport(engineName: String) throws {
        let instance = try instantiate(on: engineName, """
            (module
              (import "env" "greeting" (func $greeting (param i32)))
              (memory (export "memory") 1)
              (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) unreachable)
              (func (export "greet") (call $greeting (i32.const 8))))
            """, host: Self.greetingHost)
        let report = try #require(wasmError { _ = try instance.call("greet", []) }?.trapReport)
        #expect(report.export == "greet")
        #expect(report.hostImport == ImportName(module: "env", field: "greeting"))
        guard case .callback(let inner) = report.reason else { Issue.record("expected a callback trap"); return }
        #expect(inner.export == "cabi_realloc")
        #expect(inner.reason == .unreachable)
    }

    @Test(arguments: testedEngines)
    func fuelRunsOutInsideTheCallbackAgainstTheOuterBudget(engineName: String) throws {
        let instance = try instantiate(on: engineName, """
            (module
              (import "env" "greeting" (func $greeting (param i32)))
              (memory (export "memory") 1)
              (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (loop $l (br $l)) (i32.const 0))
              (func (export "greet") (call $greeting (i32.const 8))))
            """, host: Self.greetingHost, limits: WasmLimits(fuelPerCall: 10_000))
        let report = try #require(wasmError { _ = try instance.call("greet", []) }?.trapReport)
        #expect(report.reason == .outOfFuel(budget: 10_000))
        #expect(report.description == "guest exceeded its fuel budget of 10000 in `greet` while the host served `env#greeting`")
    }

    @Test(arguments: testedEngines)
    func reentryIsBoundedNotFatal(engineName: String) throws {
        var env = HostModule("env")
        env.define("again", WasmSignature([])) { call in
            _ = try call.instance.call("recurse", [])
        }
        let host = HostImports([env])
        let instance = try instantiate(on: engineName, """
            (module (import "env" "again" (func $again)) (func (export "recurse") (call $again)))
            """, host: host, limits: WasmLimits(maxNestedCalls: 4))
        let report = try #require(wasmError { _ = try instance.call("recurse", []) }?.trapReport)
        var depth = 0
        var innermost = report
        while case .callback(let inner) = innermost.reason { innermost = inner; depth += 1 }
        // Four nested calls ran; the fifth was refused inside the fourth's import.
        #expect(innermost.reason == .nestingTooDeep(limit: 4))
        #expect(depth == 5)
    }
}
