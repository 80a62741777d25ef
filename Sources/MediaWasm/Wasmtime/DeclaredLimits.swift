/// The initial sizes a module declares for its own memories and tables,
/// read from its memory and table sections. Wasmtime gives no way to ask a
/// compiled module about memories it does not export, so the backend reads
/// them from the bytes (already validated by Wasmtime) to turn away, at
/// compile time as WasmKit does, a module whose initial memory or table is
/// over the engine's caps.
struct DeclaredLimits: Equatable {
    /// Each defined memory's minimum, in bytes (64 KiB pages).
    var memoryBytes: [UInt64] = []
    /// Each defined table's minimum, in elements.
    var tableElements: [UInt64] = []

    /// Reads the sections; nil when something is not as expected (the
    /// caps are then enforced at instantiation only).
    init?(module bytes: [UInt8]) {
        var reader = Reader(bytes: bytes, offset: 8)
        guard bytes.count >= 8, bytes[0..<4].elementsEqual([0x00, 0x61, 0x73, 0x6d]) else { return nil }
        while reader.offset < bytes.count {
            guard let id = reader.byte(), let size = reader.leb(), let end = Int(exactly: size).map({ reader.offset + $0 }),
                  end <= bytes.count else { return nil }
            switch id {
            case 4:
                guard let count = reader.leb() else { return nil }
                for _ in 0..<count {
                    // A table with an initializer (0x40 0x00 first) is followed by an
                    // expression this reader does not parse: leave those to instantiation.
                    guard reader.peek() != 0x40, reader.byte() != nil, let limits = reader.limits() else { return nil }
                    tableElements.append(limits)
                }
                reader.offset = end
            case 5:
                guard let count = reader.leb() else { return nil }
                for _ in 0..<count {
                    guard let pages = reader.limits() else { return nil }
                    memoryBytes.append(pages.multipliedReportingOverflow(by: 65_536).overflow ? .max : pages * 65_536)
                }
                reader.offset = end
            default:
                reader.offset = end
            }
        }
    }

    /// A little-endian LEB128 reader over module bytes.
    struct Reader {
        let bytes: [UInt8]
        var offset: Int

        func peek() -> UInt8? { offset < bytes.count ? bytes[offset] : nil }

        mutating func byte() -> UInt8? {
            guard offset < bytes.count else { return nil }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func leb() -> UInt64? {
            var result: UInt64 = 0, shift: UInt64 = 0
            while let byte = byte() {
                guard shift < 64 else { return nil }
                result |= UInt64(byte & 0x7f) << shift
                if byte & 0x80 == 0 { return result }
                shift += 7
            }
            return nil
        }

        /// A limits entry (flags, minimum, maximum if flagged): the minimum.
        mutating func limits() -> UInt64? {
            guard let flags = byte(), let minimum = leb() else { return nil }
            if flags & 0x01 != 0 { guard leb() != nil else { return nil } }
            // Custom page sizes (flag 0x08) change what a page is: not read here.
            return flags & 0x08 == 0 ? minimum : nil
        }
    }
}
