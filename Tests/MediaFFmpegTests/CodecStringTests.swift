import Testing
import MediaCore
@testable import MediaFFmpeg
import MediaTestWatchdog

/// WebCodecs codec strings built from hand-written configuration records,
/// and from the real encoders' output.
@Suite("CodecString", .watchdog)
struct CodecStringTests {
    private static func video(_ codec: String, extradata: [UInt8] = [], width: Int = 0, height: Int = 0,
                              frameRate: Rational? = nil, profile: Int? = nil, level: Int? = nil, depth: Int = 0) -> CodecParameters {
        CodecParameters(kind: .video, codecName: codec, extradata: extradata, width: width, height: height, frameRate: frameRate,
                        profile: profile, level: level, bitsPerRawSample: depth)
    }

    /// Inserts H.264/HEVC emulation-prevention bytes (00 00 0x with x <= 3 becomes 00 00 03 0x).
    private static func escape(_ rbsp: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var zeros = 0
        for b in rbsp {
            if zeros >= 2 && b <= 3 { out.append(3); zeros = 0 }
            out.append(b)
            zeros = b == 0 ? zeros + 1 : 0
        }
        return out
    }

    // MARK: - H.264

    @Test func h264FromAvcC() {
        // configurationVersion 1, AVCProfileIndication 100 (High), compat 0, level 31,
        // then lengthSizeMinusOne, one SPS of 4 bytes, one PPS of 2 bytes.
        let avcC: [UInt8] = [1, 0x64, 0x00, 0x1F, 0xFF, 0xE1, 0x00, 0x04, 0x67, 0x64, 0x00, 0x1F, 0x01, 0x00, 0x02, 0x68, 0xEB]
        #expect(CodecString.make(Self.video("h264", extradata: avcC)) == "avc1.64001f")
        // Baseline with constraint_set0/1 and level 3.0; lower-case two-digit hex.
        #expect(CodecString.make(Self.video("h264", extradata: [1, 0x42, 0xC0, 0x1E, 0xFF, 0xE0, 0x00])) == "avc1.42c01e")
        // Record numbers win over the parameters' numbers.
        #expect(CodecString.make(Self.video("h264", extradata: [1, 0x4D, 0x40, 0x28], profile: 100, level: 51)) == "avc1.4d4028")
    }

    @Test func h264FromAnnexBSPS() {
        // 4-byte start code, SPS (NAL type 7): profile 100, constraints 0, level 40; then a PPS.
        let annexB: [UInt8] = [0, 0, 0, 1, 0x67, 0x64, 0x00, 0x28, 0xAC, 0xD9, 0x40,
                               0, 0, 0, 1, 0x68, 0xEB, 0xE3, 0xCB]
        #expect(CodecString.make(Self.video("h264", extradata: annexB)) == "avc1.640028")
        // 3-byte start codes, PPS first: the SPS is found by NAL type, not position.
        let ppsFirst: [UInt8] = [0, 0, 1, 0x68, 0xCE, 0x3C, 0x80, 0, 0, 1, 0x27, 0x4D, 0x40, 0x1F, 0x95, 0xA8]
        #expect(CodecString.make(Self.video("h264", extradata: ppsFirst)) == "avc1.4d401f")
        // Synthetic SPS bytes 00 00 01 must be sent as 00 00 03 01; the 03 is not part of the level.
        let escaped: [UInt8] = [0, 0, 0, 1] + Self.escape([0x67, 0x00, 0x00, 0x01, 0xFF])
        #expect(escaped == [0, 0, 0, 1, 0x67, 0x00, 0x00, 0x03, 0x01, 0xFF])
        #expect(CodecString.make(Self.video("h264", extradata: escaped)) == "avc1.000001")
    }

    @Test func h264WithoutConfigurationUsesNumbers() {
        #expect(CodecString.make(Self.video("h264", profile: 77, level: 40)) == "avc1.4d0028")
        #expect(CodecString.make(Self.video("h264", profile: 66, level: 9)) == "avc1.420009")
        #expect(CodecString.make(Self.video("h264")).hasPrefix("avc1."))
    }

    // MARK: - HEVC

    /// An HEVCDecoderConfigurationRecord: version 1, then the 12 profile_tier_level bytes, then the rest.
    private static func hvcC(ptl: [UInt8]) -> [UInt8] {
        precondition(ptl.count == 12)
        return [1] + ptl + [0xF0, 0x00, 0xFC, 0xFD, 0xF8, 0xF8, 0x00, 0x00, 0x0F, 0x00]
    }

