public import MediaCore

/// Lifting and lowering the records of `wasi:media/types` — `video-frame`,
/// `audio-data`, `encoded-chunk` — as docs/guest-abi.md lays them out, flat
/// (as core parameters) and in memory.
///
/// Lowering a record with a `media-buffer` moves the buffer into the
/// instance's ``MediaBufferTable`` (a new owned handle, no byte copied);
/// lifting one takes the handle back (it is gone from the table afterwards,
/// and a handle that is not live traps). Every value read from the guest is
/// checked: enum and option cases in range, the buffer's size equal to the
/// layout the record describes. A failed check throws ``GuestFault``, which
/// traps the guest.
///
/// Flat values are given and returned as raw 64-bit slots, the way
/// ``HostCall`` holds parameters: `i32` zero-extended, `i64` as its bits.
public enum MediaRecords {
    // MARK: - Sizes (section 4 of docs/guest-abi.md)

    /// `video-frame`: 40 bytes, aligned to 8; 7 flat values.
    public static let videoFrameSize: UInt32 = 40
    public static let videoFrameAlignment: UInt32 = 8
    public static let videoFrameFlatCount = 7
    /// `audio-data`: 24 bytes, aligned to 8; 5 flat values.
    public static let audioDataSize: UInt32 = 24
    public static let audioDataAlignment: UInt32 = 8
    public static let audioDataFlatCount = 5
    /// `encoded-chunk`: 56 bytes, aligned to 8; 8 flat values.
    public static let encodedChunkSize: UInt32 = 56
    public static let encodedChunkAlignment: UInt32 = 8
    public static let encodedChunkFlatCount = 8

    // MARK: - Enums

    /// The `pixel-format` case index of `format`.
    public static func index(of format: PixelFormat) -> UInt32 {
        switch format {
        case .rgba8888: 0
        case .bgra8888: 1
        case .yuv420p: 2
        case .nv12: 3
        }
    }

    /// The pixel format of a `pixel-format` case index; traps (throws) when out of range.
    public static func pixelFormat(index: UInt32) throws(GuestFault) -> PixelFormat {
        switch index {
        case 0: .rgba8888
        case 1: .bgra8888
        case 2: .yuv420p
        case 3: .nv12
        default: throw .invalidValue("pixel-format case \(index) does not exist (4 cases)")
        }
    }

    /// The `sample-format` case index of `format`.
    public static func index(of format: SampleFormat) -> UInt32 {
        switch format {
        case .f32Planar: 0
        case .s16Interleaved: 1
        }
    }

    /// The sample format of a `sample-format` case index; traps (throws) when out of range.
    public static func sampleFormat(index: UInt32) throws(GuestFault) -> SampleFormat {
        switch index {
        case 0: .f32Planar
        case 1: .s16Interleaved
        default: throw .invalidValue("sample-format case \(index) does not exist (2 cases)")
        }
    }

    // MARK: - video-frame

    /// Lowers `frame` to its 7 flat values, moving its buffer into the guest's table.
    public static func lowerFlat(_ frame: consuming VideoFrame, into state: InstanceState) throws(GuestFault) -> [UInt64] {
        let handle = try state.issueBuffer(frame.buffer)
        return [UInt64(handle), UInt64(index(of: frame.format)), UInt64(frame.width), UInt64(frame.height),
                UInt64(bitPattern: frame.timestampUs),
                frame.durationUs == nil ? 0 : 1, UInt64(bitPattern: frame.durationUs ?? 0)]
    }

    /// Lifts a `video-frame` from 7 flat values, taking its buffer from the guest's table.
    public static func liftVideoFrame(flat values: some RandomAccessCollection<UInt64>,
                                      from state: InstanceState) throws(GuestFault) -> VideoFrame {
        let v = Array(values)
        guard v.count == videoFrameFlatCount else { throw .invalidValue("a video-frame has 7 flat values, got \(v.count)") }
        return try makeVideoFrame(handle: UInt32(truncatingIfNeeded: v[0]), format: UInt32(truncatingIfNeeded: v[1]),
                                  width: UInt32(truncatingIfNeeded: v[2]), height: UInt32(truncatingIfNeeded: v[3]),
                                  timestamp: Int64(bitPattern: v[4]), durationCase: UInt32(truncatingIfNeeded: v[5]),
                                  duration: v[6], state: state)
    }

