/// A guest instance on Wasmtime: one `wasmtime_store_t` of its own (so fuel,
/// the memory cap and traps never reach another instance), the guest's
/// exports, and the host functions it was linked to.
final class WasmtimeInstance: WasmInstance {
    let engineName = WasmtimeEngine.name
    let limits: WasmLimits
    let exports: [ModuleExport]
    let state = InstanceState()
    private(set) var poisonedBy: TrapReport?
    private(set) var fuelUsedByLastCall: UInt64?

    private let library: WasmtimeLibrary
    /// The engine whose epoch the deadline watchdog bumps.
    private let engine: WasmtimeEngine.EngineBox
    /// Set when the epoch callback found the call past its time limit.
    private var timedOut = false
    /// Keeps the compiled code alive as long as the instance.
    private let module: WasmtimeModule.ModuleBox
    /// Owns the store; a ``GuestMemory`` handed out holds it too, so the
    /// memory stays valid after the instance is gone.
    private let store: StoreBox
    private let context: OpaquePointer
    private var functions: [String: (function: WTFunc, signature: WasmSignature)] = [:]
    private var linearMemory: WTMemory?
    /// The environments of the host functions; the store refers to them unretained.
    private var hostFunctions: [HostFunctionBox] = []
    /// 0 between calls; 1 inside an outermost call; more while a host function re-enters the guest.
    private var depth = 0
    /// What the host function that just made the guest trap threw.
    private var pendingFailure: HostFailure?
    /// The memory cap of this instance's memories, and the growth it refused.
    private let memoryRefusals: MemoryCapRefusals

    /// A host function's environment, handed to Wasmtime as a raw pointer.
    private final class HostFunctionBox {
        let function: HostFunction
        unowned(unsafe) let instance: WasmtimeInstance
        init(function: HostFunction, instance: WasmtimeInstance) {
            self.function = function
            self.instance = instance
        }
    }

    var memory: GuestMemory? {
        linearMemory.map { GuestMemory(WasmtimeMemory(store: store, memory: $0), meter: state.work) }
    }

    init(module: WasmtimeModule, host: HostImports, limits: WasmLimits) throws(WasmError) {
        let library = module.engine.library
        guard let store = library.storeNew(module.engine.engine.pointer, nil, nil) else {
            throw .instantiation(reason: "wasmtime could not create a store")
        }
        self.library = library
        self.engine = module.engine.engine
        self.module = module.module
        self.limits = limits
        self.exports = module.exports
        self.store = StoreBox(pointer: store, library: library)
        self.context = self.store.context
        // The memory cap is enforced by the memories themselves (WasmtimeMemoryCreator);
        // the limiter caps table elements, leaving instances, tables and memories at Wasmtime's defaults.
        library.storeLimiter(store, -1, Int64(limits.tableElementCap), -1, -1, -1)
        memoryRefusals = MemoryCapRefusals(memoryCap: limits.memoryCap)
        // Epoch interruption is on for every store: with no deadline set, code would trap at once.
        library.contextSetEpochDeadline(context, Self.noEpochDeadline)
        library.storeEpochDeadlineCallback(store, Self.epochCallback, Unmanaged.passUnretained(self).toOpaque(), nil)

        // Host functions, in the module's import order. Linking was checked:
        // every import is a host function of the same signature.
        var importTypes = WTPointerVec()
        library.moduleImports(module.module.pointer, &importTypes)
        defer { library.importTypeVecDelete(&importTypes) }
        var externs: [WTExtern] = []
        for (entry, type) in zip(module.imports, importTypes.elements) {
            guard let function = host.function(entry.name), let type,
                  let functionType = library.externTypeAsFuncType(library.importTypeType(type)) else {
                throw .instantiation(reason: "no host function for \(entry.name)")
            }
            let box = HostFunctionBox(function: function, instance: self)
            hostFunctions.append(box)
            var made = WTFunc()
            library.funcNewUnchecked(context, functionType, Self.hostCallback,
                                     Unmanaged.passUnretained(box).toOpaque(), nil, &made)
            externs.append(WTExtern(function: made))
        }

        // The start function runs inside `wasmtime_instance_new`, as an outermost call.
        var instance = WTInstance()
        var trap: OpaquePointer?
        depth = 1
        pendingFailure = nil
        setFuel()
        let error = WasmtimeMemoryCreator.creatingMemories(for: memoryRefusals) {
            externs.withUnsafeBufferPointer {
                library.instanceNew(context, module.module.pointer, UnsafeRawPointer($0.baseAddress), $0.count, &instance, &trap)
            }
        }
        depth = 0
        if let error { throw instantiationError(library.consume(error: error)) }
        if let trap { throw .trap(report(trap: trap, export: "<start>")) }

        var found = WTExtern()
        if "memory".withCString({ library.instanceExportGet(context, &instance, $0, 6, &found) }) {
            linearMemory = found.asMemory
        }
        for export in module.exports where export.kind == .function {
            guard let signature = export.signature else { continue }
            var item = WTExtern()
            let utf8 = Array(export.name.utf8CString)
            if utf8.withUnsafeBufferPointer({ library.instanceExportGet(context, &instance, $0.baseAddress!, utf8.count - 1, &item) }),
               let function = item.asFunction {
                functions[export.name] = (function, signature)
            }
        }
        if let initialize = functions["_initialize"], initialize.signature == WasmSignature([]) {
            _ = try call("_initialize", [])
        }
    }

