import Foundation
import MediaTestSupport
import MediaTestWatchdog
import Testing

/// `scripts/sdk-reference.sh`: the guest SDK's reference, generated from
/// its source with DocC, holds a page for what a guest author uses, with
/// the doc comment's text.
@Suite(.watchdog, .timeLimit(.minutes(10)))
struct SDKReferenceTests {
    @Test func theReferenceIsGeneratedFromTheSource() throws {
        let out = CLI.tempDir() + "/reference"
        let script = BuiltGuests.repositoryRoot.appendingPathComponent("scripts/sdk-reference.sh").path
        let run = try CLI.run([script, out], tool: "/bin/bash")
        #expect(run.status == 0, Comment(rawValue: run.stderr))
        for module in ["WasiMedia", "WasiMediaVideoFilter", "WasiMediaAudioFilter", "WasiMediaEncodedTransform", "WasiMediaApp"] {
            #expect(run.stdout.contains(module), "\(run.stdout)")
            let index = "\(out)/\(module)/documentation/\(module.lowercased())/index.html"
            #expect(FileManager.default.fileExists(atPath: index), "\(index)")
        }
        /// The plain text of a page's abstract.
        func abstract(_ module: String, _ page: String) throws -> String {
            let url = URL(fileURLWithPath: "\(out)/\(module)/data/documentation/\(module.lowercased())/\(page).json")
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
            let parts = json?["abstract"] as? [[String: Any]] ?? []
            return parts.map { ($0["text"] as? String) ?? ($0["code"] as? String) ?? "" }.joined()
        }
        #expect(try abstract("WasiMedia", "mediabuffer").hasPrefix("Raw media bytes held by the host (media-buffer)"))
        #expect(try abstract("WasiMedia", "log(_:_:context:)") == "Sends one line to the host’s log.")
        #expect(try abstract("WasiMedia", "propertyspec").hasPrefix("One property a filter or transform takes"))
        #expect(try abstract("WasiMediaVideoFilter", "videofilter").hasPrefix("A video-filter guest"))
        // Plumbing the SDK must make public for the linker stays out of the reference.
        #expect(!FileManager.default.fileExists(atPath: "\(out)/WasiMedia/data/documentation/wasimedia/_putchartolog(_:).json"))
    }
}
