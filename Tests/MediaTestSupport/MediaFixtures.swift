import Foundation
import MediaCore
import MediaFFmpeg

public enum MediaFixtures {
    /// Writes test-pattern frames 0..<count as binary PPM images `img0001.ppm`...
    public static func writePPMSequence(count: Int, width: Int = 320, height: Int = 240, in dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for i in 0..<count {
            let frame = try TestPattern.videoFrame(index: i, width: width, height: height, format: .rgba8888)
            var bytes = Array("P6\n\(width) \(height)\n255\n".utf8)
            bytes.reserveCapacity(bytes.count + width * height * 3)
            frame.buffer.withUnsafeBytes { raw in
                for p in 0..<(width * height) { bytes += [raw[p * 4], raw[p * 4 + 1], raw[p * 4 + 2]] }
            }
            FileManager.default.createFile(atPath: dir + String(format: "/img%04d.ppm", i + 1), contents: Data(bytes))
        }
    }

    /// The test-pattern index and timestamp of every frame of a file's first video track.
    public static func frameIndices(_ path: String) throws -> [(index: Int, timestampUs: Int64)] {
        let reader = try FrameReader(url: path)
        var out: [(Int, Int64)] = []
        while let f = try reader.nextFrame() { out.append((TestPattern.frameIndex(in: f), f.timestampUs)) }
        return out
    }
}
