import Foundation
import Testing
import MediaCore
@testable import MediaFFmpeg
import MediaTestWatchdog

/// The system's `ffmpeg` and `ffprobe` (scripts/setup.sh installs them), as
/// an independent reader and writer of the files. Tests that need them are
/// skipped where they are missing.
enum SystemFFmpeg {
    static let ffmpeg = "/usr/bin/ffmpeg"
    static let ffprobe = "/usr/bin/ffprobe"
    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: ffmpeg) && FileManager.default.isExecutableFile(atPath: ffprobe)
    }

    /// Runs `tool` and gives its standard output; records an issue on a failure.
    @discardableResult
    static func run(_ tool: String, _ args: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> [UInt8] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = ["-v", "error"] + args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(tool) \(args.joined(separator: " ")): \(String(decoding: e, as: UTF8.self))",
                sourceLocation: sourceLocation)
        return [UInt8](o)
    }

    /// One stream entry of ffprobe's CSV output (`-show_entries stream=...`).
    static func probe(_ path: String, _ entries: String) throws -> String {
        let out = try run(ffprobe, ["-show_entries", "stream=" + entries, "-of", "csv=p=0", path])
        return String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A fresh directory for one test's files.
struct ScratchFolder {
    let path: String
    init(_ name: String) {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("wasi-media-still-\(getpid())-\(name)-\(UUID().uuidString.prefix(8))").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> String { path + "/" + name }
    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        try Data(bytes).write(to: URL(fileURLWithPath: file(name)))
        return file(name)
    }
    func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: file(name)))) }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// The error `body` throws; records an issue when it throws none.
