/// Media from a capture device (`media-stream`): poll it for the latest
/// frame or audio. Dropped when the object goes away.
public final class MediaStream {
    let handle: Int32

    private init(handle: Int32) {
        self.handle = handle
    }

    /// Opens a stream; the host traps when it cannot (`open` says why instead).
    public convenience init(_ constraints: CaptureConstraints) {
        self.init(handle: constraints.withFlat { mediaStreamNew($0, $1, $2, $3, $4, $5, $6, $7, $8) })
    }

    /// Opens a stream, or throws why not (`notFound`, `accessDenied`,
    /// `unsupported`, `io`).
    public static func open(_ constraints: CaptureConstraints) throws(MediaError) -> MediaStream {
        let area = CanonicalABI.importReturnArea
        constraints.withFlat { mediaStreamOpen($0, $1, $2, $3, $4, $5, $6, $7, $8, area) }
        try MediaError.check(area)
        return MediaStream(handle: CanonicalABI.load(area, 4, as: Int32.self))
    }

    deinit { mediaStreamDrop(handle) }

    /// The latest frame, or nil when none arrived since the last call.
    public func readVideoFrame() throws(MediaError) -> VideoFrame? {
        let area = CanonicalABI.importReturnArea
        mediaStreamReadVideoFrame(handle, area)
        if CanonicalABI.load(area, 0, as: UInt8.self) != 0 { throw MediaError.take(at: area, 8) }
        guard CanonicalABI.load(area, 8, as: UInt8.self) != 0 else { return nil }
        return VideoFrame.lift(at: area, 16)
    }

    /// The latest audio, or nil when none arrived since the last call.
    public func readAudioData() throws(MediaError) -> AudioData? {
        let area = CanonicalABI.importReturnArea
        mediaStreamReadAudioData(handle, area)
        if CanonicalABI.load(area, 0, as: UInt8.self) != 0 { throw MediaError.take(at: area, 8) }
        guard CanonicalABI.load(area, 8, as: UInt8.self) != 0 else { return nil }
        return AudioData.lift(at: area, 16)
    }

    /// Releases the device; reads then fail with `invalidState`.
    public func stop() {
        mediaStreamStop(handle)
    }
}