    /// Owns a `wasmtime_store_t`: deletes it when the instance and every memory view of it are gone.
    final class StoreBox {
        let pointer: OpaquePointer
        let context: OpaquePointer
        let library: WasmtimeLibrary
        init(pointer: OpaquePointer, library: WasmtimeLibrary) {
            self.pointer = pointer
            self.library = library
            context = library.storeContext(pointer)
        }
        deinit { library.storeDelete(pointer) }
    }

    /// Why `wasmtime_instance_new` failed, with `message` its error text:
    /// an initial memory the host-made memories refused (recorded in
    /// ``memoryRefusals``) or a table over the limiter's cap, in WasmKit's words.
    private func instantiationError(_ message: String) -> WasmError {
        if let refused = memoryRefusals.refused {
            return .initialMemoryOverCap(bytes: refused.requestedBytes, cap: refused.capBytes)
        }
        if message.contains("table minimum size of"), message.contains("exceeds table limits") {
            return .initialTableOverCap(cap: limits.tableElementCap)
        }
        return .instantiation(reason: message.split(separator: "\n").last.map(String.init) ?? message)
    }

    private func setFuel() {
        if let error = library.contextSetFuel(context, limits.fuelPerCall ?? UInt64.max) {
            _ = library.consume(error: error)
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
            pendingFailure = nil
            state.log.beginCall()
            memoryRefusals.reset()
            setFuel()
            watch = startClock()
        }
        depth += 1
        defer {
            depth -= 1
            if outermost {
                DeadlineWatchdog.shared.endCall(watch, state: state)
                library.contextSetEpochDeadline(context, Self.noEpochDeadline)
                if let budget = limits.fuelPerCall {
                    var left: UInt64 = 0
                    if let error = library.contextGetFuel(context, &left) { _ = library.consume(error: error) }
                    fuelUsedByLastCall = budget - min(left, budget)
                }
            }
        }
        let count = max(signature.parameters.count, signature.results.count)
        var trap: OpaquePointer?
        var callee = function
        let (error, values) = withUnsafeTemporaryAllocation(of: WTRawValue.self, capacity: max(count, 1)) { slots in
            for index in 0..<slots.count { slots[index] = WTRawValue() }
            for (index, argument) in arguments.enumerated() { slots[index].low = argument.rawBits }
            let error = library.funcCallUnchecked(context, &callee, UnsafeMutableRawPointer(slots.baseAddress), count, &trap)
            let values = (error == nil && trap == nil)
                ? signature.results.enumerated().map { WasmValue(rawBits: slots[$0.offset].low, type: $0.element) }
                : []
            return (error, values)
        }
        if let error {
            let report = report(message: library.consume(error: error), code: nil, export: export)
            poison(with: report)
            throw .trap(report)
        }
        if let trap {
            let report = report(trap: trap, export: export)
            poison(with: report)
            throw .trap(report)
        }
        return values
    }

