import ArgumentParser
import Foundation
import MediaCore
import MediaFFmpeg

/// `wasi-media inspect FILE [--json]`: tracks, codecs, codec strings, durations, frame counts.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the tracks of a media file or URL.")

    @Argument(help: "A media file or any URL FFmpeg opens.") var input: String
    @Flag(help: "Print JSON on stdout.") var json = false

    func run() throws {
        do {
            let report = try InspectReport.make(input)
            if json { try printJSON(report) } else { print(report.text) }
        } catch let error as MediaError {
            printError("error: \(error)")
            throw ExitCode.failure
        }
    }
}

/// What `inspect` reports, as JSON or text.
struct InspectReport: Codable, Equatable {
    struct Track: Codable, Equatable {
        var id: Int
        var kind: String
        var codec: String
        var codecString: String
        var width: Int?
        var height: Int?
        var frameRate: Double?
        var sampleRate: Int?
        var channels: Int?
        var durationUs: Int64?
        /// Frames (video) or packets (audio) counted by reading every packet.
        var frameCount: Int
        var keyframeCount: Int
        var bitRate: Int?
    }
    var file: String
    var format: String
    var durationUs: Int64?
    var tracks: [Track]

    /// Opens `path`, and reads every packet to count frames exactly (no decoding).
    static func make(_ path: String) throws(MediaError) -> InspectReport {
        let demuxer = try Demuxer(url: path)
        var counts: [Int: (frames: Int, keys: Int, first: Int64?, last: Int64?)] = [:]
        while let (id, chunk) = try demuxer.readNext() {
            var c = counts[id] ?? (0, 0, nil, nil)
            c.frames += 1
            if chunk.isKeyframe { c.keys += 1 }
            c.first = min(c.first ?? chunk.timestampUs, chunk.timestampUs)
            let end = MediaTime.add(chunk.timestampUs, chunk.durationUs ?? 0)
            c.last = max(c.last ?? end, end)
            counts[id] = c
        }
        let tracks = demuxer.tracks.map { t -> Track in
            let p = t.parameters
            let c = counts[t.id]
            let measured = c.flatMap { c in c.first.flatMap { f in c.last.map { MediaTime.subtract($0, f) } } }
            return Track(id: t.id, kind: t.kind.rawValue, codec: p.codecName, codecString: t.codec,
                         width: t.isVideo ? p.width : nil, height: t.isVideo ? p.height : nil,
                         frameRate: t.isVideo ? p.frameRate?.doubleValue : nil,
                         sampleRate: t.kind == .audio ? p.sampleRate : nil, channels: t.kind == .audio ? p.channels : nil,
                         durationUs: t.durationUs ?? measured, frameCount: c?.frames ?? 0, keyframeCount: c?.keys ?? 0,
                         bitRate: p.bitRate > 0 ? p.bitRate : nil)
        }
        return InspectReport(file: path, format: demuxer.formatName, durationUs: demuxer.durationUs, tracks: tracks)
    }

    var text: String {
        var lines = ["\(file): \(format), duration \(formatSeconds(durationUs))"]
        for t in tracks {
            var line = "  track \(t.id): \(t.kind) \(t.codec) (\(t.codecString))"
            if let w = t.width, let h = t.height { line += " \(w)x\(h)" }
            if let r = t.frameRate { line += String(format: " %.3f fps", r) }
            if let r = t.sampleRate, let c = t.channels { line += " \(r) Hz \(c) ch" }
            line += ", \(t.frameCount) \(t.kind == "video" ? "frames" : "packets") (\(t.keyframeCount) key), \(formatSeconds(t.durationUs))"
            if let b = t.bitRate { line += ", \(b / 1000) kb/s" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
