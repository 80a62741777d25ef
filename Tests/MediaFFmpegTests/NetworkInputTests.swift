import Foundation
import Testing
import MediaCore
@testable import MediaFFmpeg

/// The demuxer reads URLs through FFmpeg's protocols; here HTTP from a
/// server on the loopback interface, started by the test.
@Suite struct NetworkInputTests {
    @Test func demuxOverHTTPEqualsFileDemux() throws {
        let dir = URL(fileURLWithPath: Fixtures.tempPath("http")).path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/clip.mp4"
        var s = TestClip.Settings()
        s.seconds = 1
        s.width = 320
        s.height = 240
        try TestClip.write(to: path, s)

        // A one-directory HTTP server bound to an ephemeral port; it prints the port once listening.
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", "-c", """
            import functools, http.server, sys
            handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
            handler.log_message = lambda *a: None
            httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
            print(httpd.server_address[1], flush=True)
            httpd.serve_forever()
            """, dir]
        let out = Pipe()
        server.standardOutput = out
        try server.run()
        defer { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }
        var portText = ""
        while !portText.hasSuffix("\n") {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            guard !byte.isEmpty else { break }
            portText += String(decoding: byte, as: UTF8.self)
        }
        let port = try #require(Int(portText.trimmingCharacters(in: .whitespacesAndNewlines)))

        let remote = try Demuxer(url: "http://127.0.0.1:\(port)/clip.mp4")
        let local = try Demuxer(url: path)
        #expect(remote.tracks.map(\.codec) == local.tracks.map(\.codec))
        var a: [EncodedChunk] = [], b: [EncodedChunk] = []
        while let (_, c) = try remote.readNext() { a.append(c) }
        while let (_, c) = try local.readNext() { b.append(c) }
        #expect(a.count == b.count && a.count > 30)
        #expect(a == b)

        #expect(throws: MediaError.self) { try Demuxer(url: "http://127.0.0.1:\(port)/missing.mp4") }
    }
}