    // MARK: - Time limit

    /// An epoch deadline no call reaches: the epoch moves only when some call passes its time limit.
    private static let noEpochDeadline: UInt64 = 1 << 62

    /// Sets the outermost call's deadline. With a time limit, the epoch
    /// deadline is the next tick: whenever the watchdog bumps the engine's
    /// epoch (for this call or another), running code calls
    /// ``epochCallback``, which traps once this call's deadline has passed.
    private func startClock() -> DeadlineWatchdog.Registration? {
        timedOut = false
        library.contextSetEpochDeadline(context, limits.timeLimit == nil ? Self.noEpochDeadline : 1)
        let engine = engine
        return DeadlineWatchdog.shared.startCall(limit: limits.timeLimit, state: state) {
            engine.library.engineIncrementEpoch(engine.pointer)
        }
    }

    /// Wasmtime's call when running code reaches the epoch deadline: on the
    /// guest's thread, inside the call.
    private static let epochCallback: WTEpochCallback = { _, data, delta, kind in
        guard let data else { return nil }
        let instance = Unmanaged<WasmtimeInstance>.fromOpaque(data).takeUnretainedValue()
        kind?.pointee = 0   // WASMTIME_UPDATE_DEADLINE_CONTINUE
        guard let deadline = instance.state.deadline else {
            delta?.pointee = noEpochDeadline
            return nil
        }
        guard ContinuousClock.now >= deadline else {
            delta?.pointee = 1
            return nil
        }
        instance.timedOut = true
        let text = "the call's time limit passed"
        return text.withCString { instance.library.errorNew($0) }
    }

    /// The trap report for a trap a call into the guest returned; deletes the trap.
    private func report(trap: OpaquePointer, export: String) -> TrapReport {
        let (message, code) = library.consume(trap: trap)
        return report(message: message, code: code, export: export)
    }

