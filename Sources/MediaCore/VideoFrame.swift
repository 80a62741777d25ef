/// One uncompressed video frame (`wasi:media/types.video-frame`).
///
/// The buffer always holds the canonical tight layout of ``format`` at
/// ``width`` x ``height`` (see ``PixelFormat``).
public struct VideoFrame: Sendable, Equatable {
    public var buffer: MediaBuffer
    public let format: PixelFormat
    public let width: Int
    public let height: Int
    /// Presentation timestamp in microseconds.
    public var timestampUs: Int64
    /// Display duration in microseconds, when known.
    public var durationUs: Int64?

    /// A zero-filled frame.
    public init(format: PixelFormat, width: Int, height: Int, timestampUs: Int64, durationUs: Int64? = nil) throws(MediaError) {
        try Self.validate(format: format, width: width, height: height)
        self.format = format
        self.width = width
        self.height = height
        self.timestampUs = timestampUs
        self.durationUs = durationUs
        let planes = format.planes(width: width, height: height)
        self.buffer = MediaBuffer(count: format.byteCount(width: width, height: height), planes: planes)
    }

    /// Wraps bytes already in the canonical layout. Throws if `bytes` has the wrong size.
    public init(bytes: [UInt8], format: PixelFormat, width: Int, height: Int,
                timestampUs: Int64, durationUs: Int64? = nil) throws(MediaError) {
        try Self.validate(format: format, width: width, height: height)
        let expected = format.byteCount(width: width, height: height)
        guard bytes.count == expected,
              let buffer = MediaBuffer(bytes: bytes, planes: format.planes(width: width, height: height)) else {
            throw MediaError(.invalidArgument, operation: "create video frame",
                             message: "\(format.witName) \(width)x\(height) needs \(expected) bytes, got \(bytes.count)")
        }
        self.buffer = buffer
        self.format = format
        self.width = width
        self.height = height
        self.timestampUs = timestampUs
        self.durationUs = durationUs
    }

    /// A frame whose buffer is filled by `initialize`, which must write every byte.
    public init(format: PixelFormat, width: Int, height: Int, timestampUs: Int64, durationUs: Int64? = nil,
                initializingWith initialize: (UnsafeMutableRawBufferPointer, [PlaneLayout]) throws(MediaError) -> Void) throws(MediaError) {
        try Self.validate(format: format, width: width, height: height)
        let planes = format.planes(width: width, height: height)
        self.buffer = try MediaBuffer(uninitializedCount: format.byteCount(width: width, height: height),
                                      planes: planes) { (raw) throws(MediaError) in try initialize(raw, planes) }
        self.format = format
        self.width = width
        self.height = height
        self.timestampUs = timestampUs
        self.durationUs = durationUs
    }

    /// Largest accepted dimension, as FFmpeg's own image size limit.
    public static let maxDimension = 16384

    static func validate(format: PixelFormat, width: Int, height: Int) throws(MediaError) {
        guard width > 0, height > 0, width <= maxDimension, height <= maxDimension else {
            throw MediaError(.invalidArgument, operation: "create video frame",
                             message: "size \(width)x\(height) is outside 1...\(maxDimension)")
        }
    }
}
