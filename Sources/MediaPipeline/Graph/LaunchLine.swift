/// Parses and writes launch lines (gst-launch syntax; docs/graph-format.md).
public enum LaunchLine {
    // MARK: - Lexing

    struct Word {
        enum Kind { case bang, word }
        var kind: Kind
        /// The characters with quotes removed and escapes resolved.
        var text: String
        /// The characters as written.
        var raw: [Character]
        /// Index in `text` of the first unquoted `=`, if any.
        var equalsAt: String.Index?
        /// True when some part of the word was quoted.
        var quoted: Bool
        var range: SourceRange
    }

    /// Splits a line into `!` and words; quotes group characters, `\` escapes inside double quotes.
    static func lex(_ line: String, issues: inout [GraphIssue]) -> [Word] {
        let chars = Array(line)
        var words: [Word] = []
        var i = 0
        while i < chars.count {
            let ch = chars[i]
            if ch.isWhitespace { i += 1; continue }
            if ch == "!" {
                words.append(Word(kind: .bang, text: "!", raw: ["!"], equalsAt: nil, quoted: false, range: SourceRange(column: i + 1, length: 1)))
                i += 1
                continue
            }
            let start = i
            var text = ""
            var equalsAt: String.Index? = nil
            var quoted = false
            while i < chars.count, !chars[i].isWhitespace, chars[i] != "!" {
                let c = chars[i]
                if c == "\"" || c == "'" {
                    quoted = true
                    let open = i
                    i += 1
                    var closed = false
                    while i < chars.count {
                        if chars[i] == "\\" && c == "\"" && i + 1 < chars.count { text.append(chars[i + 1]); i += 2; continue }
                        if chars[i] == c { closed = true; i += 1; break }
                        text.append(chars[i])
                        i += 1
                    }
                    if !closed {
                        issues.append(GraphIssue(.unterminatedQuote, "the quote opened here is never closed", SourceRange(column: open + 1, length: chars.count - open)))
                    }
                    continue
                }
                // Outside quotes `\` takes the next character as it is (a shell's
                // `format=\(string\)I420` pasted as written).
                if c == "\\" && i + 1 < chars.count && !chars[i + 1].isWhitespace {
                    text.append(chars[i + 1])
                    i += 2
                    continue
                }
                if c == "=" && equalsAt == nil { equalsAt = text.endIndex }
                text.append(c)
                i += 1
            }
            words.append(Word(kind: .word, text: text, raw: Array(chars[start..<i]), equalsAt: equalsAt, quoted: quoted,
                              range: SourceRange(column: start + 1, length: i - start)))
        }
        return words
    }

    // MARK: - Parsing

    /// One end of a link while parsing: an element by index, or a reference by name.
    enum Endpoint {
        case element(Int)
        case reference(String, pad: String?, range: SourceRange)
    }

    struct PendingElement {
        var factory: String
        var explicitName: String?
        var nameRange: SourceRange?
        var properties: [(String, String, SourceRange)] = []
        var range: SourceRange
    }

    /// True for words that are caps: a media type (with `/`) before any `=` or `,`, quotes aside.
    static func isCaps(_ w: Word) -> Bool {
        w.kind == .word && w.raw.filter { $0 != "\"" && $0 != "'" }.prefix { $0 != "=" && $0 != "," }.contains("/")
    }

    /// What `gst-launch-1.0` itself would take out of its command line: its
    /// name when the line starts with it, and its options (`-e`, `-v`, `-q`,
    /// `-m`, `--eos-on-shutdown`...: every unquoted word starting with `-`,
    /// which no element, property or reference does). Caps split at a space
    /// after a comma (`video/x-h264, profile=baseline`) are joined again.
    static func gstLaunchWords(_ words: [Word]) -> [Word] {
        var out: [Word] = []
        for (i, w) in words.enumerated() {
            if i == 0, w.kind == .word, !w.quoted, w.text == "gst-launch-1.0" || w.text == "gst-launch" { continue }
            if w.kind == .word, !w.quoted, w.text.hasPrefix("-") { continue }
            if var last = out.last, isCaps(last), last.raw.last == ",", w.kind == .word, !isCaps(w), w.equalsAt != nil {
                last.raw += w.raw
                last.text += w.text
                last.quoted = last.quoted || w.quoted
                last.range = SourceRange(column: last.range.column, length: w.range.column + w.range.length - last.range.column)
                out[out.count - 1] = last
                continue
            }
            out.append(w)
        }
        return out
    }

