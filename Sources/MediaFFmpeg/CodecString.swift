public import MediaCore

/// WebCodecs codec strings (`avc1.64001f`, `hvc1.1.6.L93.B0`, `vp09.00.10.08`,
/// `av01.0.04M.08`, `mp4a.40.2`, `opus`, `mp3`, `flac`) from stream parameters.
///
/// Profile and level come from the codec's configuration bytes where present
/// (avcC / hvcC / av1C records or Annex-B parameter sets), else from the
/// parameters' numbers, else from the frame size (VP9 levels).
public enum CodecString {
    public static func make(_ p: CodecParameters) -> String {
        switch p.codecName {
        case "h264": return avc(p)
        case "hevc": return hevc(p)
        case "vp9": return vp9(p)
        case "av1": return av1(p)
        case "vp8": return "vp8"
        case "aac": return "mp4a.40.\(max(1, (p.profile ?? 1) + 1))"
        case "mp3": return "mp3"
        case "opus": return "opus"
        case "flac": return "flac"
        case "vorbis": return "vorbis"
        default: return p.codecName
        }
    }

    private static func hex2(_ v: Int) -> String {
        let s = String(v & 0xFF, radix: 16)
        return s.count == 1 ? "0" + s : s
    }

    // MARK: - H.264

    static func avc(_ p: CodecParameters) -> String {
        let x = p.extradata
        if x.count >= 4, x[0] == 1 {   // AVCDecoderConfigurationRecord
            return "avc1." + hex2(Int(x[1])) + hex2(Int(x[2])) + hex2(Int(x[3]))
        }
        if let sps = annexBUnits(x).first(where: { $0.first.map { $0 & 0x1F == 7 } ?? false }), sps.count >= 4 {
            return "avc1." + hex2(Int(sps[1])) + hex2(Int(sps[2])) + hex2(Int(sps[3]))
        }
        let profile = p.profile ?? 100, level = p.level ?? 31
        return "avc1." + hex2(profile) + "00" + hex2(level)
    }

    // MARK: - HEVC

    static func hevc(_ p: CodecParameters) -> String {
        let x = p.extradata
        var ptl: [UInt8]? = nil
        if x.count >= 13, x[0] == 1 {   // HEVCDecoderConfigurationRecord: bytes 1...12 are profile_tier_level
            ptl = Array(x[1...12])
        } else if let sps = annexBUnits(x).first(where: { $0.count >= 15 && ($0[0] >> 1) & 0x3F == 33 }) {
            // SPS: 2-byte NAL header, 1 byte of ids/sub-layers, then profile_tier_level.
            ptl = Array(sps[3..<15])
        }
        guard let ptl else { return "hvc1.\(p.profile ?? 1).6.L\(p.level ?? 93).B0" }
        let space = Int(ptl[0] >> 6), tier = Int((ptl[0] >> 5) & 1), idc = Int(ptl[0] & 0x1F)
        var compat: UInt32 = 0
        for i in 0..<4 { compat = compat << 8 | UInt32(ptl[1 + i]) }
        var reversed: UInt32 = 0
        for i in 0..<32 where compat & (1 << i) != 0 { reversed |= 1 << (31 - i) }
        var constraints = Array(ptl[5..<11])
        while let last = constraints.last, last == 0 { constraints.removeLast() }
        let spaceLetter = space == 0 ? "" : String(UnicodeScalar(UInt8(64 + space)))
        var s = "hvc1.\(spaceLetter)\(idc).\(String(reversed, radix: 16, uppercase: true)).\(tier == 0 ? "L" : "H")\(Int(ptl[11]))"
        if !constraints.isEmpty {
            s += "." + constraints.map { String($0, radix: 16, uppercase: true) }.joined(separator: ".")
        } else {
            s += ".B0"
        }
        return s
    }

    // MARK: - VP9

    /// VP9 levels: (level, max luma picture size, max luma sample rate).
    static let vp9Levels: [(Int, Int, Int)] = [
        (10, 36864, 829_440), (11, 73728, 2_764_800), (20, 122_880, 4_608_000), (21, 245_760, 9_216_000),
        (30, 552_960, 20_736_000), (31, 983_040, 36_864_000), (40, 2_228_224, 83_558_400),
        (41, 2_228_224, 160_432_128), (50, 8_912_896, 311_951_360), (51, 8_912_896, 588_251_136),
        (52, 8_912_896, 1_176_502_272), (60, 35_651_584, 1_176_502_272), (61, 35_651_584, 2_353_004_544),
        (62, 35_651_584, 4_706_009_088),
    ]

    static func vp9(_ p: CodecParameters) -> String {
        let profile = max(0, p.profile ?? 0)
        var level = p.level.flatMap { $0 > 0 ? $0 : nil }
        if level == nil {
            let picture = p.width * p.height
            let rate = Int(Double(picture) * (p.frameRate?.doubleValue ?? 30).rounded(.up))
            level = vp9Levels.first { picture <= $0.1 && rate <= $0.2 }?.0 ?? 62
        }
        let depth = p.bitsPerRawSample > 0 ? p.bitsPerRawSample : 8
        return "vp09." + pad2(profile) + "." + pad2(level!) + "." + pad2(depth)
    }

    // MARK: - AV1

    static func av1(_ p: CodecParameters) -> String {
        let x = p.extradata
        if x.count >= 4, x[0] & 0x80 != 0 {   // AV1CodecConfigurationRecord (marker bit set)
            let profile = Int(x[1] >> 5), level = Int(x[1] & 0x1F)
            let tier = (x[2] >> 7) & 1, high = (x[2] >> 6) & 1, twelve = (x[2] >> 5) & 1
            let depth = high == 0 ? 8 : (twelve == 1 ? 12 : 10)
            return "av01.\(profile).\(pad2(level))\(tier == 0 ? "M" : "H").\(pad2(depth))"
        }
        let depth = p.bitsPerRawSample > 0 ? p.bitsPerRawSample : 8
        return "av01.\(max(0, p.profile ?? 0)).\(pad2(max(0, p.level ?? 8)))M.\(pad2(depth))"
    }

    private static func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    /// NAL units of an Annex-B byte stream, start codes and emulation-prevention bytes removed.
    static func annexBUnits(_ bytes: [UInt8]) -> [[UInt8]] {
        var units: [[UInt8]] = []
        var i = 0
        var start: Int? = nil
        func close(_ end: Int) {
            guard let s = start, s < end else { return }
            var unit: [UInt8] = []
            var zeros = 0
            for b in bytes[s..<end] {
                if zeros >= 2 && b == 3 { zeros = 0; continue }
                zeros = b == 0 ? zeros + 1 : 0
                unit.append(b)
            }
            while unit.last == 0 { unit.removeLast() }
            units.append(unit)
        }
        while i + 2 < bytes.count {
            if bytes[i] == 0, bytes[i + 1] == 0, bytes[i + 2] == 1 {
                close(i)
                i += 3
                start = i
            } else {
                i += 1
            }
        }
        close(bytes.count)
        return units
    }
}
