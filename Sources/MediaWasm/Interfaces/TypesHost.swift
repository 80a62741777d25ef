public import MediaCore

/// The host side of `wasi:media/types@0.1.0-draft`: the `media-buffer`
/// resource (constructor, `size`, `read`, `write`, `duplicate`,
/// `[resource-drop]`), exactly as docs/guest-abi.md lays out its core
/// functions.
///
/// Buffers live in the calling instance's ``MediaBufferTable``. A bad
/// handle, a return area or list outside guest memory or misaligned traps
/// the guest, naming the import; offsets outside a buffer are `media-error`
/// results (`out-of-bounds`, `invalid-argument`), never traps.
///
/// Thread-safety: the module is a `Sendable` value; its functions run on
/// the thread of the instance that calls them.
public enum TypesHost {
    /// The import module name.
    public static let moduleName = "wasi:media/types@0.1.0-draft"
    /// The grant a guest needs to import it: `types`.
    public static let grant: Grant = "types"

    /// The longest list the canonical ABI carries: 2^28 - 1 elements.
    public static let maxListLength: UInt64 = (1 << 28) - 1
    /// The largest buffer `[constructor]media-buffer` makes: 1 GiB. Larger
    /// requests trap ("the host cannot allocate that much"), as do requests
    /// past the instance's ``HostBudget`` (``WasmLimits/hostMemory``), which
    /// every buffer in its table counts against.
    public static let maxBufferSize: UInt64 = 1 << 30

    /// A charge for `size` bytes of media-buffer the guest makes, or a
    /// refusal (a trap: the constructor and `duplicate` return no error).
    static func chargeBuffer(_ size: Int, call: borrowing HostCall) throws(HostBudgetRefusal) -> HostCharge {
        try call.instance.hostBudget.charge(size, for: "a media-buffer", by: call.name.field,
                                            advice: "drop media-buffers (and take decoded frames and output) first")
    }

