/// A run of uncompressed audio (`audio-data`).
///
/// Owns its buffer, as `VideoFrame` does. The number of samples per channel
/// is the buffer's size divided by `channels` times the sample size.
public struct AudioData {
    public var buffer: MediaBuffer
    public var format: SampleFormat
    /// Samples per second.
    public var sampleRate: UInt32
    public var channels: UInt8
    /// Presentation timestamp of the first sample in microseconds.
    public var timestampUs: Int64

    public init(buffer: MediaBuffer, format: SampleFormat, sampleRate: UInt32, channels: UInt8, timestampUs: Int64) {
        self.buffer = buffer
        self.format = format
        self.sampleRate = sampleRate
        self.channels = channels
        self.timestampUs = timestampUs
    }
}

extension AudioData {
    package static let size = 24
    package static let alignment = 8

    /// Lifts audio from its 5 flat core values; the guest now owns the buffer.
    package static func lift(_ handle: Int32, _ format: Int32, _ sampleRate: Int32, _ channels: Int32,
                             _ timestamp: Int64) -> AudioData {
        AudioData(buffer: MediaBuffer(adopting: handle), format: SampleFormat.lift(format),
                  sampleRate: UInt32(bitPattern: sampleRate), channels: UInt8(truncatingIfNeeded: channels),
                  timestampUs: timestamp)
    }

    package static func lift(at base: UnsafeMutableRawPointer, _ offset: Int) -> AudioData {
        let p = base + offset
        return lift(CanonicalABI.load(p, 0, as: Int32.self), Int32(CanonicalABI.load(p, 4, as: UInt8.self)),
                    CanonicalABI.load(p, 8, as: Int32.self), Int32(CanonicalABI.load(p, 12, as: UInt8.self)),
                    CanonicalABI.load(p, 16, as: Int64.self))
    }

    /// Stores the audio at `base + offset`, moving its buffer to the host.
    package func lower(into base: UnsafeMutableRawPointer, _ offset: Int) {
        let p = base + offset
        CanonicalABI.store(buffer.take(), p, 0)
        CanonicalABI.store(format.rawValue, p, 4)
        CanonicalABI.store(sampleRate, p, 8)
        CanonicalABI.store(channels, p, 12)
        CanonicalABI.store(timestampUs, p, 16)
    }

    /// Runs `body` with the audio's 5 flat core values, moving the buffer.
    package func withFlat<R>(_ body: (Int32, Int32, Int32, Int32, Int64) -> R) -> R {
        body(buffer.take(), Int32(format.rawValue), Int32(bitPattern: sampleRate), Int32(channels), timestampUs)
    }

    package static func lowerList(_ runs: [AudioData]) -> (UnsafeMutableRawPointer, Int) {
        let list = CanonicalABI.allocate(byteCount: runs.count * size, alignment: alignment)
        for (i, run) in runs.enumerated() { run.lower(into: list, i * size) }
        return (list, runs.count)
    }

    package static func takeList(_ pointer: UnsafeMutableRawPointer?, _ count: Int) -> [AudioData] {
        guard let pointer else { return [] }
        var runs: [AudioData] = []
        runs.reserveCapacity(count)
        for i in 0..<count { runs.append(lift(at: pointer, i * size)) }
        pointer.deallocate()
        return runs
    }
}
