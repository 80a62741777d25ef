@_spi(Fuzzing) import WasmKit
import Synchronization

/// A guest instance on WasmKit: one `Store` of its own (so fuel, the memory
/// cap and traps never reach another instance), the guest's exports, and
/// the host functions it was linked to.
final class WasmKitInstance: WasmInstance {
    let engineName = WasmKitEngine.name
    let limits: WasmLimits
    let exports: [ModuleExport]
    let state = InstanceState()
    private(set) var poisonedBy: TrapReport?
    private(set) var fuelUsedByLastCall: UInt64?

    private let store: Store
    private let limiter: MemoryCapLimiter
    /// Exported functions by name, with their signatures.
    private var functions: [String: (function: Function, signature: WasmSignature)] = [:]
    private var linearMemory: Memory?
    /// One interpreter stack per nesting depth, made when first needed and
    /// kept, so a call allocates none (each is `EngineConfiguration.stackSize`, 512 KiB).
    private var stacks: [StackBox] = []
    /// 0 between calls; 1 inside an outermost call; more while a host function re-enters the guest.
    private var depth = 0

    private final class StackBox {
        var stack: ExecutionStack
        init(engine: Engine) { stack = ExecutionStack(engine: engine) }
    }

    var memory: GuestMemory? { linearMemory.map { GuestMemory(WasmKitMemory(memory: $0), meter: state.work) } }

    /// Set by the deadline watchdog when it emptied the fuel of a call past its time limit.
    private let timedOut = Atomic<Bool>(false)

    init(module: WasmKitModule, host: HostImports, limits: WasmLimits) throws(WasmError) {
        self.limits = limits
        self.exports = module.exports
        store = Store(engine: module.engine.runtime)
        limiter = MemoryCapLimiter(limits: limits)
        store.resourceLimiter = limiter

        var imports = Imports()
        for entry in module.imports {
            // Linking was checked: every import is a host function of the same signature.
            guard let function = host.function(entry.name) else { continue }
            imports.define(module: entry.name.module, name: entry.name.field, Function(
                store: store,
                parameters: function.signature.parameters.map(\.wasmKit),
                results: function.signature.results.map(\.wasmKit),
                raw: { [unowned self] caller, parameters, results in
                    try self.serve(function, caller: caller, parameters, results)
                }))
        }

        // The start function runs inside `instantiate`, as an outermost call.
        let instance: Instance
        depth = 1
        limiter.reset()
        store.fuel = limits.fuelPerCall.map { Fuel(remaining: $0) }
        do {
            instance = try module.module.instantiate(store: store, imports: imports)
            depth = 0
        } catch let trap as Trap where WasmKitTrapText(trap).isInitialSizeOverLimit {
            depth = 0
            throw limiter.initialSizeError
        } catch {
            depth = 0
            throw .trap(report(for: error, export: "<start>"))
        }
        linearMemory = instance.exports[memory: "memory"]
        for export in module.exports where export.kind == .function {
            if let signature = export.signature, let function = instance.exports[function: export.name] {
                functions[export.name] = (function, signature)
            }
        }
        if let initialize = functions["_initialize"], initialize.signature == WasmSignature([]) {
            _ = try call("_initialize", [])
        }
    }

    func signature(of name: String) -> WasmSignature? { functions[name]?.signature }

    func poison(with report: TrapReport) {
        if poisonedBy == nil { poisonedBy = report }
    }

    // MARK: - Calls into the guest

