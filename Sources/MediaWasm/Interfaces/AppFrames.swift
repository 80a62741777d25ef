internal import MediaCore

/// Where the media-app interfaces meet `wasi:media/types`: frames and audio
/// cross the boundary with their `media-buffer` handles, through
/// ``MediaRecords`` and the instance's media-buffer table.
///
/// Lifting a `video-frame` or `audio-data` takes the buffer's handle out of
/// the table (an `own`), so the guest's handle is gone even when the call
/// then returns an error; a dead handle, or a buffer whose size is not the
/// one the record's format and dimensions call for, traps.
enum AppFrames {
    // MARK: - video-frame

    /// Lifts a `video-frame` from 7 flat parameters starting at `first`.
    static func takeVideoFrame(_ call: borrowing HostCall, from first: Int) throws(GuestFault) -> VideoFrame {
        var flat: [UInt64] = []
        for index in first..<(first + MediaRecords.videoFrameFlatCount) { flat.append(call.u64(index)) }
        return try MediaRecords.liftVideoFrame(flat: flat, from: call.state)
    }

    /// Lowers `frames` as a `list<video-frame>` the guest owns (each buffer a new handle).
    static func lowerVideoFrames(_ instance: any WasmInstance, _ frames: [VideoFrame]) throws -> (pointer: UInt32, count: UInt32) {
        let size = Int(MediaRecords.videoFrameSize)
        let list = try AppABI.allocateList(instance, count: frames.count, size: size, alignment: MediaRecords.videoFrameAlignment)
        let memory = try AppABI.memory(instance)
        for (index, frame) in frames.enumerated() {
            try MediaRecords.store(frame, at: list + UInt32(index * size), in: memory, state: instance.state)
        }
        return (list, UInt32(frames.count))
    }

    // MARK: - audio-data

    /// Lifts an `audio-data` from 5 flat parameters starting at `first`.
    static func takeAudioData(_ call: borrowing HostCall, from first: Int) throws(GuestFault) -> AudioData {
        var flat: [UInt64] = []
        for index in first..<(first + MediaRecords.audioDataFlatCount) { flat.append(call.u64(index)) }
        return try MediaRecords.liftAudioData(flat: flat, from: call.state)
    }

    /// Stores `audio` at `base` (its buffer a new handle).
    static func storeAudioData(_ instance: any WasmInstance, _ audio: AudioData, at base: UInt32) throws {
        try MediaRecords.store(audio, at: base, in: try AppABI.memory(instance), state: instance.state)
    }

    /// Lowers `audio` as a `list<audio-data>` the guest owns.
    static func lowerAudioData(_ instance: any WasmInstance, _ audio: [AudioData]) throws -> (pointer: UInt32, count: UInt32) {
        let size = Int(MediaRecords.audioDataSize)
        let list = try AppABI.allocateList(instance, count: audio.count, size: size, alignment: MediaRecords.audioDataAlignment)
        for (index, data) in audio.enumerated() {
            try storeAudioData(instance, data, at: list + UInt32(index * size))
        }
        return (list, UInt32(audio.count))
    }
}