    /// The six functions of the `media-buffer` resource.
    public static func module() -> HostModule {
        var module = HostModule(moduleName, grant: grant)

        module.define("[constructor]media-buffer", WasmSignature([.i64], [.i32])) { call in
            let size = call.u64(0)
            guard size <= maxBufferSize else {
                throw GuestFault.invalidValue("a media-buffer of \(size) bytes is more than the host allocates (\(maxBufferSize) bytes at most)")
            }
            let charge = try chargeBuffer(Int(size), call: call)
            let box = HostMediaBuffer(MediaBuffer(count: Int(size), planes: []), charge: charge)
            call.setResult(try call.state.mediaBuffers.insert(box))
        }

        module.define("[method]media-buffer.size", WasmSignature([.i32], [.i64])) { call in
            let box = try call.state.mediaBuffers.borrow(call.u32(0))
            call.setResult(UInt64(box.buffer.size))
        }

        module.define("[method]media-buffer.read", WasmSignature([.i32, .i64, .i64, .i32])) { call in
            let box = try call.state.mediaBuffers.borrow(call.u32(0))
            let offset = call.u64(1), length = call.u64(2), area = call.u32(3)
            try checkReturnArea(area, size: 16, alignment: 4, memory: call.memory())
            let size = UInt64(box.buffer.size)
            if length > maxListLength {
                try storeError(.invalidArgument, "read of \(length) bytes is longer than the longest list (\(maxListLength)); read in pieces",
                               at: area, call: call)
                return
            }
            guard offset <= size, length <= size - offset else {
                try storeError(.outOfBounds, "read of \(length) bytes at offset \(offset) reaches past the end of the buffer (\(size) bytes)",
                               at: area, call: call)
                return
            }
            let pointer = try call.instance.allocate(size: UInt32(length), alignment: 1)
            let memory = try call.memory()
            // The guest cannot call imports from cabi_realloc, so the buffer is as it was checked;
            // checked again all the same, since the bytes below are the host's.
            guard offset + length <= UInt64(box.buffer.size) else {
                throw GuestFault.invalidValue("media-buffer.read: the buffer changed while the host was allocating in the guest")
            }
            try box.buffer.withUnsafeBytes { (raw) throws(GuestFault) in
                let source = UnsafeRawBufferPointer(rebasing: raw[Int(offset)..<Int(offset + length)])
                try memory.write(source, at: pointer)
            }
            try memory.store(UInt8(0), at: area)
            try memory.store(pointer, at: area + 4)
            try memory.store(UInt32(length), at: area + 8)
        }

        module.define("[method]media-buffer.write", WasmSignature([.i32, .i64, .i32, .i32, .i32])) { call in
            let box = try call.state.mediaBuffers.borrow(call.u32(0))
            let offset = call.u64(1), pointer = call.u32(2), length = call.u32(3), area = call.u32(4)
            let memory = try call.memory()
            try checkReturnArea(area, size: 16, alignment: 4, memory: memory)
            _ = try memory.range(at: pointer, count: length)
            let size = UInt64(box.buffer.size)
            guard offset <= size, UInt64(length) <= size - offset else {
                try storeError(.outOfBounds, "write of \(length) bytes at offset \(offset) reaches past the end of the buffer (\(size) bytes)",
                               at: area, call: call)
                return
            }
            try box.buffer.withUnsafeMutableBytes { (raw) throws(GuestFault) in
                let destination = UnsafeMutableRawBufferPointer(rebasing: raw[Int(offset)..<Int(offset) + Int(length)])
                try memory.copy(from: pointer, into: destination)
            }
            try memory.store(UInt8(0), at: area)
        }

        module.define("[method]media-buffer.duplicate", WasmSignature([.i32], [.i32])) { call in
            let box = try call.state.mediaBuffers.borrow(call.u32(0))
            // Copy-on-write: the bytes are copied when either one is first written.
            let copy = HostMediaBuffer(box.buffer, charge: try chargeBuffer(box.buffer.size, call: call))
            call.setResult(try call.state.mediaBuffers.insert(copy))
        }

        module.define("[resource-drop]media-buffer", WasmSignature([.i32])) { call in
            try call.state.mediaBuffers.drop(call.u32(0))
        }
        return module
    }

    // MARK: - Helpers shared by the interfaces built on `types`

    /// Traps unless `size` bytes at `area` lie in memory, aligned to `alignment`.
    public static func checkReturnArea(_ area: UInt32, size: UInt32, alignment: UInt32,
                                       memory: GuestMemory) throws(GuestFault) {
        try memory.requireAligned(area, to: alignment)
        _ = try memory.range(at: area, count: size)
    }

    /// Stores `error(media-error)` in a `result<T, media-error>` return area
    /// whose payload sits at `area + payloadOffset` (4 for the areas aligned to 4,
    /// 8 for those aligned to 8): case 1 at +0, the code, then the message,
    /// allocated in the guest with `cabi_realloc`.
    public static func storeError(_ code: WITErrorCode, _ message: String, at area: UInt32,
                                  payloadOffset: UInt32 = 4, call: borrowing HostCall) throws {
        try AppABI.storeError(call.instance, AppABI.Failure(code, message), area: area, payloadOffset: payloadOffset)
    }
}

/// `wasi:media/types.error-code`, by case index.
public enum WITErrorCode: UInt8, Sendable, CaseIterable {
    case invalidArgument = 0
    case unsupported
    case notFound
    case accessDenied
    case invalidData
    case invalidState
    case outOfBounds
    case io
    case failed

    /// The code a ``MediaCore/MediaError`` maps to.
    public init(_ code: MediaError.Code) {
        switch code {
        case .invalidArgument: self = .invalidArgument
        case .unsupported: self = .unsupported
        case .notFound: self = .notFound
        case .invalidData: self = .invalidData
        case .io: self = .io
        case .invalidState: self = .invalidState
        case .failed: self = .failed
        }
    }
}
