internal import MediaCore
internal import MediaFFmpeg

/// The host side of `wasi:media/codec` over MediaFFmpeg's encoders and
/// decoders.
///
/// The support queries answer what really opens here: encoder queries are
/// ``CodecCatalog``'s (each candidate is opened with the configuration,
/// hardware first), decoder queries open a decoder with the configuration.
/// Constructors trap, naming the configuration, when it does not open;
/// every other failure is a `media-error`. Sessions are poll-shaped: the
/// FFmpeg codecs run inside `encode`/`decode`, and `get-*` hands over what
/// is ready.
///
/// Every codec counts against the instance's ``HostBudget``: its estimated
/// working memory is charged before it opens (a constructor traps when it
/// does not fit, a support query answers unsupported), it holds one of the
/// live-codec slots and runs at most ``HostBudget/codecThreads`` threads,
/// and its output queue is charged as it fills: `encode`, `decode` and
/// `flush` return `out-of-bounds` instead of growing it past the budget.
public enum CodecHost {
    public static let interface = "codec"

    enum VideoEncoders: InstanceStateKey {
        static func makeValue() -> HandleTable<VideoEncoderSession> { HandleTable(resourceName: "video-encoder") }
    }
    enum VideoDecoders: InstanceStateKey {
        static func makeValue() -> HandleTable<VideoDecoderSession> { HandleTable(resourceName: "video-decoder") }
    }
    enum AudioEncoders: InstanceStateKey {
        static func makeValue() -> HandleTable<AudioEncoderSession> { HandleTable(resourceName: "audio-encoder") }
    }
    enum AudioDecoders: InstanceStateKey {
        static func makeValue() -> HandleTable<AudioDecoderSession> { HandleTable(resourceName: "audio-decoder") }
    }

    /// The `wasi:media/codec@0.1.0-draft` host module.
    public static func module() -> HostModule {
        var module = HostModule(AppABI.module(interface))
        defineQueries(&module)
        defineVideoEncoder(&module)
        defineVideoDecoder(&module)
        defineAudioEncoder(&module)
        defineAudioDecoder(&module)
        return module
    }

    static func i32s(_ count: Int, results: [WasmValueType] = []) -> WasmSignature {
        WasmSignature(Array(repeating: .i32, count: count), results)
    }

    // MARK: - Configurations

    /// Lifts a `video-encoder-config` from 11 flat parameters starting at `first`.
    static func videoEncoderConfig(_ call: borrowing HostCall, from first: Int) throws(GuestFault) -> VideoEncoderConfig {
        let codec = VideoCodec.allCases[try AppABI.enumCase(call.u32(first), count: VideoCodec.allCases.count, what: "video-codec-type")]
        let sourceWidth = try AppABI.isSome(call.u32(first + 5), what: "source-width") ? Int(call.u32(first + 6)) : nil
        let sourceHeight = try AppABI.isSome(call.u32(first + 7), what: "source-height") ? Int(call.u32(first + 8)) : nil
        let keyframes = try AppABI.isSome(call.u32(first + 9), what: "keyframe-interval") ? Int(call.u32(first + 10)) : nil
        let bitrate = Int(call.u32(first + 3))
        return VideoEncoderConfig(codec: codec, width: Int(call.u32(first + 1)), height: Int(call.u32(first + 2)),
                                  bitrate: bitrate == 0 ? nil : bitrate, framerate: Int(call.u32(first + 4)),
                                  sourceWidth: sourceWidth, sourceHeight: sourceHeight, keyframeInterval: keyframes)
    }

    /// Lifts an `audio-encoder-config` from 4 flat parameters starting at `first`.
    static func audioEncoderConfig(_ call: borrowing HostCall, from first: Int) throws(GuestFault) -> AudioEncoderConfig {
        let codec = AudioCodec.allCases[try AppABI.enumCase(call.u32(first), count: AudioCodec.allCases.count, what: "audio-codec-type")]
        let bitrate = Int(call.u32(first + 3))
        return AudioEncoderConfig(codec: codec, sampleRate: Int(call.u32(first + 1)), channels: Int(call.u32(first + 2) & 0xFF),
                                  bitrate: bitrate == 0 ? nil : bitrate)
    }

