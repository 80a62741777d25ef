internal import CFFmpeg
#if canImport(Glibc)
internal import Glibc
#endif
internal import MediaCore

/// FFmpeg's text for an error code.
func avErrorText(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: Int(wm_error_max_string_size()))
    av_strerror(code, &buffer, buffer.count)
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

extension MediaError.Cause {
    /// The cause for a negative libav* return code.
    static func libav(_ code: Int32) -> MediaError.Cause {
        MediaError.Cause(library: "libav", code: code, message: avErrorText(code))
    }
}

extension MediaError {
    /// An error for a failed libav* call, classified by its code.
    static func libav(_ ret: Int32, operation: String, message: String? = nil, codec: String? = nil,
                      container: String? = nil, file: String? = nil, track: Int? = nil) -> MediaError {
        let code: MediaError.Code
        switch ret {
        case wm_averror(ENOENT), AVERROR_PROTOCOL_NOT_FOUND_value: code = .notFound
        case wm_averror(EINVAL): code = .invalidArgument
        case AVERROR_INVALIDDATA_value, wm_averror_eof(): code = .invalidData
        case wm_averror(EIO), wm_averror(EACCES), wm_averror(ENOSPC), wm_averror(EPIPE): code = .io
        case AVERROR_ENCODER_NOT_FOUND_value, AVERROR_DECODER_NOT_FOUND_value, AVERROR_MUXER_NOT_FOUND_value,
             AVERROR_DEMUXER_NOT_FOUND_value, wm_averror(ENOSYS): code = .unsupported
        default: code = .failed
        }
        return MediaError(code, operation: operation, message: message ?? avErrorText(ret), codec: codec,
                          container: container, file: file, track: track, cause: .libav(ret))
    }
}

// FFERRTAG values, computed once (the macros do not import into Swift).
private func errTag(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> Int32 {
    -Int32(bitPattern: UInt32(a) | UInt32(b) << 8 | UInt32(c) << 16 | UInt32(d) << 24)
}
let AVERROR_INVALIDDATA_value = errTag(0x49, 0x4E, 0x44, 0x41)            // 'INDA'
let AVERROR_PROTOCOL_NOT_FOUND_value = errTag(0xF8, 0x50, 0x52, 0x4F)     // 0xF8 'PRO'
let AVERROR_ENCODER_NOT_FOUND_value = errTag(0xF8, 0x45, 0x4E, 0x43)      // 0xF8 'ENC'
let AVERROR_DECODER_NOT_FOUND_value = errTag(0xF8, 0x44, 0x45, 0x43)      // 0xF8 'DEC'
let AVERROR_MUXER_NOT_FOUND_value = errTag(0xF8, 0x4D, 0x55, 0x58)        // 0xF8 'MUX'
let AVERROR_DEMUXER_NOT_FOUND_value = errTag(0xF8, 0x44, 0x45, 0x4D)      // 0xF8 'DEM'

/// Converts a Swift string dictionary into an AVDictionary the caller must free.
func makeDictionary(_ options: [String: String]) -> OpaquePointer? {
    var dict: OpaquePointer? = nil
    for (key, value) in options { av_dict_set(&dict, key, value, 0) }
    return dict
}
