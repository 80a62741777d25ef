import Foundation

/// Python's HTTP server for one directory, on an ephemeral loopback port;
/// killed when stopped or released. `port` is known once it listens (it
/// prints the port after binding), so no test waits on the wall clock.
public final class LoopbackHTTPServer {
    public let port: Int
    private let process: Process

    public init(serving directory: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", """
            import functools, http.server, sys
            handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
            handler.log_message = lambda *a: None
            httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
            print(httpd.server_address[1], flush=True)
            httpd.serve_forever()
            """, directory]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        var text = ""
        while !text.hasSuffix("\n") {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            guard !byte.isEmpty else { break }
            text += String(decoding: byte, as: UTF8.self)
        }
        guard let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "the HTTP server did not start: '\(text)'"])
        }
        self.port = port
        process = p
    }

    /// `http://127.0.0.1:PORT/name`.
    public func url(_ name: String) -> String { "http://127.0.0.1:\(port)/\(name)" }

    public func stop() {
        guard process.isRunning else { return }
        // SIGKILL: the server may inherit an ignored SIGTERM from the test runner.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }
}
