import ArgumentParser
import MediaCore
import MediaFFmpeg

/// `wasi-media codecs [--json]`: for each WIT codec, whether its encoder and
/// decoder open here, and whether in hardware or software.
struct Codecs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the WIT codecs and whether each encoder and decoder actually opens on this host.",
        discussion: "Encoders are probed by opening them (1280x720 at 30 fps for video, 48 kHz stereo for audio): a hardware encoder compiled into FFmpeg whose device is missing is reported as not usable.")

    @Flag(help: "Print JSON on stdout.") var json = false

    struct Entry: Codable, Equatable {
        var supported: Bool
        var implementation: String?
        var name: String?
        init(_ s: EncoderSupport) {
            supported = s.supported
            implementation = s.supported ? s.implementation.rawValue : nil
            name = s.implementationName
        }
    }
    struct Pair: Codable, Equatable { var encoder: Entry; var decoder: Entry }
    struct Report: Codable, Equatable { var video: [String: Pair]; var audio: [String: Pair] }

    static func report() -> Report {
        var video: [String: Pair] = [:]
        for c in VideoCodec.allCases {
            let enc = CodecCatalog.queryVideoEncoderSupport(VideoEncoderConfig(codec: c, width: 1280, height: 720, framerate: 30))
            video[c.witName] = Pair(encoder: Entry(enc), decoder: Entry(CodecCatalog.decoderSupport(codecName: c.witName)))
        }
        var audio: [String: Pair] = [:]
        for c in AudioCodec.allCases {
            let enc = CodecCatalog.queryAudioEncoderSupport(AudioEncoderConfig(codec: c, sampleRate: 48_000, channels: 2))
            audio[c.witName] = Pair(encoder: Entry(enc), decoder: Entry(CodecCatalog.decoderSupport(codecName: c.witName)))
        }
        return Report(video: video, audio: audio)
    }

    func run() throws {
        let r = Self.report()
        if json { try printJSON(r); return }
        func line(_ name: String, _ p: Pair) -> String {
            func d(_ e: Entry) -> String { e.supported ? "\(e.implementation ?? "") (\(e.name ?? ""))" : "not available" }
            return "  \(name.padding(toLength: 6, withPad: " ", startingAt: 0)) encoder: \(d(p.encoder).padding(toLength: 26, withPad: " ", startingAt: 0)) decoder: \(d(p.decoder))"
        }
        print("video")
        for c in VideoCodec.allCases { print(line(c.witName, r.video[c.witName]!)) }
        print("audio")
        for c in AudioCodec.allCases { print(line(c.witName, r.audio[c.witName]!)) }
    }
}