    @Test func hevcFromHvcC() {
        // profile_space 0, tier 0, profile_idc 1; compat flags 0x60000000 (Main and Main10
        // compatible); constraint bytes 0x90 00 00 00 00 00; level_idc 93.
        let main: [UInt8] = [0x01, 0x60, 0x00, 0x00, 0x00, 0x90, 0x00, 0x00, 0x00, 0x00, 0x00, 93]
        #expect(CodecString.make(Self.video("hevc", extradata: Self.hvcC(ptl: main))) == "hvc1.1.6.L93.90")
        // High tier Main10 at level 4.0 (120), compat flag for profile 2 only (0x20000000 -> reversed 0x4),
        // constraints B0 then zeros.
        let main10High: [UInt8] = [0x22, 0x20, 0x00, 0x00, 0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x00, 120]
        #expect(CodecString.make(Self.video("hevc", extradata: Self.hvcC(ptl: main10High))) == "hvc1.2.4.H120.B0")
        // Two non-zero constraint bytes; profile_space 1 gives the letter A.
        let spaced: [UInt8] = [0x41, 0x40, 0x00, 0x00, 0x00, 0x90, 0x08, 0x00, 0x00, 0x00, 0x00, 150]
        #expect(CodecString.make(Self.video("hevc", extradata: Self.hvcC(ptl: spaced))) == "hvc1.A1.2.L150.90.8")
    }

    @Test func hevcFromAnnexBSPS() {
        // VPS (type 32) first, then the SPS (type 33): NAL header 42 01, one byte of ids, then PTL.
        let ptl: [UInt8] = [0x01, 0x60, 0x00, 0x00, 0x00, 0x90, 0x00, 0x00, 0x00, 0x00, 0x00, 93]
        let vps: [UInt8] = [0x40, 0x01, 0x0C, 0x01, 0xFF, 0xFF]
        let sps: [UInt8] = Self.escape([0x42, 0x01, 0x01] + ptl + [0xA0, 0x0A, 0x08, 0x0F, 0x16])
        #expect(sps.count > 20)   // the zeros of the PTL were escaped
        let annexB: [UInt8] = [0, 0, 0, 1] + vps + [0, 0, 0, 1] + sps
        #expect(CodecString.make(Self.video("hevc", extradata: annexB)) == "hvc1.1.6.L93.90")
    }

    @Test func hevcWithoutConfigurationUsesNumbers() {
        #expect(CodecString.make(Self.video("hevc", profile: 2, level: 120)) == "hvc1.2.6.L120.B0")
        #expect(CodecString.make(Self.video("hevc")) == "hvc1.1.6.L93.B0")
    }

    // MARK: - VP9

    @Test func vp9LevelFromSize() {
        // 1280x720 = 921 600 luma samples: above level 3's 552 960, within level 3.1's
        // 983 040, and 27.6 M samples/s is within 3.1's 36.9 M.
        #expect(CodecString.make(Self.video("vp9", width: 1280, height: 720, frameRate: Rational(30, 1))) == "vp09.00.31.08")
        // 320x240 = 76 800 luma samples: above level 1's 36 864 and level 1.1's 73 728, so
        // the first level that holds it is 2 (122 880 samples, 4.6 M samples/s).
        #expect(CodecString.make(Self.video("vp9", width: 320, height: 240, frameRate: Rational(30, 1))) == "vp09.00.20.08")
        // 256x144 = 36 864 exactly: level 1; at 30 fps 1.1 M samples/s exceeds level 1's
        // 829 440, so 1.1.
        #expect(CodecString.make(Self.video("vp9", width: 256, height: 144, frameRate: Rational(20, 1))) == "vp09.00.10.08")
        #expect(CodecString.make(Self.video("vp9", width: 256, height: 144, frameRate: Rational(30, 1))) == "vp09.00.11.08")
        // The sample rate matters: 1280x720 at 60 fps (55.3 M/s) needs level 4.
        #expect(CodecString.make(Self.video("vp9", width: 1280, height: 720, frameRate: Rational(60, 1))) == "vp09.00.40.08")
        // No frame rate assumes 30.
        #expect(CodecString.make(Self.video("vp9", width: 1920, height: 1080)) == "vp09.00.40.08")
        // Beyond every level: the highest.
        #expect(CodecString.make(Self.video("vp9", width: 16384, height: 16384)) == "vp09.00.62.08")
    }

    @Test func vp9ProfileLevelAndDepthFromParameters() {
        #expect(CodecString.make(Self.video("vp9", width: 320, height: 240, profile: 2, level: 41, depth: 10)) == "vp09.02.41.10")
        // A zero level means "unknown": computed from the size instead.
        #expect(CodecString.make(Self.video("vp9", width: 1280, height: 720, level: 0)) == "vp09.00.31.08")
    }

    // MARK: - AV1

