/// The one error type of the media libraries.
///
/// Says what failed (``operation``), on what (codec, container, file,
/// track), why (``message``), and what the layer below said (``cause``).
public struct MediaError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Code: String, Sendable, Hashable {
        /// A caller-supplied value is out of range or inconsistent.
        case invalidArgument = "invalid-argument"
        /// The codec, format or configuration is not available on this host.
        case unsupported
        /// A file, URL, device, track or resource does not exist.
        case notFound = "not-found"
        /// Input bytes are malformed, truncated, or not media.
        case invalidData = "invalid-data"
        /// Reading or writing failed.
        case io
        /// The operation is not valid in the object's current state.
        case invalidState = "invalid-state"
        /// The library below reported a failure not covered above.
        case failed
    }

    /// What a lower layer (FFmpeg, the OS) reported.
    public struct Cause: Sendable, Hashable, CustomStringConvertible {
        public var library: String
        public var code: Int32
        public var message: String
        public init(library: String, code: Int32, message: String) {
            self.library = library
            self.code = code
            self.message = message
        }
        public var description: String { "\(library): \(message) (\(code))" }
    }

    public var code: Code
    /// What was being done: "open video encoder", "write chunk".
    public var operation: String
    public var message: String
    /// The codec involved, as WIT or FFmpeg names it (`h264`, `libx264`).
    public var codec: String?
    /// The container format involved (`mp4`).
    public var container: String?
    /// The file or URL involved.
    public var file: String?
    /// The track involved.
    public var track: Int?
    public var cause: Cause?

    public init(_ code: Code, operation: String, message: String, codec: String? = nil,
                container: String? = nil, file: String? = nil, track: Int? = nil, cause: Cause? = nil) {
        self.code = code
        self.operation = operation
        self.message = message
        self.codec = codec
        self.container = container
        self.file = file
        self.track = track
        self.cause = cause
    }

    /// One line: `open video encoder (codec libx264, file out.mp4): width 641 is odd [libav: Invalid argument (-22)]`.
    public var description: String {
        var context: [String] = []
        if let codec { context.append("codec \(codec)") }
        if let container { context.append("container \(container)") }
        if let file { context.append("file \(file)") }
        if let track { context.append("track \(track)") }
        var text = operation
        if !context.isEmpty { text += " (" + context.joined(separator: ", ") + ")" }
        text += ": " + message
        if let cause { text += " [\(cause)]" }
        return text
    }

    /// A copy with the file filled in when it was not set.
    public func with(file: String?) -> MediaError {
        var copy = self
        if copy.file == nil { copy.file = file }
        return copy
    }
}
