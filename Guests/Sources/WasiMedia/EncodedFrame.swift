/// The kind of an encoded frame (`encoded-frame-type`,
/// `RTCEncodedVideoFrameType`).
public enum EncodedFrameType: UInt8, Sendable {
    /// No payload.
    case empty
    /// Decodes on its own (audio frames are always `key`).
    case key
    /// Needs earlier frames to decode.
    case delta
}

/// One compressed frame in an encoded transform, with its metadata
/// (`encoded-frame`, `RTCEncodedVideoFrame`). A transform returns the
/// fields it does not change as it got them.
public struct EncodedFrame {
    public var type: EncodedFrameType
    /// The payload; a transform may replace it with bytes of any length.
    public var data: [UInt8]
    /// Presentation timestamp in microseconds.
    public var timestampUs: Int64
    /// Decode timestamp in microseconds, when it differs (B-frames).
    public var decodeTimestampUs: Int64?
    /// Duration in microseconds, if known.
    public var durationUs: UInt64?
    /// RTP timestamp (90 kHz for video), for frames from or to RTP.
    public var rtpTimestamp: UInt32?
    /// RTP synchronization source (SSRC), where known.
    public var synchronizationSource: UInt32?
    /// RTP payload type (0 to 127), where known.
    public var payloadType: UInt8?

    public init(type: EncodedFrameType, data: [UInt8], timestampUs: Int64, decodeTimestampUs: Int64? = nil,
                durationUs: UInt64? = nil, rtpTimestamp: UInt32? = nil, synchronizationSource: UInt32? = nil,
                payloadType: UInt8? = nil) {
        self.type = type
        self.data = data
        self.timestampUs = timestampUs
        self.decodeTimestampUs = decodeTimestampUs
        self.durationUs = durationUs
        self.rtpTimestamp = rtpTimestamp
        self.synchronizationSource = synchronizationSource
        self.payloadType = payloadType
    }
}

extension EncodedFrame {
    package static let size = 80
    package static let alignment = 8

    /// Lifts a frame from its 14 flat core values, taking (copying, then
    /// freeing) the payload the host allocated.
    package static func lift(
        _ type: Int32, _ data: UnsafeMutableRawPointer?, _ count: Int, _ timestamp: Int64,
        _ hasDecodeTimestamp: Int32, _ decodeTimestamp: Int64, _ hasDuration: Int32, _ duration: Int64,
        _ hasRTPTimestamp: Int32, _ rtpTimestamp: Int32, _ hasSSRC: Int32, _ ssrc: Int32,
        _ hasPayloadType: Int32, _ payloadType: Int32
    ) -> EncodedFrame {
        guard let kind = EncodedFrameType(rawValue: UInt8(truncatingIfNeeded: type)), type >= 0, type < 3 else {
            fatalError("invalid encoded-frame-type")
        }
        return EncodedFrame(
            type: kind, data: CanonicalABI.takeByteArray(data, count), timestampUs: timestamp,
            decodeTimestampUs: hasDecodeTimestamp != 0 ? decodeTimestamp : nil,
            durationUs: hasDuration != 0 ? UInt64(bitPattern: duration) : nil,
            rtpTimestamp: hasRTPTimestamp != 0 ? UInt32(bitPattern: rtpTimestamp) : nil,
            synchronizationSource: hasSSRC != 0 ? UInt32(bitPattern: ssrc) : nil,
            payloadType: hasPayloadType != 0 ? UInt8(truncatingIfNeeded: payloadType) : nil)
    }

    /// Stores the frame at `base + offset`, its payload copied to fresh
    /// memory (freed by `freeLowered`).
    package func lower(into base: UnsafeMutableRawPointer, _ offset: Int) {
        let p = base + offset
        CanonicalABI.store(type.rawValue, p, 0)
        let (pointer, count) = data.withUnsafeBytes { CanonicalABI.copy($0) }
        CanonicalABI.storePair(pointer, count, p, 4)
        CanonicalABI.store(timestampUs, p, 16)
        CanonicalABI.store(UInt8(decodeTimestampUs == nil ? 0 : 1), p, 24)
        CanonicalABI.store(decodeTimestampUs ?? 0, p, 32)
        CanonicalABI.store(UInt8(durationUs == nil ? 0 : 1), p, 40)
        CanonicalABI.store(durationUs ?? 0, p, 48)
        CanonicalABI.store(UInt8(rtpTimestamp == nil ? 0 : 1), p, 56)
        CanonicalABI.store(rtpTimestamp ?? 0, p, 60)
        CanonicalABI.store(UInt8(synchronizationSource == nil ? 0 : 1), p, 64)
        CanonicalABI.store(synchronizationSource ?? 0, p, 68)
        CanonicalABI.store(UInt8(payloadType == nil ? 0 : 1), p, 72)
        CanonicalABI.store(payloadType ?? 0, p, 73)
    }

    package static func lowerList(_ frames: [EncodedFrame]) -> (UnsafeMutableRawPointer, Int) {
        let list = CanonicalABI.allocate(byteCount: frames.count * size, alignment: alignment)
        for (i, frame) in frames.enumerated() { frame.lower(into: list, i * size) }
        return (list, frames.count)
    }

    /// Frees a list made by `lowerList`: every payload, then the array.
    package static func freeLoweredList(_ pointer: UnsafeMutableRawPointer?, _ count: Int) {
        guard let pointer else { return }
        for i in 0..<count { CanonicalABI.freePair(pointer, i * size + 4) }
        pointer.deallocate()
    }
}
