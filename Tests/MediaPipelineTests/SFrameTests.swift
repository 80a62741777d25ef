import Testing
import MediaCore
import MediaFFmpeg
@testable import MediaPipeline
import MediaTestWatchdog

@Suite(.watchdog) struct SFrameTests {
    static let key = "000102030405060708090a0b0c0d0e0f"
    static let track = TrackInfo(id: 0, codec: "avc1.42001e",
                                 parameters: CodecParameters(kind: .video, codecName: "h264", width: 64, height: 48))

    static func chunk(_ n: Int, size: Int) -> EncodedChunk {
        EncodedChunk(data: (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ n) }, timestampUs: Int64(n) * 33_333, isKeyframe: n == 0)
    }

    static func run(_ factory: String, _ props: [String: String], _ chunks: [EncodedChunk]) throws(PipelineError) -> [EncodedChunk] {
        let h = try ElementHarness(factory, properties: props)
        try h.start(inputs: ["sink": .encoded(track)])
        for c in chunks { try h.push(.encoded(c)) }
        try h.finish()
        return h.pull().compactMap { if case .encoded(let c) = $0.item { c } else { nil } }
    }

    /// Encrypt then decrypt gives the frames back exactly; in between they are
    /// longer by header and tag and share nothing readable with the input.
    @Test func roundTripIsExactAndCiphertextIsOpaque() throws {
        let input = (0..<20).map { Self.chunk($0, size: 100 + $0 * 37) }
        let sealed = try Self.run("sframeenc", ["key": Self.key, "kid": "3"], input)
        #expect(sealed.count == 20)
        for (i, (a, b)) in zip(input, sealed).enumerated() {
            // Counters 0...7 fit the config byte; 8 and up take one more byte.
            let header = i < 8 ? 1 : 2
            #expect(b.data.count == a.data.count + header + 16, "frame \(i)")
            #expect(b.data.suffix(a.data.count) != a.data[...])
            #expect(b.timestampUs == a.timestampUs && b.isKeyframe == a.isKeyframe)
        }
        let opened = try Self.run("sframedec", ["key": Self.key, "kid": "3"], sealed)
        #expect(opened.map(\.data) == input.map(\.data))
    }

    @Test func headersCarryLargeKeyIdsAndCounters() {
        for (kid, counter) in [(0, 0), (7, 7), (8, 8), (255, 256), (70_000, 1 << 40)] as [(UInt64, UInt64)] {
            let h = SFrame.header(keyId: kid, counter: counter)
            let parsed = SFrame.parseHeader(h + [1, 2, 3])
            #expect(parsed?.keyId == kid && parsed?.counter == counter && parsed?.length == h.count, "kid \(kid) ctr \(counter)")
        }
        #expect(SFrame.parseHeader([0x88]) == nil, "announces one byte of key id that is not there")
    }

    @Test func alteredFramesAndWrongKeysAreRefused() throws {
        var sealed = try Self.run("sframeenc", ["key": Self.key, "kid": "3"], [Self.chunk(0, size: 50)])
        sealed[0].data[10] ^= 1
        let altered = try #require(throws: PipelineError.self) { try Self.run("sframedec", ["key": Self.key, "kid": "3"], sealed) }
        #expect(altered.message.contains("failed authentication"))
        let good = try Self.run("sframeenc", ["key": Self.key, "kid": "3"], [Self.chunk(0, size: 50)])
        let otherKey = try #require(throws: PipelineError.self) {
            try Self.run("sframedec", ["key": "ffffffffffffffffffffffffffffffff", "kid": "3"], good)
        }
        #expect(otherKey.message.contains("failed authentication"))
        let otherId = try #require(throws: PipelineError.self) { try Self.run("sframedec", ["key": Self.key, "kid": "4"], good) }
        #expect(otherId.message.contains("key id 3; this element holds key id 4"))
        let badKey = try #require(throws: PipelineError.self) { try ElementHarness("sframeenc", properties: ["key": "abc"]) }
        #expect(badKey.message.contains("32 hex digits"))
    }

    /// Through a pipeline: encrypted on the way, decoded frame for frame after.
    @Test func encryptedStreamDecodesAfterDecryption() async throws {
        let recorder = Recorder()
        let line = "videotestsrc num-buffers=20 width=256 height=32 ! encode codec=h264 ! sframeenc key=\(Self.key) kid=9 ! sframedec key=\(Self.key) kid=9 ! decode ! collect"
        _ = try await Pipeline(launch: line, registry: recordingRegistry(recorder)).run()
        #expect(recorder.seen == Array(0..<20))
    }
}
