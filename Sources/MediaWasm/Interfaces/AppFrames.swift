internal import MediaCore

/// Where the media-app interfaces meet `wasi:media/types`: frames and audio
/// cross the boundary with their `media-buffer` handles, in the guest's
/// `media-buffer` table.
///
/// Lifting a `video-frame` or `audio-data` takes the buffer's handle out of
/// the table first (an `own`), so the guest's handle is gone even when the
/// call then returns an error; a dead handle traps. A buffer whose size is
/// not the one its format and dimensions call for is an `invalid-argument`
/// error, not a trap (the guest cannot always know a buffer's layout).
enum AppFrames {
    // MARK: - The media-buffer table

    static func takeBuffer(_ instance: any WasmInstance, _ handle: UInt32) throws -> MediaBuffer {
        try instance.state[MediaBufferTable.self].take(handle)
    }

    static func insertBuffer(_ instance: any WasmInstance, _ buffer: MediaBuffer) throws -> UInt32 {
        try instance.state[MediaBufferTable.self].insert(buffer)
    }

    // MARK: - video-frame

    static let videoFrameSize = 40, videoFrameAlignment: UInt32 = 8

    /// Lifts a `video-frame` from 7 flat parameters starting at `first`:
    /// buffer, format, width, height, timestamp, duration (case, value).
    static func takeVideoFrame(_ call: borrowing HostCall, from first: Int) throws -> VideoFrame {
        let format = PixelFormat.allCases[try AppABI.enumCase(call.u32(first + 1), count: PixelFormat.allCases.count,
                                                              what: "pixel-format")]
        let hasDuration = try AppABI.isSome(call.u32(first + 5), what: "video-frame duration-us")
        let buffer = try takeBuffer(call.instance, call.u32(first))
        return try videoFrame(buffer, format: format, width: call.u32(first + 2), height: call.u32(first + 3),
                              timestampUs: call.s64(first + 4),
                              durationUs: hasDuration ? Int64(clamping: call.u64(first + 6)) : nil)
    }

    static func videoFrame(_ buffer: MediaBuffer, format: PixelFormat, width: UInt32, height: UInt32,
                           timestampUs: Int64, durationUs: Int64?) throws(AppABI.Failure) -> VideoFrame {
        do {
            return try VideoFrame(bytes: buffer.bytes, format: format, width: Int(width), height: Int(height),
                                  timestampUs: timestampUs, durationUs: durationUs)
        } catch {
            throw AppABI.Failure(error)
        }
    }

    /// Moves `frame`'s buffer into the guest's table and stores the record at `base`.
    static func storeVideoFrame(_ instance: any WasmInstance, _ frame: VideoFrame, at base: UInt32) throws {
        let handle = try insertBuffer(instance, frame.buffer)
        let memory = try AppABI.memory(instance)
        try memory.store(handle, at: base)
        try memory.store(UInt8(PixelFormat.allCases.firstIndex(of: frame.format)!), at: base + 4)
        try memory.store(UInt32(frame.width), at: base + 8)
        try memory.store(UInt32(frame.height), at: base + 12)
        try memory.store(frame.timestampUs, at: base + 16)
        try AppABI.storeOption(instance, frame.durationUs.map { UInt64(max(0, $0)) }, at: base + 24, payloadOffset: 8)
    }

    /// Lowers `frames` as a `list<video-frame>` the guest owns.
    static func lowerVideoFrames(_ instance: any WasmInstance, _ frames: [VideoFrame]) throws -> (pointer: UInt32, count: UInt32) {
        let list = try AppABI.allocateList(instance, count: frames.count, size: videoFrameSize, alignment: videoFrameAlignment)
        for (index, frame) in frames.enumerated() {
            try storeVideoFrame(instance, frame, at: list + UInt32(index * videoFrameSize))
        }
        return (list, UInt32(frames.count))
    }

    // MARK: - audio-data

    static let audioDataSize = 24, audioDataAlignment: UInt32 = 8

    /// Lifts an `audio-data` from 5 flat parameters starting at `first`:
    /// buffer, format, sample rate, channels, timestamp.
    static func takeAudioData(_ call: borrowing HostCall, from first: Int) throws -> AudioData {
        let format = SampleFormat.allCases[try AppABI.enumCase(call.u32(first + 1), count: SampleFormat.allCases.count,
                                                               what: "sample-format")]
        let buffer = try takeBuffer(call.instance, call.u32(first))
        return try audioData(buffer, format: format, sampleRate: call.u32(first + 2),
                             channels: UInt8(truncatingIfNeeded: call.u32(first + 3)), timestampUs: call.s64(first + 4))
    }

    static func audioData(_ buffer: MediaBuffer, format: SampleFormat, sampleRate: UInt32, channels: UInt8,
                          timestampUs: Int64) throws(AppABI.Failure) -> AudioData {
        do {
            return try AudioData(bytes: buffer.bytes, format: format, sampleRate: Int(sampleRate), channels: Int(channels),
                                 timestampUs: timestampUs)
        } catch {
            throw AppABI.Failure(error)
        }
    }

    /// Moves `audio`'s buffer into the guest's table and stores the record at `base`.
    static func storeAudioData(_ instance: any WasmInstance, _ audio: AudioData, at base: UInt32) throws {
        let handle = try insertBuffer(instance, audio.buffer)
        let memory = try AppABI.memory(instance)
        try memory.store(handle, at: base)
        try memory.store(UInt8(SampleFormat.allCases.firstIndex(of: audio.format)!), at: base + 4)
        try memory.store(UInt32(audio.sampleRate), at: base + 8)
        try memory.store(UInt8(clamping: audio.channels), at: base + 12)
        try memory.store(audio.timestampUs, at: base + 16)
    }

    /// Lowers `audio` as a `list<audio-data>` the guest owns.
    static func lowerAudioData(_ instance: any WasmInstance, _ audio: [AudioData]) throws -> (pointer: UInt32, count: UInt32) {
        let list = try AppABI.allocateList(instance, count: audio.count, size: audioDataSize, alignment: audioDataAlignment)
        for (index, data) in audio.enumerated() {
            try storeAudioData(instance, data, at: list + UInt32(index * audioDataSize))
        }
        return (list, UInt32(audio.count))
    }
}

/// Stand-in for the `media-buffer` table of the `types` host, until that lands.
enum MediaBufferTable: InstanceStateKey {
    static func makeValue() -> HandleTable<MediaBuffer> { HandleTable(resourceName: "media-buffer") }
}
