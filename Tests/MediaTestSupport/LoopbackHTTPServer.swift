import Foundation

/// Python's HTTP server for one directory, on an ephemeral loopback port;
/// killed when stopped or released, and gone by itself within 0.2 s when
/// the test process ends without stopping it (killed by the watchdog). `port` is known once it listens (it
/// prints the port after binding), so no test waits on the wall clock.
public final class LoopbackHTTPServer {
    public let port: Int
    private let process: Process
    private let requestLog: String?

    /// Serves `directory`. With `requestLog`, the path of every request is
    /// appended to that file (one a line) before it is answered, so when a
    /// client has its answer the line is there. `redirects` maps request
    /// paths (`/a/b.ts`) to a `Location` answered with 302.
    public init(serving directory: String, requestLog: String? = nil, redirects: [String: String] = [:]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let redirectsJSON = String(decoding: try JSONSerialization.data(withJSONObject: redirects), as: UTF8.self)
        p.arguments = ["python3", "-c", """
            import functools, http.server, json, os, sys, threading, time
            log, redirects = sys.argv[2], json.loads(sys.argv[3])
            parent = os.getppid()
            def orphaned():
                while os.getppid() == parent: time.sleep(0.2)
                os._exit(0)
            threading.Thread(target=orphaned, daemon=True).start()
            class Handler(http.server.SimpleHTTPRequestHandler):
                def log_message(self, *a): pass
                def send_head(self):
                    if log:
                        with open(log, "a") as f: f.write(self.path + "\\n")
                    if self.path in redirects:
                        self.send_response(302)
                        self.send_header("Location", redirects[self.path])
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return None
                    return super().send_head()
            handler = functools.partial(Handler, directory=sys.argv[1])
            httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
            print(httpd.server_address[1], flush=True)
            httpd.serve_forever()
            """, directory, requestLog ?? "", redirectsJSON]
        let out = Pipe()
        p.standardOutput = out
        // Nothing of the test process's own output is held open by the
        // server, so a killed test run's output ends when the run does.
        p.standardInput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
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
        self.requestLog = requestLog
        process = p
    }

    /// `http://127.0.0.1:PORT/name`.
    public func url(_ name: String) -> String { "http://127.0.0.1:\(port)/\(name)" }

    /// The paths requested so far, in order (empty without a request log).
    public func requestedPaths() -> [String] {
        guard let requestLog, let text = try? String(contentsOfFile: requestLog, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init)
    }

    public func stop() {
        guard process.isRunning else { return }
        // SIGKILL: the server may inherit an ignored SIGTERM from the test runner.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }
}
