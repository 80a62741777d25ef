/// A file name holding one printf integer conversion, as GStreamer's
/// multifile elements take it (`frame%05d.png`, `%d.raw`, `img-%x.bin`).
///
/// The conversion is `%`, flags among `-` (left-align) and `0` (pad with
/// zeros), a width, a `.precision` (fewest digits) and one of `d i u x X o`;
/// `%%` is a literal percent sign. Exactly one conversion is required: a
/// name without one would write every buffer over the same file.
struct FileNamePattern: Sendable, Hashable {
    let prefix: String
    let suffix: String
    let leftAlign: Bool
    let zeroPad: Bool
    let width: Int
    let precision: Int?
    let radix: Int
    let uppercase: Bool

    /// Why a pattern was refused.
    struct Problem: Error, Sendable, Equatable {
        let message: String
    }

    init(_ text: String) throws(Problem) {
        let help = "use one integer conversion like %d or %05d (%% for a literal percent sign)"
        var prefix = "", suffix = ""
        var conversion: (leftAlign: Bool, zeroPad: Bool, width: Int, precision: Int?, letter: Character)?
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            guard c == "%" else {
                if conversion == nil { prefix.append(c) } else { suffix.append(c) }
                continue
            }
            if chars.first == "%" {
                chars.removeFirst()
                if conversion == nil { prefix.append("%") } else { suffix.append("%") }
                continue
            }
            guard conversion == nil else {
                throw Problem(message: "'\(text)' has more than one % conversion; \(help)")
            }
            var leftAlign = false, zeroPad = false
            while let f = chars.first, f == "-" || f == "0" {
                if f == "-" { leftAlign = true } else { zeroPad = true }
                chars.removeFirst()
            }
            var width = 0
            while let d = chars.first, let v = d.wholeNumberValue, d.isASCII {
                width = min(width * 10 + v, 4096)
                chars.removeFirst()
            }
            var precision: Int?
            if chars.first == "." {
                chars.removeFirst()
                var p = 0
                while let d = chars.first, let v = d.wholeNumberValue, d.isASCII {
                    p = min(p * 10 + v, 4096)
                    chars.removeFirst()
                }
                precision = p
            }
            guard let letter = chars.popFirst(), "diuxXo".contains(letter) else {
                throw Problem(message: "'\(text)' has a % conversion that is not an integer one; \(help)")
            }
            conversion = (leftAlign, zeroPad, width, precision, letter)
        }
        guard let conversion else {
            throw Problem(message: "'\(text)' has no % conversion for the file number, so every buffer would overwrite one file; \(help)")
        }
        self.prefix = prefix
        self.suffix = suffix
        leftAlign = conversion.leftAlign
        // printf ignores `0` with `-`, and with a precision.
        zeroPad = conversion.zeroPad && !conversion.leftAlign && conversion.precision == nil
        width = conversion.width
        precision = conversion.precision
        switch conversion.letter {
        case "x", "X": radix = 16
        case "o": radix = 8
        default: radix = 10
        }
        uppercase = conversion.letter == "X"
    }

    /// The file name for `index` (0 or more), as printf writes it.
    func name(_ index: Int) -> String {
        var digits = String(index, radix: radix, uppercase: uppercase)
        if let precision {
            digits = precision == 0 && index == 0 ? "" : String(repeating: "0", count: max(0, precision - digits.count)) + digits
        }
        let fill = max(0, width - digits.count)
        let field: String
        if leftAlign { field = digits + String(repeating: " ", count: fill) }
        else if zeroPad { field = String(repeating: "0", count: fill) + digits }
        else { field = String(repeating: " ", count: fill) + digits }
        return prefix + field + suffix
    }
}
