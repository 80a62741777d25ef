import WasmKit

/// WasmKit's linear memory behind a ``GuestMemory``.
///
/// `Memory.withUnsafeMutableBufferPointer(offset:count:)` stops the process
/// on a range outside the memory (a precondition), and on any range of a
/// memory with no pages; ``GuestMemory`` checks every range first and empty
/// ranges never reach it.
struct WasmKitMemory: LinearMemoryBackend {
    let memory: Memory

    var byteCount: Int { memory.byteCount }

    func withUnsafeBytes<R>(in range: Range<Int>, _ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        if range.isEmpty { return try body(UnsafeMutableRawBufferPointer(start: nil, count: 0)) }
        return try memory.withUnsafeMutableBufferPointer(offset: UInt(range.lowerBound), count: range.count, body)
    }
}