    /// Stores `frame` at `pointer` (40 bytes, aligned to 8), moving its buffer into the guest's table.
    public static func store(_ frame: consuming VideoFrame, at pointer: UInt32, in memory: GuestMemory,
                             state: InstanceState) throws(GuestFault) {
        try memory.requireAligned(pointer, to: videoFrameAlignment)
        _ = try memory.range(at: pointer, count: videoFrameSize)
        let handle = try state.issueBuffer(frame.buffer)
        try memory.store(handle, at: pointer)
        try memory.store(UInt8(index(of: frame.format)), at: pointer + 4)
        try memory.store(UInt32(frame.width), at: pointer + 8)
        try memory.store(UInt32(frame.height), at: pointer + 12)
        try memory.store(frame.timestampUs, at: pointer + 16)
        try storeOption(frame.durationUs.map { UInt64(bitPattern: $0) }, at: pointer + 24, valueOffset: 8, memory: memory)
    }

    /// Lifts the `video-frame` stored at `pointer`, taking its buffer from the guest's table.
    public static func liftVideoFrame(at pointer: UInt32, in memory: GuestMemory,
                                      state: InstanceState) throws(GuestFault) -> VideoFrame {
        try memory.requireAligned(pointer, to: videoFrameAlignment)
        _ = try memory.range(at: pointer, count: videoFrameSize)
        return try makeVideoFrame(handle: memory.load(UInt32.self, at: pointer),
                                  format: UInt32(memory.load(UInt8.self, at: pointer + 4)),
                                  width: memory.load(UInt32.self, at: pointer + 8),
                                  height: memory.load(UInt32.self, at: pointer + 12),
                                  timestamp: memory.load(Int64.self, at: pointer + 16),
                                  durationCase: UInt32(memory.load(UInt8.self, at: pointer + 24)),
                                  duration: memory.load(UInt64.self, at: pointer + 32), state: state)
    }

    private static func makeVideoFrame(handle: UInt32, format formatIndex: UInt32, width: UInt32, height: UInt32,
                                       timestamp: Int64, durationCase: UInt32, duration: UInt64,
                                       state: InstanceState) throws(GuestFault) -> VideoFrame {
        let format = try pixelFormat(index: formatIndex)
        let durationUs = try option(durationCase, duration, "duration-us").map { Int64(bitPattern: $0) }
        guard width > 0, height > 0, width <= UInt32(VideoFrame.maxDimension), height <= UInt32(VideoFrame.maxDimension) else {
            throw .invalidValue("a video-frame of \(width)x\(height) is outside 1...\(VideoFrame.maxDimension)")
        }
        let buffer = try state.takeBuffer(handle)
        let expected = format.byteCount(width: Int(width), height: Int(height))
        guard buffer.size == expected else {
            throw .invalidValue("video-frame \(format.witName) \(width)x\(height) needs a buffer of \(expected) bytes; media-buffer \(handle) holds \(buffer.size)")
        }
        do {
            return try VideoFrame(bytes: buffer.bytes, format: format, width: Int(width), height: Int(height),
                                  timestampUs: timestamp, durationUs: durationUs)
        } catch {
            throw .invalidValue("video-frame: \(error.message)")
        }
    }

    // MARK: - audio-data

    /// Lowers `audio` to its 5 flat values, moving its buffer into the guest's table.
    public static func lowerFlat(_ audio: consuming AudioData, into state: InstanceState) throws(GuestFault) -> [UInt64] {
        let handle = try state.issueBuffer(audio.buffer)
        return [UInt64(handle), UInt64(index(of: audio.format)), UInt64(audio.sampleRate), UInt64(audio.channels),
                UInt64(bitPattern: audio.timestampUs)]
    }

    /// Lifts `audio-data` from 5 flat values, taking its buffer from the guest's table.
    public static func liftAudioData(flat values: some RandomAccessCollection<UInt64>,
                                     from state: InstanceState) throws(GuestFault) -> AudioData {
        let v = Array(values)
        guard v.count == audioDataFlatCount else { throw .invalidValue("an audio-data has 5 flat values, got \(v.count)") }
        return try makeAudioData(handle: UInt32(truncatingIfNeeded: v[0]), format: UInt32(truncatingIfNeeded: v[1]),
                                 sampleRate: UInt32(truncatingIfNeeded: v[2]), channels: UInt8(truncatingIfNeeded: v[3]),
                                 timestamp: Int64(bitPattern: v[4]), state: state)
    }