    static func describe(_ config: VideoEncoderConfig) -> String {
        "\(config.codec.rawValue) \(config.width)x\(config.height) at \(config.framerate) fps"
    }

    static func describe(_ config: AudioEncoderConfig) -> String {
        "\(config.codec.rawValue) \(config.sampleRate) Hz \(config.channels) ch"
    }

    /// Whether a configuration is one a codec could take at all (checked before FFmpeg sees it).
    static func plausible(_ config: VideoEncoderConfig) -> Bool {
        (1...VideoFrame.maxDimension).contains(config.width) && (1...VideoFrame.maxDimension).contains(config.height)
            && (1...1000).contains(config.framerate)
            && (config.sourceWidth.map { (1...VideoFrame.maxDimension).contains($0) } ?? true)
            && (config.sourceHeight.map { (1...VideoFrame.maxDimension).contains($0) } ?? true)
    }

    static func plausible(_ config: AudioEncoderConfig) -> Bool {
        (1...768_000).contains(config.sampleRate) && config.channels > 0
    }

    // MARK: - Support queries

    /// Writes an `encoder-support-result` (2 bytes: supported, implementation).
    static func storeSupport(_ instance: any WasmInstance, _ support: EncoderSupport, area: UInt32) throws(GuestFault) {
        let memory = try AppABI.memory(instance)
        try memory.store(UInt8(support.supported ? 1 : 0), at: area)
        try memory.store(UInt8(support.implementation == .hardware ? 0 : 1), at: area + 1)
    }

    static let unsupported = EncoderSupport(supported: false, implementation: .software, implementationName: nil)

    /// What opening a video decoder for `config` gives.
    static func videoDecoderSupport(_ config: GuestVideoDecoderConfig) -> EncoderSupport {
        guard (try? MediaFFmpeg.VideoDecoder(parameters: config.parameters, outputFormat: config.outputFormat, threadCount: threads)) != nil else {
            return unsupported
        }
        return CodecCatalog.decoderSupport(codecName: config.codec.rawValue)
    }

    /// What opening an audio decoder for `config` gives.
    static func audioDecoderSupport(_ config: GuestAudioDecoderConfig) -> EncoderSupport {
        guard config.sampleRate > 0, config.channels > 0,
              (try? MediaFFmpeg.AudioDecoder(parameters: config.parameters, threadCount: threads)) != nil else { return unsupported }
        return CodecCatalog.decoderSupport(codecName: config.codec.rawValue)
    }

    static func defineQueries(_ module: inout HostModule) {
        module.define("query-video-encoder-support", i32s(12)) { call in
            let area = try AppABI.returnArea(call.instance, call.u32(11), size: 2, alignment: 1)
            let config = try videoEncoderConfig(call, from: 0)
            // An encoder this guest could not afford is not opened to answer, and not supported for it.
            let affordable = plausible(config) && HostCosts.videoEncoder(config, threads: threads) <= call.instance.hostBudget.room
            let support = affordable ? CodecCatalog.queryVideoEncoderSupport(config, threadCount: threads) : unsupported
            try storeSupport(call.instance, support, area: area)
        }
        module.define("query-audio-encoder-support", i32s(5)) { call in
            let area = try AppABI.returnArea(call.instance, call.u32(4), size: 2, alignment: 1)
            let config = try audioEncoderConfig(call, from: 0)
            let affordable = plausible(config) && HostCosts.audioEncoder <= call.instance.hostBudget.room
            let support = affordable ? CodecCatalog.queryAudioEncoderSupport(config, threadCount: threads) : unsupported
            try storeSupport(call.instance, support, area: area)
        }
        module.define("query-video-decoder-support", i32s(11)) { call in
            let area = try AppABI.returnArea(call.instance, call.u32(10), size: 2, alignment: 1)
            let config = try AppABI.videoDecoderConfig(call, from: 0)
            try storeSupport(call.instance, videoDecoderSupport(config), area: area)
        }
        module.define("query-audio-decoder-support", i32s(7)) { call in
            let area = try AppABI.returnArea(call.instance, call.u32(6), size: 2, alignment: 1)
            let config = try AppABI.audioDecoderConfig(call, from: 0)
            try storeSupport(call.instance, audioDecoderSupport(config), area: area)
        }
    }