    /// Parses a launch line into a graph and the source positions of its pieces.
    ///
    /// Lines copied from GStreamer run as written: a leading `gst-launch-1.0`
    /// and its options are skipped, caps may have spaces after their commas
    /// and may be quoted whole.
    /// - Throws: ``GraphError`` listing every problem in the line, each with its column.
    public static func parse(_ line: String) throws(GraphError) -> (graph: GraphSpec, sourceMap: SourceMap) {
        var issues: [GraphIssue] = []
        let words = gstLaunchWords(lex(line, issues: &issues))
        var elements: [PendingElement] = []
        var links: [(from: Endpoint, to: Endpoint, caps: Caps?, range: SourceRange)] = []
        var current: Endpoint? = nil
        var pendingBang: SourceRange? = nil
        var pendingCaps: (Caps, SourceRange)? = nil
        var capsAwaitingBang = false
        var references: [(String, SourceRange)] = []

        func classify(_ w: Word) -> String {
            if isCaps(w) { return "caps" }
            if w.equalsAt != nil { return "property" }
            if w.text.contains(".") { return "reference" }
            return "element"
        }

        func attach(_ to: Endpoint, range: SourceRange) {
            if let bang = pendingBang, let from = current {
                links.append((from, to, pendingCaps?.0, bang))
            }
            pendingBang = nil
            pendingCaps = nil
        }

        for w in words {
            if w.kind == .bang {
                if capsAwaitingBang {
                    capsAwaitingBang = false
                    pendingBang = w.range
                    continue
                }
                if current == nil {
                    issues.append(GraphIssue(.danglingLink, "'!' has no element before it", w.range))
                } else if pendingBang != nil {
                    issues.append(GraphIssue(.doubleLink, "two '!' in a row: an element or reference is missing between them", w.range))
                }
                pendingBang = w.range
                continue
            }
            switch classify(w) {
            case "caps":
                var capsIssues: [GraphIssue] = []
                // Caps quoted whole (`"video/x-raw,width=100"`) are read inside the quotes.
                var raw = w.raw, column = w.range.column
                if raw.count >= 2, let q = raw.first, q == "\"" || q == "'", raw.last == q, !raw.dropFirst().dropLast().contains(q) {
                    raw = Array(raw.dropFirst().dropLast())
                    column += 1
                }
                let caps = Caps.parse(raw, startColumn: column, issues: &capsIssues)
                issues += capsIssues
                if capsAwaitingBang || pendingCaps != nil {
                    issues.append(GraphIssue(.misplacedCaps, "two caps filters in a row; merge them into one", w.range))
                } else if pendingBang == nil {
                    issues.append(GraphIssue(.misplacedCaps, "a caps filter goes between two '!' (element ! caps ! element)", w.range))
                }
                pendingCaps = (caps, w.range)
                capsAwaitingBang = true
            case "property":
                if capsAwaitingBang {
                    issues.append(GraphIssue(.misplacedCaps, "a caps filter must be followed by '!'", pendingCaps!.1))
                    capsAwaitingBang = false
                    pendingCaps = nil
                }
                let key = String(w.text[..<w.equalsAt!])
                let value = String(w.text[w.text.index(after: w.equalsAt!)...])
                guard pendingBang == nil, case .element(let index)? = current else {
                    if case .reference? = current, pendingBang == nil {
                        issues.append(GraphIssue(.propertyOnReference, "property '\(key)' follows a reference; set it where the element is declared", w.range))
                    } else {
                        issues.append(GraphIssue(.orphanProperty, "property '\(key)' has no element before it", w.range))
                    }
                    continue
                }
                if key.isEmpty {
                    issues.append(GraphIssue(.orphanProperty, "'=\(value)' has no property name", w.range))
                } else if !isFactoryName(key) {
                    issues.append(GraphIssue(.badName, "'\(key)' is not a property name (letters, digits, '-' and '_')", w.range))
                } else if key == "name" {
                    if elements[index].explicitName != nil {
                        issues.append(GraphIssue(.duplicateName, "element '\(elements[index].factory)' is named twice", w.range))
                    }
                    elements[index].explicitName = value
                    elements[index].nameRange = w.range
                } else if elements[index].properties.contains(where: { $0.0 == key }) {
                    issues.append(GraphIssue(.orphanProperty, "property '\(key)' is set twice on '\(elements[index].factory)'", w.range))
                } else {
                    elements[index].properties.append((key, value, w.range))
                }
            case "reference":
                if capsAwaitingBang {
                    issues.append(GraphIssue(.misplacedCaps, "a caps filter must be followed by '!'", pendingCaps!.1))
                    capsAwaitingBang = false
                    pendingCaps = nil
                }
                let dot = w.text.firstIndex(of: ".")!
                let name = String(w.text[..<dot])
                let pad = String(w.text[w.text.index(after: dot)...])
                if name.isEmpty {
                    issues.append(GraphIssue(.unknownReference, "reference '\(w.text)' names no element", w.range))
                    continue
                }
                references.append((name, w.range))
                let endpoint = Endpoint.reference(name, pad: pad.isEmpty ? nil : pad, range: w.range)
                attach(endpoint, range: w.range)
                current = endpoint
            default:
                if capsAwaitingBang {
                    issues.append(GraphIssue(.misplacedCaps, "a caps filter must be followed by '!'", pendingCaps!.1))
                    capsAwaitingBang = false
                    pendingCaps = nil
                }
                if w.quoted || !isFactoryName(w.text) {
                    issues.append(GraphIssue(.badName, "'\(String(w.raw))' is not an element name (letters, digits, '-' and '_')", w.range))
                }
                elements.append(PendingElement(factory: w.text, range: w.range))
                let endpoint = Endpoint.element(elements.count - 1)
                attach(endpoint, range: w.range)
                current = endpoint
            }
        }
        if let bang = pendingBang {
            issues.append(GraphIssue(.danglingLink, "'!' has no element after it", bang))
        }
        if capsAwaitingBang, let caps = pendingCaps {
            issues.append(GraphIssue(.misplacedCaps, "a caps filter must be followed by '!' and an element", caps.1))
        }
        if elements.isEmpty && issues.isEmpty {
            issues.append(GraphIssue(.empty, words.isEmpty ? "the line is empty" : "the line declares no element"))
        }

        // Names: explicit ones first, then automatic ones in order of appearance.
        var taken: [String: SourceRange] = [:]
        for e in elements {
            guard let name = e.explicitName, let range = e.nameRange else { continue }
            if !isElementName(name) {
                issues.append(GraphIssue(.badName, "element name '\(name)' must be non-empty, with no space, quote, '!', '=', '.', ',', '/' or '\\'", range))
            } else if taken[name] != nil {
                issues.append(GraphIssue(.duplicateName, "name '\(name)' is already used at \(taken[name]!)", range))
            } else {
                taken[name] = range
            }
        }
        let names = autoNames(elements.map { ($0.factory, $0.explicitName) })

        var graph = GraphSpec()
        var map = SourceMap()
        for (i, e) in elements.enumerated() {
            var properties: [String: String] = [:]
            var ranges: [String: SourceRange] = [:]
            for (k, v, r) in e.properties { properties[k] = v; ranges[k] = r }
            graph.elements.append(ElementSpec(name: names[i], factory: e.factory, properties: properties))
            map.elements[names[i]] = e.range
            map.properties[names[i]] = ranges
        }
        let known = Set(names)
        // Every reference must name an element, linked or not.
        for (name, range) in references where !known.contains(name) {
            issues.append(GraphIssue(.unknownReference, "no element is named '\(name)'", range))
        }
        func resolve(_ e: Endpoint) -> PadRef? {
            switch e {
            case .element(let i): return PadRef(element: names[i])
            case .reference(let name, let pad, _): return known.contains(name) ? PadRef(element: name, pad: pad) : nil
            }
        }
        for link in links {
            guard let from = resolve(link.from), let to = resolve(link.to) else { continue }
            map.links[graph.links.count] = link.range
            graph.links.append(LinkSpec(from: from, to: to, caps: link.caps))
        }
        guard issues.isEmpty else {
            throw GraphError(issues: issues.sorted { ($0.range?.column ?? 0) < ($1.range?.column ?? 0) })
        }
        return (graph, map)
    }

