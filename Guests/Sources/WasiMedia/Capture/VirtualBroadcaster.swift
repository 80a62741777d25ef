/// A virtual camera or microphone the guest feeds (`virtual-broadcaster`).
/// Dropped when the object goes away.
public final class VirtualBroadcaster {
    let handle: Int32

    private init(handle: Int32) {
        self.handle = handle
    }

    /// Registers a device; the host traps when it cannot (`create` says why instead).
    public convenience init(name: String, hasVideo: Bool, hasAudio: Bool) {
        self.init(handle: withUTF8(name) { virtualBroadcasterNew($0, $1, hasVideo ? 1 : 0, hasAudio ? 1 : 0) })
    }

    /// Registers a device, or throws why not (`unsupported`, `accessDenied`).
    public static func create(name: String, hasVideo: Bool, hasAudio: Bool) throws(MediaError) -> VirtualBroadcaster {
        let area = CanonicalABI.importReturnArea
        withUTF8(name) { virtualBroadcasterCreate($0, $1, hasVideo ? 1 : 0, hasAudio ? 1 : 0, area) }
        try MediaError.check(area)
        return VirtualBroadcaster(handle: CanonicalABI.load(area, 4, as: Int32.self))
    }

    deinit { virtualBroadcasterDrop(handle) }

    /// Sends `frame` (it moves to the host) out as the camera's next frame.
    public func write(_ frame: VideoFrame) throws(MediaError) {
        let area = CanonicalABI.importReturnArea
        frame.withFlat { virtualBroadcasterWriteVideoFrame(handle, $0, $1, $2, $3, $4, $5, $6, area) }
        try MediaError.check(area)
    }

    /// Sends `audio` (it moves to the host) out as the microphone's next samples.
    public func write(_ audio: AudioData) throws(MediaError) {
        let area = CanonicalABI.importReturnArea
        audio.withFlat { virtualBroadcasterWriteAudioData(handle, $0, $1, $2, $3, $4, area) }
        try MediaError.check(area)
    }

    /// Unregisters the device; writes then fail with `invalidState`.
    public func stop() {
        virtualBroadcasterStop(handle)
    }
}