    /// Stores `audio` at `pointer` (24 bytes, aligned to 8), moving its buffer into the guest's table.
    public static func store(_ audio: consuming AudioData, at pointer: UInt32, in memory: GuestMemory,
                             state: InstanceState) throws(GuestFault) {
        try memory.requireAligned(pointer, to: audioDataAlignment)
        _ = try memory.range(at: pointer, count: audioDataSize)
        let handle = try state.issueBuffer(audio.buffer)
        try memory.store(handle, at: pointer)
        try memory.store(UInt8(index(of: audio.format)), at: pointer + 4)
        try memory.store(UInt32(audio.sampleRate), at: pointer + 8)
        try memory.store(UInt8(truncatingIfNeeded: audio.channels), at: pointer + 12)
        try memory.store(audio.timestampUs, at: pointer + 16)
    }

    /// Lifts the `audio-data` stored at `pointer`, taking its buffer from the guest's table.
    public static func liftAudioData(at pointer: UInt32, in memory: GuestMemory,
                                     state: InstanceState) throws(GuestFault) -> AudioData {
        try memory.requireAligned(pointer, to: audioDataAlignment)
        _ = try memory.range(at: pointer, count: audioDataSize)
        return try makeAudioData(handle: memory.load(UInt32.self, at: pointer),
                                 format: UInt32(memory.load(UInt8.self, at: pointer + 4)),
                                 sampleRate: memory.load(UInt32.self, at: pointer + 8),
                                 channels: memory.load(UInt8.self, at: pointer + 12),
                                 timestamp: memory.load(Int64.self, at: pointer + 16), state: state)
    }

    private static func makeAudioData(handle: UInt32, format formatIndex: UInt32, sampleRate: UInt32, channels: UInt8,
                                      timestamp: Int64, state: InstanceState) throws(GuestFault) -> AudioData {
        let format = try sampleFormat(index: formatIndex)
        let buffer = try state.takeBuffer(handle)
        do {
            return try AudioData(bytes: buffer.bytes, format: format, sampleRate: Int(sampleRate),
                                 channels: Int(channels), timestampUs: timestamp)
        } catch {
            throw .invalidValue("audio-data in media-buffer \(handle): \(error.message)")
        }
    }

    // MARK: - encoded-chunk

    /// Lowers `chunk` to its 8 flat values; its `data` is allocated in the guest
    /// with `cabi_realloc` (the guest owns it afterwards).
    public static func lowerFlat(_ chunk: EncodedChunk, into instance: any WasmInstance) throws(WasmError) -> [UInt64] {
        let data = try instance.lower(bytes: chunk.data)
        return [UInt64(data.pointer), UInt64(data.length), UInt64(bitPattern: chunk.timestampUs),
                chunk.durationUs == nil ? 0 : 1, UInt64(bitPattern: chunk.durationUs ?? 0),
                chunk.isKeyframe ? 1 : 0,
                chunk.decodeTimestampUs == nil ? 0 : 1, UInt64(bitPattern: chunk.decodeTimestampUs ?? 0)]
    }

    /// Lifts an `encoded-chunk` from 8 flat values, copying its data out of guest memory.
    public static func liftEncodedChunk(flat values: some RandomAccessCollection<UInt64>,
                                        in memory: GuestMemory) throws(GuestFault) -> EncodedChunk {
        let v = Array(values)
        guard v.count == encodedChunkFlatCount else { throw .invalidValue("an encoded-chunk has 8 flat values, got \(v.count)") }
        let data = try liftBytes(pointer: UInt32(truncatingIfNeeded: v[0]), count: UInt32(truncatingIfNeeded: v[1]), in: memory)
        return EncodedChunk(data: data, timestampUs: Int64(bitPattern: v[2]),
                            durationUs: try option(UInt32(truncatingIfNeeded: v[3]), v[4], "duration-us").map { Int64(bitPattern: $0) },
                            isKeyframe: UInt32(truncatingIfNeeded: v[5]) != 0,
                            decodeTimestampUs: try option(UInt32(truncatingIfNeeded: v[6]), v[7], "decode-timestamp-us").map { Int64(bitPattern: $0) })
    }

