#if canImport(Glibc)
import Glibc
#endif

/// Guest linear memories for Wasmtime, made by the host (Wasmtime's "host
/// memory creator") so that the memory cap is enforced where the host sees
/// it: a `memory.grow` past ``WasmLimits/memoryCap`` is refused here and
/// recorded, and a trap that follows says the cap was hit, as on WasmKit.
/// (Wasmtime's C API has a store limiter, but it refuses silently.)
///
/// Each memory reserves its whole address range up front, inaccessible,
/// plus the guard region Wasmtime asks for, and makes pages readable and
/// writable as the memory grows. It never moves, so Wasmtime keeps
/// compiling loads and stores without bounds checks (the guard pages trap
/// instead), exactly as with its own memories.
///
/// Which instance a new memory belongs to is not passed by Wasmtime: the
/// instance sets its ``MemoryCapRefusals`` on its thread for the duration
/// of `wasmtime_instance_new` (``creatingMemories(for:_:)``), which creates
/// the memories on that thread.
enum WasmtimeMemoryCreator {
    /// Runs `body` (which creates an instance) with `refusals` as the cap
    /// and refusal record of the memories created on this thread meanwhile.
    static func creatingMemories<R>(for refusals: MemoryCapRefusals, _ body: () throws -> R) rethrows -> R {
        let previous = pthread_getspecific(refusalsKey)
        pthread_setspecific(refusalsKey, Unmanaged.passUnretained(refusals).toOpaque())
        defer { pthread_setspecific(refusalsKey, previous) }
        return try body()
    }

    /// The thread's ``MemoryCapRefusals`` while an instance is being created.
    static let refusalsKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// One linear memory: its reservation and how much of it is accessible.
    /// Used by the store's thread only.
    final class Region {
        let base: UnsafeMutableRawPointer
        /// Bytes reserved for the memory itself (it can grow to this, never past).
        let reservation: Int
        /// Bytes reserved after it, never accessible.
        let guardBytes: Int
        /// Bytes accessible (the memory's size).
        var size: Int
        let refusals: MemoryCapRefusals?

        init(base: UnsafeMutableRawPointer, reservation: Int, guardBytes: Int, size: Int, refusals: MemoryCapRefusals?) {
            self.base = base
            self.reservation = reservation
            self.guardBytes = guardBytes
            self.size = size
            self.refusals = refusals
        }

        deinit { munmap(base, reservation + guardBytes) }
    }

    static let pageBytes = Int(sysconf(Int32(_SC_PAGESIZE)))

    static func roundUp(_ bytes: Int) -> Int {
        (bytes + pageBytes - 1) / pageBytes * pageBytes
    }

    /// The creator to hand to `wasmtime_config_host_memory_creator_set`.
    static func creator() -> WTMemoryCreator {
        WTMemoryCreator(env: nil, newMemory: newMemory, finalizer: nil)
    }

    /// `new_memory`: reserve, make the initial size accessible, or refuse.
    static let newMemory: WTNewMemoryCallback = { _, _, minimum, maximum, reserved, guardBytes, out in
        guard let out, case .success(let library) = WasmtimeLibrary.shared else { return nil }
        let refusals = pthread_getspecific(refusalsKey).map { Unmanaged<MemoryCapRefusals>.fromOpaque($0).takeUnretainedValue() }
        func failure(_ text: String) -> OpaquePointer? {
            text.withCString { library.errorNew($0) }
        }
        if let refusals, minimum > refusals.memoryCap {
            refusals.refuse(minimum)
            return failure(WasmError.initialMemoryReason(bytes: minimum, cap: refusals.memoryCap))
        }
        // Wasmtime gives a reservation for memories it compiled without
        // bounds checks; otherwise reserve up to the cap (or the declared
        // maximum, if smaller), so that growth never moves the memory.
        var reservation = reserved
        if reservation == 0 {
            reservation = min(maximum, refusals?.memoryCap ?? maximum, 1 << 32)
        }
        reservation = roundUp(max(reservation, minimum))
        let guardSize = roundUp(guardBytes)
        guard let base = mmap(nil, reservation + guardSize, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
              base != MAP_FAILED else {
            return failure("could not reserve \(reservation + guardSize) bytes of address space for guest memory")
        }
        if minimum > 0, mprotect(base, roundUp(minimum), PROT_READ | PROT_WRITE) != 0 {
            munmap(base, reservation + guardSize)
            return failure("could not commit \(minimum) bytes of guest memory")
        }
        let region = Region(base: base, reservation: reservation, guardBytes: guardSize, size: minimum, refusals: refusals)
        out.storeBytes(of: WTLinearMemory(env: Unmanaged.passRetained(region).toOpaque(),
                                          getMemory: getMemory, growMemory: growMemory, finalizer: release),
                       as: WTLinearMemory.self)
        return nil
    }

    /// `get_memory`: the base, the size, and how far it can grow in place.
    static let getMemory: WTMemoryGetCallback = { env, size, capacity in
        guard let env else { return nil }
        let region = Unmanaged<Region>.fromOpaque(env).takeUnretainedValue()
        size?.pointee = region.size
        capacity?.pointee = region.reservation
        return region.base.assumingMemoryBound(to: UInt8.self)
    }

    /// `grow_memory`: past the cap, refuse and record it; otherwise make the pages accessible.
    static let growMemory: WTMemoryGrowCallback = { env, newSize in
        guard let env, case .success(let library) = WasmtimeLibrary.shared else { return nil }
        let region = Unmanaged<Region>.fromOpaque(env).takeUnretainedValue()
        func failure(_ text: String) -> OpaquePointer? { text.withCString { library.errorNew($0) } }
        if let refusals = region.refusals, newSize > refusals.memoryCap {
            refusals.refuse(newSize)
            return failure("memory.grow to \(newSize) bytes refused: the memory cap is \(refusals.memoryCap) bytes")
        }
        guard newSize <= region.reservation else {
            return failure("memory.grow to \(newSize) bytes is past the \(region.reservation) bytes reserved")
        }
        if newSize > region.size {
            let from = roundUp(region.size), to = roundUp(newSize)
            if to > from, mprotect(region.base + from, to - from, PROT_READ | PROT_WRITE) != 0 {
                return failure("could not commit guest memory up to \(newSize) bytes")
            }
        }
        region.size = newSize
        return nil
    }

    /// The memory's finalizer: unmaps it.
    static let release: @convention(c) (UnsafeMutableRawPointer?) -> Void = { env in
        guard let env else { return }
        Unmanaged<Region>.fromOpaque(env).release()
    }
}
