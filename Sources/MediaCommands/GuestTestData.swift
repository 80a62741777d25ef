import Foundation
import MediaCore
import MediaFFmpeg

/// The test inputs `guest new` puts in a new package's `testdata/`, and the
/// outputs its stub must give: a small RGBA picture (PNG), a short stereo
/// tone (16-bit WAV), an encoded frame's payload (bytes). Deterministic:
/// the same files on every machine.
enum GuestTestData {
    /// Width and height of the test picture, in pixels.
    static let pictureSize = (width: 64, height: 48)

    /// The picture: red grows to the right, green downwards, blue along the
    /// diagonal, alpha 255.
    static func picture() throws(MediaError) -> VideoFrame {
        let (width, height) = pictureSize
        var rgba: [UInt8] = []
        rgba.reserveCapacity(width * height * 4)
        for y in 0..<height {
            for x in 0..<width {
                rgba += [UInt8(x * 255 / (width - 1)), UInt8(y * 255 / (height - 1)),
                         UInt8((x + y) * 255 / (width + height - 2)), 255]
            }
        }
        return try VideoFrame(bytes: rgba, format: .rgba8888, width: width, height: height, timestampUs: 0)
    }

    /// Sample rate, channels and length of the test tone.
    static let toneFormat = (sampleRate: 48_000, channels: 2, frames: 4_800)

    /// 0.1 s of stereo `s16-interleaved` samples: 440 Hz on the left, 660 Hz
    /// on the right, at a quarter of full scale.
    static func tone() throws(MediaError) -> AudioData {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(toneFormat.frames * toneFormat.channels * 2)
        for frame in 0..<toneFormat.frames {
            let t = Double(frame) / Double(toneFormat.sampleRate)
            for frequency in [440.0, 660.0] {
                let sample = UInt16(bitPattern: Int16((sin(2 * .pi * frequency * t) * 8_191).rounded()))
                bytes += [UInt8(sample & 0xFF), UInt8(sample >> 8)]
            }
        }
        return try AudioData(bytes: bytes, format: .s16Interleaved, sampleRate: toneFormat.sampleRate,
                             channels: toneFormat.channels, timestampUs: 0)
    }

    /// An encoded frame's payload: the bytes 0 to 63.
    static let payload = [UInt8](0..<64)

    /// Writes `world`'s input and the output its stub gives (the same: every
    /// stub passes its input through) into `folder`; nothing for a media app.
    static func write(for world: SDKWorld, into folder: URL) throws {
        let files: [String]
        switch world {
        case .videoFilter:
            files = ["input.png", "expected.png"]
            let frame = try picture()
            for file in files { try StillImage.writePNG(frame, to: folder.appendingPathComponent(file).path) }
        case .audioFilter:
            files = ["input.wav", "expected.wav"]
            let audio = try tone()
            for file in files { try WaveFile.write(audio, to: folder.appendingPathComponent(file).path) }
        case .encodedTransform:
            files = ["input.bin", "expected.bin"]
            for file in files { try Data(payload).write(to: folder.appendingPathComponent(file)) }
        case .mediaApp:
            return
        }
    }
}