    /// Factory names: ASCII letters, digits, `-` and `_`.
    static func isFactoryName(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { $0.isASCII && (($0.properties.isAlphabetic) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
    }

    /// Element names: anything a reference (`name.`) can carry.
    static func isElementName(_ s: String) -> Bool {
        !s.isEmpty && !s.contains { $0.isWhitespace || "\"'!=.,/\\".contains($0) }
    }

    /// Names for elements given as (factory, explicit name): explicit names as
    /// given; the others `factory` + their rank among unnamed elements of that
    /// factory, skipping names taken explicitly anywhere.
    static func autoNames(_ elements: [(factory: String, name: String?)]) -> [String] {
        var taken = Set(elements.compactMap(\.name))
        var next: [String: Int] = [:]
        return elements.map { e in
            if let name = e.name { return name }
            var k = next[e.factory, default: 0]
            while taken.contains("\(e.factory)\(k)") { k += 1 }
            next[e.factory] = k + 1
            let name = "\(e.factory)\(k)"
            taken.insert(name)
            return name
        }
    }

    // MARK: - Writing

    /// Quotes a value with double quotes, escaping `"` and `\`.
    static func doubleQuoted(_ s: String) -> String {
        var out = "\""
        for c in s {
            if c == "\"" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out + "\""
    }

    /// A property value as it must be written to read back unchanged.
    static func writeValue(_ s: String) -> String {
        let special = s.isEmpty || s.contains { $0.isWhitespace || $0 == "!" || $0 == "\"" || $0 == "'" || $0 == "\\" }
        return special ? doubleQuoted(s) : s
    }

    private enum Piece {
        case element(Int)
        case reference(Int, pad: String?)
        case link(Caps?)
        case chainBreak
    }

    /// The launch line for `graph`: chains where links join an element's
    /// unnamed source pad to an element with that one input, references elsewhere.
    public static func serialize(_ graph: GraphSpec) -> String {
        let index = Dictionary(graph.elements.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        var incoming = [Int](repeating: 0, count: graph.elements.count)
        for l in graph.links { if let t = index[l.to.element] { incoming[t] += 1 } }
        var emitted = Set<Int>(), visited = Set<Int>()
        var pieces: [Piece] = []
        var referenced = Set<Int>()

        func emitElement(_ i: Int) {
            pieces.append(.element(i))
            emitted.insert(i)
        }
        func emitReference(_ ref: PadRef) {
            guard let i = index[ref.element] else { return }
            referenced.insert(i)
            pieces.append(.reference(i, pad: ref.pad))
        }
        /// Continues a chain from element `at` along unvisited links from its unnamed pad.
        func follow(_ start: Int) {
            var at = start
            while let li = graph.links.indices.first(where: { !visited.contains($0) && graph.links[$0].from.element == graph.elements[at].name && graph.links[$0].from.pad == nil }) {
                visited.insert(li)
                let link = graph.links[li]
                pieces.append(.link(link.caps))
                guard let target = index[link.to.element] else { return }
                if !emitted.contains(target) && link.to.pad == nil && incoming[target] == 1 {
                    emitElement(target)
                    at = target
                } else {
                    emitReference(link.to)
                    return
                }
            }
        }
        func startChain(_ i: Int) {
            if !pieces.isEmpty { pieces.append(.chainBreak) }
            emitElement(i)
            follow(i)
        }

        var progress = true
        while progress {
            progress = false
            // Sources first, in order; then links not yet written; then anything left.
            for i in graph.elements.indices where !emitted.contains(i) && incoming[i] == 0 {
                startChain(i)
                progress = true
            }
            for li in graph.links.indices where !visited.contains(li) {
                let link = graph.links[li]
                guard let source = index[link.from.element], emitted.contains(source) else { continue }
                visited.insert(li)
                pieces.append(.chainBreak)
                emitReference(link.from)
                pieces.append(.link(link.caps))
                if let target = index[link.to.element], !emitted.contains(target), link.to.pad == nil, incoming[target] == 1 {
                    emitElement(target)
                    follow(target)
                } else {
                    emitReference(link.to)
                }
                progress = true
            }
            if !progress, let i = graph.elements.indices.first(where: { !emitted.contains($0) }) {
                startChain(i)
                progress = true
            }
        }

        // Which elements need name=: referenced ones, and those whose automatic name would differ.
        let order = pieces.compactMap { if case .element(let i) = $0 { return i } else { return nil } }
        var explicit = referenced
        while true {
            let auto = autoNames(order.map { (graph.elements[$0].factory, explicit.contains($0) ? graph.elements[$0].name : nil) })
            let wrong = order.indices.filter { !explicit.contains(order[$0]) && auto[$0] != graph.elements[order[$0]].name }
            if wrong.isEmpty { break }
            explicit.formUnion(wrong.map { order[$0] })
        }

        var out = ""
        var newChain = false
        // Two spaces between chains, one inside them, as people write them.
        func separate() {
            if !out.isEmpty { out += newChain ? "  " : " " }
            newChain = false
        }
        for piece in pieces {
            switch piece {
            case .element(let i):
                let e = graph.elements[i]
                separate()
                out += e.factory
                if explicit.contains(i) { out += " name=" + writeValue(e.name) }
                for key in e.properties.keys.sorted() { out += " \(key)=" + writeValue(e.properties[key]!) }
            case .reference(let i, let pad):
                separate()
                out += graph.elements[i].name + "." + (pad ?? "")
            case .link(let caps):
                out += " !"
                if let caps { out += " \(caps) !" }
            case .chainBreak:
                newChain = true
            }
        }
        return out
    }
}
