internal import MediaCore

/// `video-decoder-config` of `wasi:media/codec`, as the host reads and writes it.
struct GuestVideoDecoderConfig: Sendable, Hashable {
    var codec: VideoCodec
    var description: [UInt8]?
    var codedWidth: UInt32?
    var codedHeight: UInt32?
    var outputFormat: PixelFormat?

    /// The FFmpeg-side parameters a decoder or muxer opens with.
    var parameters: CodecParameters {
        CodecParameters(kind: .video, codecName: codec.rawValue, extradata: description ?? [],
                        width: Int(codedWidth ?? 0), height: Int(codedHeight ?? 0))
    }

    /// The configuration describing `parameters`, or nil when its codec is no `video-codec-type`.
    init?(_ parameters: CodecParameters) {
        guard let codec = parameters.videoCodec else { return nil }
        self.codec = codec
        description = parameters.extradata.isEmpty ? nil : parameters.extradata
        codedWidth = parameters.width > 0 ? UInt32(clamping: parameters.width) : nil
        codedHeight = parameters.height > 0 ? UInt32(clamping: parameters.height) : nil
        outputFormat = nil
    }

    init(codec: VideoCodec, description: [UInt8]?, codedWidth: UInt32?, codedHeight: UInt32?, outputFormat: PixelFormat?) {
        self.codec = codec
        self.description = description
        self.codedWidth = codedWidth
        self.codedHeight = codedHeight
        self.outputFormat = outputFormat
    }
}

/// `audio-decoder-config` of `wasi:media/codec`, as the host reads and writes it.
struct GuestAudioDecoderConfig: Sendable, Hashable {
    var codec: AudioCodec
    var sampleRate: UInt32
    var channels: UInt8
    var description: [UInt8]?

    var parameters: CodecParameters {
        CodecParameters(kind: .audio, codecName: codec.rawValue, extradata: description ?? [],
                        sampleRate: Int(sampleRate), channels: Int(channels), frameSize: Self.frameSize(codec))
    }

    init?(_ parameters: CodecParameters) {
        guard let codec = parameters.audioCodec else { return nil }
        self.codec = codec
        sampleRate = UInt32(clamping: parameters.sampleRate)
        channels = UInt8(clamping: parameters.channels)
        description = parameters.extradata.isEmpty ? nil : parameters.extradata
    }

    init(codec: AudioCodec, sampleRate: UInt32, channels: UInt8, description: [UInt8]?) {
        self.codec = codec
        self.sampleRate = sampleRate
        self.channels = channels
        self.description = description
    }

    /// Samples per packet of the codec's usual encoder (0 when it varies).
    static func frameSize(_ codec: AudioCodec) -> Int {
        switch codec {
        case .aac: 1024
        case .opus: 960
        case .mp3: 1152
        case .flac: 0
        }
    }
}

/// `track-info` of `wasi:media/container`.
struct GuestTrackInfo: Sendable, Hashable {
    var id: UInt32
    var codec: String
    var isVideo: Bool
    var videoConfig: GuestVideoDecoderConfig?
    var audioConfig: GuestAudioDecoderConfig?
    var durationUs: UInt64?
}

extension AppABI {
    // MARK: - encoded-chunk (through the types host's MediaRecords)

    /// Lifts an `encoded-chunk` from 8 flat parameters starting at `first`.
    static func encodedChunk(_ call: borrowing HostCall, from first: Int) throws(GuestFault) -> EncodedChunk {
        try MediaRecords.liftEncodedChunk(flat: call.flat(from: first, count: MediaRecords.encodedChunkFlatCount),
                                          in: try memory(call.instance))
    }

    /// Lowers `chunks` as a `list<encoded-chunk>` the guest owns: the array,
    /// then each chunk's data.
    static func lowerEncodedChunks(_ instance: any WasmInstance, _ chunks: [EncodedChunk]) throws -> (pointer: UInt32, count: UInt32) {
        let size = Int(MediaRecords.encodedChunkSize)
        let list = try allocateList(instance, count: chunks.count, size: size, alignment: MediaRecords.encodedChunkAlignment)
        for (index, chunk) in chunks.enumerated() {
            try MediaRecords.store(chunk, at: list + UInt32(index * size), in: instance)
        }
        return (list, UInt32(chunks.count))
    }

    /// Stores `result<list<encoded-chunk>, media-error>`'s `ok` at `area`.
    static func storeChunkList(_ instance: any WasmInstance, _ chunks: [EncodedChunk], area: UInt32) throws {
        let list = try lowerEncodedChunks(instance, chunks)
        let memory = try memory(instance)
        try memory.store(UInt8(0), at: area)
        try memory.store(list.pointer, at: area + 4)
        try memory.store(list.count, at: area + 8)
    }

