import MediaPipeline

/// Lifting of `describe`'s result, `option<list<property>>` of
/// `wasi:media/properties` (docs/guest-abi.md), into the schemas built-in
/// elements use, so a guest's properties are checked, listed and edited
/// like theirs.
///
/// A `property` record is 80 bytes, aligned to 8: `name` (string) at 0,
/// `kind` (u8) at 8, `minimum` (option<f64>) at 16, `maximum` at 32,
/// `choices` (list<string>) at 48, `default-value` (option<string>) at
/// 56, `doc` (string) at 68.
enum GuestPropertyRecords {
    static let recordSize: UInt32 = 80
    /// The most properties a guest may declare.
    static let maxProperties: UInt32 = 1024
    /// The most bytes of text (names, choices, defaults, docs) a whole
    /// description may hold: the host copies every string out of guest
    /// memory, and 1024 properties of 1024 choices each could otherwise make
    /// it copy the guest's memory a million times over.
    static let maxTextBytes: UInt32 = 1 << 20

    static func lift(_ area: UInt32, memory: GuestMemory) throws(GuestFault) -> [PropertySchema]? {
        try TypesHost.checkReturnArea(area, size: 12, alignment: 4, memory: memory)
        switch try memory.load(UInt8.self, at: area) {
        case 0: return nil
        case 1: break
        case let other: throw .invalidValue("describe: option case \(other) does not exist (0 or 1)")
        }
        let list = try memory.load(UInt32.self, at: area + 4)
        let count = try memory.load(UInt32.self, at: area + 8)
        guard count <= maxProperties else { throw .invalidValue("describe: \(count) properties; at most \(maxProperties) are allowed") }
        try memory.requireAligned(list, to: 8)
        _ = try memory.range(at: list, count: count * recordSize)
        var schemas: [PropertySchema] = []
        var names: Set<String> = []
        var textLeft = maxTextBytes
        for index in 0..<count {
            let schema = try property(at: list + index * recordSize, memory: memory, textLeft: &textLeft)
            guard names.insert(schema.name).inserted else { throw .invalidValue("describe: property '\(schema.name)' is declared twice") }
            schemas.append(schema)
        }
        return schemas
    }

    private static func property(at p: UInt32, memory: GuestMemory, textLeft: inout UInt32) throws(GuestFault) -> PropertySchema {
        /// The string whose pointer and length are at `at`, counted against `textLeft`.
        func text(at: UInt32) throws(GuestFault) -> String {
            let length = try memory.load(UInt32.self, at: at + 4)
            guard length <= textLeft else {
                throw .invalidValue("describe: the description holds more than \(maxTextBytes) bytes of text")
            }
            textLeft -= length
            return try memory.readString(at: memory.load(UInt32.self, at: at), byteCount: length)
        }
        func string(_ offset: UInt32) throws(GuestFault) -> String { try text(at: p + offset) }
        func bound(_ offset: UInt32) throws(GuestFault) -> Double? {
            switch try memory.load(UInt8.self, at: p + offset) {
            case 0: return nil
            case 1:
                let value = Double(bitPattern: try memory.load(UInt64.self, at: p + offset + 8))
                guard !value.isNaN else { throw .invalidValue("describe: a bound is NaN") }
                return value
            case let other: throw .invalidValue("describe: option case \(other) does not exist (0 or 1)")
            }
        }
        let name = try string(0)
        guard !name.isEmpty else { throw .invalidValue("describe: a property has an empty name") }
        let minimum = try bound(16), maximum = try bound(32)
        if let minimum, let maximum, minimum > maximum {
            throw .invalidValue("describe: property '\(name)' has minimum \(minimum) above maximum \(maximum)")
        }
        let choicesAt = try memory.load(UInt32.self, at: p + 48)
        let choiceCount = try memory.load(UInt32.self, at: p + 52)
        guard choiceCount <= maxProperties else { throw .invalidValue("describe: property '\(name)' has \(choiceCount) choices") }
        try memory.requireAligned(choicesAt, to: 4)
        _ = try memory.range(at: choicesAt, count: choiceCount * 8)
        var choices: [String] = []
        for i in 0..<choiceCount {
            choices.append(try text(at: choicesAt + i * 8))
        }
        let defaultValue: String?
        switch try memory.load(UInt8.self, at: p + 56) {
        case 0: defaultValue = nil
        case 1: defaultValue = try string(60)
        case let other: throw .invalidValue("describe: option case \(other) does not exist (0 or 1)")
        }
        let doc = try string(68)
        let kind: PropertySchema.Kind
        switch try memory.load(UInt8.self, at: p + 8) {
        case 0: kind = .string
        case 1: kind = .bool
        case 2:
            let low = minimum.map { $0 <= Double(Int.min) ? Int.min : Int($0.rounded(.up)) } ?? Int.min
            let high = maximum.map { $0 >= Double(Int.max) ? Int.max : Int($0.rounded(.down)) } ?? Int.max
            guard low <= high else { throw .invalidValue("describe: property '\(name)' has no whole number in its range") }
            kind = .int(low...high)
        case 3: kind = .double((minimum ?? -.infinity)...(maximum ?? .infinity))
        case 4:
            guard !choices.isEmpty else { throw .invalidValue("describe: property '\(name)' is a choice with no choices") }
            kind = .choice(choices)
        case 5: kind = .fraction
        case let other: throw .invalidValue("describe: property-kind case \(other) does not exist (6 cases)")
        }
        return PropertySchema(name, kind, default: defaultValue, doc: doc)
    }
}
