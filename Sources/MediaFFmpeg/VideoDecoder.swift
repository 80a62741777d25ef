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

    private var context: UnsafeMutablePointer<AVCodecContext>?
    private let frame: AVFrameBox
    private let packet: AVPacketBox
    private var scaler: VideoScaler?
    private var pending: [VideoFrame] = []

    /// A decoder for one of the WIT codecs, with no out-of-band configuration
    /// (H.264/HEVC must then carry parameter sets in band, Annex-B).
    public convenience init(codec: VideoCodec, outputFormat: PixelFormat? = nil) throws(MediaError) {
        try self.init(parameters: CodecParameters(kind: .video, codecName: codec.witName), outputFormat: outputFormat)
    }

    /// A decoder for any codec FFmpeg decodes, configured by a demuxer's or encoder's parameters.
    public init(parameters: CodecParameters, outputFormat: PixelFormat? = nil) throws(MediaError) {
        guard parameters.kind == .video else {
            throw MediaError(.invalidArgument, operation: "open video decoder",
                             message: "codec '\(parameters.codecName)' is \(parameters.kind.rawValue), not video", codec: parameters.codecName)
        }
        let ctx = try openDecoder(parameters, operation: "open video decoder")
        context = ctx
        self.parameters = parameters
        self.outputFormat = outputFormat
        implementationName = String(cString: ctx.pointee.codec.pointee.name)
        frame = try AVFrameBox()
        packet = try AVPacketBox()
    }

    deinit { avcodec_free_context(&context) }

    /// Submits one chunk; decoded frames queue up for ``takeDecodedFrames()``.
    /// - Throws: `invalidData` when the stream is corrupt at or before this
    ///   chunk (threaded decoding reports errors late). The chunk is taken
    ///   regardless and the decoder stays usable: do not resubmit it.
    public func decode(_ chunk: EncodedChunk) throws(MediaError) {
        guard let ctx = context else { return }
        try chunk.fill(packet.pointer, timeBase: .microseconds)
        defer { av_packet_unref(packet.pointer) }
        var ret = avcodec_send_packet(ctx, packet.pointer)
        if ret == wm_averror_eagain() {
            try receive(ctx)
            ret = avcodec_send_packet(ctx, packet.pointer)
        }
        guard ret >= 0 else {
            // With threaded decoding FFmpeg reports a bad chunk while a later one
            // is submitted, and that later chunk is taken all the same.
            throw .libav(ret, operation: "decode video", message: "the stream is corrupt at or before the chunk at \(chunk.timestampUs) µs: \(avErrorText(ret)); the chunk was taken and the decoder stays usable", codec: implementationName)
        }
        try receive(ctx)
    }

    /// The frames decoded so far, in presentation order; empties the queue.
    public func takeDecodedFrames() -> [VideoFrame] {
        defer { pending.removeAll(keepingCapacity: true) }
        return pending
    }

    /// Drains every frame still inside the codec, then resets it for new input.
    public func flush() throws(MediaError) {
        guard let ctx = context else { return }
        let ret = avcodec_send_packet(ctx, nil)
        if ret >= 0 || ret == wm_averror_eof() { try receive(ctx) }
        avcodec_flush_buffers(ctx)
    }

    /// Forgets everything queued or inside the codec (after a seek), without output.
    public func reset() {
        if let context { avcodec_flush_buffers(context) }
        pending.removeAll()
    }

    private func receive(_ ctx: UnsafeMutablePointer<AVCodecContext>) throws(MediaError) {
        while true {
            let ret = avcodec_receive_frame(ctx, frame.pointer)
            if ret == wm_averror_eagain() || ret == wm_averror_eof() { return }
            guard ret >= 0 else { throw .libav(ret, operation: "decode video", codec: implementationName) }
            defer { av_frame_unref(frame.pointer) }
            let f = frame.pointer.pointee
            let ts = f.best_effort_timestamp != noPTS ? f.best_effort_timestamp : (f.pts != noPTS ? f.pts : 0)
            if let threshold = discardBeforeUs, ts < threshold { continue }
            pending.append(try convert(frame.pointer, timestampUs: ts, durationUs: f.pkt_duration > 0 ? f.pkt_duration : nil))
        }
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