    // MARK: - Decoder configurations

    /// Lifts a `video-decoder-config` from 10 flat parameters starting at `first`.
    static func videoDecoderConfig(_ call: borrowing HostCall, from first: Int) throws(GuestFault) -> GuestVideoDecoderConfig {
        let codec = VideoCodec.allCases[try enumCase(call.u32(first), count: VideoCodec.allCases.count, what: "video-codec-type")]
        let description = try isSome(call.u32(first + 1), what: "description")
            ? try bytes(call.instance, call.u32(first + 2), call.u32(first + 3), what: "description") : nil
        let width = try isSome(call.u32(first + 4), what: "coded-width") ? call.u32(first + 5) : nil
        let height = try isSome(call.u32(first + 6), what: "coded-height") ? call.u32(first + 7) : nil
        let format = try isSome(call.u32(first + 8), what: "output-format")
            ? PixelFormat.allCases[try enumCase(call.u32(first + 9), count: PixelFormat.allCases.count, what: "pixel-format")] : nil
        return GuestVideoDecoderConfig(codec: codec, description: description, codedWidth: width, codedHeight: height,
                                       outputFormat: format)
    }

    /// Lifts an `audio-decoder-config` from 6 flat parameters starting at `first`.
    static func audioDecoderConfig(_ call: borrowing HostCall, from first: Int) throws(GuestFault) -> GuestAudioDecoderConfig {
        let codec = AudioCodec.allCases[try enumCase(call.u32(first), count: AudioCodec.allCases.count, what: "audio-codec-type")]
        let description = try isSome(call.u32(first + 3), what: "description")
            ? try bytes(call.instance, call.u32(first + 4), call.u32(first + 5), what: "description") : nil
        return GuestAudioDecoderConfig(codec: codec, sampleRate: call.u32(first + 1), channels: UInt8(truncatingIfNeeded: call.u32(first + 2)),
                                       description: description)
    }

    /// Reads a `video-decoder-config` stored at `base` (36 bytes, aligned to 4).
    static func loadVideoDecoderConfig(_ instance: any WasmInstance, at base: UInt32) throws(GuestFault) -> GuestVideoDecoderConfig {
        let memory = try memory(instance)
        let codec = VideoCodec.allCases[try enumCase(UInt32(try memory.load(UInt8.self, at: base)), count: VideoCodec.allCases.count,
                                                     what: "video-codec-type")]
        let description = try isSome(UInt32(try memory.load(UInt8.self, at: base + 4)), what: "description")
            ? try bytes(instance, try memory.load(UInt32.self, at: base + 8), try memory.load(UInt32.self, at: base + 12), what: "description")
            : nil
        let width = try isSome(UInt32(try memory.load(UInt8.self, at: base + 16)), what: "coded-width")
            ? try memory.load(UInt32.self, at: base + 20) : nil
        let height = try isSome(UInt32(try memory.load(UInt8.self, at: base + 24)), what: "coded-height")
            ? try memory.load(UInt32.self, at: base + 28) : nil
        let format = try isSome(UInt32(try memory.load(UInt8.self, at: base + 32)), what: "output-format")
            ? PixelFormat.allCases[try enumCase(UInt32(try memory.load(UInt8.self, at: base + 33)), count: PixelFormat.allCases.count,
                                                what: "pixel-format")]
            : nil
        return GuestVideoDecoderConfig(codec: codec, description: description, codedWidth: width, codedHeight: height,
                                       outputFormat: format)
    }

    /// Reads an `audio-decoder-config` stored at `base` (24 bytes, aligned to 4).
    static func loadAudioDecoderConfig(_ instance: any WasmInstance, at base: UInt32) throws(GuestFault) -> GuestAudioDecoderConfig {
        let memory = try memory(instance)
        let codec = AudioCodec.allCases[try enumCase(UInt32(try memory.load(UInt8.self, at: base)), count: AudioCodec.allCases.count,
                                                     what: "audio-codec-type")]
        let description = try isSome(UInt32(try memory.load(UInt8.self, at: base + 12)), what: "description")
            ? try bytes(instance, try memory.load(UInt32.self, at: base + 16), try memory.load(UInt32.self, at: base + 20), what: "description")
            : nil
        return GuestAudioDecoderConfig(codec: codec, sampleRate: try memory.load(UInt32.self, at: base + 4),
                                       channels: try memory.load(UInt8.self, at: base + 8), description: description)
    }

