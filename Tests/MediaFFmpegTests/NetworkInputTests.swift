import Foundation
import Testing
import MediaCore
@testable import MediaFFmpeg
import MediaTestSupport
import MediaTestWatchdog

/// The demuxer reads URLs through FFmpeg's protocols; here HTTP from a
/// server on the loopback interface, started by the test.
@Suite(.watchdog) struct NetworkInputTests {
    @Test func demuxOverHTTPEqualsFileDemux() throws {
        let dir = URL(fileURLWithPath: Fixtures.tempPath("http")).path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/clip.mp4"
        var s = TestClip.Settings()
        s.seconds = 1
        s.width = 320
        s.height = 240
        try TestClip.write(to: path, s)

        let server = try LoopbackHTTPServer(serving: dir)
        defer { server.stop() }

        let remote = try Demuxer(url: server.url("clip.mp4"))
        let local = try Demuxer(url: path)
        #expect(remote.tracks.map(\.codec) == local.tracks.map(\.codec))
        var a: [EncodedChunk] = [], b: [EncodedChunk] = []
        while let (_, c) = try remote.readNext() { a.append(c) }
        while let (_, c) = try local.readNext() { b.append(c) }
        #expect(a.count == b.count && a.count > 30)
        #expect(a == b)

        #expect(throws: MediaError.self) { try Demuxer(url: server.url("missing.mp4")) }
    }
}
