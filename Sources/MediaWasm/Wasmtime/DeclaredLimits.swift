/// The initial sizes a module declares for its own memories and tables,
/// and where its constant-offset data and element segments end, read from
/// its sections. Wasmtime gives no way to ask a
/// compiled module about memories it does not export, so the backend reads
/// them from the bytes (already validated by Wasmtime) to turn away, at
/// compile time as WasmKit does, a module whose initial memory or table is
/// over the engine's caps.
struct DeclaredLimits: Sendable {
    /// Each defined memory's minimum, in bytes (64 KiB pages).
    var memoryBytes: [UInt64] = []
    /// Each defined table's minimum, in elements.
    var tableElements: [UInt64] = []
    /// Active data segments at constant offsets: the memory, and the end of the bytes.
    var dataEnds: [(memory: Int, end: UInt64)] = []
    /// Active element segments of the simplest form (table 0, constant
    /// offset, function indices): where they end.
    var elementEnds: [UInt64] = []

    /// Why instantiating the module would fail whatever the limits, in
    /// WasmKit's words: a data or element segment that does not fit its
    /// memory or table as declared.
    var segmentProblem: String? {
        for segment in dataEnds where segment.memory < memoryBytes.count && segment.end > memoryBytes[segment.memory] {
            return "out of bounds memory access"
        }
        if let table = tableElements.first, let end = elementEnds.first(where: { $0 > table }) {
            return "out of bounds table access at \(end) (undefined element)"
        }
        return nil
    }

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
            case 9:
                guard let count = reader.leb() else { return nil }
                for _ in 0..<count {
                    // Only flag 0 (table 0, an offset, function indices) is read; other forms end the reading.
                    guard reader.peek() == 0 else { break }
                    reader.offset += 1
                    guard let offset = reader.constantOffset(), let functions = reader.leb() else { break }
                    for _ in 0..<functions { _ = reader.leb() }
                    elementEnds.append(offset + functions)
                }
                reader.offset = end
            case 11:
                guard let count = reader.leb() else { return nil }
                for _ in 0..<count {
                    guard let flags = reader.leb() else { break }
                    var memory = 0
                    if flags == 2 { guard let index = reader.leb() else { break }; memory = Int(index) }
                    if flags == 1 {
                        guard let size = reader.leb(), let next = Int(exactly: size).map({ reader.offset + $0 }) else { break }
                        reader.offset = next
                        continue
                    }
                    guard flags == 0 || flags == 2, let offset = reader.constantOffset(), let size = reader.leb(),
                          let next = Int(exactly: size).map({ reader.offset + $0 }) else { break }
                    dataEnds.append((memory, offset + size))
                    reader.offset = next
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

        /// A signed LEB128 of at most 32 bits.
        mutating func sleb32() -> Int32? {
            var result: Int64 = 0, shift: Int64 = 0
            while let byte = byte() {
                guard shift < 35 else { return nil }
                result |= Int64(byte & 0x7f) << shift
                shift += 7
                if byte & 0x80 == 0 {
                    if shift < 64, byte & 0x40 != 0 { result |= -1 << shift }
                    return Int32(truncatingIfNeeded: result)
                }
            }
            return nil
        }

        /// An offset expression that is `i32.const N end`: N as unsigned; nil for anything else.
        mutating func constantOffset() -> UInt64? {
            guard byte() == 0x41, let value = sleb32(), byte() == 0x0b else { return nil }
            return UInt64(UInt32(bitPattern: value))
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