    /// Stores a `video-decoder-config` at `base`; `description` is the
    /// already-lowered list, if the configuration has one.
    static func storeVideoDecoderConfig(_ instance: any WasmInstance, _ config: GuestVideoDecoderConfig,
                                        description: (pointer: UInt32, length: UInt32)?, at base: UInt32) throws(GuestFault) {
        let memory = try memory(instance)
        try memory.store(UInt8(VideoCodec.allCases.firstIndex(of: config.codec)!), at: base)
        try memory.store(UInt8(description == nil ? 0 : 1), at: base + 4)
        try memory.store(description?.pointer ?? 0, at: base + 8)
        try memory.store(description?.length ?? 0, at: base + 12)
        try storeOption(instance, config.codedWidth, at: base + 16, payloadOffset: 4)
        try storeOption(instance, config.codedHeight, at: base + 24, payloadOffset: 4)
        try storeOption(instance, config.outputFormat.map { UInt8(PixelFormat.allCases.firstIndex(of: $0)!) }, at: base + 32,
                        payloadOffset: 1)
    }

    /// Stores an `audio-decoder-config` at `base`.
    static func storeAudioDecoderConfig(_ instance: any WasmInstance, _ config: GuestAudioDecoderConfig,
                                        description: (pointer: UInt32, length: UInt32)?, at base: UInt32) throws(GuestFault) {
        let memory = try memory(instance)
        try memory.store(UInt8(AudioCodec.allCases.firstIndex(of: config.codec)!), at: base)
        try memory.store(config.sampleRate, at: base + 4)
        try memory.store(config.channels, at: base + 8)
        try memory.store(UInt8(description == nil ? 0 : 1), at: base + 12)
        try memory.store(description?.pointer ?? 0, at: base + 16)
        try memory.store(description?.length ?? 0, at: base + 20)
    }

    // MARK: - track-info

    static let trackInfoSize = 104, trackInfoAlignment: UInt32 = 8

    /// Reads a `track-info` stored at `base` (104 bytes, aligned to 8).
    static func loadTrackInfo(_ instance: any WasmInstance, at base: UInt32) throws(GuestFault) -> GuestTrackInfo {
        let memory = try memory(instance)
        let codec = try string(instance, try memory.load(UInt32.self, at: base + 4), try memory.load(UInt32.self, at: base + 8),
                               what: "track-info codec")
        let video = try isSome(UInt32(try memory.load(UInt8.self, at: base + 16)), what: "video-config")
            ? try loadVideoDecoderConfig(instance, at: base + 20) : nil
        let audio = try isSome(UInt32(try memory.load(UInt8.self, at: base + 56)), what: "audio-config")
            ? try loadAudioDecoderConfig(instance, at: base + 60) : nil
        let duration = try isSome(UInt32(try memory.load(UInt8.self, at: base + 88)), what: "duration-us")
            ? try memory.load(UInt64.self, at: base + 96) : nil
        return GuestTrackInfo(id: try memory.load(UInt32.self, at: base), codec: codec,
                              isVideo: try memory.load(UInt8.self, at: base + 12) != 0,
                              videoConfig: video, audioConfig: audio, durationUs: duration)
    }

    /// Lowers `tracks` as a `list<track-info>` the guest owns.
    static func lowerTrackInfos(_ instance: any WasmInstance, _ tracks: [GuestTrackInfo]) throws -> (pointer: UInt32, count: UInt32) {
        var strings: [(pointer: UInt32, length: UInt32)] = []
        var descriptions: [(pointer: UInt32, length: UInt32)?] = []
        for track in tracks {
            strings.append(try instance.lower(string: track.codec))
            let description = track.videoConfig?.description ?? track.audioConfig?.description
            descriptions.append(try description.map { try lowerBytes(instance, $0) })
        }
        let list = try allocateList(instance, count: tracks.count, size: trackInfoSize, alignment: trackInfoAlignment)
        let memory = try memory(instance)
        for (index, track) in tracks.enumerated() {
            let base = list + UInt32(index * trackInfoSize)
            try memory.store(track.id, at: base)
            try memory.store(strings[index].pointer, at: base + 4)
            try memory.store(strings[index].length, at: base + 8)
            try memory.store(UInt8(track.isVideo ? 1 : 0), at: base + 12)
            try memory.store(UInt8(track.videoConfig == nil ? 0 : 1), at: base + 16)
            if let config = track.videoConfig {
                try storeVideoDecoderConfig(instance, config, description: descriptions[index], at: base + 20)
            }
            try memory.store(UInt8(track.audioConfig == nil ? 0 : 1), at: base + 56)
            if let config = track.audioConfig {
                try storeAudioDecoderConfig(instance, config, description: descriptions[index], at: base + 60)
            }
            try storeOption(instance, track.durationUs, at: base + 88, payloadOffset: 8)
        }
        return (list, UInt32(tracks.count))
    }
}
