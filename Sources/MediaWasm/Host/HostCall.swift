/// One call from a guest into a host function: its parameters, its results,
/// and the instance it came from.
///
/// Valid only while the host function runs (it is `~Copyable` and lent to
/// the function, so it cannot be kept). Parameters are read, and results
/// written, by index and by the types the function was defined with:
/// reading an `i64` parameter with ``u32(_:)`` truncates it. Results start
/// as zero.
///
/// The raw 64-bit slots mirror how engines pass values to host functions
/// (integers zero-extended, floats by bit pattern), so no engine needs to
/// allocate to call one.
public struct HostCall: ~Copyable {
    /// The import being served.
    public let name: ImportName
    /// The calling instance: call back into it (``WasmInstance/allocate(size:alignment:)``,
    /// ``WasmInstance/lower(string:)``) or reach its memory and state.
    public let instance: any WasmInstance
    let parameters: UnsafeBufferPointer<UInt64>
    let results: UnsafeMutableBufferPointer<UInt64>

    init(name: ImportName, instance: any WasmInstance,
         parameters: UnsafeBufferPointer<UInt64>, results: UnsafeMutableBufferPointer<UInt64>) {
        self.name = name
        self.instance = instance
        self.parameters = parameters
        self.results = results
    }

    /// The calling instance's host-side state.
    public var state: InstanceState { instance.state }

    /// The calling instance's memory; throws ``GuestFault/noMemory`` (a guest
    /// trap) if the guest exports none.
    public func memory() throws(GuestFault) -> GuestMemory {
        guard let memory = instance.memory else { throw .noMemory }
        return memory
    }

    public var parameterCount: Int { parameters.count }

    // MARK: - Parameters

    /// The `i32` parameter at `index`, unsigned (pointers, lengths, handles).
    public func u32(_ index: Int) -> UInt32 { UInt32(truncatingIfNeeded: parameters[index]) }
    /// The `i32` parameter at `index`, signed.
    public func s32(_ index: Int) -> Int32 { Int32(truncatingIfNeeded: parameters[index]) }
    /// The `i64` parameter at `index`, unsigned.
    public func u64(_ index: Int) -> UInt64 { parameters[index] }
    /// The `i64` parameter at `index`, signed.
    public func s64(_ index: Int) -> Int64 { Int64(bitPattern: parameters[index]) }
    /// The `f32` parameter at `index`.
    public func f32(_ index: Int) -> Float { Float(bitPattern: UInt32(truncatingIfNeeded: parameters[index])) }
    /// The `f64` parameter at `index`.
    public func f64(_ index: Int) -> Double { Double(bitPattern: parameters[index]) }

    // MARK: - Results

    /// Sets the `i32` result at `index`.
    public func setResult(_ value: UInt32, at index: Int = 0) { results[index] = UInt64(value) }
    /// Sets the `i32` result at `index`.
    public func setResult(_ value: Int32, at index: Int = 0) { results[index] = UInt64(UInt32(bitPattern: value)) }
    /// Sets the `i64` result at `index`.
    public func setResult(_ value: UInt64, at index: Int = 0) { results[index] = value }
    /// Sets the `i64` result at `index`.
    public func setResult(_ value: Int64, at index: Int = 0) { results[index] = UInt64(bitPattern: value) }
    /// Sets the `f32` result at `index`.
    public func setResult(_ value: Float, at index: Int = 0) { results[index] = UInt64(value.bitPattern) }
    /// Sets the `f64` result at `index`.
    public func setResult(_ value: Double, at index: Int = 0) { results[index] = value.bitPattern }
}

/// A limit the host enforces around imports, passed.
enum HostLimitExceeded: Error {
    /// Fuel ran out when the host charged the work of an import (bytes copied).
    case fuel(budget: UInt64)
    /// The outermost call's deadline passed.
    case timeLimit(Duration)
}

extension HostFunction {
    /// Runs the function for a guest, with the checks every engine makes
    /// around an import: the guest may not call it from inside a
    /// canonical-ABI callback, nor once the call's time limit has passed.
    /// Counts from zero the bytes it copies (`state.work`); charging them to
    /// fuel is the engine's part, after it returns.
    func serve(_ call: borrowing HostCall) throws {
        let state = call.instance.state
        state.work.bytes = 0
        if let callback = state.canonicalCallback {
            throw GuestFault.importDuringCallback(callback: callback)
        }
        if let deadline = state.deadline, ContinuousClock.now >= deadline {
            throw HostLimitExceeded.timeLimit(call.instance.limits.timeLimit ?? .zero)
        }
        try body(call)
    }
}

/// What a host function threw, with the import it was serving. Travels
/// through the engine as an opaque error and becomes a ``TrapReport``.
struct HostFailure: Error {
    let name: ImportName
    let error: any Error
}

extension TrapReport {
    /// Makes the report say that `failure` caused the trap: the import it
    /// served, and why (a guest fault, a callback's own trap, or the host's error).
    mutating func attribute(to failure: HostFailure) {
        hostImport = failure.name
        switch failure.error {
        case let fault as GuestFault:
            reason = .guestFault(fault)
        case HostLimitExceeded.fuel(let budget):
            reason = .outOfFuel(budget: budget)
        case HostLimitExceeded.timeLimit(let limit):
            reason = .timeLimit(limit)
        case WasmError.trap(let inner), WasmError.poisoned(let inner):
            // Fuel and time are the outermost call's budgets: running out in a callback is running out here.
            switch inner.reason {
            case .outOfFuel, .timeLimit: reason = inner.reason
            default: reason = .callback(inner)
            }
        case let other:
            reason = .hostError(String(describing: other))
        }
    }
}
