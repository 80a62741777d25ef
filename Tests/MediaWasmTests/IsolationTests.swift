import Foundation
import MediaWasm
import Synchronization
import Testing
import MediaTestWatchdog

@Suite(.watchdog) struct IsolationTests {
    /// Both guests call `env#arrive` first, which returns only once both
    /// have arrived: from then on they run at the same time. One then
    /// faults on a wild load; the other sums 1...n.
    static let guest = """
        (module
          (import "env" "arrive" (func $arrive))
          (memory (export "memory") 1)
          (func (export "crash") (result i32) (call $arrive) (i32.load (i32.const 0x7FFFFFF0)))
          (func (export "sum") (param $n i32) (result i64)
            (local $total i64)
            (call $arrive)
            (block $done (loop $next
              (br_if $done (i32.eqz (local.get $n)))
              (local.set $total (i64.add (local.get $total) (i64.extend_i32_u (local.get $n))))
              (local.set $n (i32.sub (local.get $n) (i32.const 1)))
              (br $next)))
            (local.get $total)))
        """

    final class Rendezvous: Sendable {
        let arrived = Atomic<Int>(0)
        let abandoned = Atomic<Bool>(false)
        func arriveAndWait() {
            arrived.add(1, ordering: .sequentiallyConsistent)
            while arrived.load(ordering: .sequentiallyConsistent) < 2, !abandoned.load(ordering: .sequentiallyConsistent) {
                sched_yield()
            }
        }
    }

    @Test(arguments: testedEngines)
    func trappingInstanceDoesNotDisturbAnotherRunningConcurrently(engineName: String) throws {
        let rendezvous = Rendezvous()
        var env = HostModule("env")
        env.define("arrive", WasmSignature([])) { _ in rendezvous.arriveAndWait() }
        let host = HostImports([env])
        let module = try Engines.make(engineName).compile(try wasm(Self.guest), requiredExports: ["crash", "sum"], host: host)

        let outcomes = Mutex<[String: String]>([:])
        let finished = DispatchGroup()
        func run(_ name: String, _ body: @escaping @Sendable () throws -> String) {
            finished.enter()
            Thread {
                let outcome: String
                do { outcome = try body() } catch { outcome = "error: \(error)" }
                rendezvous.abandoned.store(true, ordering: .sequentiallyConsistent)
                outcomes.withLock { $0[name] = outcome }
                finished.leave()
            }.start()
        }
        run("crash") {
            let instance = try module.instantiate(host: host, grants: ["env"])
            return "\(try instance.call("crash", []))"
        }
        run("sum") {
            let instance = try module.instantiate(host: host, grants: ["env"])
            return "\(try instance.call("sum", [.i32(200_000)]))"
        }
        finished.wait()

        let results = outcomes.withLock { $0 }
        #expect(results["crash"] == "error: guest trapped in `crash`: out-of-bounds memory access")
        #expect(results["sum"] == "[i64:20000100000]")
        #expect(rendezvous.arrived.load(ordering: .sequentiallyConsistent) == 2)
    }
}
