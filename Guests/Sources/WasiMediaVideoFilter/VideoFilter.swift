@_exported import WasiMedia

/// A `video-filter` guest: one pipeline step from frames to frames
/// (`wasi:media/video-processor`).
///
/// The host calls `configure` once, reads `acceptedFormats`, then calls
/// `process` for each frame (with `configure` again between frames whenever
/// the properties change), and `flush` at the end of the stream; frames of
/// a new segment may follow. Calls never overlap.
///
/// Register the type once with `exportVideoFilter` (see docs/guests.md).
public protocol VideoFilter {
    /// A filter with default settings, made before the first call.
    init()

    /// Takes the complete list of properties and upstream metadata. A thrown
    /// error stops the pipeline with its message. Default: ignores them.
    mutating func configure(_ properties: Properties) throws(GuestError)

    /// The formats `process` accepts, in order of preference; empty (the
    /// default) accepts every format.
    var acceptedFormats: [PixelFormat] { get }

    /// Returns the frames to send downstream: none (the frame is dropped),
    /// the input itself (no pixel copied), a changed or new frame, or
    /// several. A thrown error traps after logging its code and message at
    /// `critical`: the pipeline reports the guest failed, with that message.
    mutating func process(_ frame: VideoFrame) throws(MediaError) -> [VideoFrame]

    /// End of stream: returns the frames the filter still holds. Default: none.
    mutating func flush() throws(MediaError) -> [VideoFrame]

    /// The properties `configure` takes, which the host checks before the
    /// first `configure` (a misspelt name is an error with a suggestion).
    /// Default: nil, declaring nothing (the host passes everything through).
    static var properties: [PropertySpec]? { get }
}

extension VideoFilter {
    public mutating func configure(_ properties: Properties) throws(GuestError) {}
    public var acceptedFormats: [PixelFormat] { [] }
    public mutating func flush() throws(MediaError) -> [VideoFrame] { [] }
    public static var properties: [PropertySpec]? { nil }
}

/// Makes `filter` the guest's video filter. Call it from the one function
/// every video-filter guest defines:
///
/// ```swift
/// @_cdecl("wasi_media_video_filter")
/// func videoFilter() -> UnsafeMutableRawPointer { exportVideoFilter(Grayscale.self) }
/// ```
///
/// The exports call that function once, on the first call from the host,
/// and keep the instance it makes for the life of the guest.
public func exportVideoFilter<F: VideoFilter>(_ filter: F.Type) -> UnsafeMutableRawPointer {
    Unmanaged<VideoFilterInstance>.passRetained(RegisteredVideoFilter<F>()).toOpaque()
}

/// The registered filter, behind a non-generic interface the exports call.
class VideoFilterInstance {
    func configure(_ properties: Properties) -> GuestError? { nil }
    func acceptedFormats() -> [PixelFormat] { [] }
    func process(_ frame: VideoFrame) -> [VideoFrame] { [] }
    func flush() -> [VideoFrame] { [] }
    func properties() -> [PropertySpec]? { nil }
}

final class RegisteredVideoFilter<F: VideoFilter>: VideoFilterInstance {
    var filter = F()

    override func configure(_ properties: Properties) -> GuestError? {
        LineBudget.during { () -> GuestError? in do throws(GuestError) { try filter.configure(properties); return nil } catch { return error } }
    }

    override func acceptedFormats() -> [PixelFormat] {
        filter.acceptedFormats
    }

    override func process(_ frame: VideoFrame) -> [VideoFrame] {
        LineBudget.during { () -> [VideoFrame] in do throws(MediaError) { return try filter.process(frame) } catch { trapAfter("process", error) } }
    }

    override func flush() -> [VideoFrame] {
        LineBudget.during { () -> [VideoFrame] in do throws(MediaError) { return try filter.flush() } catch { trapAfter("flush", error) } }
    }

    override func properties() -> [PropertySpec]? { F.properties }
}
