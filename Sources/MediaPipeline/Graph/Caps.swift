import MediaCore

/// A caps filter: a media type and typed fields, as in
/// `video/x-raw,format=rgba,width=640,framerate=30/1`.
///
/// Field order is kept. JSON stores the launch-line spelling.
public struct Caps: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Value: Sendable, Hashable, CustomStringConvertible {
        case int(Int)
        case fraction(Int, Int)
        case string(String)

        public var description: String {
            switch self {
            case .int(let v): return String(v)
            case .fraction(let n, let d): return "\(n)/\(d)"
            case .string(let s): return Self.needsQuotes(s) ? LaunchLine.doubleQuoted(s) : s
            }
        }

        /// Strings that would read back as another type, or break the syntax, are quoted.
        static func needsQuotes(_ s: String) -> Bool {
            s.isEmpty || Int(s) != nil || parseFraction(s) != nil || s.hasPrefix("(")
                || s.contains { $0 == "," || $0 == "=" || $0 == "!" || $0 == "\"" || $0 == "'" || $0 == "\\" || $0.isWhitespace }
        }
    }

    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: Value
        public init(_ name: String, _ value: Value) {
            self.name = name
            self.value = value
        }
    }

    /// `video/x-raw`, `audio/x-raw`, `video/x-h264`...
    public var mediaType: String
    public var fields: [Field]

    public init(mediaType: String, fields: [Field] = []) {
        self.mediaType = mediaType
        self.fields = fields
    }

    public subscript(name: String) -> Value? { fields.first { $0.name == name }?.value }

    public var description: String {
        ([mediaType] + fields.map { "\($0.name)=\($0.value)" }).joined(separator: ",")
    }

    /// Caps that ask for both these and `other`'s fields: same media type,
    /// fields of both, or why they cannot be combined. A format named two
    /// ways (`RGBA` and `rgba8888`) is one format; these caps' spelling is kept.
    public func merged(with other: Caps) -> Result<Caps, PropertyProblem> {
        guard mediaType == other.mediaType else {
            return .failure(PropertyProblem(message: "media types \(mediaType) and \(other.mediaType) differ"))
        }
        var out = self
        for field in other.fields {
            if let mine = self[field.name] {
                if mine != field.value && !Self.sameFormat(field.name, mine, field.value) {
                    return .failure(PropertyProblem(message: "\(field.name) is \(mine) in one and \(field.value) in the other"))
                }
            } else {
                out.fields.append(field)
            }
        }
        return .success(out)
    }

    /// True when both values of a `format` field name the same pixel or sample format.
    static func sameFormat(_ field: String, _ a: Value, _ b: Value) -> Bool {
        guard field == "format", case .string(let x) = a, case .string(let y) = b else { return false }
        if let p = PixelFormat(name: x), p == PixelFormat(name: y) { return true }
        if let s = SampleFormat(name: x), s == SampleFormat(name: y) { return true }
        return false
    }

    /// Parses the launch-line spelling.
    /// - Throws: ``GraphError`` with one issue per malformed piece (columns relative to `text`).
    public init(parsing text: String) throws(GraphError) {
        var issues: [GraphIssue] = []
        self = Caps.parse(Array(text), startColumn: 1, issues: &issues)
        if !issues.isEmpty { throw GraphError(issues: issues) }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "caps '\(text)': \(error)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    /// Parses unquoted-aware caps characters starting at `startColumn` of a line.
    static func parse(_ chars: [Character], startColumn: Int, issues: inout [GraphIssue]) -> Caps {
        // Split at commas outside quotes, remembering each piece's column.
        var pieces: [(text: [Character], column: Int, quoted: Bool)] = []
        var current: [Character] = []
        var pieceStart = 0
        var quote: Character? = nil
        var quotedPiece = false
        var i = 0
        while i < chars.count {
            let ch = chars[i]
            if let q = quote {
                if ch == "\\" && q == "\"" && i + 1 < chars.count { current.append(chars[i + 1]); i += 2; continue }
                if ch == q { quote = nil } else { current.append(ch) }
            } else if ch == "\"" || ch == "'" {
                quote = ch
                quotedPiece = true
            } else if ch == "\\" && i + 1 < chars.count {
                current.append(chars[i + 1])    // a shell escape pasted as written: `\(string\)`
                i += 2
                continue
            } else if ch == "," {
                pieces.append((current, startColumn + pieceStart, quotedPiece))
                current = []
                quotedPiece = false
                pieceStart = i + 1
            } else {
                current.append(ch)
            }
            i += 1
        }
        if quote != nil {
            issues.append(GraphIssue(.unterminatedQuote, "caps have an unterminated quote", SourceRange(column: startColumn, length: chars.count)))
        }
        pieces.append((current, startColumn + pieceStart, quotedPiece))
        let mediaType = String(pieces[0].text).trimmingWhitespace
        if mediaType.split(separator: "/").count != 2 || mediaType.hasSuffix("/") {
            issues.append(GraphIssue(.badCaps, "'\(mediaType)' is not a media type (like video/x-raw)", SourceRange(column: pieces[0].column, length: mediaType.count)))
        }
        var fields: [Field] = []
        for piece in pieces.dropFirst() {
            let text = String(piece.text)
            let range = SourceRange(column: piece.column, length: text.count)
            guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
                issues.append(GraphIssue(.badCaps, "caps field '\(text)' is not name=value", range))
                continue
            }
            let name = String(text[..<eq]).trimmingWhitespace
            var raw = String(text[text.index(after: eq)...]).trimmingWhitespace
            if !piece.quoted, let open = raw.first, open == "{" || open == "[" {
                issues.append(GraphIssue(.badCaps, "caps field '\(name)': lists and ranges (\(open == "{" ? "{a, b}" : "[min, max]")) are not supported; give one value", range))
                continue
            }
            if fields.contains(where: { $0.name == name }) {
                issues.append(GraphIssue(.badCaps, "caps field '\(name)' appears twice", range))
            }
            var forced: String? = nil
            if raw.hasPrefix("("), let close = raw.firstIndex(of: ")") {
                forced = String(raw[raw.index(after: raw.startIndex)..<close])
                raw = String(raw[raw.index(after: close)...])
            }
            switch forced {
            case nil:
                if piece.quoted { fields.append(Field(name, .string(raw))) }
                else if let v = Int(raw) { fields.append(Field(name, .int(v))) }
                else if let (n, d) = parseFraction(raw) { fields.append(Field(name, .fraction(n, d))) }
                else if raw.isEmpty { issues.append(GraphIssue(.badCaps, "caps field '\(name)' has no value", range)) }
                else { fields.append(Field(name, .string(raw))) }
            case "int", "i", "uint", "u", "gint", "guint", "int64", "gint64", "uint64", "guint64":
                if let v = Int(raw) { fields.append(Field(name, .int(v))) }
                else { issues.append(GraphIssue(.badCaps, "caps field '\(name)': '\(raw)' is not an integer", range)) }
            case "bitmask", "flags":
                let hex = raw.lowercased().hasPrefix("0x") ? String(raw.dropFirst(2)) : nil
                if let v = hex.flatMap({ Int($0, radix: 16) }) ?? Int(raw) { fields.append(Field(name, .int(v))) }
                else { issues.append(GraphIssue(.badCaps, "caps field '\(name)': '\(raw)' is not a bitmask (like 0x3)", range)) }
            case "fraction", "GstFraction":
                if let (n, d) = parseFraction(raw) { fields.append(Field(name, .fraction(n, d))) }
                else if let n = Int(raw) { fields.append(Field(name, .fraction(n, 1))) }
                else { issues.append(GraphIssue(.badCaps, "caps field '\(name)': '\(raw)' is not a fraction like 30/1", range)) }
            case "string", "s", "str", "gchararray":
                fields.append(Field(name, .string(raw)))
            case let other?:
                issues.append(GraphIssue(.badCaps, "caps field '\(name)': unknown type '(\(other))'; use (int), (uint), (bitmask), (fraction) or (string)", range))
            }
        }
        return Caps(mediaType: mediaType, fields: fields)
    }
}

extension String {
    /// The string without spaces or tabs at either end.
    var trimmingWhitespace: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

/// `n/d` with a positive denominator, or nil.
func parseFraction(_ s: String) -> (Int, Int)? {
    let parts = s.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let n = Int(parts[0]), let d = Int(parts[1]), d > 0 else { return nil }
    return (n, d)
}
