/// The name = value pairs the host passes to `configure` (a filter) or
/// `start` (a transform): the element's properties and the metadata
/// upstream elements attached, as strings.
///
/// Names are compared byte by byte (no Unicode normalization, which would
/// pull Unicode tables into the module). When a name appears twice, the
/// last value wins.
public struct Properties {
    /// Every pair, in the order the host sent them.
    public var pairs: [(name: String, value: String)]

    public init(_ pairs: [(name: String, value: String)] = []) {
        self.pairs = pairs
    }

    /// The value of `name`, or nil when it is absent.
    public subscript(name: String) -> String? {
        for pair in pairs.reversed() where pair.name.utf8.elementsEqual(name.utf8) {
            return pair.value
        }
        return nil
    }

    /// `name` as a decimal integer (an optional sign, then digits); nil
    /// when absent.
    public func integer(_ name: String) throws(GuestError) -> Int? {
        guard let value = self[name] else { return nil }
        guard let n = PropertyParsing.integer(value.utf8) else {
            throw GuestError(name + ": expected an integer, got '" + value + "'")
        }
        return n
    }

    /// `name` as a decimal number (`1`, `-0.5`, `2.5e-3`); nil when absent.
    public func number(_ name: String) throws(GuestError) -> Double? {
        guard let value = self[name] else { return nil }
        guard let x = PropertyParsing.number(value.utf8) else {
            throw GuestError(name + ": expected a number, got '" + value + "'")
        }
        return x
    }

    /// `name` as `count` comma-separated integers (`box=10,20,100,50`);
    /// nil when absent.
    public func integers(_ name: String, count: Int) throws(GuestError) -> [Int]? {
        guard let value = self[name] else { return nil }
        var result: [Int] = []
        for part in value.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            guard let n = PropertyParsing.integer(part) else { result = []; break }
            result.append(n)
        }
        guard result.count == count else {
            throw GuestError(name + ": expected " + String(count) + " comma-separated integers, got '" + value + "'")
        }
        return result
    }

    /// `name` as a hexadecimal `rrggbb` color (an optional `#` first);
    /// nil when absent.
    public func color(_ name: String) throws(GuestError) -> (red: UInt8, green: UInt8, blue: UInt8)? {
        guard let value = self[name] else { return nil }
        var digits = Array(value.utf8)
        if digits.first == UInt8(ascii: "#") { digits.removeFirst() }
        var rgb: UInt32 = 0
        var valid = digits.count == 6
        for d in digits where valid {
            guard let v = PropertyParsing.hexDigit(d) else { valid = false; break }
            rgb = rgb << 4 | UInt32(v)
        }
        guard valid else { throw GuestError(name + ": expected a color rrggbb, got '" + value + "'") }
        return (UInt8(truncatingIfNeeded: rgb >> 16), UInt8(truncatingIfNeeded: rgb >> 8), UInt8(truncatingIfNeeded: rgb))
    }
}

/// Number parsing over UTF-8 bytes, without Foundation or libc.
package enum PropertyParsing {
    package static func hexDigit(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// An optional sign and at least one decimal digit, around which spaces
    /// are allowed; nil on anything else or on overflow.
    package static func integer<C: Collection>(_ text: C) -> Int? where C.Element == UInt8 {
        var bytes = trimmed(text)[...]
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        guard !bytes.isEmpty else { return nil }
        var n = 0
        for c in bytes {
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
            let (times10, o1) = n.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int(c - UInt8(ascii: "0")))
            guard !o1, !o2 else { return nil }
            n = sum
        }
        return negative ? -n : n
    }

    /// `[sign] digits [. digits] [e [sign] digits]`, at least one digit
    /// before the exponent; nil on anything else.
    package static func number<C: Collection>(_ text: C) -> Double? where C.Element == UInt8 {
        let bytes = trimmed(text)
        var i = 0
        var negative = false
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        var mantissa = 0.0
        var digits = 0
        var scale = 0
        while i < bytes.count, let d = decimal(bytes[i]) {
            mantissa = mantissa * 10 + Double(d); digits += 1; i += 1
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < bytes.count, let d = decimal(bytes[i]) {
                mantissa = mantissa * 10 + Double(d); digits += 1; scale -= 1; i += 1
            }
        }
        guard digits > 0 else { return nil }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            guard let e = integer(bytes[(i + 1)...]), abs(e) < 400 else { return nil }
            scale += e
            i = bytes.count
        }
        guard i == bytes.count else { return nil }
        var value = mantissa
        if scale > 0 { for _ in 0..<scale { value *= 10 } }
        if scale < 0 { for _ in 0..<(-scale) { value /= 10 } }
        return negative ? -value : value
    }

    private static func decimal(_ c: UInt8) -> Int? {
        c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") ? Int(c - UInt8(ascii: "0")) : nil
    }

    private static func trimmed<C: Collection>(_ text: C) -> [UInt8] where C.Element == UInt8 {
        var bytes = Array(text)
        while bytes.last == UInt8(ascii: " ") { bytes.removeLast() }
        while bytes.first == UInt8(ascii: " ") { bytes.removeFirst() }
        return bytes
    }
}
