import Foundation
import Testing
import MediaCore
@testable import MediaFFmpeg
import MediaTestSupport
import MediaTestWatchdog

/// A fresh directory for one test's files, removed by `cleanup()`.
private struct Scratch {
    let directory: URL
    init(_ name: String) {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("wasi-media-badinput-\(getpid())-\(name)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }
    func path(_ file: String) -> String { directory.appendingPathComponent(file).path }
    func write(_ bytes: [UInt8], to file: String) throws -> String {
        let p = path(file)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }
    func cleanup() { try? FileManager.default.removeItem(at: directory) }
}

/// `count` H.264 pattern frames at 320x240, 30 fps, in decode order.
private func encodeH264(count: Int) throws -> (chunks: [EncodedChunk], parameters: CodecParameters, codec: String) {
    let encoder = try VideoEncoder(config: VideoEncoderConfig(codec: .h264, width: 320, height: 240))
    var chunks: [EncodedChunk] = []
    for i in 0..<count {
        try encoder.encode(TestPattern.videoFrame(index: i, width: 320, height: 240))
        chunks += encoder.takeEncodedChunks()
    }
    try encoder.flush()
    chunks += encoder.takeEncodedChunks()
    return (chunks, encoder.parameters, encoder.codecString)
}

/// Every chunk of `demuxer`, stopping at the end, at the first error, or after `limit` chunks.
private func drain(_ demuxer: Demuxer, limit: Int = 10_000) -> (chunks: [EncodedChunk], error: MediaError?) {
    var chunks: [EncodedChunk] = []
    do throws(MediaError) {
        while chunks.count < limit, let (_, chunk) = try demuxer.readNext() { chunks.append(chunk) }
        return (chunks, nil)
    } catch {
        return (chunks, error)
    }
}

/// The error `body` throws; records an issue when it does not throw.
private func mediaError(_ body: () throws(MediaError) -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> MediaError? {
    do throws(MediaError) {
        try body()
        Issue.record("expected a MediaError", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

@Suite("Bad input", .watchdog)
struct BadInputTests {
    // MARK: - Demuxer

    @Test func truncatedMP4NeverCrashes() throws {
        let scratch = Scratch("truncated")
        defer { scratch.cleanup() }
        let (chunks, parameters, codec) = try encodeH264(count: 30)
        #expect(chunks.count == 30)
        let fullPath = scratch.path("full.mp4")
        let muxer = try Muxer(format: .mp4, path: fullPath)
        try muxer.addTrack(TrackInfo(id: 0, codec: codec, parameters: parameters))
        for c in chunks { try muxer.writeChunk(trackId: 0, c) }
        try muxer.finalize()

        // The intact file reads back completely.
        let full = try Demuxer(url: fullPath)
        #expect(full.tracks.count == 1)
        let all = drain(full)
        #expect(all.error == nil)
        #expect(all.chunks.count == 30)

        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fullPath)))
        #expect(bytes.count > 2_000)
        for fraction in [0.4, 0.01, 0.1, 0.25, 0.7, 0.95] {
            let name = "cut-\(Int(fraction * 100)).mp4"
            let path = try scratch.write(Array(bytes.prefix(Int(Double(bytes.count) * fraction))), to: name)
            let demuxer: Demuxer
            do throws(MediaError) {
                demuxer = try Demuxer(url: path)
            } catch {
                // Refusing to open is fine, with a clear error naming the file.
                #expect(error.code == .invalidData, "\(name): \(error)")
                #expect(error.description.contains(name), "\(error)")
                continue
            }
            let (read, error) = drain(demuxer)
            // Whatever it read is fewer chunks than the whole file and none is empty.
            #expect(read.count < 30, "\(name): read \(read.count) chunks")
            #expect(read.allSatisfy { !$0.data.isEmpty })
            if let error {
                #expect([.invalidData, .io].contains(error.code), "\(name): \(error)")
                #expect(error.description.contains(name), "\(error)")
            }
            // Reading again after the end (or an error) does not crash either.
            _ = drain(demuxer)
            // The chunks that were read decode, or fail with a MediaError.
            if fraction == 0.4, let params = demuxer.tracks.first?.parameters {
                let decoder = try VideoDecoder(parameters: params)
                for c in read { try? decoder.decode(c) }
                try? decoder.flush()
                for frame in decoder.takeDecodedFrames() { #expect(frame.width == 320 && frame.height == 240) }
            }
        }
    }

    @Test func randomBytesAreNotMedia() throws {
        let scratch = Scratch("random")
        defer { scratch.cleanup() }
        var random = SplitMix(state: 0x5EED_0001)
        let path = try scratch.write(random.bytes(64 * 1024), to: "noise.bin")
        let error = try #require(mediaError { () throws(MediaError) in _ = try Demuxer(url: path) })
        #expect(error.code == .invalidData, "\(error)")
        #expect(error.file == path)
        #expect(error.description.contains("noise.bin"), "\(error)")
        #expect(error.description.contains("not a media file"), "\(error)")
    }

    @Test func randomBytesWithAMediaExtensionAreNotMedia() throws {
        let scratch = Scratch("random-ext")
        defer { scratch.cleanup() }
        var random = SplitMix(state: 0x5EED_0002)
        for name in ["noise.mp4", "noise.mkv", "noise.ts"] {
            let path = try scratch.write(random.bytes(64 * 1024), to: name)
            do throws(MediaError) {
                let demuxer = try Demuxer(url: path)
                // A prober may accept noise by extension (MPEG-TS); reading must still end cleanly.
                let (_, error) = drain(demuxer)
                if let error { #expect(error.description.contains(name), "\(error)") }
            } catch {
                #expect([.invalidData, .unsupported].contains(error.code), "\(name): \(error)")
                #expect(error.description.contains(name), "\(error)")
            }
        }
    }

    @Test func emptyFileIsNotMedia() throws {
        let scratch = Scratch("empty")
        defer { scratch.cleanup() }
        let path = try scratch.write([], to: "empty.mp4")
        let error = try #require(mediaError { () throws(MediaError) in _ = try Demuxer(url: path) })
        #expect(error.code == .invalidData, "\(error)")
        #expect(error.description.contains("empty.mp4"), "\(error)")
        #expect(error.description.contains("empty"), "\(error)")
        #expect(error.cause != nil)
    }

    @Test func nonexistentPathIsNotFound() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wasi-media-missing-\(getpid())/nothing-here.mkv").path
        let error = try #require(mediaError { () throws(MediaError) in _ = try Demuxer(url: path) })
        #expect(error.code == .notFound, "\(error)")
        #expect(error.file == path)
        #expect(error.description.contains("nothing-here.mkv"), "\(error)")
        #expect(error.description.contains("no such file"), "\(error)")
    }

    /// An MP4 whose movie box declares no tracks: `ftyp`, then `moov` holding only `mvhd`.
    /// (The ffmpeg CLI and Muxer both refuse to write a file without streams, so the
    /// bytes are written by hand.)
    static func emptyMovie() -> [UInt8] {
        func u32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        func box(_ type: String, _ payload: [UInt8]) -> [UInt8] { u32(UInt32(8 + payload.count)) + Array(type.utf8) + payload }
        let ftyp = box("ftyp", Array("isom".utf8) + u32(0x200) + Array("isomiso2mp41".utf8))
        var mvhd: [UInt8] = u32(0)                       // version 0, flags 0
        mvhd += u32(0) + u32(0)                          // creation, modification time
        mvhd += u32(1000) + u32(0)                       // timescale, duration
        mvhd += u32(0x0001_0000) + [0x01, 0x00]          // rate 1.0, volume 1.0
        mvhd += [UInt8](repeating: 0, count: 10)         // reserved
        mvhd += u32(0x0001_0000) + u32(0) + u32(0)       // unity matrix
        mvhd += u32(0) + u32(0x0001_0000) + u32(0)
        mvhd += u32(0) + u32(0) + u32(0x4000_0000)
        mvhd += [UInt8](repeating: 0, count: 24)         // pre_defined
        mvhd += u32(1)                                   // next_track_ID
        return ftyp + box("moov", box("mvhd", mvhd))
    }

    @Test func containerWithNoTracksIsRefused() throws {
        let scratch = Scratch("no-tracks")
        defer { scratch.cleanup() }
        let bytes = Self.emptyMovie()
        #expect(bytes.count == 28 + 8 + 108)
        let path = try scratch.write(bytes, to: "trackless.mp4")
        let error = try #require(mediaError { () throws(MediaError) in _ = try Demuxer(url: path) })
        #expect(error.code == .invalidData, "\(error)")
        #expect(error.description.contains("no tracks"), "\(error)")
        #expect(error.description.contains("trackless.mp4"), "\(error)")
    }

    @Test(arguments: ContainerFormat.allCases)
    func muxerRefusesToWriteAContainerWithNoTracks(format: ContainerFormat) throws {
        let scratch = Scratch("mux-no-tracks")
        defer { scratch.cleanup() }
        let path = scratch.path("empty.\(format.witName)")
        let muxer = try Muxer(format: format, path: path)
        let error = try #require(mediaError { () throws(MediaError) in try muxer.finalize() })
        #expect(error.code == .invalidState, "\(error)")
        #expect(error.description.contains("no tracks"), "\(error)")
        #expect(error.description.contains(path), "\(error)")
    }

    // MARK: - Encoder configuration

    @Test(arguments: [(641, 480), (640, 481), (641, 481)])
    func oddVideoSizeIsInvalid(width: Int, height: Int) throws {
        let error = try #require(mediaError { () throws(MediaError) in
            _ = try VideoEncoder(config: VideoEncoderConfig(codec: .h264, width: width, height: height))
        })
        #expect(error.code == .invalidArgument, "\(error)")
        #expect(error.description.contains("odd"), "\(error)")
        #expect(error.description.contains("\(width)x\(height)"), "\(error)")
        #expect(error.codec == "h264")
        #expect(!CodecCatalog.queryVideoEncoderSupport(VideoEncoderConfig(codec: .h264, width: width, height: height)).supported)
    }

    @Test(arguments: [0, -1, Int.min])
    func nonPositiveVideoBitrateIsInvalid(bitrate: Int) throws {
        let error = try #require(mediaError { () throws(MediaError) in
            _ = try VideoEncoder(config: VideoEncoderConfig(codec: .h264, width: 640, height: 480, bitrate: bitrate))
        })
        #expect(error.code == .invalidArgument, "\(error)")
        #expect(error.description.contains("bitrate"), "\(error)")
        #expect(error.description.contains("\(bitrate)"), "\(error)")
    }

