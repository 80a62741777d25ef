import Foundation

/// The test inputs `guest new` puts in a new package's `testdata/`: a small
/// RGBA picture as PNG, a short stereo tone as 16-bit WAV. Deterministic:
/// the same bytes on every machine.
///
/// Encoded here, plainly (PNG with stored deflate blocks, WAV as 16-bit
/// PCM), until MediaFFmpeg's `StillImage.writePNG` and `WaveFile.write`
/// replace these encoders.
enum GuestTestData {
    // MARK: - Picture

    /// Width and height of the test picture, in pixels.
    static let pictureSize = (width: 64, height: 48)

    /// RGBA bytes, row by row: red grows to the right, green downwards,
    /// blue along the diagonal, alpha 255.
    static func picture(width: Int = pictureSize.width, height: Int = pictureSize.height) -> [UInt8] {
        var rgba: [UInt8] = []
        rgba.reserveCapacity(width * height * 4)
        for y in 0..<height {
            for x in 0..<width {
                rgba += [UInt8(x * 255 / max(width - 1, 1)), UInt8(y * 255 / max(height - 1, 1)),
                         UInt8((x + y) * 255 / max(width + height - 2, 1)), 255]
            }
        }
        return rgba
    }

    /// A PNG file of `rgba` (8-bit RGBA, `width` x `height`, no filtering,
    /// no compression).
    static func png(rgba: [UInt8], width: Int, height: Int) -> [UInt8] {
        assert(rgba.count == width * height * 4, "png: \(rgba.count) bytes is not \(width)x\(height) RGBA")
        var scanlines: [UInt8] = []
        scanlines.reserveCapacity(height * (width * 4 + 1))
        for row in 0..<height {
            scanlines.append(0)                                   // filter type: none
            scanlines += rgba[(row * width * 4)..<((row + 1) * width * 4)]
        }
        var header: [UInt8] = []
        header += bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [8, 6, 0, 0, 0]                                 // 8 bits, RGBA, deflate, no filter method, no interlace
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            + chunk("IHDR", header) + chunk("IDAT", zlibStored(scanlines)) + chunk("IEND", [])
    }

    /// A PNG chunk: length, type, data, CRC-32 of type and data.
    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
    }

    /// A zlib stream holding `data` in stored (uncompressed) deflate blocks.
    private static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let count = min(65_535, data.count - offset)
            let last: UInt8 = offset + count == data.count ? 1 : 0
            out.append(last)
            out += littleEndian(UInt16(count)) + littleEndian(~UInt16(count))
            out += data[offset..<(offset + count)]
            offset += count
        } while offset < data.count
        return out + bigEndian(adler32(data))
    }

    private static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes { c = crcTable[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return b << 16 | a
    }

    // MARK: - Sound

    /// Sample rate and length of the test tone.
    static let toneFormat = (sampleRate: 48_000, channels: 2, frames: 4_800)

    /// 0.1 s of stereo 16-bit samples, interleaved: 440 Hz on the left,
    /// 660 Hz on the right, at a quarter of full scale.
    static func tone() -> [Int16] {
        var samples: [Int16] = []
        samples.reserveCapacity(toneFormat.frames * 2)
        for frame in 0..<toneFormat.frames {
            let t = Double(frame) / Double(toneFormat.sampleRate)
            samples.append(Int16((sin(2 * .pi * 440 * t) * 8_191).rounded()))
            samples.append(Int16((sin(2 * .pi * 660 * t) * 8_191).rounded()))
        }
        return samples
    }

    /// A WAV file of interleaved 16-bit PCM.
    static func wav(_ samples: [Int16], channels: Int, sampleRate: Int) -> [UInt8] {
        let dataSize = UInt32(samples.count * 2)
        var out = Array("RIFF".utf8) + littleEndian(36 + dataSize) + Array("WAVE".utf8)
        out += Array("fmt ".utf8) + littleEndian(UInt32(16))
        out += littleEndian(UInt16(1)) + littleEndian(UInt16(channels))                 // PCM
        out += littleEndian(UInt32(sampleRate)) + littleEndian(UInt32(sampleRate * channels * 2))
        out += littleEndian(UInt16(channels * 2)) + littleEndian(UInt16(16))
        out += Array("data".utf8) + littleEndian(dataSize)
        for sample in samples { out += littleEndian(UInt16(bitPattern: sample)) }
        return out
    }

    // MARK: - Bytes

    private static func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    private static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}
