/// Passing lists and strings into a guest, and releasing what it returned,
/// the canonical ABI's way: the guest allocates with its exported
/// `cabi_realloc(old_ptr, old_size, align, new_size) -> ptr`, the host
/// copies into the block, and after an export returns, the host calls
/// `cabi_post_<export>` (if exported) so the guest can free its results.
///
/// Works on every engine, from host functions (the guest is re-entered) and
/// from the host's own code alike. A guest that answers badly (no
/// `cabi_realloc`, a block outside its memory or misaligned) traps: the
/// error is ``WasmError/trap(_:)`` with a ``TrapReason/guestFault(_:)``, and
/// the instance is poisoned.
extension WasmInstance {
    /// The export the canonical ABI allocates with.
    public static var reallocExport: String { "cabi_realloc" }
    /// `cabi_realloc`'s signature.
    public static var reallocSignature: WasmSignature { WasmSignature([.i32, .i32, .i32, .i32], [.i32]) }

    /// Asks the guest for `size` bytes aligned to `alignment` (a power of two)
    /// with `cabi_realloc(0, 0, alignment, size)` and returns the block's
    /// address, checked to be an aligned block inside guest memory, and not
    /// 0 unless `size` is 0.
    public func allocate(size: UInt32, alignment: UInt32) throws(WasmError) -> UInt32 {
        guard let memory else { throw fault(.noMemory) }
        guard signature(of: Self.reallocExport) == Self.reallocSignature else { throw fault(.noRealloc) }
        let results = try callCanonical(Self.reallocExport, [.i32(0), .i32(0), .i32(alignment), .i32(size)])
        guard results.count == 1, case .i32(let pointer) = results[0] else { throw fault(.noRealloc) }
        do {
            try memory.requireAligned(pointer, to: alignment)
            _ = try memory.range(at: pointer, count: size)
            // 0 is the null pointer: an allocator returns it only when it failed.
            if pointer == 0 && size > 0 { throw GuestFault.noRealloc }
        } catch {
            throw fault(.badAllocation(pointer: pointer, size: size, alignment: alignment, memorySize: memory.byteCount))
        }
        return pointer
    }

    /// Copies `bytes` into a block the guest allocates (a `list<u8>`).
    /// - Returns: the block's address and the byte count, as the canonical ABI passes them.
    public func lower(bytes: UnsafeRawBufferPointer, alignment: UInt32 = 1) throws(WasmError) -> (pointer: UInt32, length: UInt32) {
        guard let length = UInt32(exactly: bytes.count) else { throw fault(.tooLarge(byteCount: bytes.count)) }
        let pointer = try allocate(size: length, alignment: alignment)
        guard let memory else { throw fault(.noMemory) }
        do { try memory.write(bytes, at: pointer) } catch { throw self.fault(error) }
        return (pointer, length)
    }

    /// Copies `bytes` into a block the guest allocates (a `list<u8>`).
    public func lower(bytes: [UInt8]) throws(WasmError) -> (pointer: UInt32, length: UInt32) {
        let result: Result<(pointer: UInt32, length: UInt32), WasmError> = bytes.withUnsafeBytes { raw in
            do throws(WasmError) { return .success(try lower(bytes: raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Copies `string` as UTF-8 into a block the guest allocates (a `string`).
    /// - Returns: the block's address and the length in bytes.
    public func lower(string: String) throws(WasmError) -> (pointer: UInt32, length: UInt32) {
        var string = string
        let result: Result<(pointer: UInt32, length: UInt32), WasmError> = string.withUTF8 { utf8 in
            do throws(WasmError) { return .success(try lower(bytes: UnsafeRawBufferPointer(utf8))) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Copies `list` into a block the guest allocates, each element
    /// little-endian, aligned to the element's size (`list<u32>`, `list<s64>`...).
    /// - Returns: the block's address and the element count, as the canonical ABI passes them.
    public func lower<T: FixedWidthInteger>(list: [T]) throws(WasmError) -> (pointer: UInt32, count: UInt32) {
        let size = MemoryLayout<T>.size
        guard let count = UInt32(exactly: list.count), list.count <= Int(UInt32.max) / size else {
            throw fault(.tooLarge(byteCount: list.count &* size))
        }
        let littleEndian = list.map(\.littleEndian)
        let result: Result<(pointer: UInt32, length: UInt32), WasmError> = littleEndian.withUnsafeBytes { raw in
            do throws(WasmError) { return .success(try lower(bytes: raw, alignment: UInt32(size))) } catch { return .failure(error) }
        }
        return (try result.get().pointer, count)
    }

    /// Calls `export`, lets `lift` read its results (and guest memory they
    /// point to), then calls `cabi_post_<export>` with the same results if
    /// the guest exports it, so the guest can free them.
    ///
    /// A ``GuestFault`` thrown by `lift` (a bad pointer or length in the
    /// results) traps: the instance is poisoned and post-return is not called.
    public func call<R>(_ export: String, _ arguments: [WasmValue],
                        lift: ([WasmValue]) throws(GuestFault) -> R) throws(WasmError) -> R {
        let results = try call(export, arguments)
        let lifted: R
        do { lifted = try lift(results) } catch { throw fault(error, in: export) }
        let post = "cabi_post_" + export
        if signature(of: post) != nil {
            _ = try callCanonical(post, results)
        }
        return lifted
    }

    /// Calls one of the guest's canonical-ABI functions (`cabi_realloc`,
    /// `cabi_post_*`): while it runs, any import the guest calls traps
    /// (``GuestFault/importDuringCallback(callback:)``), so no host state can
    /// change under the host function that asked for it.
    func callCanonical(_ export: String, _ arguments: [WasmValue]) throws(WasmError) -> [WasmValue] {
        let outer = state.canonicalCallback
        state.canonicalCallback = export
        defer { state.canonicalCallback = outer }
        return try call(export, arguments)
    }

    /// Poisons the instance with a trap report for `fault` and returns the error to throw.
    func fault(_ fault: GuestFault, in export: String = Self.reallocExport) -> WasmError {
        let report = TrapReport(export: export, reason: .guestFault(fault), engine: engineName)
        poison(with: report)
        return .trap(report)
    }
}