func thrownMediaError(_ body: () throws(MediaError) -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> MediaError? {
    do throws(MediaError) {
        try body()
        Issue.record("expected a MediaError", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

@Suite(.watchdog) struct StillImageTests {
    static func rgba(_ index: Int = 3, width: Int = 64, height: Int = 48, monochrome: Bool = false) throws -> VideoFrame {
        try TestPattern.videoFrame(index: index, width: width, height: height, format: .rgba8888, monochrome: monochrome)
    }

    /// The colour type byte of a PNG file's IHDR: 0 gray, 2 RGB, 4 gray with alpha, 6 RGBA.
    static func colorType(_ png: [UInt8]) -> UInt8 { png[25] }

    // MARK: - PNG

    @Test func pngRoundTripIsExactAndStable() throws {
        let dir = ScratchFolder("png")
        defer { dir.remove() }
        let frame = try Self.rgba()
        try StillImage.writePNG(frame, to: dir.file("a.png"))
        try StillImage.writePNG(frame, to: dir.file("b.png"))
        let back = try StillImage.read(dir.file("a.png"))
        #expect(back.format == .rgba8888 && back.width == 64 && back.height == 48 && back.timestampUs == 0)
        #expect(back.buffer.bytes == frame.buffer.bytes)
        let a = try dir.bytes("a.png"), b = try dir.bytes("b.png")
        #expect(a == b, "the same frame gives the same file")
        #expect(Array(a.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(Self.colorType(a) == 2, "an opaque colour frame is stored as RGB")
        #expect(try StillImage.encodePNG(frame) == a)
    }

    /// One encoder gives every frame the bytes a fresh one would: nothing
    /// carries over from the frame before, whatever its size or colour type.
    @Test func anEncoderCarriesNothingOverBetweenFrames() throws {
        let encoder = try PNGEncoder()
        let frames = [try Self.rgba(1), try Self.rgba(2, width: 32, height: 16, monochrome: true), try Self.rgba(3)]
        for frame in frames {
            #expect(try encoder.encode(frame) == (try PNGEncoder().encode(frame)))
        }
    }

    /// The smallest colour type that keeps every value, each read back exactly.
    @Test(arguments: [(false, false, UInt8(2)), (true, false, 0), (false, true, 6), (true, true, 4)])
    func eachColourTypeRoundTrips(monochrome: Bool, translucent: Bool, expected: UInt8) throws {
        let dir = ScratchFolder("types")
        defer { dir.remove() }
        var bytes = try Self.rgba(5, width: 40, height: 30, monochrome: monochrome).buffer.bytes
        if translucent { for p in stride(from: 3, to: bytes.count, by: 4) { bytes[p] = UInt8(p % 256) } }
        let frame = try VideoFrame(bytes: bytes, format: .rgba8888, width: 40, height: 30, timestampUs: 0)
        try StillImage.writePNG(frame, to: dir.file("t.png"))
        #expect(Self.colorType(try dir.bytes("t.png")) == expected)
        #expect(try StillImage.read(dir.file("t.png")).buffer.bytes == bytes)
    }

    @Test func bgraIsStoredExactly() throws {
        let dir = ScratchFolder("bgra")
        defer { dir.remove() }
        let frame = try TestPattern.videoFrame(index: 7, width: 33, height: 17, format: .bgra8888)
        try StillImage.writePNG(frame, to: dir.file("b.png"))
        #expect(try StillImage.read(dir.file("b.png"), as: .bgra8888).buffer.bytes == frame.buffer.bytes)
        // Read as RGBA: the same pixels with red and blue in their places.
        let rgba = try StillImage.read(dir.file("b.png")).buffer.bytes
        let b = frame.buffer.bytes
        #expect(rgba[0] == b[2] && rgba[1] == b[1] && rgba[2] == b[0] && rgba[3] == b[3])
    }

    /// PNG has no YUV: such frames are stored as the RGB libswscale makes of them.
    @Test(arguments: [PixelFormat.yuv420p, .nv12])
    func yuvIsStoredAsItsRGB(_ format: PixelFormat) throws {
        let dir = ScratchFolder("yuv")
        defer { dir.remove() }
        let frame = try TestPattern.videoFrame(index: 2, width: 64, height: 48, format: format)
        try StillImage.writePNG(frame, to: dir.file("y.png"))
        let expected = try VideoScaler(format: .rgba8888, width: 64, height: 48).scale(frame)
        #expect(try StillImage.read(dir.file("y.png")).buffer.bytes == expected.buffer.bytes)
        #expect(Self.colorType(try dir.bytes("y.png")) == 2)
    }

    @Test(.enabled(if: SystemFFmpeg.available)) func ffmpegReadsWhatIsWritten() throws {
        let dir = ScratchFolder("ffread")
        defer { dir.remove() }
        let frame = try Self.rgba(9, width: 50, height: 30)
        try StillImage.writePNG(frame, to: dir.file("f.png"))
        #expect(try SystemFFmpeg.probe(dir.file("f.png"), "codec_name,width,height,pix_fmt") == "png,50,30,rgb24")
        let decoded = try SystemFFmpeg.run(SystemFFmpeg.ffmpeg, ["-i", dir.file("f.png"), "-f", "rawvideo", "-pix_fmt", "rgba", "-"])
        #expect(decoded == frame.buffer.bytes)
    }

    /// Pictures FFmpeg writes in lossless formats read back exactly.
    @Test(.enabled(if: SystemFFmpeg.available), arguments: ["png", "bmp", "ppm", "tiff", "webp"])
    func readsWhatFFmpegWrites(_ ext: String) throws {
        let dir = ScratchFolder("ffwrite-\(ext)")
        defer { dir.remove() }
        let frame = try Self.rgba(4, width: 48, height: 32)
        try StillImage.writeRaw(frame, to: dir.file("in.rgba"))
        let codecArgs = ext == "webp" ? ["-c:v", "libwebp", "-lossless", "1"] : []
        try SystemFFmpeg.run(SystemFFmpeg.ffmpeg, ["-f", "rawvideo", "-pix_fmt", "rgba", "-s", "48x32", "-i", dir.file("in.rgba")]
                             + codecArgs + ["-frames:v", "1", "-y", dir.file("out." + ext)])
        let back = try StillImage.read(dir.file("out." + ext))
        #expect(back.width == 48 && back.height == 32)
        #expect(back.buffer.bytes == frame.buffer.bytes, "\(ext) read back differs")
    }

    /// 16-bit and gray pictures FFmpeg writes read back as the 8-bit RGBA they came from.
    @Test(.enabled(if: SystemFFmpeg.available), arguments: [("png", "rgb48be"), ("png", "rgba64be"), ("png", "gray"), ("pgm", "gray"), ("png", "ya8")])
    func readsDeepAndGrayPictures(ext: String, pixelFormat: String) throws {
        let dir = ScratchFolder("deep-\(pixelFormat)")
        defer { dir.remove() }
        let frame = try Self.rgba(8, width: 40, height: 24, monochrome: pixelFormat.hasPrefix("g") || pixelFormat == "ya8")
        try StillImage.writeRaw(frame, to: dir.file("in.rgba"))
        try SystemFFmpeg.run(SystemFFmpeg.ffmpeg, ["-f", "rawvideo", "-pix_fmt", "rgba", "-s", "40x24", "-i", dir.file("in.rgba"),
                                                   "-pix_fmt", pixelFormat, "-frames:v", "1", "-y", dir.file("out." + ext)])
        #expect(try SystemFFmpeg.probe(dir.file("out." + ext), "pix_fmt") == pixelFormat)
        #expect(try StillImage.read(dir.file("out." + ext)).buffer.bytes == frame.buffer.bytes)
    }

    /// JPEG is lossy: only the size and the rough picture survive.
    @Test(.enabled(if: SystemFFmpeg.available)) func readsJPEG() throws {
        let dir = ScratchFolder("jpeg")
        defer { dir.remove() }
        let frame = try Self.rgba(4, width: 64, height: 48)
        try StillImage.writePNG(frame, to: dir.file("in.png"))
        try SystemFFmpeg.run(SystemFFmpeg.ffmpeg, ["-i", dir.file("in.png"), "-q:v", "2", "-y", dir.file("out.jpg")])
        let back = try StillImage.read(dir.file("out.jpg"))
        #expect(back.width == 64 && back.height == 48 && back.format == .rgba8888)
        let error = zip(back.buffer.bytes, frame.buffer.bytes).map { abs(Int($0) - Int($1)) }.reduce(0, +) / back.buffer.size
        #expect(error < 8, "mean error \(error)")
        #expect(try StillImage.read(dir.file("out.jpg"), as: .yuv420p).format == .yuv420p)
    }

    // MARK: - Bad input

    @Test func missingAndNonFilesAreNamed() throws {
        let dir = ScratchFolder("missing")
        defer { dir.remove() }
        let missing = thrownMediaError { () throws(MediaError) in _ = try StillImage.read(dir.file("nope.png")) }
        #expect(missing?.code == .notFound && missing?.file == dir.file("nope.png") && missing?.message == "no such file")
        let folder = thrownMediaError { () throws(MediaError) in _ = try StillImage.read(dir.path) }
        #expect(folder?.code == .invalidArgument && folder?.message.contains("directory") == true)
        let frame = try Self.rgba()
        let noDirectory = thrownMediaError { () throws(MediaError) in try StillImage.writePNG(frame, to: dir.file("no/such/dir.png")) }
        #expect(noDirectory?.code == .notFound && noDirectory?.file == dir.file("no/such/dir.png"))
        #expect(noDirectory.map { "\($0)" }?.contains("no/such/dir.png") == true)
    }

    @Test func garbageEmptyAndTruncatedFilesAreClearErrors() throws {
        let dir = ScratchFolder("garbage")
        defer { dir.remove() }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let noise = (0..<4096).map { _ -> UInt8 in state = state &* 6364136223846793005 &+ 1442695040888963407; return UInt8(state >> 56) }
        let png = try StillImage.encodePNG(try Self.rgba(width: 128, height: 96))
        let cases: [(String, [UInt8])] = [
            ("noise.png", noise), ("noise.bin", noise), ("empty.png", []), ("text.txt", Array("not a picture\n".utf8)),
            ("half.png", Array(png.prefix(png.count / 2))), ("header.png", Array(png.prefix(40))),
        ]
        for (name, bytes) in cases {
            let path = try dir.write(bytes, name)
            let error = thrownMediaError { () throws(MediaError) in _ = try StillImage.read(path) }
            #expect(error?.code == .invalidData, "\(name): \(error.map { "\($0)" } ?? "no error")")
            #expect(error?.file == path && "\(error!)".contains(name), "\(name): \(error.map { "\($0)" } ?? "")")
            #expect(error?.operation == "read image")
        }
    }

    @Test func aFileWithNoPictureSaysWhatItHolds() throws {
        let dir = ScratchFolder("audio")
        defer { dir.remove() }
        let tone = try TestPattern.tone(frequency: 440, sampleRate: 8000, channels: 1, startSample: 0, frameCount: 800, format: .s16Interleaved)
        try WaveFile.write(tone, to: dir.file("tone.wav"))
        let error = thrownMediaError { () throws(MediaError) in _ = try StillImage.read(dir.file("tone.wav")) }
        #expect(error?.code == .invalidData && error?.message == "not an image: it holds audio (pcm_s16le) and no picture")
    }

    /// A `%` or a `:` in a name is part of the name, not a pattern or a protocol.
    @Test func namesAreTakenLiterally() throws {
        let dir = ScratchFolder("names")
        defer { dir.remove() }
        let frame = try Self.rgba()
        for name in ["100%.png", "img%04d.png", "http:x.png"] {
            try StillImage.writePNG(frame, to: dir.file(name))
            #expect(try StillImage.read(dir.file(name)).buffer.bytes == frame.buffer.bytes, "\(name)")
        }
    }

    // MARK: - Raw

    @Test(arguments: PixelFormat.allCases) func rawRoundTripIsExact(_ format: PixelFormat) throws {
        let dir = ScratchFolder("raw")
        defer { dir.remove() }
        let frame = try TestPattern.videoFrame(index: 6, width: 33, height: 17, format: format)
        try StillImage.writeRaw(frame, to: dir.file("f.raw"))
        #expect(try dir.bytes("f.raw").count == format.byteCount(width: 33, height: 17))
        let back = try StillImage.readRaw(dir.file("f.raw"), format: format, width: 33, height: 17)
        #expect(back == frame.withTimestamp(0))
    }

    /// FFmpeg's rawvideo reader agrees on the layout, odd sizes included.
    @Test(.enabled(if: SystemFFmpeg.available), arguments: PixelFormat.allCases)
    func ffmpegAgreesOnTheRawLayout(_ format: PixelFormat) throws {
        let dir = ScratchFolder("rawff")
        defer { dir.remove() }
        let frame = try TestPattern.videoFrame(index: 6, width: 33, height: 17, format: format)
        try StillImage.writeRaw(frame, to: dir.file("f.raw"))
        let name = ["rgba8888": "rgba", "bgra8888": "bgra", "yuv420p": "yuv420p", "nv12": "nv12"][format.witName]!
        let rgba = try SystemFFmpeg.run(SystemFFmpeg.ffmpeg, ["-f", "rawvideo", "-pix_fmt", name, "-s", "33x17", "-i", dir.file("f.raw"),
                                                             "-f", "rawvideo", "-pix_fmt", name, "-"])
        #expect(rgba == frame.buffer.bytes)
    }

    @Test func rawSizeMismatchGivesBothCounts() throws {
        let dir = ScratchFolder("rawbad")
        defer { dir.remove() }
        let path = try dir.write([UInt8](repeating: 7, count: 1000), "short.raw")
        let short = thrownMediaError { () throws(MediaError) in _ = try StillImage.readRaw(path, format: .rgba8888, width: 16, height: 16) }
        #expect(short?.code == .invalidData && short?.file == path)
        #expect(short?.message == "a rgba8888 16x16 frame is 1024 bytes, but the file holds 1000")
        let three = try dir.write([UInt8](repeating: 7, count: 3 * 1024), "three.raw")
        let many = thrownMediaError { () throws(MediaError) in _ = try StillImage.readRaw(three, format: .rgba8888, width: 16, height: 16) }
        #expect(many?.message == "a rgba8888 16x16 frame is 1024 bytes, but the file holds 3072 (3 frames; this reads one)")
        let size = thrownMediaError { () throws(MediaError) in _ = try StillImage.readRaw(path, format: .yuv420p, width: 0, height: 16) }
        #expect(size?.code == .invalidArgument && size?.message.contains("0x16") == true)
        let none = thrownMediaError { () throws(MediaError) in _ = try StillImage.readRaw(dir.file("none.raw"), format: .nv12, width: 2, height: 2) }
        #expect(none?.code == .notFound)
    }
}

extension VideoFrame {
    func withTimestamp(_ us: Int64) -> VideoFrame {
        var copy = self
        copy.timestampUs = us
        copy.durationUs = nil
        return copy
    }
}
