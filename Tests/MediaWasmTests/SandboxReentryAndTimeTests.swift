import Foundation
import Testing
import MediaTestWatchdog
import MediaCore
@testable import MediaWasm

/// Attacks on the sandbox, written as a hostile guest would: re-entering the
/// host from `cabi_realloc` and `cabi_post_*`, several linear memories, time
/// spent in host imports and waits, and cheap calls that make the host copy
/// a lot. Each ends in a trap with a clear reason, on both engines.
@Suite(.timeLimit(.minutes(5)), .watchdog) struct SandboxReentryAndTimeTests {
    static let types = "wasi:media/types@0.1.0-draft"
    static let mixer = "wasi:media/audio-mixer@0.1.0-draft"
    static let container = "wasi:media/container@0.1.0-draft"
    static let clock = "wasi:media/clock@0.1.0-draft"

    /// A guest whose `cabi_realloc`, once `$armed`, calls back into the host
    /// (`$reenter`, written by each test), then allocates from a bump heap.
    static func reentrantGuest(imports: String, reenter: String, exports: String) -> String {
        """
        (module
          \(imports)
          (memory (export "memory") 2)
          (global $armed (mut i32) (i32.const 0))
          (global $victim (mut i32) (i32.const 0))
          (global $mix (mut i32) (i32.const 0))
          (global $heap (mut i32) (i32.const 4096))
          (func $realloc (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
            (local $p i32)
            (if (global.get $armed) (then
              (global.set $armed (i32.const 0))
              \(reenter)))
            (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1)))
                                   (i32.sub (i32.const 0) (local.get 2))))
            (global.set $heap (i32.add (local.get $p) (local.get 3)))
            (local.get $p))
          \(exports)
        )
        """
    }

    static func mediaAppInstance(_ engineName: String, _ text: String, limits: WasmLimits = .standard) throws -> any WasmInstance {
        let host = MediaAppHost()
        let module = try engine(engineName, limits).compile(try wasm(text), requiredExports: [], host: host.imports)
        return try module.instantiate(host: host.imports, grants: host.allGrants, limits: limits)
    }

    /// The reason of the trap a callback into the guest caused, found inside
    /// the outer report: `(outer import, inner import, inner reason)`.
    static func callbackTrap(_ error: WasmError?) -> (outer: String?, inner: String?, reason: TrapReason)? {
        guard let report = error?.trapReport, case .callback(let inner) = report.reason else { return nil }
        return (report.hostImport?.field, inner.hostImport?.field, inner.reason)
    }

    // MARK: - The "may leave" rule

    /// Finding 1: while the host serves `media-buffer.read`, the guest's
    /// `cabi_realloc` hands the same buffer to `audio-context.submit-audio`,
    /// which takes its bytes; the outer read would then copy `len` bytes out
    /// of an emptied buffer (host heap to the guest, or a crash).
    @Test(arguments: testedEngines)
    func reallocCannotTakeTheBufferBeingRead(engineName: String) throws {
        let text = Self.reentrantGuest(
            imports: """
            (import "\(Self.types)" "[constructor]media-buffer" (func $buf (param i64) (result i32)))
            (import "\(Self.types)" "[method]media-buffer.read" (func $read (param i32 i64 i64 i32)))
            (import "\(Self.mixer)" "[constructor]audio-context" (func $ctx (param i32 i32) (result i32)))
            (import "\(Self.mixer)" "[method]audio-context.add-source-track" (func $track (param i32 i32 i32)))
            (import "\(Self.mixer)" "[method]audio-context.submit-audio" (func $submit (param i32 i32 i32 i32 i32 i32 i64 i32)))
            """,
            reenter: """
            (call $submit (global.get $mix) (i32.const 1) (global.get $victim)
              (i32.const 1) (i32.const 48000) (i32.const 2) (i64.const 0) (i32.const 256))
            """,
            exports: """
            (func (export "attack") (param $size i64)
              (global.set $mix (call $ctx (i32.const 48000) (i32.const 2)))
              (call $track (global.get $mix) (i32.const 1) (i32.const 256))
              (global.set $victim (call $buf (local.get $size)))
              (global.set $armed (i32.const 1))
              (call $read (global.get $victim) (i64.const 0) (local.get $size) (i32.const 512)))
            """)
        for size: UInt64 in [4096, 200 << 20] {
            let guest = try Self.mediaAppInstance(engineName, text)
            let error = wasmError { _ = try guest.call("attack", [.i64(size)]) }
            let trap = try #require(Self.callbackTrap(error), "\(String(describing: error))")
            #expect(trap.outer == "[method]media-buffer.read")
            #expect(trap.inner == "[method]audio-context.submit-audio")
            #expect(trap.reason == .guestFault(.importDuringCallback(callback: "cabi_realloc")))
            #expect(error?.description.contains("canonical ABI forbids") == true, "\(String(describing: error))")
        }
    }

    /// Finding 2: `cabi_realloc` calls `muxer.get-output-bytes` on the muxer
    /// whose output the host is in the middle of handing over; the outer
    /// call would then remove more bytes than remain.
    @Test(arguments: testedEngines)
    func reallocCannotTakeTheOutputBeingReturned(engineName: String) throws {
        let text = Self.reentrantGuest(
            imports: """
            (import "\(Self.container)" "[constructor]muxer" (func $muxer (param i32) (result i32)))
            (import "\(Self.container)" "[method]muxer.get-output-bytes" (func $output (param i32 i32)))
            """,
            reenter: "(call $output (global.get $victim) (i32.const 256))",
            exports: """
            (func (export "make") (result i32) (global.set $victim (call $muxer (i32.const 0))) (global.get $victim))
            (func (export "attack")
              (global.set $armed (i32.const 1))
              (call $output (global.get $victim) (i32.const 512)))
            """)
        let guest = try Self.mediaAppInstance(engineName, text)
        let handle = try #require(try guest.call("make", [])[0].u32)
        // Output waiting to be collected, as muxing leaves it.
        try guest.state[ContainerHost.Muxers.self].borrow(handle).pending = [UInt8](repeating: 7, count: 30_000)
        let error = wasmError { _ = try guest.call("attack", []) }
        let trap = try #require(Self.callbackTrap(error), "\(String(describing: error))")
        #expect(trap.outer == "[method]muxer.get-output-bytes")
        #expect(trap.inner == "[method]muxer.get-output-bytes")
        #expect(trap.reason == .guestFault(.importDuringCallback(callback: "cabi_realloc")))
    }

    /// The rule holds for `cabi_post_<export>` too: the host is releasing
    /// what the export returned, and the guest may not call it meanwhile.
    @Test(arguments: testedEngines)
    func postReturnCannotCallImports(engineName: String) throws {
        let text = """
        (module
          (import "\(Self.types)" "[constructor]media-buffer" (func $buf (param i64) (result i32)))
          (memory (export "memory") 1)
          \(bumpAllocator)
          (func (export "f") (result i32) (i32.const 64))
          (func (export "cabi_post_f") (param i32) (drop (call $buf (i64.const 16)))))
        """
        let guest = try Self.mediaAppInstance(engineName, text)
        let error = wasmError { _ = try guest.call("f", []) { (results) throws(GuestFault) in results } }
        let report = try #require(error?.trapReport)
        #expect(report.export == "cabi_post_f")
        #expect(report.hostImport?.field == "[constructor]media-buffer")
        #expect(report.reason == .guestFault(.importDuringCallback(callback: "cabi_post_f")))
    }

    /// Imports called from the guest's own code still work after a refused
    /// callback elsewhere: the rule is about where the call comes from.
    @Test(arguments: testedEngines)
    func importsOutsideCallbacksAreUnaffected(engineName: String) throws {
        let text = """
        (module
          (import "\(Self.types)" "[constructor]media-buffer" (func $buf (param i64) (result i32)))
          (import "\(Self.types)" "[method]media-buffer.read" (func $read (param i32 i64 i64 i32)))
          (memory (export "memory") 1)
          \(bumpAllocator)
          (func (export "roundtrip") (result i32)
            (local $b i32)
            (local.set $b (call $buf (i64.const 32)))
            (call $read (local.get $b) (i64.const 0) (i64.const 32) (i32.const 512))
            (i32.load (i32.const 520))))
        """
        let guest = try Self.mediaAppInstance(engineName, text)
        #expect(try guest.call("roundtrip", []) == [.i32(32)])
        #expect(try guest.call("roundtrip", []) == [.i32(32)])
    }

    // MARK: - Memories

    /// Finding 6: the memory cap applies to each memory, so a module with
    /// several would multiply it; no engine accepts more than one.
    @Test(arguments: testedEngines)
    func multipleMemoriesAreRefused(engineName: String) throws {
        let text = "(module (memory (export \"memory\") 1) (memory $second 200) (memory $third 200))"
        let error = wasmError { _ = try engine(engineName, WasmLimits(memoryCap: 16 << 20)).compile(try wasm(text)) }
        let refused = try #require(error, "a module with three memories compiled on \(engineName)")
        guard case .malformedModule(let reason, _) = refused else {
            Issue.record("expected a malformed-module error, got \(refused)")
            return
        }
        #expect(reason.lowercased().contains("memor"), "\(reason)")
    }

    // MARK: - Time

    /// Finding 7: a guest blocked in `clock.wait-until` far in the future
    /// wakes at its call's time limit and traps, saying so.
    @Test(arguments: testedEngines)
    func waitUntilWakesAtTheTimeLimit(engineName: String) throws {
        let text = """
        (module
          (import "\(Self.clock)" "[constructor]media-clock" (func $clock (param i32) (result i32)))
          (import "\(Self.clock)" "[method]media-clock.start" (func $start (param i32)))
          (import "\(Self.clock)" "[method]media-clock.wait-until" (func $wait (param i32 i64 i32)))
          (memory (export "memory") 1)
          \(bumpAllocator)
          (func (export "sleep")
            (local $c i32)
            (local.set $c (call $clock (i32.const 2)))
            (call $start (local.get $c))
            (call $wait (local.get $c) (i64.const 1000000000000) (i32.const 512))))
        """
        let limits = WasmLimits(fuelPerCall: 100_000, timeLimit: .milliseconds(300))
        let guest = try Self.mediaAppInstance(engineName, text, limits: limits)
        let started = ContinuousClock.now
        let error = wasmError { _ = try guest.call("sleep", []) }
        let report = try #require(error?.trapReport)
        #expect(report.reason == .timeLimit(.milliseconds(300)))
        #expect(report.hostImport?.field == "[method]media-clock.wait-until")
        #expect(report.description.contains("time limit of 0.3 s"), "\(report)")
        // A guard against a hang, not a timing assertion: the wait was ~11 days long.
        #expect(ContinuousClock.now - started < .seconds(60))
    }

    /// Guest code alone is stopped at the time limit too, with no fuel limit.
    @Test(arguments: testedEngines)
    func spinningIsStoppedAtTheTimeLimit(engineName: String) throws {
        let limits = WasmLimits(fuelPerCall: nil, timeLimit: .milliseconds(200))
        let guest = try instantiate(on: engineName, #"(module (func (export "spin") (loop $l (br $l))))"#, limits: limits)
        let error = wasmError { _ = try guest.call("spin", []) }
        let report = try #require(error?.trapReport)
        #expect(report.reason == .timeLimit(.milliseconds(200)))
        #expect(report.description == "guest exceeded its time limit of 0.2 s in `spin`")
        // The instance is poisoned; a new one from the same module runs again.
        #expect(guest.poisonedBy != nil)
    }

    /// A call that ends in time is not touched, and the next call gets a fresh limit.
    @Test(arguments: testedEngines)
    func callsWithinTheLimitRunNormally(engineName: String) throws {
        let limits = WasmLimits(timeLimit: .milliseconds(200))
        let guest = try instantiate(on: engineName, """
            (module (func (export "count") (param $n i32) (result i32)
              (loop $l (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br_if $l (local.get $n)))
              (local.get $n)))
            """, limits: limits)
        for _ in 0..<50 { #expect(try guest.call("count", [.i32(10_000)]) == [.i32(0)]) }
        #expect(guest.state.deadline == nil)
    }

    /// Finding 7: a filter that calls `media-buffer.write` with a large
    /// buffer in a loop runs a few instructions a call; the bytes the host
    /// copies are charged to fuel, so the loop runs out of fuel.
    @Test(arguments: testedEngines)
    func hostCopiesAreChargedToFuel(engineName: String) throws {
        let size = 16 << 20
        let text = """
        (module
          (import "\(Self.types)" "[constructor]media-buffer" (func $buf (param i64) (result i32)))
          (import "\(Self.types)" "[method]media-buffer.write" (func $write (param i32 i64 i32 i32 i32)))
          (memory (export "memory") 257)
          \(bumpAllocator)
          (func (export "churn") (param $times i32)
            (local $b i32)
            (local.set $b (call $buf (i64.const \(size))))
            (loop $l
              (call $write (local.get $b) (i64.const 0) (i32.const 65536) (i32.const \(size)) (i32.const 512))
              (local.set $times (i32.sub (local.get $times) (i32.const 1)))
              (br_if $l (local.get $times)))))
        """
        let budget: UInt64 = 10_000_000
        let guest = try Self.mediaAppInstance(engineName, text, limits: WasmLimits(fuelPerCall: budget, timeLimit: nil))
        // 16 MiB a call is 262,144 units: a budget of ten million allows 38 calls, not 1,000.
        let error = wasmError { _ = try guest.call("churn", [.i32(1000)]) }
        let report = try #require(error?.trapReport)
        #expect(report.reason == .outOfFuel(budget: budget))
        #expect(report.hostImport?.field == "[method]media-buffer.write")
        #expect(report.description.hasPrefix("guest exceeded its fuel budget of 10000000 in `churn` while the host served"))

        let fresh = try Self.mediaAppInstance(engineName, text, limits: WasmLimits(fuelPerCall: budget, timeLimit: nil))
        _ = try fresh.call("churn", [.i32(30)])
        let used = try #require(fresh.fuelUsedByLastCall)
        #expect(used >= 30 * UInt64(size / 64), "the 30 copies cost \(used) fuel")
    }
}
