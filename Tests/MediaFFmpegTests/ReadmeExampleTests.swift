import Foundation
import Testing
import MediaCore
import MediaFFmpeg
import MediaTestWatchdog

/// README's library example, verbatim apart from the paths, so it keeps compiling and working.
@Suite(.watchdog) struct ReadmeExampleTests {
    @Test func readmeExampleRuns() throws {
        let path = Fixtures.tempPath("readme.mp4")
        // --- README ---
        let encoder = try VideoEncoder(config: VideoEncoderConfig(codec: .h264, width: 640, height: 360, framerate: 30))
        let muxer = try Muxer(format: .mp4, path: path)          // or Muxer(format: .mp4) + takeOutputBytes()
        try muxer.addTrack(TrackInfo(id: 0, codec: encoder.codecString, parameters: encoder.parameters))
        for i in 0..<90 {
            try encoder.encode(TestPattern.videoFrame(index: i, width: 640, height: 360, format: .rgba8888))
            for chunk in encoder.takeEncodedChunks() { try muxer.writeChunk(trackId: 0, chunk) }
        }
        try encoder.flush()
        for chunk in encoder.takeEncodedChunks() { try muxer.writeChunk(trackId: 0, chunk) }
        try muxer.finalize()

        // Frame-exact seek: the frame on screen at 1.5 s.
        let reader = try FrameReader(url: path)
        try reader.seek(toUs: 1_500_000)
        let frame = try reader.nextFrame()
        // --- end ---
        #expect(frame.map(TestPattern.frameIndex(in:)) == 45)
    }
}
