internal import CFFmpeg
public import MediaCore

/// Decompresses video chunks into frames (`wasi:media/codec.video-decoder`).
///
/// Poll-shaped like the WIT resource: ``decode(_:)`` submits a chunk,
/// ``takeDecodedFrames()`` returns the frames ready so far (possibly none),
/// ``flush()`` drains every frame the codec still holds (FFmpeg's send-NULL)
/// and leaves the decoder ready for a new keyframe, as after a seek.
///
/// Frames come out in their decoded format when it is one of the WIT pixel
/// formats, else converted to `yuv420p`; with ``outputFormat`` set, every
/// frame is converted to that format. Not thread-safe.
public final class VideoDecoder {
    public let parameters: CodecParameters
    /// FFmpeg's decoder in use (`h264`, `libdav1d`).
    public let implementationName: String
    /// The format every frame is converted to, or nil for "as decoded".
    public let outputFormat: PixelFormat?
    /// Frames whose timestamp is below this are decoded but not returned:
    /// after a seek to the keyframe before a target, set it to the target for
    /// frame-exact positioning. nil returns every frame.
    public var discardBeforeUs: Int64?

    private let session: DecoderSession
    private var scaler: VideoScaler?
    private var pending: [VideoFrame] = []

    /// A decoder for one of the WIT codecs, with no out-of-band configuration
    /// (H.264/HEVC must then carry parameter sets in band, Annex-B).
    public convenience init(codec: VideoCodec, outputFormat: PixelFormat? = nil) throws(MediaError) {
        try self.init(parameters: CodecParameters(kind: .video, codecName: codec.witName), outputFormat: outputFormat)
    }

    /// A decoder for any codec FFmpeg decodes, configured by a demuxer's or encoder's parameters.
    /// - Parameters:
    ///   - threadCount: the most decoding threads; 0 (the default) lets FFmpeg pick.
    ///   - maxPixels: when set, frames of more pixels do not decode (``decode(_:)``
    ///     throws) and no memory is allocated for them; nil (the default) is FFmpeg's limit.
    public init(parameters: CodecParameters, outputFormat: PixelFormat? = nil, threadCount: Int = 0,
                maxPixels: Int? = nil) throws(MediaError) {
        guard parameters.kind == .video else {
            throw MediaError(.invalidArgument, operation: "open video decoder",
                             message: "codec '\(parameters.codecName)' is \(parameters.kind.rawValue), not video", codec: parameters.codecName)
        }
        session = try DecoderSession(parameters, kind: "video", threadCount: threadCount, maxPixels: maxPixels)
        self.parameters = parameters
        self.outputFormat = outputFormat
        implementationName = session.implementationName
    }

    /// Submits one chunk; decoded frames queue up for ``takeDecodedFrames()``.
    /// - Throws: `invalidData` when the stream is corrupt at or before this
    ///   chunk (threaded decoding reports errors late). The chunk is taken
    ///   regardless and the decoder stays usable: do not resubmit it.
    public func decode(_ chunk: EncodedChunk) throws(MediaError) {
        try session.submit(chunk, onFrame: collect)
    }

    /// Frames waiting for ``takeDecodedFrames()``, and their bytes.
    public var pendingFrameCount: Int { pending.count }
    public var pendingFrameBytes: Int { pending.reduce(0) { $0 + $1.buffer.size } }

    /// The frames decoded so far, in presentation order; empties the queue.
    public func takeDecodedFrames() -> [VideoFrame] {
        defer { pending.removeAll(keepingCapacity: true) }
        return pending
    }

    /// Drains every frame still inside the codec, then resets it for new input.
    public func flush() throws(MediaError) {
        try session.drain(onFrame: collect)
    }

    /// Forgets everything queued or inside the codec (after a seek), without output.
    public func reset() {
        session.reset()
        pending.removeAll()
    }

    private func collect(_ f: UnsafeMutablePointer<AVFrame>, _ ts: Int64) throws(MediaError) {
        if let threshold = discardBeforeUs, ts < threshold { return }
        let duration = f.pointee.pkt_duration
        pending.append(try convert(f, timestampUs: ts, durationUs: duration > 0 ? duration : nil))
    }

    private func convert(_ f: UnsafeMutablePointer<AVFrame>, timestampUs: Int64, durationUs: Int64?) throws(MediaError) -> VideoFrame {
        let avFormat = AVPixelFormat(rawValue: f.pointee.format)
        let width = Int(f.pointee.width), height = Int(f.pointee.height)
        let target: PixelFormat = outputFormat ?? PixelFormat(av: avFormat) ?? Self.fallback(for: avFormat)
        if scaler == nil || scaler!.outputFormat != target || scaler!.outputWidth != width || scaler!.outputHeight != height {
            scaler = try VideoScaler(format: target, width: width, height: height)
        }
        var data = [UnsafePointer<UInt8>?](repeating: nil, count: 4)
        var stride = [Int32](repeating: 0, count: 4)
        for i in 0..<4 {
            data[i] = UnsafePointer(wm_frame_data(f, Int32(i)))
            stride[i] = wm_frame_linesize(f, Int32(i))
        }
        if PixelFormat(av: avFormat) == target {
            // Same layout family: copy planes into the tight layout without conversion.
            return try VideoFrame(format: target, width: width, height: height, timestampUs: timestampUs,
                                  durationUs: durationUs) { (raw, planes) throws(MediaError) in
                for (i, plane) in planes.enumerated() {
                    let rowBytes = target.rowBytes(plane: i, width: width)
                    av_image_copy_plane(raw.baseAddress!.advanced(by: plane.offset).assumingMemoryBound(to: UInt8.self),
                                        Int32(plane.stride), data[i], stride[i], Int32(rowBytes), Int32(plane.rows))
                }
            }
        }
        return try scaler!.scale(data: data, stride: stride, format: avFormat, width: width, height: height,
                                 timestampUs: timestampUs, durationUs: durationUs)
    }

    /// RGB sources go to rgba8888, everything else to yuv420p.
    static func fallback(for format: AVPixelFormat) -> PixelFormat {
        guard let desc = av_pix_fmt_desc_get(format) else { return .yuv420p }
        return (desc.pointee.flags & UInt64(AV_PIX_FMT_FLAG_RGB)) != 0 ? .rgba8888 : .yuv420p
    }
}