    // MARK: - Shared method shapes

    /// `(self, retptr)` returning `result<_, media-error>` (`flush`): runs
    /// `body` on the session's codec as one step of its queue.
    static func defineResultMethod<C>(_ module: inout HostModule, _ field: String,
                                      _ table: @escaping @Sendable (InstanceState) -> HandleTable<Session<C>>,
                                      _ body: @escaping @Sendable (C) throws -> Void) {
        module.define(field, i32s(2)) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(1), size: 16, alignment: 4)
            let session = try table(call.state).borrow(call.u32(0))
            let operation = call.name.field
            try AppABI.respond(instance, area: area) {
                try session.grow(by: operation, body)
                try AppABI.storeOk(instance, area: area)
            }
        }
    }

    /// `(self, retptr)` returning `result<list<encoded-chunk>, media-error>`:
    /// hands over the session's queue (`take`), releasing its charge.
    static func defineChunkGetter<C>(_ module: inout HostModule, _ field: String,
                                     _ table: @escaping @Sendable (InstanceState) -> HandleTable<Session<C>>,
                                     _ take: @escaping @Sendable (C) -> [EncodedChunk]) {
        module.define(field, i32s(2)) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(1), size: 16, alignment: 4)
            let session = try table(call.state).borrow(call.u32(0))
            try AppABI.storeChunkList(instance, session.drain(take), area: area)
        }
    }

    /// `[method]<decoder>.decode(chunk) -> result<_, media-error>` on the session `table` holds;
    /// refused (`out-of-bounds`) when the decoded queue has no room for one more step.
    static func defineDecode<C>(_ module: inout HostModule, _ field: String, _ table: @escaping @Sendable (InstanceState) -> HandleTable<Session<C>>,
                                _ decode: @escaping @Sendable (C, EncodedChunk) throws -> Void) {
        module.define(field, WasmSignature([.i32, .i32, .i32, .i64, .i32, .i64, .i32, .i32, .i64, .i32])) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(9), size: 16, alignment: 4)
            let session = try table(call.state).borrow(call.u32(0))
            let chunk = try AppABI.encodedChunk(call, from: 1)
            let operation = call.name.field
            try AppABI.respond(instance, area: area) {
                try session.grow(by: operation, input: chunk.data.count) { try decode($0, chunk) }
                try AppABI.storeOk(instance, area: area)
            }
        }
    }

    /// A method returning `result<list<record>, media-error>` that is always ok: `lower` puts
    /// the records `take` hands over into guest memory and gives the list's pointer and count.
    static func defineListGetter<C, T>(_ module: inout HostModule, _ field: String,
                                       _ table: @escaping @Sendable (InstanceState) -> HandleTable<Session<C>>,
                                       take: @escaping @Sendable (C) -> [T],
                                       lower: @escaping @Sendable (any WasmInstance, [T]) throws -> (pointer: UInt32, count: UInt32)) {
        module.define(field, i32s(2)) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(1), size: 16, alignment: 4)
            let session = try table(call.state).borrow(call.u32(0))
            let list = try lower(instance, session.drain(take))
            let memory = try AppABI.memory(instance)
            try memory.store(UInt8(0), at: area)
            try memory.store(list.pointer, at: area + 4)
            try memory.store(list.count, at: area + 8)
        }
    }

    /// `[resource-drop]<resource>`: removes the handle from `table`.
    static func defineDrop<R>(_ module: inout HostModule, _ field: String, _ table: @escaping @Sendable (InstanceState) -> HandleTable<R>) {
        module.define(field, i32s(1)) { call in
            try table(call.state).drop(call.u32(0))
        }
    }

    // MARK: - video-encoder

    static func defineVideoEncoder(_ module: inout HostModule) {
        module.define("[constructor]video-encoder", i32s(11, results: [.i32])) { call in
            let config = try videoEncoderConfig(call, from: 0)
            guard plausible(config) else { throw HostRefusal("\(describe(config)) is not supported here") }
            // Charged before anything opens, the support query included.
            let working = try chargeVideoEncoder(config, call: call)
            guard CodecCatalog.queryVideoEncoderSupport(config, threadCount: threads).supported else {
                throw HostRefusal("\(describe(config)) is not supported here")
            }
            let encoder: MediaFFmpeg.VideoEncoder
            do { encoder = try MediaFFmpeg.VideoEncoder(config: config, threadCount: threads) } catch {
                throw HostRefusal("\(describe(config)) does not open: \(error)")
            }
            let session = videoEncoderSession(encoder, working: working, budget: call.instance.hostBudget)
            call.setResult(try call.state[VideoEncoders.self].insert(session))
        }
        module.define("[method]video-encoder.encode", WasmSignature([.i32, .i32, .i32, .i32, .i32, .i64, .i32, .i64, .i32, .i32])) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(9), size: 16, alignment: 4)
            let session = try call.state[VideoEncoders.self].borrow(call.u32(0))
            let force = call.u32(8) != 0
            let frame = try AppFrames.takeVideoFrame(call, from: 1)
            let operation = call.name.field
            try AppABI.respond(instance, area: area) {
                try session.grow(by: operation, input: frame.buffer.size) { try $0.encode(frame, forceKeyframe: force) }
                try AppABI.storeOk(instance, area: area)
            }
        }
        defineChunkGetter(&module, "[method]video-encoder.get-encoded-chunks", { $0[VideoEncoders.self] }) { $0.takeEncodedChunks() }
        defineResultMethod(&module, "[method]video-encoder.flush", { $0[VideoEncoders.self] }) { try $0.flush() }
        module.define("[method]video-encoder.decoder-config", i32s(2)) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(1), size: 40, alignment: 4)
            let encoder = try call.state[VideoEncoders.self].borrow(call.u32(0)).codec
            let config = GuestVideoDecoderConfig(encoder.parameters)
            let description = try config?.description.map { try AppABI.lowerBytes(instance, $0) }
            try AppABI.memory(instance).store(UInt8(config == nil ? 0 : 1), at: area)
            if let config { try AppABI.storeVideoDecoderConfig(instance, config, description: description, at: area + 4) }
        }
        defineDrop(&module, "[resource-drop]video-encoder", { $0[VideoEncoders.self] })
    }

    // MARK: - video-decoder

    static func defineVideoDecoder(_ module: inout HostModule) {
        module.define("[constructor]video-decoder", i32s(10, results: [.i32])) { call in
            let config = try AppABI.videoDecoderConfig(call, from: 0)
            let session = try openVideoDecoder(config, call: call)
            call.setResult(try call.state[VideoDecoders.self].insert(session))
        }
        defineDecode(&module, "[method]video-decoder.decode", { $0[VideoDecoders.self] }) { try $0.decode($1) }
        defineListGetter(&module, "[method]video-decoder.get-decoded-frames", { $0[VideoDecoders.self] },
                         take: { $0.takeDecodedFrames() }, lower: AppFrames.lowerVideoFrames)
        defineResultMethod(&module, "[method]video-decoder.flush", { $0[VideoDecoders.self] }) { try $0.flush() }
        module.define("[method]video-decoder.reset", i32s(1)) { call in
            let session = try call.state[VideoDecoders.self].borrow(call.u32(0))
            session.drain { $0.reset() }
        }
        defineDrop(&module, "[resource-drop]video-decoder", { $0[VideoDecoders.self] })
    }

    // MARK: - audio-encoder

    static func defineAudioEncoder(_ module: inout HostModule) {
        module.define("[constructor]audio-encoder", i32s(4, results: [.i32])) { call in
            let config = try audioEncoderConfig(call, from: 0)
            guard plausible(config) else { throw HostRefusal("\(describe(config)) is not supported here") }
            let budget = call.instance.hostBudget
            let working = try budget.charge(HostCosts.audioEncoder, for: "an encoder for \(config.codec.rawValue)", by: call.name.field,
                                            owner: .codec, advice: "drop a codec first")
            guard CodecCatalog.queryAudioEncoderSupport(config, threadCount: threads).supported else {
                throw HostRefusal("\(describe(config)) is not supported here")
            }
            let encoder: MediaFFmpeg.AudioEncoder
            do { encoder = try MediaFFmpeg.AudioEncoder(config: config, threadCount: threads) } catch {
                throw HostRefusal("\(describe(config)) does not open: \(error)")
            }
            call.setResult(try call.state[AudioEncoders.self].insert(audioEncoderSession(encoder, working: working, budget: budget)))
        }
        module.define("[method]audio-encoder.encode", WasmSignature([.i32, .i32, .i32, .i32, .i32, .i64, .i32])) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(6), size: 16, alignment: 4)
            let session = try call.state[AudioEncoders.self].borrow(call.u32(0))
            let audio = try AppFrames.takeAudioData(call, from: 1)
            let operation = call.name.field
            try AppABI.respond(instance, area: area) {
                try session.grow(by: operation, bytes: audioEncodeBytes(audio, session), input: audio.buffer.size) { try $0.encode(audio) }
                try AppABI.storeOk(instance, area: area)
            }
        }
        defineChunkGetter(&module, "[method]audio-encoder.get-encoded-chunks", { $0[AudioEncoders.self] }) { $0.takeEncodedChunks() }
        defineResultMethod(&module, "[method]audio-encoder.flush", { $0[AudioEncoders.self] }) { try $0.flush() }
        module.define("[method]audio-encoder.decoder-config", i32s(2)) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(1), size: 28, alignment: 4)
            let encoder = try call.state[AudioEncoders.self].borrow(call.u32(0)).codec
            let config = GuestAudioDecoderConfig(encoder.parameters)
            let description = try config?.description.map { try AppABI.lowerBytes(instance, $0) }
            try AppABI.memory(instance).store(UInt8(config == nil ? 0 : 1), at: area)
            if let config { try AppABI.storeAudioDecoderConfig(instance, config, description: description, at: area + 4) }
        }
        defineDrop(&module, "[resource-drop]audio-encoder", { $0[AudioEncoders.self] })
    }

    // MARK: - audio-decoder

    static func defineAudioDecoder(_ module: inout HostModule) {
        module.define("[constructor]audio-decoder", i32s(6, results: [.i32])) { call in
            let config = try AppABI.audioDecoderConfig(call, from: 0)
            let session = try openAudioDecoder(config, call: call)
            call.setResult(try call.state[AudioDecoders.self].insert(session))
        }
        defineDecode(&module, "[method]audio-decoder.decode", { $0[AudioDecoders.self] }) { try $0.decode($1) }
        defineListGetter(&module, "[method]audio-decoder.get-decoded-audio", { $0[AudioDecoders.self] },
                         take: { $0.takeDecodedAudio() }, lower: AppFrames.lowerAudioData)
        defineResultMethod(&module, "[method]audio-decoder.flush", { $0[AudioDecoders.self] }) { try $0.flush() }
        module.define("[method]audio-decoder.reset", i32s(1)) { call in
            let session = try call.state[AudioDecoders.self].borrow(call.u32(0))
            session.drain { $0.reset() }
        }
        defineDrop(&module, "[resource-drop]audio-decoder", { $0[AudioDecoders.self] })
    }
}

/// A host function refusing to go on, for a reason of the host's (a
/// constructor whose resource cannot be built): traps the guest with the
/// message, and the trap report names the import.
struct HostRefusal: Error, Sendable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
