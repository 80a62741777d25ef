/// One problem in a graph description, with where it is.
public struct GraphIssue: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case unterminatedQuote = "unterminated-quote"
        case danglingLink = "dangling-link"
        case doubleLink = "double-link"
        case orphanProperty = "orphan-property"
        case propertyOnReference = "property-on-reference"
        case badCaps = "bad-caps"
        case misplacedCaps = "misplaced-caps"
        case duplicateName = "duplicate-name"
        case badName = "bad-name"
        case unknownReference = "unknown-reference"
        case empty
        /// Found when the graph is built: unknown factory, property, value, pad, caps.
        case unknownFactory = "unknown-factory"
        case badProperty = "bad-property"
        case badLink = "bad-link"
    }

    public var kind: Kind
    public var message: String
    /// Where in the launch line, when the graph came from one.
    public var range: SourceRange?

    public init(_ kind: Kind, _ message: String, _ range: SourceRange? = nil) {
        self.kind = kind
        self.message = message
        self.range = range
    }

    public var description: String { range.map { "\($0): \(message)" } ?? message }
}

/// Every problem found in a graph description, reported together.
public struct GraphError: Error, Sendable, Hashable, CustomStringConvertible {
    public var issues: [GraphIssue]

    public init(issues: [GraphIssue]) { self.issues = issues }

    public var description: String { issues.map(\.description).joined(separator: "\n") }

    /// The line with each issue underlined, then the messages: for a terminal.
    public func rendered(line: String) -> String {
        var out = [line]
        for issue in issues {
            if let r = issue.range {
                out.append(String(repeating: " ", count: max(0, r.column - 1)) + String(repeating: "^", count: r.length) + " " + issue.message)
            } else {
                out.append(issue.message)
            }
        }
        return out.joined(separator: "\n")
    }
}
