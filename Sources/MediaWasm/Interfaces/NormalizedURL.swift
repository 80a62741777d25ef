/// A URL taken apart and normalised, for comparing a URL a guest (or FFmpeg
/// on its behalf) opens with the URL prefixes granted with `--allow-url`.
///
/// Normalising, as RFC 3986 §6 has it and with what servers are known to
/// do on top:
/// - the scheme and the host are compared case-insensitively (ASCII);
///   `crypto+http` (FFmpeg's decryption wrapper) is checked as `http`;
/// - the port is made explicit (`http` 80, `https` 443, `rtsp` 554…); a
///   scheme without a known default keeps no port, and only matches that;
/// - user information (`user@host`) is compared as written: a grant
///   without it admits no URL that has one (`http://good@evil/` is `evil`);
/// - percent-encoded unreserved characters are decoded (`%2e` is `.`),
///   other escapes compared with upper-case hex digits;
/// - `.` and `..` segments are applied, both as RFC 3986 does (empty
///   segments kept) and as most servers do (`//` read as `/` first): a URL
///   must be inside the grant read either way;
/// - the query and fragment take no part.
///
/// Refused outright, because servers read them in different ways: an
/// encoded slash or backslash (`%2F`, `%5C`), a double escape (`%252e`), a
/// dot segment with parameters (`..;x`), spaces, control characters and
/// backslashes, a host that is not a plain name or IP literal, and
/// malformed escapes or ports.
///
/// Only the bytes are compared: two spellings of one host (`localhost`,
/// `127.0.0.1`) are different hosts here, which can refuse a URL, never
/// admit one.
struct NormalizedURL: Sendable, Hashable, CustomStringConvertible {
    /// Lower case, without a `crypto+` wrapper.
    var scheme: String
    var userinfo: [UInt8]?
    /// Lower case; an IPv6 literal keeps its brackets.
    var host: [UInt8]
    /// The explicit port or the scheme's default; nil when neither exists.
    var port: Int?
    /// The path read as most servers do: empty segments dropped, then dot segments applied.
    var segments: [[UInt8]]
    /// The path read as RFC 3986 does: empty segments kept, dot segments applied.
    var exactSegments: [[UInt8]]
    /// Whether a query (`?`) or fragment (`#`) followed the path.
    var hasQueryOrFragment: Bool

    /// Why a URL cannot be normalised: a phrase to follow "the URL …".
    struct Problem: Error, Sendable, Hashable {
        var reason: String
    }

    /// Ports of schemes whose URLs may leave the port out.
    static let defaultPorts: [String: Int] = [
        "http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21,
        "rtsp": 554, "rtsps": 322, "rtmp": 1935, "rtmps": 443, "rtmpt": 80, "rtmpts": 443,
    ]

    init(_ text: String) throws(Problem) {
        let bytes = Array(text.utf8)
        if bytes.contains(where: { $0 <= 0x20 || $0 == 0x7F || $0 == Byte.backslash }) {
            throw Problem(reason: "contains a space, a control character or a backslash")
        }
        guard let separator = Self.firstIndex(of: Array("://".utf8), in: bytes), separator > 0 else {
            throw Problem(reason: "is not of the form scheme://host/path")
        }
        var scheme = Self.lowercased(bytes[..<separator])
        if scheme.starts(with: Array("crypto+".utf8)) { scheme.removeFirst(7) }
        guard let first = scheme.first, Byte.isLetter(first),
              scheme.allSatisfy({ Byte.isLetter($0) || Byte.isDigit($0) || $0 == Byte.plus || $0 == Byte.minus || $0 == Byte.dot }) else {
            throw Problem(reason: "has a malformed scheme")
        }
        self.scheme = String(decoding: scheme, as: UTF8.self)

        let rest = bytes[(separator + 3)...]
        let authorityEnd = rest.firstIndex { $0 == Byte.slash || $0 == Byte.question || $0 == Byte.hash } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let hostAndPort: ArraySlice<UInt8>
        if let at = authority.lastIndex(of: Byte.at) {
            userinfo = Array(authority[..<at])
            hostAndPort = authority[(at + 1)...]
        } else {
            userinfo = nil
            hostAndPort = authority
        }
        let portText: ArraySlice<UInt8>?
        if hostAndPort.first == Byte.openBracket {
            guard let close = hostAndPort.firstIndex(of: Byte.closeBracket) else {
                throw Problem(reason: "has an IPv6 host without its closing bracket")
            }
            let literal = hostAndPort[hostAndPort.index(after: hostAndPort.startIndex)..<close]
            guard !literal.isEmpty, literal.allSatisfy({ Byte.isHexDigit($0) || $0 == Byte.colon || $0 == Byte.dot }) else {
                throw Problem(reason: "has a malformed IPv6 host")
            }
            host = [Byte.openBracket] + Self.lowercased(literal) + [Byte.closeBracket]
            let after = hostAndPort[(close + 1)...]
            guard after.isEmpty || after.first == Byte.colon else {
                throw Problem(reason: "has characters after its IPv6 host")
            }
            portText = after.isEmpty ? nil : after.dropFirst()
        } else {
            let colon = hostAndPort.firstIndex(of: Byte.colon)
            let name = hostAndPort[..<(colon ?? hostAndPort.endIndex)]
            guard !name.isEmpty,
                  name.allSatisfy({ Byte.isLetter($0) || Byte.isDigit($0) || $0 == Byte.dot || $0 == Byte.minus || $0 == Byte.underscore }) else {
                throw Problem(reason: "has no host, or one that is not a plain host name or IP address")
            }
            host = Self.lowercased(name)
            portText = colon.map { hostAndPort[($0 + 1)...] }
        }
        if let portText, !portText.isEmpty {
            guard portText.count <= 5, portText.allSatisfy(Byte.isDigit),
                  let value = Int(String(decoding: portText, as: UTF8.self)), value <= 65_535 else {
                throw Problem(reason: "has a malformed port")
            }
            port = value
        } else {
            port = Self.defaultPorts[self.scheme]
        }

        let tail = rest[authorityEnd...]
        let pathEnd = tail.firstIndex { $0 == Byte.question || $0 == Byte.hash } ?? tail.endIndex
        hasQueryOrFragment = pathEnd != tail.endIndex
        let path = try Self.normalizedEscapes(tail[..<pathEnd])
        // The path starts with "/" (or is empty); the first split piece is what precedes it.
        let raw = path.split(separator: Byte.slash, omittingEmptySubsequences: false).dropFirst().map(Array.init)
        for segment in raw {
            let name = segment.prefix { $0 != Byte.semicolon }
            if name.count < segment.count && (name.elementsEqual([Byte.dot]) || name.elementsEqual([Byte.dot, Byte.dot])) {
                throw Problem(reason: "has a dot segment with parameters (`..;`), which servers read differently")
            }
        }
        segments = Self.removingDotSegments(raw.filter { !$0.isEmpty })
        exactSegments = Self.removingDotSegments(raw)
    }