    /// Stores `chunk` at `pointer` (56 bytes, aligned to 8); its `data` is
    /// allocated in the guest with `cabi_realloc` first (which may move memory,
    /// so the record is written after it).
    public static func store(_ chunk: EncodedChunk, at pointer: UInt32, in instance: any WasmInstance) throws(WasmError) {
        let data = try instance.lower(bytes: chunk.data)
        guard let memory = instance.memory else { throw .guestFault(.noMemory) }
        do {
            try memory.requireAligned(pointer, to: encodedChunkAlignment)
            _ = try memory.range(at: pointer, count: encodedChunkSize)
            try memory.store(data.pointer, at: pointer)
            try memory.store(data.length, at: pointer + 4)
            try memory.store(chunk.timestampUs, at: pointer + 8)
            try storeOption(chunk.durationUs.map { UInt64(bitPattern: $0) }, at: pointer + 16, valueOffset: 8, memory: memory)
            try memory.store(UInt8(chunk.isKeyframe ? 1 : 0), at: pointer + 32)
            try storeOption(chunk.decodeTimestampUs.map { UInt64(bitPattern: $0) }, at: pointer + 40, valueOffset: 8, memory: memory)
        } catch {
            throw .guestFault(error)
        }
    }

    /// Lifts the `encoded-chunk` stored at `pointer`, copying its data out of guest memory.
    public static func liftEncodedChunk(at pointer: UInt32, in memory: GuestMemory) throws(GuestFault) -> EncodedChunk {
        try memory.requireAligned(pointer, to: encodedChunkAlignment)
        _ = try memory.range(at: pointer, count: encodedChunkSize)
        let data = try liftBytes(pointer: memory.load(UInt32.self, at: pointer), count: memory.load(UInt32.self, at: pointer + 4), in: memory)
        let duration = try option(UInt32(memory.load(UInt8.self, at: pointer + 16)), memory.load(UInt64.self, at: pointer + 24), "duration-us")
        let decode = try option(UInt32(memory.load(UInt8.self, at: pointer + 40)), memory.load(UInt64.self, at: pointer + 48), "decode-timestamp-us")
        return EncodedChunk(data: data, timestampUs: try memory.load(Int64.self, at: pointer + 8),
                            durationUs: duration.map { Int64(bitPattern: $0) },
                            isKeyframe: try memory.load(UInt8.self, at: pointer + 32) != 0,
                            decodeTimestampUs: decode.map { Int64(bitPattern: $0) })
    }

    // MARK: - Pieces

    /// Copies a `list<u8>` out of guest memory, checking its length (at most 2^28 - 1) and range.
    public static func liftBytes(pointer: UInt32, count: UInt32, in memory: GuestMemory) throws(GuestFault) -> [UInt8] {
        guard UInt64(count) <= TypesHost.maxListLength else {
            throw .invalidValue("a list of \(count) bytes is longer than the longest list (\(TypesHost.maxListLength))")
        }
        return try memory.read(at: pointer, count: count)
    }

    /// The value of an `option<T>` from its case and payload; a case above 1 traps.
    static func option(_ caseIndex: UInt32, _ payload: UInt64, _ field: String) throws(GuestFault) -> UInt64? {
        switch caseIndex {
        case 0: nil
        case 1: payload
        default: throw .invalidValue("\(field): option case \(caseIndex) does not exist (0 or 1)")
        }
    }

    /// Stores an `option<u64/s64>`: the case byte at `pointer`, the value at `pointer + valueOffset`.
    static func storeOption(_ value: UInt64?, at pointer: UInt32, valueOffset: UInt32, memory: GuestMemory) throws(GuestFault) {
        try memory.store(UInt8(value == nil ? 0 : 1), at: pointer)
        try memory.store(value ?? 0, at: pointer + valueOffset)
    }
}

extension HostCall {
    /// The raw slots of `count` parameters from `index` on, for the `lift...(flat:)` functions.
    public func flat(from index: Int, count: Int) -> [UInt64] {
        Array(parameters[index..<(index + count)])
    }
}