    /// The trap report for a trap's or error's text and trap code. A host
    /// function's failure comes back as one of these, with our own text.
    private func report(message: String, code: UInt8?, export: String) -> TrapReport {
        var report = TrapReport(export: export, reason: .engine(message), refusedGrowth: memoryRefusals.refused, engine: engineName)
        report.guestMessage = state.log.lastWords?.message
        // Wasmtime's text: "error while executing at wasm backtrace:", the
        // frames, then "Caused by:" and the reason.
        var reason = message.trimmingCharacters(in: .whitespacesAndNewlines)
        if let marker = message.range(of: "\n\nCaused by:\n") {
            reason = message[marker.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
            let frames = message[..<marker.lowerBound].split(separator: "\n").dropFirst()
            report.backtrace = frames.isEmpty ? nil : frames.joined(separator: "\n")
        }
        if let failure = pendingFailure {
            pendingFailure = nil
            report.attribute(to: failure)
            return report
        }
        if timedOut, let limit = limits.timeLimit {
            report.reason = .timeLimit(limit)
            return report
        }
        let first = reason.split(separator: "\n").first.map(String.init) ?? reason
        switch code {
        case WTTrapCode.unreachable: report.reason = .unreachable
        case WTTrapCode.memoryOutOfBounds: report.reason = .memoryOutOfBounds
        case WTTrapCode.integerDivisionByZero: report.reason = .integerDivideByZero
        case WTTrapCode.integerOverflow: report.reason = .integerOverflow
        case WTTrapCode.badConversionToInteger: report.reason = .invalidConversionToInteger
        case WTTrapCode.stackOverflow: report.reason = .stackOverflow
        case WTTrapCode.outOfFuel: report.reason = .outOfFuel(budget: limits.fuelPerCall ?? 0)
        default: report.reason = .engine(first)
        }
        return report
    }

    // MARK: - Calls into the host

    /// What Wasmtime calls for every host function: finds the instance and runs it.
    private static let hostCallback: WTHostCallback = { environment, caller, values, count in
        guard let environment else { return nil }
        let box = Unmanaged<HostFunctionBox>.fromOpaque(environment).takeUnretainedValue()
        return box.instance.serve(box.function, caller: caller, values?.assumingMemoryBound(to: WTRawValue.self), count)
    }

    /// Runs a host function for the guest: parameters and results share
    /// `values`. Whatever it throws is kept as ``pendingFailure`` and the
    /// guest gets a trap, which ``report(trap:export:)`` turns back into it.
    private func serve(_ function: HostFunction, caller: OpaquePointer?,
                       _ values: UnsafeMutablePointer<WTRawValue>?, _ count: Int) -> OpaquePointer? {
        if linearMemory == nil, let caller {
            // A start function calling the host runs before `init` has looked the memory up.
            var found = WTExtern()
            if "memory".withCString({ library.callerExportGet(caller, $0, 6, &found) }) { linearMemory = found.asMemory }
        }
        let parameterTypes = function.signature.parameters
        let resultTypes = function.signature.results
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: parameterTypes.count + resultTypes.count) { slots -> OpaquePointer? in
            for (index, type) in parameterTypes.enumerated() {
                let bits = values?[index].low ?? 0
                slots[index] = (type == .i32 || type == .f32) ? bits & 0xffff_ffff : bits
            }
            for index in parameterTypes.count..<slots.count { slots[index] = 0 }
            let out = UnsafeMutableBufferPointer(rebasing: slots[parameterTypes.count...])
            let call = HostCall(name: function.name, instance: self,
                                parameters: UnsafeBufferPointer(rebasing: slots[..<parameterTypes.count]), results: out)
            do {
                try function.serve(call)
                try chargeHostWork()
            } catch {
                pendingFailure = HostFailure(name: function.name, error: error)
                let text = "host function \(function.name) failed"
                return text.withCString { library.trapNew($0, text.utf8.count) }
            }
            if let values {
                for index in resultTypes.indices where index < count { values[index] = WTRawValue(low: out[index], high: 0) }
            }
            return nil
        }
    }
}

extension WasmtimeInstance {
    /// Charges the bytes the import copied to the call's fuel; throws
    /// ``HostLimitExceeded/fuel(budget:)`` (leaving none) when there is not enough.
    fileprivate func chargeHostWork() throws(HostLimitExceeded) {
        try state.work.charge(budget: limits.fuelPerCall, left: { () -> UInt64? in
            var left: UInt64 = 0
            if let error = library.contextGetFuel(context, &left) { _ = library.consume(error: error); return nil }
            return left
        }, set: { remaining in
            if let error = library.contextSetFuel(context, remaining) { _ = library.consume(error: error) }
        })
    }
}

/// Wasmtime's linear memory behind a ``GuestMemory``: base and size are
/// asked of the store on every access, since growth may move the memory.
struct WasmtimeMemory: LinearMemoryBackend {
    /// Keeps the store, and so the memory, alive as long as this view.
    let store: WasmtimeInstance.StoreBox
    let memory: WTMemory
    var library: WasmtimeLibrary { store.library }
    var context: OpaquePointer { store.context }

    var byteCount: Int {
        withUnsafePointer(to: memory) { library.memoryDataSize(context, $0) }
    }

    func withUnsafeBytes<R>(in range: Range<Int>, _ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        if range.isEmpty { return try body(UnsafeMutableRawBufferPointer(start: nil, count: 0)) }
        guard let base = withUnsafePointer(to: memory, { library.memoryData(context, $0) }) else {
            return try body(UnsafeMutableRawBufferPointer(start: nil, count: 0))
        }
        return try body(UnsafeMutableRawBufferPointer(start: base + range.lowerBound, count: range.count))
    }
}
