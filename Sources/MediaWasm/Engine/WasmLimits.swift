/// What one guest instance may consume. Every engine enforces all of them.
///
/// Set per instance at instantiation; an engine's ``WasmEngine/limits`` are
/// the defaults it instantiates with.
public struct WasmLimits: Sendable, Hashable {
    /// Fuel for each call from the host into the guest; nil is unlimited.
    /// (Default: ``defaultFuelPerCall``.)
    ///
    /// One unit of fuel is roughly one executed WebAssembly instruction (bulk
    /// memory operations cost one more per 64 bytes they move). The budget is
    /// refilled at the start of every outermost call; guest code the host
    /// calls back while serving an import (`cabi_realloc`) draws on the same
    /// budget. A call that runs out traps with ``TrapReason/outOfFuel(budget:)``.
    public var fuelPerCall: UInt64?

    /// The most linear memory the guest may have, in bytes. (Default: ``defaultMemoryCap``.)
    ///
    /// A `memory.grow` past it fails the way the specification allows, by
    /// returning -1 to the guest; a trap that follows is reported with
    /// ``TrapReport/refusedGrowth``. A module whose initial memory is larger
    /// fails to instantiate.
    public var memoryCap: Int

    /// The most elements a table may have. (Default: ``defaultTableElementCap``.)
    public var tableElementCap: Int

    /// How deeply the host may call back into a guest that is itself waiting
    /// on a host import (an import lowering a result with `cabi_realloc` is
    /// depth 1). (Default: ``defaultMaxNestedCalls``.)
    public var maxNestedCalls: Int

    /// 2,000,000,000 units: about 4 s of guest code on WasmKit here, far
    /// more than a 4K frame's worth of per-pixel work, yet it stops a
    /// runaway guest in bounded time.
    public static let defaultFuelPerCall: UInt64 = 2_000_000_000
    /// 256 MiB: room for several 4K RGBA frames (33 MB each) and the guest's heap.
    public static let defaultMemoryCap = 256 << 20
    /// 100,000 elements.
    public static let defaultTableElementCap = 100_000
    /// 8 levels.
    public static let defaultMaxNestedCalls = 8

    public init(fuelPerCall: UInt64? = Self.defaultFuelPerCall,
                memoryCap: Int = Self.defaultMemoryCap,
                tableElementCap: Int = Self.defaultTableElementCap,
                maxNestedCalls: Int = Self.defaultMaxNestedCalls) {
        self.fuelPerCall = fuelPerCall
        self.memoryCap = memoryCap
        self.tableElementCap = tableElementCap
        self.maxNestedCalls = maxNestedCalls
    }

    /// The defaults.
    public static let standard = WasmLimits()
}
