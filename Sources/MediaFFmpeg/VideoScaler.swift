internal import CFFmpeg
public import MediaCore

/// Converts video frames between sizes and pixel formats (libswscale).
///
/// Not thread-safe: use one scaler from one task at a time. The conversion
/// context is rebuilt only when the input size or format changes.
/// Colour conversion uses BT.601 limited range, as FFmpeg's defaults.
public final class VideoScaler {
    public let outputFormat: PixelFormat
    public let outputWidth: Int
    public let outputHeight: Int
    private var context: OpaquePointer?

    /// - Throws: `invalidArgument` for a size outside 1...16384.
    public init(format: PixelFormat, width: Int, height: Int) throws(MediaError) {
        guard width > 0, height > 0, width <= VideoFrame.maxDimension, height <= VideoFrame.maxDimension else {
            throw MediaError(.invalidArgument, operation: "create video scaler",
                             message: "output size \(width)x\(height) is outside 1...\(VideoFrame.maxDimension)")
        }
        self.outputFormat = format
        self.outputWidth = width
        self.outputHeight = height
    }

    deinit { sws_freeContext(context) }

    /// A new frame of the output format and size with `frame`'s picture and timestamps.
    public func scale(_ frame: VideoFrame) throws(MediaError) -> VideoFrame {
        if frame.format == outputFormat && frame.width == outputWidth && frame.height == outputHeight { return frame }
        return try frame.withPlanes { (srcData, srcStride) throws(MediaError) in
            try scale(data: srcData, stride: srcStride, format: frame.format.avPixelFormat,
                             width: frame.width, height: frame.height,
                             timestampUs: frame.timestampUs, durationUs: frame.durationUs)
        }
    }

    /// Converts raw planes of any FFmpeg pixel format into a new frame.
    func scale(data: [UnsafePointer<UInt8>?], stride: [Int32], format: AVPixelFormat, width: Int, height: Int,
               timestampUs: Int64, durationUs: Int64?) throws(MediaError) -> VideoFrame {
        let ctx = try prepare(format: format, width: width, height: height)
        return try VideoFrame(format: outputFormat, width: outputWidth, height: outputHeight,
                                  timestampUs: timestampUs, durationUs: durationUs) { (raw, planes) throws(MediaError) in
                var dstData = [UnsafeMutablePointer<UInt8>?](repeating: nil, count: 4)
                var dstStride = [Int32](repeating: 0, count: 4)
                for (i, plane) in planes.enumerated() {
                    dstData[i] = raw.baseAddress!.advanced(by: plane.offset).assumingMemoryBound(to: UInt8.self)
                    dstStride[i] = Int32(plane.stride)
                }
                let ret = sws_scale(ctx, data, stride, 0, Int32(height), dstData, dstStride)
                if ret < 0 { throw MediaError.libav(ret, operation: "scale video") }
            }
    }

    /// Converts raw planes into caller-owned destination planes (an encoder's frame).
    func scale(data: [UnsafePointer<UInt8>?], stride: [Int32], format: AVPixelFormat, width: Int, height: Int,
               into dst: UnsafeMutablePointer<AVFrame>) throws(MediaError) {
        let ctx = try prepare(format: format, width: width, height: height)
        let ret = sws_scale(ctx, data, stride, 0, Int32(height), wm_frame_data_array(dst), wm_frame_linesize_array(dst))
        if ret < 0 { throw MediaError.libav(ret, operation: "scale video") }
    }

    func prepare(format: AVPixelFormat, width: Int, height: Int) throws(MediaError) -> OpaquePointer {
        context = sws_getCachedContext(context, Int32(width), Int32(height), format,
                                       Int32(outputWidth), Int32(outputHeight), outputAVFormat,
                                       Int32(SWS_BICUBIC), nil, nil, nil)
        guard let context else {
            throw MediaError(.unsupported, operation: "create video scaler",
                             message: "cannot convert \(pixelFormatName(format)) \(width)x\(height) to \(pixelFormatName(outputAVFormat)) \(outputWidth)x\(outputHeight)")
        }
        return context
    }

    /// The FFmpeg pixel format written; an encoder may ask for one outside ``PixelFormat``.
    var outputAVFormat: AVPixelFormat {
        overrideFormat ?? outputFormat.avPixelFormat
    }
    var overrideFormat: AVPixelFormat?

    /// A scaler writing an arbitrary FFmpeg pixel format (used by encoders).
    convenience init(avFormat: AVPixelFormat, width: Int, height: Int) throws(MediaError) {
        try self.init(format: PixelFormat(av: avFormat) ?? .yuv420p, width: width, height: height)
        overrideFormat = avFormat
    }
}

extension VideoFrame {
    /// Source plane pointers for libswscale / image copies, valid inside `body`.
    func withPlanes<R>(_ body: ([UnsafePointer<UInt8>?], [Int32]) throws(MediaError) -> R) throws(MediaError) -> R {
        try buffer.withUnsafeBytes { src throws(MediaError) in
            var data = [UnsafePointer<UInt8>?](repeating: nil, count: 4)
            var stride = [Int32](repeating: 0, count: 4)
            for (i, plane) in buffer.planes.enumerated() {
                data[i] = src.baseAddress!.advanced(by: plane.offset).assumingMemoryBound(to: UInt8.self)
                stride[i] = Int32(plane.stride)
            }
            return try body(data, stride)
        }
    }
}
