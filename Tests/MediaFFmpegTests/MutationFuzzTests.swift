import Foundation
import Testing
import MediaCore
@testable import MediaFFmpeg
import MediaTestSupport
import MediaTestWatchdog

/// Corrupted containers never crash the process: every mutation of a valid
/// file either demuxes and decodes (possibly with errors) or fails with a
/// MediaError. Deterministic seeds, so a failure reproduces.
@Suite(.watchdog) struct MutationFuzzTests {
    /// Mutations per container; `WASI_MEDIA_FUZZ_ITERATIONS` and `WASI_MEDIA_FUZZ_SEED` widen a local hunt.
    static let iterations = ProcessInfo.processInfo.environment["WASI_MEDIA_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 150

    static func sample(_ format: ContainerFormat) throws -> [UInt8] {
        let path = Fixtures.tempPath("fuzz-seed.\(format.witName)")
        var s = TestClip.Settings()
        s.seconds = 0.5
        s.width = 160
        s.height = 120
        if format == .webm { s.videoCodec = .vp9; s.audioCodec = .opus }
        try TestClip.write(to: path, s)
        return [UInt8](FileManager.default.contents(atPath: path)!)
    }

    /// Demuxes and decodes everything; returns how the attempt ended.
    static func consume(_ path: String) -> String {
        do {
            let demuxer = try Demuxer(url: path)
            var decoders: [Int: AnyObject] = [:]
            for t in demuxer.tracks {
                if t.isVideo { decoders[t.id] = try? VideoDecoder(parameters: t.parameters) }
                else if t.kind == .audio { decoders[t.id] = try? AudioDecoder(parameters: t.parameters) }
            }
            var chunks = 0
            while chunks < 2_000, let (id, chunk) = try demuxer.readNext() {
                chunks += 1
                if let v = decoders[id] as? VideoDecoder { try? v.decode(chunk); _ = v.takeDecodedFrames() }
                if let a = decoders[id] as? AudioDecoder { try? a.decode(chunk); _ = a.takeDecodedAudio() }
            }
            for d in decoders.values {
                if let v = d as? VideoDecoder { try? v.flush() }
                if let a = d as? AudioDecoder { try? a.flush() }
            }
            _ = demuxer.tracks.map { CodecString.make($0.parameters) }
            return "read \(chunks)"
        } catch {
            return "error \(error.code.rawValue)"
        }
    }

    @Test(arguments: ContainerFormat.allCases)
    func mutatedFilesNeverCrash(format: ContainerFormat) throws {
        let original = try Self.sample(format)
        let seed = UInt64(ProcessInfo.processInfo.environment["WASI_MEDIA_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0xF00D)
        var rng = SplitMix(state: seed &+ UInt64(ContainerFormat.allCases.firstIndex(of: format)!))
        var outcomes: [String: Int] = [:]
        let path = Fixtures.tempPath("fuzz.\(format.witName)")
        for _ in 0..<Self.iterations {
            var bytes = original
            switch rng.below(4) {
            case 0:   // flip bits, denser near the header where the structure is
                for _ in 0..<(1 + rng.below(16)) {
                    let i = rng.below(min(bytes.count, rng.below(2) == 0 ? 4096 : bytes.count))
                    bytes[i] ^= UInt8(1 << rng.below(8))
                }
            case 1:   // overwrite a run with one value (sizes become huge or zero)
                let i = rng.below(bytes.count), n = 1 + rng.below(64)
                let v: UInt8 = [0x00, 0xFF, 0x7F, 0x80][rng.below(4)]
                for j in i..<min(bytes.count, i + n) { bytes[j] = v }
            case 2:   // cut
                bytes = Array(bytes.prefix(rng.below(bytes.count)))
            default:  // splice a block from elsewhere
                let from = rng.below(bytes.count), to = rng.below(bytes.count), n = 1 + rng.below(512)
                let block = Array(original[from..<min(original.count, from + n)])
                bytes.replaceSubrange(to..<min(bytes.count, to + block.count), with: block)
            }
            FileManager.default.createFile(atPath: path, contents: Data(bytes))
            let outcome = Self.consume(path)
            outcomes[outcome.hasPrefix("read") ? "read" : outcome, default: 0] += 1
        }
        // Reaching here is the test: no trap, no crash. Both paths were exercised.
        #expect(outcomes.values.reduce(0, +) == Self.iterations)
        #expect(outcomes["read", default: 0] > 0, "\(outcomes)")
    }

    @Test func streamingDemuxerSurvivesMutationsToo() throws {
        let original = try Self.sample(.mkv)
        var rng = SplitMix(state: 42)
        for _ in 0..<30 {
            var bytes = original
            for _ in 0..<(1 + rng.below(8)) { bytes[rng.below(bytes.count)] ^= UInt8(1 << rng.below(8)) }
            let stream = StreamingDemuxer()
            stream.append(bytes)
            stream.finish()
            if let tracks = try? stream.tracks() {
                for t in tracks { while (try? stream.readChunk(trackId: t.id)) != nil {} }
            }
        }
    }
}

@Suite(.watchdog) struct ExtremeTimestampTests {
    /// Found by the mutation fuzzer: a packet time near Int64.max overflowed
    /// the decoder's end-of-audio sum. Timestamp sums saturate now.
    @Test(arguments: [Int64.max - 10, Int64.min + 10])
    func decodersTakeExtremeTimestamps(ts: Int64) throws {
        let (chunks, encoder) = try Fixtures.encodeAudio(.aac, seconds: 0.1)
        let decoder = try AudioDecoder(parameters: encoder.parameters)
        decoder.discardBeforeUs = 0
        for var c in chunks {
            c.timestampUs = ts
            c.decodeTimestampUs = nil
            try? decoder.decode(c)
        }
        _ = decoder.takeDecodedAudio()
        let (vchunks, vencoder) = try Fixtures.encodeVideo(.h264, count: 3)
        let vdecoder = try VideoDecoder(parameters: vencoder.parameters)
        for var c in vchunks {
            c.timestampUs = ts
            c.decodeTimestampUs = nil
            try? vdecoder.decode(c)
        }
        try? vdecoder.flush()
        #expect(MediaTime.add(ts, ts) == (ts > 0 ? Int64.max : Int64.min))
    }
}
