/// An audio output device granted to this guest (`audio-output-info`).
public struct AudioOutputInfo {
    public var id: String
    public var name: String
}

/// The audio outputs granted to this guest.
public func enumerateAudioOutputs() -> [AudioOutputInfo] {
    let area = CanonicalABI.importReturnArea
    playbackEnumerateAudioOutputs(area)
    let (pointer, count) = CanonicalABI.loadPair(area, 0)
    guard let pointer else { return [] }
    var outputs: [AudioOutputInfo] = []
    for i in 0..<count {
        outputs.append(AudioOutputInfo(id: CanonicalABI.takeString(at: pointer, i * 16),
                                       name: CanonicalABI.takeString(at: pointer, i * 16 + 8)))
    }
    pointer.deallocate()
    return outputs
}

/// Playback on an output device (`audio-player`): enqueue audio, or
/// connect an `AudioContext` whose mix the host then plays. Dropped when
/// the object goes away.
public final class AudioPlayer {
    let handle: Int32

    private init(handle: Int32) {
        self.handle = handle
    }

    /// Opens `deviceID` (the default output when nil); the host traps when
    /// it cannot (`open` says why instead).
    public convenience init(deviceID: String? = nil) {
        self.init(handle: withOptionalString(deviceID) { audioPlayerNew($0, $1, $2) })
    }

    /// Opens `deviceID`, or throws why not (`notFound`, `accessDenied`, `io`).
    public static func open(deviceID: String? = nil) throws(MediaError) -> AudioPlayer {
        let area = CanonicalABI.importReturnArea
        withOptionalString(deviceID) { audioPlayerOpen($0, $1, $2, area) }
        try MediaError.check(area)
        return AudioPlayer(handle: CanonicalABI.load(area, 4, as: Int32.self))
    }

    deinit { audioPlayerDrop(handle) }

    /// Queues `audio` (it moves to the host) for playback.
    public func enqueue(_ audio: AudioData) throws(MediaError) {
        let area = CanonicalABI.importReturnArea
        audio.withFlat { audioPlayerEnqueueAudio(handle, $0, $1, $2, $3, $4, area) }
        try MediaError.check(area)
    }

    /// Plays `context`'s mix; the guest keeps its context and goes on
    /// submitting audio to it.
    public func connect(_ context: AudioContext) {
        audioPlayerConnectMixer(handle, context.handle)
    }

    public func play() { audioPlayerPlay(handle) }

    public func pause() { audioPlayerPause(handle) }

    /// Output volume from 0 (silent) to 1 (full); `invalidArgument` outside.
    public func setSystemVolume(_ level: Float) throws(MediaError) {
        let area = CanonicalABI.importReturnArea
        audioPlayerSetSystemVolume(handle, level, area)
        try MediaError.check(area)
    }
}