    @Test func av1FromAv1C() {
        // marker 1 + version 1; seq_profile 0, seq_level_idx 8; tier 0, 8-bit; no initial delay.
        #expect(CodecString.make(Self.video("av1", extradata: [0x81, 0x08, 0x0C, 0x00])) == "av01.0.08M.08")
        // Profile 1, level 13, high tier, high_bitdepth -> 10-bit.
        #expect(CodecString.make(Self.video("av1", extradata: [0x81, 0x2D, 0xC0, 0x00])) == "av01.1.13H.10")
        // Profile 2, level 5, main tier, high_bitdepth + twelve_bit -> 12-bit.
        #expect(CodecString.make(Self.video("av1", extradata: [0x81, 0x45, 0x60, 0x00])) == "av01.2.05M.12")
    }

    @Test func av1WithoutRecordUsesNumbers() {
        // A bare sequence header OBU (no marker bit) is not an av1C record.
        #expect(CodecString.make(Self.video("av1", extradata: [0x0A, 0x0B, 0x00, 0x00], profile: 0, level: 12)) == "av01.0.12M.08")
        #expect(CodecString.make(Self.video("av1", depth: 10)) == "av01.0.08M.10")
    }

    // MARK: - Audio

    @Test func audioStrings() {
        func audio(_ name: String, profile: Int? = nil) -> CodecParameters {
            CodecParameters(kind: .audio, codecName: name, sampleRate: 48_000, channels: 2, profile: profile)
        }
        // FFmpeg numbers AAC profiles from 0 (Main); the Audio Object Type is one more.
        #expect(CodecString.make(audio("aac", profile: 1)) == "mp4a.40.2")    // FF_PROFILE_AAC_LOW
        #expect(CodecString.make(audio("aac")) == "mp4a.40.2")
        #expect(CodecString.make(audio("aac", profile: 4)) == "mp4a.40.5")    // FF_PROFILE_AAC_HE
        #expect(CodecString.make(audio("aac", profile: 28)) == "mp4a.40.29")  // FF_PROFILE_AAC_HE_V2
        #expect(CodecString.make(audio("opus")) == "opus")
        #expect(CodecString.make(audio("mp3")) == "mp3")
        #expect(CodecString.make(audio("flac")) == "flac")
        #expect(CodecString.make(audio("vorbis")) == "vorbis")
        #expect(CodecString.make(audio("pcm_s16le")) == "pcm_s16le")
    }

    // MARK: - Real encoders

    @Test(arguments: [(VideoCodec.h264, "avc1."), (.hevc, "hvc1."), (.vp9, "vp09."), (.av1, "av01.")])
    func encoderCodecStrings(codec: VideoCodec, prefix: String) throws {
        let encoder = try VideoEncoder(config: VideoEncoderConfig(codec: codec, width: 320, height: 240))
        let string = encoder.codecString
        #expect(string.hasPrefix(prefix), "\(encoder.implementationName): \(string)")
        #expect(string == CodecString.make(encoder.parameters))
        let fields = string.split(separator: ".", omittingEmptySubsequences: false)
        #expect(!fields.contains(""), "\(string)")
        switch codec {
        case .h264:
            // Three bytes of hex: profile, constraints, level.
            #expect(fields.count == 2 && fields[1].count == 6 && fields[1].allSatisfy(\.isHexDigit), "\(string)")
        case .hevc:
            #expect(fields.count >= 4 && (fields[3].hasPrefix("L") || fields[3].hasPrefix("H")), "\(string)")
        case .vp9:
            // 320x240 at 30 fps: level 2 (see vp9LevelFromSize), 8-bit.
            #expect(fields.count == 4 && fields[3] == "08", "\(string)")
            if encoder.parameters.level == nil { #expect(fields[2] == "20", "\(string)") }
        case .av1:
            #expect(fields.count == 4 && fields[3] == "08" && (fields[2].hasSuffix("M") || fields[2].hasSuffix("H")), "\(string)")
        }
        // Feed and drain the encoder before it is freed: an SVT-AV1 encoder freed without
        // ever receiving a frame can block forever in svt_av1_enc_deinit (see the report).
        try encoder.encode(TestPattern.videoFrame(index: 0, width: 320, height: 240))
        try encoder.flush()
        #expect(encoder.takeEncodedChunks().count == 1)
        #expect(encoder.codecString == string)
    }

    @Test(arguments: [(AudioCodec.aac, "mp4a.40.2"), (.opus, "opus"), (.mp3, "mp3"), (.flac, "flac")])
    func audioEncoderCodecStrings(codec: AudioCodec, expected: String) throws {
        let encoder = try AudioEncoder(config: AudioEncoderConfig(codec: codec, sampleRate: 48_000, channels: 2))
        #expect(encoder.codecString == expected)
    }
}
