internal import CFFmpeg
public import MediaCore
#if canImport(Glibc)
internal import Glibc
#endif


/// One FFmpeg implementation of a WIT codec.
struct CodecCandidate: Sendable, Hashable {
    /// FFmpeg's encoder or decoder name (`libx264`, `h264_nvenc`).
    var name: String
    var implementation: CodecImplementation
}

/// The FFmpeg implementations behind each WIT codec, and the support queries.
///
/// Hardware encoders compiled into FFmpeg are only candidates: a query opens
/// each one with the caller's configuration, and one whose device is missing
/// fails to open and is reported as not usable. VA-API encoders are not
/// candidates (they need frames uploaded to a VA surface, which the encoder
/// does not do yet).
public enum CodecCatalog {
    static func encoderCandidates(_ codec: VideoCodec) -> [CodecCandidate] {
        func hw(_ name: String) -> CodecCandidate { CodecCandidate(name: name, implementation: .hardware) }
        func sw(_ name: String) -> CodecCandidate { CodecCandidate(name: name, implementation: .software) }
        switch codec {
        case .h264: return [hw("h264_nvenc"), hw("h264_qsv"), hw("h264_v4l2m2m"), sw("libx264")]
        case .hevc: return [hw("hevc_nvenc"), hw("hevc_qsv"), hw("hevc_v4l2m2m"), sw("libx265")]
        case .av1: return [hw("av1_nvenc"), hw("av1_qsv"), sw("libsvtav1"), sw("libaom-av1")]
        case .vp9: return [hw("vp9_qsv"), sw("libvpx-vp9")]
        }
    }

    static func encoderCandidates(_ codec: AudioCodec) -> [CodecCandidate] {
        switch codec {
        case .aac: [CodecCandidate(name: "aac", implementation: .software)]
        case .opus: [CodecCandidate(name: "libopus", implementation: .software)]
        case .mp3: [CodecCandidate(name: "libmp3lame", implementation: .software)]
        case .flac: [CodecCandidate(name: "flac", implementation: .software)]
        }
    }

    /// Candidates ordered by preference, keeping only those FFmpeg was built with.
    static func ordered(_ candidates: [CodecCandidate], _ preference: HardwareAcceleration) -> [CodecCandidate] {
        let built = candidates.filter { avcodec_find_encoder_by_name($0.name) != nil }
        switch preference {
        case .noPreference, .preferHardware: return built.filter { $0.implementation == .hardware } + built.filter { $0.implementation == .software }
        case .preferSoftware: return built.filter { $0.implementation == .software } + built.filter { $0.implementation == .hardware }
        }
    }

    /// Whether an encoder for `config` opens on this host, and which kind.
    ///
    /// Opens each candidate with the configuration (hardware first) and
    /// `threadCount` (see ``VideoEncoder/init(config:threadCount:logger:)``)
    /// and reports the first that opens. Thread-safe; results are cached per
    /// configuration and thread count for the life of the process.
    public static func queryVideoEncoderSupport(_ config: VideoEncoderConfig, threadCount: Int = 0) -> EncoderSupport {
        let key = Cache.Key(config: config, threadCount: threadCount)
        if let cached = cache.withLock({ $0.video[key] }) { return cached }
        var result = EncoderSupport(supported: false, implementation: .software, implementationName: nil)
        for candidate in ordered(encoderCandidates(config.codec), config.hardwareAcceleration) {
            if let ctx = try? VideoEncoder.openContext(candidate: candidate, config: config, threadCount: threadCount) {
                // Opening is not enough for some hardware: the first frame must go in too.
                let took = sendBlankFrame(ctx)
                var p: UnsafeMutablePointer<AVCodecContext>? = ctx
                closeEncoder(&p, drained: false)
                guard took else { continue }
                result = EncoderSupport(supported: true, implementation: candidate.implementation, implementationName: candidate.name)
                break
            }
        }
        cache.withLock { $0.video[key] = result }
        return result
    }

    /// Whether an encoder for `config` opens on this host with `threadCount`
    /// (see ``AudioEncoder/init(config:threadCount:logger:)``). Thread-safe; cached.
    public static func queryAudioEncoderSupport(_ config: AudioEncoderConfig, threadCount: Int = 0) -> EncoderSupport {
        if let cached = cache.withLock({ $0.audio[config] }) { return cached }
        var result = EncoderSupport(supported: false, implementation: .software, implementationName: nil)
        for candidate in ordered(encoderCandidates(config.codec), .noPreference) {
            if let ctx = try? AudioEncoder.openContext(candidate: candidate, config: config, threadCount: threadCount) {
                var p: UnsafeMutablePointer<AVCodecContext>? = ctx
                closeEncoder(&p, drained: false)
                result = EncoderSupport(supported: true, implementation: candidate.implementation, implementationName: candidate.name)
                break
            }
        }
        cache.withLock { $0.audio[config] = result }
        return result
    }

    /// The decoder FFmpeg would use for `codecName`, and whether it is hardware.
    public static func decoderSupport(codecName: String) -> EncoderSupport {
        guard let descriptor = avcodec_descriptor_get_by_name(codecName),
              let decoder = avcodec_find_decoder(descriptor.pointee.id) else {
            return EncoderSupport(supported: false, implementation: .software, implementationName: nil)
        }
        let hardware = (wm_codec_capabilities(decoder) & wm_codec_cap_hardware()) != 0
        return EncoderSupport(supported: true, implementation: hardware ? .hardware : .software,
                              implementationName: String(cString: decoder.pointee.name))
    }

    private struct Cache {
        struct Key: Hashable {
            var config: VideoEncoderConfig
            var threadCount: Int
        }
        var video: [Key: EncoderSupport] = [:]
        var audio: [AudioEncoderConfig: EncoderSupport] = [:]
    }
    private static let cache = Locked(Cache())
}

/// A value guarded by a pthread mutex.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private var mutex = pthread_mutex_t()

    init(_ value: Value) {
        self.value = value
        pthread_mutex_init(&mutex, nil)
    }
    deinit { pthread_mutex_destroy(&mutex) }

    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body(&value)
    }
}

/// Quiets libav*'s own logging unless `WASI_MEDIA_LIBAV_LOG` names a level
/// (`error`, `warning`, `info`, `debug`): failures reach callers as ``MediaError``.
enum LibavSetup {
    static let once: Void = {
        let level: Int32
        switch getenv("WASI_MEDIA_LIBAV_LOG").map({ String(cString: $0) }) {
        case "error": level = AV_LOG_ERROR
        case "warning": level = AV_LOG_WARNING
        case "info": level = AV_LOG_INFO
        case "debug": level = AV_LOG_DEBUG
        default: level = AV_LOG_QUIET
        }
        av_log_set_level(level)
        // SVT-AV1 logs on its own; keep it to errors unless the user set it.
        setenv("SVT_LOG", "1", 0)
        avdevice_register_all()
    }()
}
