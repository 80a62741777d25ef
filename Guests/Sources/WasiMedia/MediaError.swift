/// What went wrong in a host call (`error-code` in `wasi:media/types`).
public enum ErrorCode: UInt8, Sendable {
    /// A parameter is out of range or inconsistent with another.
    case invalidArgument
    /// The host cannot do this here: codec, format, device or operation.
    case unsupported
    /// No such file, device or track.
    case notFound
    /// The path, URL or device was not granted to this guest.
    case accessDenied
    /// The bytes are not a valid bitstream or container.
    case invalidData
    /// The call is not allowed in the resource's current state.
    case invalidState
    /// An offset and length reach outside a `MediaBuffer`.
    case outOfBounds
    /// Reading or writing a file, socket or device failed.
    case io
    /// Anything else; the message says what.
    case failed
}

/// The error of every fallible host call (`media-error`).
public struct MediaError: Error {
    public var code: ErrorCode
    /// For people: names the operation and what was wrong with it.
    public var message: String

    public init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Lifts the `media-error` stored at `base + offset` (code at +0,
    /// message at +4) and frees its message.
    package static func take(at base: UnsafeMutableRawPointer, _ offset: Int) -> MediaError {
        let raw = CanonicalABI.load(base, offset, as: UInt8.self)
        let message = CanonicalABI.takeString(at: base, offset + 4)
        return MediaError(ErrorCode(rawValue: raw) ?? .failed, message)
    }

    /// Throws the error of a `result<_, media-error>` in the import return
    /// area (case at 0, error at 4), if that is what it holds.
    package static func check(_ area: UnsafeMutableRawPointer) throws(MediaError) {
        if CanonicalABI.load(area, 0, as: UInt8.self) != 0 { throw take(at: area, 4) }
    }
}

/// The error a guest's exported function returns to the host as a message
/// (`result<_, string>`): a filter's `configure`, a transform's `start`, an
/// app's `run`. The host shows the message to the user as it is.
public struct GuestError: Error {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    /// The message of a host error, prefixed with what the guest was doing.
    public init(_ context: String, _ error: MediaError) {
        self.message = context + ": " + error.message
    }
}
