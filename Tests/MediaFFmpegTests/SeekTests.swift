import Foundation
import Testing
import MediaCore
@testable import MediaFFmpeg
import MediaTestSupport
import MediaTestWatchdog

/// Frame-exact seeking in files with 250-frame GOPs.
@Suite(.watchdog) struct SeekTests {
    static let fps = 30
    static let frameCount = 600

    static func makeFile(_ format: ContainerFormat) throws -> String {
        let path = Fixtures.tempPath("seek-\(format.witName).\(format.witName)")
        if FileManager.default.fileExists(atPath: path) { return path }
        let (chunks, encoder) = try Fixtures.encodeVideo(format == .webm ? .vp9 : .h264, count: frameCount, keyframeInterval: 250)
        #expect(chunks.filter(\.isKeyframe).count == 3)
        let muxer = try Muxer(format: format, path: path + ".part")
        try muxer.addTrack(TrackInfo(id: 0, codec: encoder.codecString, parameters: encoder.parameters))
        for c in chunks { try muxer.writeChunk(trackId: 0, c) }
        try muxer.finalize()
        try FileManager.default.moveItem(atPath: path + ".part", toPath: path)
        return path
    }

    /// Frame i's timestamp as the encoder wrote it (rounded microseconds).
    static func timestamp(ofFrame i: Int) -> Int64 {
        MediaTime.rescale(Int64(i), multiplier: 1_000_000, divisor: Int64(fps))
    }

    @Test(arguments: [ContainerFormat.mp4, .mkv])
    func seekLandsOnTheExactFrame(format: ContainerFormat) throws {
        let path = try Self.makeFile(format)
        let reader = try FrameReader(url: path)
        // Seeded, so a failure reproduces.
        var rng = SplitMix(state: 0x5EE_C0DE)
        let span = UInt64(Self.frameCount * 1_000_000 / Self.fps)
        var targets: [Int64] = (0..<20).map { _ in Int64(rng.next() % span) }
        targets += [0, 8_333_333, 8_333_334, 19_966_666]   // exact frame starts around keyframe 250 and the last frame
        for target in targets {
            try reader.seek(toUs: target)
            let frame = try #require(try reader.nextFrame(), "no frame at \(target) µs")
            // The frame on screen at `target`: the last one starting at or before it.
            let expected = (0..<Self.frameCount).last { Self.timestamp(ofFrame: $0) <= target }!
            #expect(TestPattern.frameIndex(in: frame) == expected, "\(format): seek to \(target) µs gave frame \(TestPattern.frameIndex(in: frame)), expected \(expected)")
            #expect(frame.timestampUs <= target)
            let next = try #require(try reader.nextFrame().map { $0 } ?? (expected == Self.frameCount - 1 ? frame : nil))
            if expected < Self.frameCount - 1 { #expect(TestPattern.frameIndex(in: next) == expected + 1) }
        }
    }
}
