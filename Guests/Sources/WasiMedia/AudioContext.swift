/// A host-side audio mix (`audio-context`): tracks with guest-chosen ids
/// are resampled to the master format, scaled and summed. Dropped when the
/// object goes away.
public final class AudioContext {
    let handle: Int32

    /// The host traps when the rate or channel count is zero.
    public init(masterSampleRate: UInt32, masterChannels: UInt8) {
        handle = audioContextNew(Int32(bitPattern: masterSampleRate), Int32(masterChannels))
    }

    deinit { audioContextDrop(handle) }

    /// Adds track `trackID`. `invalidArgument` when the id is in use.
    public func addSourceTrack(_ trackID: UInt32) throws(MediaError) {
        let area = CanonicalABI.importReturnArea
        audioContextAddSourceTrack(handle, Int32(bitPattern: trackID), area)
        try MediaError.check(area)
    }

    /// Submits `audio` (it moves to the host) to track `trackID`.
    public func submit(_ audio: AudioData, toTrack trackID: UInt32) throws(MediaError) {
        let area = CanonicalABI.importReturnArea
        audio.withFlat { audioContextSubmitAudio(handle, Int32(bitPattern: trackID), $0, $1, $2, $3, $4, area) }
        try MediaError.check(area)
    }

    /// Sets a track's gain (1 leaves it unchanged).
    public func setGain(_ gain: Float, forTrack trackID: UInt32) throws(MediaError) {
        let area = CanonicalABI.importReturnArea
        audioContextSetTrackGain(handle, Int32(bitPattern: trackID), gain, area)
        try MediaError.check(area)
    }

    /// Track `trackID` receives no more audio.
    public func endSourceTrack(_ trackID: UInt32) throws(MediaError) {
        let area = CanonicalABI.importReturnArea
        audioContextEndSourceTrack(handle, Int32(bitPattern: trackID), area)
        try MediaError.check(area)
    }

    /// The mixed audio ready so far (`f32-planar`), or nil.
    public func readMasterOutput() -> AudioData? {
        let area = CanonicalABI.importReturnArea
        audioContextReadMasterOutput(handle, area)
        guard CanonicalABI.load(area, 0, as: UInt8.self) != 0 else { return nil }
        return AudioData.lift(at: area, 8)
    }
}