    @Test func everyConfigurationProblemIsNamed() throws {
        let error = try #require(mediaError { () throws(MediaError) in
            _ = try VideoEncoder(config: VideoEncoderConfig(codec: .h264, width: 641, height: 480, bitrate: 0, framerate: 0,
                                                            keyframeInterval: -5))
        })
        #expect(error.code == .invalidArgument)
        for part in ["odd", "bitrate 0", "frame rate 0", "keyframe interval -5"] {
            #expect(error.description.contains(part), "missing '\(part)' in \(error)")
        }
    }

    @Test(arguments: [(0, 0), (16_386, 240), (320, -2)])
    func videoSizeOutsideTheLimitsIsInvalid(width: Int, height: Int) throws {
        let error = try #require(mediaError { () throws(MediaError) in
            _ = try VideoEncoder(config: VideoEncoderConfig(codec: .h264, width: width, height: height))
        })
        #expect(error.code == .invalidArgument)
        #expect(error.description.contains("outside"), "\(error)")
    }

    @Test func opusRefuses44100() throws {
        let error = try #require(mediaError { () throws(MediaError) in
            _ = try AudioEncoder(config: AudioEncoderConfig(codec: .opus, sampleRate: 44_100, channels: 2))
        })
        #expect(error.code == .unsupported, "\(error)")
        #expect(error.description.contains("sample rate"), "\(error)")
        #expect(error.description.contains("44100"), "\(error)")
        #expect(error.description.contains("48000"), "\(error)")
        #expect(!CodecCatalog.queryAudioEncoderSupport(AudioEncoderConfig(codec: .opus, sampleRate: 44_100, channels: 2)).supported)
    }

    @Test(arguments: [(AudioCodec.aac, 48_000, 0, Int?.none, "channel count 0"), (.aac, 0, 2, nil, "sample rate 0"),
                      (.mp3, 44_100, 2, 0, "bitrate 0"), (.opus, 48_000, 256, nil, "channel count 256"),
                      (.flac, 800_000, 2, nil, "sample rate 800000")])
    func badAudioConfigurationIsInvalid(codec: AudioCodec, rate: Int, channels: Int, bitrate: Int?, mentions: String) throws {
        let error = try #require(mediaError { () throws(MediaError) in
            _ = try AudioEncoder(config: AudioEncoderConfig(codec: codec, sampleRate: rate, channels: channels, bitrate: bitrate))
        })
        #expect(error.code == .invalidArgument, "\(error)")
        #expect(error.description.contains(mentions), "\(error)")
    }

    // MARK: - Muxer

    @Test func webmRefusesH264() throws {
        let muxer = try Muxer(format: .webm)
        let parameters = CodecParameters(kind: .video, codecName: "h264", width: 320, height: 240, frameRate: Rational(30, 1))
        let error = try #require(mediaError { () throws(MediaError) in
            try muxer.addTrack(TrackInfo(id: 0, codec: "avc1.64001f", parameters: parameters))
        })
        #expect(error.code == .unsupported, "\(error)")
        #expect(error.description.contains("webm"), "\(error)")
        #expect(error.description.contains("h264"), "\(error)")
        #expect(error.track == 0)
    }

    @Test func muxerRejectsUnknownTracksAndOutOfOrderChunks() throws {
        let (chunks, parameters, codec) = try encodeH264(count: 10)
        let muxer = try Muxer(format: .mkv)
        try muxer.addTrack(TrackInfo(id: 3, codec: codec, parameters: parameters))

        let unknown = try #require(mediaError { () throws(MediaError) in try muxer.writeChunk(trackId: 7, chunks[0]) })
        #expect(unknown.code == .notFound, "\(unknown)")
        #expect(unknown.description.contains("7"), "\(unknown)")
        #expect(unknown.track == 7)

        try muxer.writeChunk(trackId: 3, chunks[0])
        let repeated = try #require(mediaError { () throws(MediaError) in try muxer.writeChunk(trackId: 3, chunks[0]) })
        #expect(repeated.code == .invalidArgument, "\(repeated)")
        #expect(repeated.description.contains("not after"), "\(repeated)")
        var earlier = chunks[1]
        earlier.timestampUs = (chunks[0].decodeTimestampUs ?? chunks[0].timestampUs) - 1_000
        earlier.decodeTimestampUs = nil
        let backwards = try #require(mediaError { () throws(MediaError) in try muxer.writeChunk(trackId: 3, earlier) })
        #expect(backwards.code == .invalidArgument, "\(backwards)")

        // Adding a track after the first chunk is refused too.
        let late = try #require(mediaError { () throws(MediaError) in
            try muxer.addTrack(TrackInfo(id: 4, codec: codec, parameters: parameters))
        })
        #expect(late.code == .invalidState, "\(late)")

        // The refusals changed nothing: the rest of the stream still writes.
        for c in chunks.dropFirst() { try muxer.writeChunk(trackId: 3, c) }
        try muxer.finalize()
        #expect(muxer.takeOutputBytes().count > 1_000)
        let afterFinalize = try #require(mediaError { () throws(MediaError) in try muxer.writeChunk(trackId: 3, chunks[0]) })
        #expect(afterFinalize.code == .invalidState, "\(afterFinalize)")
    }

    @Test func duplicateTrackIdIsInvalid() throws {
        let muxer = try Muxer(format: .mkv)
        let p = CodecParameters(kind: .audio, codecName: "flac", sampleRate: 48_000, channels: 2)
        try muxer.addTrack(TrackInfo(id: 1, codec: "flac", parameters: p))
        let error = try #require(mediaError { () throws(MediaError) in try muxer.addTrack(TrackInfo(id: 1, codec: "flac", parameters: p)) })
        #expect(error.code == .invalidArgument)
        #expect(error.description.contains("already"), "\(error)")
    }

    // MARK: - Codecs

    /// Feeds `decoder` six garbage chunks (timestamps from 50 s), then `chunks`, then
    /// flushes. Returns the frames and the errors thrown for garbage and for valid chunks.
    static func decodeAfterGarbage(_ decoder: VideoDecoder, _ chunks: [EncodedChunk])
        throws -> (frames: [VideoFrame], garbageErrors: [MediaError], validErrors: [MediaError]) {
        var random = SplitMix(state: 0xBAD_C0DE)
        let garbage: [[UInt8]] = [
            random.bytes(4_096),
            [0, 0, 0, 1, 0x65] + random.bytes(2_000),      // an "IDR slice" of noise
            [0, 0, 0, 1, 0x67] + random.bytes(40),         // a broken SPS
            [UInt8](repeating: 0, count: 512),
            [0xFF],
            [0, 0, 1],
        ]
        var garbageErrors: [MediaError] = [], validErrors: [MediaError] = []
        for (i, bytes) in garbage.enumerated() {
            do throws(MediaError) {
                try decoder.decode(EncodedChunk(data: bytes, timestampUs: 50_000_000 + Int64(i), isKeyframe: true))
            } catch {
                garbageErrors.append(error)
            }
        }
        var frames = decoder.takeDecodedFrames()
        for c in chunks {
            do throws(MediaError) { try decoder.decode(c) } catch { validErrors.append(error) }
            frames += decoder.takeDecodedFrames()
        }
        try decoder.flush()
        frames += decoder.takeDecodedFrames()
        return (frames, garbageErrors, validErrors)
    }

    @Test func h264DecoderSurvivesGarbage() throws {
        let (chunks, parameters, _) = try encodeH264(count: 30)
        let decoder = try VideoDecoder(parameters: parameters)
        let (frames, garbageErrors, validErrors) = try Self.decodeAfterGarbage(decoder, chunks)
        // Every failure is a MediaError saying what was decoded and why.
        for error in garbageErrors + validErrors {
            #expect(error.code == .invalidData, "\(error)")
            #expect(error.description.contains("decode"), "\(error)")
            #expect(error.description.contains("Invalid data"), "\(error)")
        }
        // The valid stream, from its first keyframe, decodes completely afterwards.
        let valid = frames.filter { $0.timestampUs < 50_000_000 }
        #expect(valid.count == 30)
        for (i, frame) in valid.enumerated() {
            #expect(frame.timestampUs == MediaTime.rescale(Int64(i), multiplier: 1_000_000, divisor: 30))
            #expect(TestPattern.frameIndex(in: frame) == i)
        }
        #expect(frames.count - valid.count <= 6)
    }

    /// Threaded decoding reports a bad chunk while a later one is submitted;
    /// such an error must not blame the later chunk, which is taken anyway.
    @Test func lateErrorsAfterGarbageDoNotBlameValidChunks() throws {
        let (chunks, parameters, _) = try encodeH264(count: 30)
        let decoder = try VideoDecoder(parameters: parameters)
        let (frames, _, validErrors) = try Self.decodeAfterGarbage(decoder, chunks)
        for error in validErrors {
            #expect(error.code == .invalidData)
            #expect(error.description.contains("at or before"), "\(error)")
            #expect(error.description.contains("stays usable"), "\(error)")
        }
        #expect(frames.filter { $0.timestampUs < 50_000_000 }.count == 30, "every valid chunk was taken")
    }

    @Test func encoderRejectsTimestampsThatDoNotIncrease() throws {
        let encoder = try VideoEncoder(config: VideoEncoderConfig(codec: .h264, width: 320, height: 240))
        try encoder.encode(TestPattern.videoFrame(index: 0, width: 320, height: 240))
        for ts: Int64 in [0, -1, -1_000_000] {
            var frame = try TestPattern.videoFrame(index: 1, width: 320, height: 240)
            frame.timestampUs = ts
            let error = try #require(mediaError { () throws(MediaError) in try encoder.encode(frame) })
            #expect(error.code == .invalidArgument, "\(error)")
            #expect(error.description.contains("not after"), "\(error)")
            #expect(error.description.contains("\(ts)"), "\(error)")
        }
        // Still usable: the next frame in order encodes.
        try encoder.encode(TestPattern.videoFrame(index: 1, width: 320, height: 240))
        try encoder.flush()
        let chunks = encoder.takeEncodedChunks()
        #expect(chunks.count == 2)
        #expect(Set(chunks.map(\.timestampUs)) == [0, 33_333])
    }

    @Test(arguments: [VideoCodec.h264, .hevc, .vp9])
    func flushWithoutFramesReturnsNothing(codec: VideoCodec) throws {
        let encoder = try VideoEncoder(config: VideoEncoderConfig(codec: codec, width: 320, height: 240))
        try encoder.flush()
        #expect(encoder.takeEncodedChunks().isEmpty)
        // And the encoder still works afterwards.
        try encoder.encode(TestPattern.videoFrame(index: 0, width: 320, height: 240))
        try encoder.flush()
        #expect(encoder.takeEncodedChunks().count == 1)
    }

    @Test
    func av1FlushWithoutFramesReturnsNothing() throws {
        let encoder = try VideoEncoder(config: VideoEncoderConfig(codec: .av1, width: 320, height: 240))
        try encoder.flush()
        #expect(encoder.takeEncodedChunks().isEmpty)
    }
}