    /// Whether this URL, taken as a granted prefix, admits `url`: the same
    /// scheme, user information, host and port, and a path whose segments
    /// begin with this one's (whole segments: `/a` admits `/a/b`, not `/ab`).
    func admits(_ url: NormalizedURL) -> Bool {
        let prefix = segments
        return url.scheme == scheme && url.userinfo == userinfo && url.host == host && url.port == port
            && url.segments.starts(with: prefix) && url.exactSegments.starts(with: prefix)
    }

    /// `scheme://host:port/segments`, user information left out.
    var description: String {
        var text = scheme + "://" + String(decoding: host, as: UTF8.self)
        if let port { text += ":\(port)" }
        return text + "/" + segments.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "/")
    }

    // MARK: - Pieces

    /// Decodes escapes of unreserved characters, upper-cases the others.
    static func normalizedEscapes(_ path: ArraySlice<UInt8>) throws(Problem) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(path.count)
        var index = path.startIndex
        while index < path.endIndex {
            let byte = path[index]
            guard byte == Byte.percent else {
                out.append(byte)
                index += 1
                continue
            }
            guard index + 2 < path.endIndex, let value = hexValue(path[index + 1], path[index + 2]) else {
                throw Problem(reason: "has a malformed percent-escape")
            }
            if value == Byte.slash || value == Byte.backslash {
                throw Problem(reason: "has an encoded slash or backslash (%2F, %5C) in its path, which servers read differently")
            }
            if value == Byte.percent, index + 4 < path.endIndex, hexValue(path[index + 3], path[index + 4]) != nil {
                throw Problem(reason: "has a double percent-escape (%25 followed by hex digits)")
            }
            if Byte.isLetter(value) || Byte.isDigit(value) || value == Byte.minus || value == Byte.dot
                || value == Byte.underscore || value == Byte.tilde {
                out.append(value)
            } else {
                out += [Byte.percent, Byte.upperHex[Int(value >> 4)], Byte.upperHex[Int(value & 15)]]
            }
            index += 3
        }
        return out
    }

    /// RFC 3986 §5.2.4 on a list of segments: `.` dropped, `..` removes the
    /// segment before it (none above the root).
    static func removingDotSegments(_ segments: [[UInt8]]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        for segment in segments {
            if segment == [Byte.dot] { continue }
            if segment == [Byte.dot, Byte.dot] {
                if !out.isEmpty { out.removeLast() }
                continue
            }
            out.append(segment)
        }
        return out
    }

    static func hexValue(_ high: UInt8, _ low: UInt8) -> UInt8? {
        guard let h = Byte.hexDigitValue(high), let l = Byte.hexDigitValue(low) else { return nil }
        return h << 4 | l
    }

    static func lowercased(_ bytes: some Collection<UInt8>) -> [UInt8] {
        bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
    }

    static func firstIndex(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        return (0...(bytes.count - needle.count)).first { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}

/// ASCII bytes by name.
enum Byte {
    static let slash = UInt8(ascii: "/"), backslash = UInt8(ascii: "\\"), dot = UInt8(ascii: ".")
    static let colon = UInt8(ascii: ":"), at = UInt8(ascii: "@"), percent = UInt8(ascii: "%")
    static let question = UInt8(ascii: "?"), hash = UInt8(ascii: "#"), semicolon = UInt8(ascii: ";")
    static let plus = UInt8(ascii: "+"), minus = UInt8(ascii: "-"), underscore = UInt8(ascii: "_"), tilde = UInt8(ascii: "~")
    static let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")
    static let upperHex = Array("0123456789ABCDEF".utf8)

    static func isLetter(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    static func isHexDigit(_ b: UInt8) -> Bool { hexDigitValue(b) != nil }
    static func hexDigitValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: b - 0x30
        case 0x41...0x46: b - 0x41 + 10
        case 0x61...0x66: b - 0x61 + 10
        default: nil
        }
    }
}
