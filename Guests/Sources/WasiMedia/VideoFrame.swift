/// One uncompressed video frame (`video-frame`).
///
/// The frame owns its buffer: returning the frame from `process`, or
/// passing it to an import, moves the buffer to the host. `buffer` holds
/// the canonical layout of `format` at `width` x `height`.
public struct VideoFrame {
    public var buffer: MediaBuffer
    public var format: PixelFormat
    public var width: UInt32
    public var height: UInt32
    /// Presentation timestamp in microseconds.
    public var timestampUs: Int64
    /// How long the frame is shown, in microseconds, if known.
    public var durationUs: UInt64?

    public init(buffer: MediaBuffer, format: PixelFormat, width: UInt32, height: UInt32,
                timestampUs: Int64, durationUs: UInt64? = nil) {
        self.buffer = buffer
        self.format = format
        self.width = width
        self.height = height
        self.timestampUs = timestampUs
        self.durationUs = durationUs
    }

    /// A frame with a new zero-filled buffer of the right size for `format`.
    public init(format: PixelFormat, width: UInt32, height: UInt32, timestampUs: Int64, durationUs: UInt64? = nil) {
        self.init(buffer: MediaBuffer(size: format.byteCount(width: Int(width), height: Int(height))),
                  format: format, width: width, height: height, timestampUs: timestampUs, durationUs: durationUs)
    }
}

extension VideoFrame {
    /// Byte size and alignment in memory (docs/guest-abi.md section 4).
    package static let size = 40
    package static let alignment = 8

    /// Lifts a frame from its 7 flat core values; the guest now owns the buffer.
    package static func lift(_ handle: Int32, _ format: Int32, _ width: Int32, _ height: Int32,
                             _ timestamp: Int64, _ hasDuration: Int32, _ duration: Int64) -> VideoFrame {
        VideoFrame(buffer: MediaBuffer(adopting: handle), format: PixelFormat.lift(format),
                   width: UInt32(bitPattern: width), height: UInt32(bitPattern: height),
                   timestampUs: timestamp, durationUs: hasDuration != 0 ? UInt64(bitPattern: duration) : nil)
    }

    /// Lifts the frame stored at `base + offset`.
    package static func lift(at base: UnsafeMutableRawPointer, _ offset: Int) -> VideoFrame {
        let p = base + offset
        return lift(CanonicalABI.load(p, 0, as: Int32.self), Int32(CanonicalABI.load(p, 4, as: UInt8.self)),
                    CanonicalABI.load(p, 8, as: Int32.self), CanonicalABI.load(p, 12, as: Int32.self),
                    CanonicalABI.load(p, 16, as: Int64.self), Int32(CanonicalABI.load(p, 24, as: UInt8.self)),
                    CanonicalABI.load(p, 32, as: Int64.self))
    }

    /// Stores the frame at `base + offset`, moving its buffer to the host.
    package func lower(into base: UnsafeMutableRawPointer, _ offset: Int) {
        let p = base + offset
        CanonicalABI.store(buffer.take(), p, 0)
        CanonicalABI.store(format.rawValue, p, 4)
        CanonicalABI.store(width, p, 8)
        CanonicalABI.store(height, p, 12)
        CanonicalABI.store(timestampUs, p, 16)
        CanonicalABI.store(UInt8(durationUs == nil ? 0 : 1), p, 24)
        CanonicalABI.store(durationUs ?? 0, p, 32)
    }

    /// Runs `body` with the frame's 7 flat core values, moving the buffer.
    package func withFlat<R>(_ body: (Int32, Int32, Int32, Int32, Int64, Int32, Int64) -> R) -> R {
        body(buffer.take(), Int32(format.rawValue), Int32(bitPattern: width), Int32(bitPattern: height),
             timestampUs, durationUs == nil ? 0 : 1, Int64(bitPattern: durationUs ?? 0))
    }

    /// Lowers `frames` as a `list<video-frame>`: an array the guest
    /// allocated, freed by the caller later. Moves every buffer.
    package static func lowerList(_ frames: [VideoFrame]) -> (UnsafeMutableRawPointer, Int) {
        let list = CanonicalABI.allocate(byteCount: frames.count * size, alignment: alignment)
        for (i, frame) in frames.enumerated() { frame.lower(into: list, i * size) }
        return (list, frames.count)
    }

    /// Lifts a `list<video-frame>` the host allocated, and frees the array.
    package static func takeList(_ pointer: UnsafeMutableRawPointer?, _ count: Int) -> [VideoFrame] {
        guard let pointer else { return [] }
        var frames: [VideoFrame] = []
        frames.reserveCapacity(count)
        for i in 0..<count { frames.append(lift(at: pointer, i * size)) }
        pointer.deallocate()
        return frames
    }
}

extension PixelFormat {
    /// The format of a case index the host sent; traps on an invalid one.
    package static func lift(_ raw: Int32) -> PixelFormat {
        guard let format = PixelFormat(rawValue: UInt8(truncatingIfNeeded: raw)), raw >= 0, raw < 4 else {
            fatalError("invalid pixel-format")
        }
        return format
    }
}

extension SampleFormat {
    /// The format of a case index the host sent; traps on an invalid one.
    package static func lift(_ raw: Int32) -> SampleFormat {
        guard let format = SampleFormat(rawValue: UInt8(truncatingIfNeeded: raw)), raw >= 0, raw < 2 else {
            fatalError("invalid sample-format")
        }
        return format
    }
}