    func call(_ export: String, _ arguments: [WasmValue]) throws(WasmError) -> [WasmValue] {
        let signature = try checkCall(export, arguments, depth: depth)
        let function = functions[export]!.function

        let outermost = depth == 0
        var watch: DeadlineWatchdog.Registration?
        if outermost {
            state.log.beginCall()
            limiter.reset()
            store.fuel = limits.fuelPerCall.map { Fuel(remaining: $0) }
            timedOut.store(false, ordering: .relaxed)
            watch = startClock()
        }
        while stacks.count <= depth { stacks.append(StackBox(engine: store.engine)) }
        let box = stacks[depth]
        depth += 1
        defer {
            depth -= 1
            if outermost {
                DeadlineWatchdog.shared.endCall(watch, state: state)
                if let budget = limits.fuelPerCall, let left = store.fuel?.remaining {
                    fuelUsedByLastCall = timedOut.load(ordering: .relaxed) ? nil : budget - min(left, budget)
                }
            }
        }
        let values: [Value]
        do {
            values = try function.invoke(arguments.map(\.wasmKit), on: &box.stack)
        } catch {
            let report = report(for: error, export: export)
            poison(with: report)
            throw .trap(report)
        }
        return zip(values, signature.results).map { WasmValue(rawBits: $0.rawBits, type: $1) }
    }

    /// Sets the outermost call's deadline and has the watchdog stop the
    /// interpreter at it: it empties the store's fuel, which the interpreter
    /// checks at every block (the fuel cell is a plain 64-bit word; the
    /// watchdog writes it from its own thread and repeats the write until
    /// the call ends, in case the interpreter's own update overwrote it).
    private func startClock() -> DeadlineWatchdog.Registration? {
        let target = UnsafeStore(store: store)
        return DeadlineWatchdog.shared.startCall(limit: limits.timeLimit, state: state) { [unowned self] in
            self.timedOut.store(true, ordering: .relaxed)
            target.store.fuel = Fuel(remaining: 0)
        }
    }

    /// The store, for the watchdog's thread (see ``startClock()``).
    private struct UnsafeStore: @unchecked Sendable { let store: Store }

    /// The trap report for what a call into the guest threw.
    private func report(for error: any Error, export: String) -> TrapReport {
        var report = TrapReport(export: export, reason: .engine(String(describing: error)),
                                refusedGrowth: limiter.refused, engine: engineName)
        report.guestMessage = state.log.lastWords?.message
        switch error {
        case let trap as Trap:
            let text = WasmKitTrapText(trap)
            report.reason = text.trapReason(fuelBudget: limits.fuelPerCall)
            if timedOut.load(ordering: .relaxed), case .outOfFuel = report.reason, let limit = limits.timeLimit {
                report.reason = .timeLimit(limit)
            }
            report.backtrace = text.backtrace
        case let failure as HostFailure:
            report.attribute(to: failure)
        default:
            break
        }
        return report
    }

    // MARK: - Calls into the host

    /// Runs a host function for the guest. Whatever it throws leaves as a
    /// ``HostFailure`` naming the import, which ``report(for:export:)`` turns into a trap.
    private func serve(_ function: HostFunction, caller: borrowing Caller,
                       _ parameters: UnsafeBufferPointer<Value>, _ results: UnsafeMutableBufferPointer<Value>) throws {
        if linearMemory == nil {
            // A start function calling the host runs before `init` has looked the memory up.
            linearMemory = caller.instance?.exports[memory: "memory"]
        }
        let resultTypes = function.signature.results
        try withUnsafeTemporaryAllocation(of: UInt64.self, capacity: parameters.count + resultTypes.count) { slots in
            for index in parameters.indices { slots[index] = parameters[index].rawBits }
            for index in parameters.count..<slots.count { slots[index] = 0 }
            let out = UnsafeMutableBufferPointer(rebasing: slots[parameters.count...])
            let call = HostCall(name: function.name, instance: self,
                                parameters: UnsafeBufferPointer(rebasing: slots[..<parameters.count]), results: out)
            do {
                try function.serve(call)
                try chargeHostWork()
            } catch {
                throw HostFailure(name: function.name, error: error)
            }
            for index in resultTypes.indices {
                results[index] = Value(rawBits: out[index], type: resultTypes[index])
            }
        }
    }

    /// Charges the bytes the import copied to the call's fuel; throws
    /// ``HostLimitExceeded/fuel(budget:)`` (leaving none) when there is not enough.
    private func chargeHostWork() throws(HostLimitExceeded) {
        try state.work.charge(budget: limits.fuelPerCall, left: { store.fuel?.remaining },
                              set: { store.fuel = Fuel(remaining: $0) })
    }
}
