internal import CFFmpeg
public import MediaCore

/// Compresses video frames into PNG files with FFmpeg's png encoder.
///
/// Each picture is stored losslessly in the smallest PNG colour type that
/// keeps every value of its RGBA form: gray when R = G = B everywhere, RGB
/// when every alpha is 255, gray with alpha, or RGBA. `rgba8888` and
/// `bgra8888` frames are therefore stored exactly; `yuv420p` and `nv12`
/// frames are first converted to RGB (libswscale, BT.601 limited range), as
/// PNG has no YUV. The same frame always gives the same bytes (no timestamp
/// or software name is written), whatever was encoded before it.
///
/// Not thread-safe: use one encoder from one task at a time.
public final class PNGEncoder {
    /// zlib's level, 0 (stored) to 9 (smallest); 6 is zlib's and GStreamer's default.
    public let compressionLevel: Int

    private var context: UnsafeMutablePointer<AVCodecContext>?
    private var contextKey: (format: AVPixelFormat, width: Int, height: Int)?
    private let frame: AVFrameBox
    private let packet: AVPacketBox
    private var scaler: VideoScaler?

    /// - Throws: `invalidArgument` for a level outside 0...9; `unsupported`
    ///   when this FFmpeg has no png encoder.
    public init(compressionLevel: Int = 6) throws(MediaError) {
        _ = LibavSetup.once
        guard (0...9).contains(compressionLevel) else {
            throw MediaError(.invalidArgument, operation: "open png encoder",
                             message: "compression level \(compressionLevel) is outside 0...9", codec: "png")
        }
        guard avcodec_find_encoder(AV_CODEC_ID_PNG) != nil else {
            throw MediaError(.unsupported, operation: "open png encoder", message: "this FFmpeg has no png encoder", codec: "png")
        }
        self.compressionLevel = compressionLevel
        frame = try AVFrameBox()
        packet = try AVPacketBox()
    }

    deinit { avcodec_free_context(&context) }

    /// The PNG file's bytes for `input`.
    public func encode(_ input: VideoFrame) throws(MediaError) -> [UInt8] {
        let rgba = try rgbaBytes(of: input)
        let packed = PNGPixels(rgba: rgba, width: input.width, height: input.height)
        return try compress(packed, width: input.width, height: input.height)
    }

    // MARK: - Pixels

    /// The frame's pixels as tight RGBA rows.
    private func rgbaBytes(of input: VideoFrame) throws(MediaError) -> [UInt8] {
        let count = input.width * input.height * 4
        switch input.format {
        case .rgba8888:
            return Array(input.buffer.bytes.prefix(count))
        case .bgra8888:
            var out = [UInt8](repeating: 0, count: count)
            input.buffer.withUnsafeBytes { src in
                out.withUnsafeMutableBytes { dst in
                    for p in stride(from: 0, to: count, by: 4) {
                        dst[p] = src[p + 2]
                        dst[p + 1] = src[p + 1]
                        dst[p + 2] = src[p]
                        dst[p + 3] = src[p + 3]
                    }
                }
            }
            return out
        case .yuv420p, .nv12:
            if scaler == nil || scaler!.outputWidth != input.width || scaler!.outputHeight != input.height {
                scaler = try VideoScaler(format: .rgba8888, width: input.width, height: input.height)
            }
            return Array(try scaler!.scale(input).buffer.bytes.prefix(count))
        }
    }

    // MARK: - Compression

    private func compress(_ pixels: PNGPixels, width: Int, height: Int) throws(MediaError) -> [UInt8] {
        let ctx = try openContext(pixels.colorType.avPixelFormat, width: width, height: height)
        let f = frame.pointer
        av_frame_unref(f)
        f.pointee.format = pixels.colorType.avPixelFormat.rawValue
        f.pointee.width = Int32(width)
        f.pointee.height = Int32(height)
        var ret = av_frame_get_buffer(f, 0)
        guard ret >= 0 else { throw .libav(ret, operation: "allocate png frame", codec: "png") }
        let rowBytes = width * pixels.colorType.bytesPerPixel
        pixels.bytes.withUnsafeBufferPointer { src in
            av_image_copy_plane(wm_frame_data(f, 0), wm_frame_linesize(f, 0), src.baseAddress, Int32(rowBytes),
                                Int32(rowBytes), Int32(height))
        }
        f.pointee.pts = 0
        ret = avcodec_send_frame(ctx, f)
        guard ret >= 0 else { throw .libav(ret, operation: "encode png", codec: "png") }
        ret = avcodec_receive_packet(ctx, packet.pointer)
        guard ret >= 0 else { throw .libav(ret, operation: "encode png", codec: "png") }
        defer { av_packet_unref(packet.pointer) }
        let p = packet.pointer.pointee
        return p.data.map { Array(UnsafeBufferPointer(start: $0, count: Int(p.size))) } ?? []
    }

    /// The codec context for this layout, reopened when the layout changes.
    private func openContext(_ format: AVPixelFormat, width: Int, height: Int) throws(MediaError) -> UnsafeMutablePointer<AVCodecContext> {
        if let context, let key = contextKey, key.format == format, key.width == width, key.height == height {
            return context
        }
        avcodec_free_context(&context)
        contextKey = nil
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_PNG), let ctx = avcodec_alloc_context3(codec) else {
            throw MediaError(.failed, operation: "open png encoder", message: "out of memory", codec: "png")
        }
        ctx.pointee.width = Int32(width)
        ctx.pointee.height = Int32(height)
        ctx.pointee.pix_fmt = format
        ctx.pointee.time_base = AVRational(num: 1, den: 1)
        ctx.pointee.compression_level = Int32(compressionLevel)
        ctx.pointee.thread_count = 1
        let ret = avcodec_open2(ctx, codec, nil)
        guard ret >= 0 else {
            var toFree: UnsafeMutablePointer<AVCodecContext>? = ctx
            avcodec_free_context(&toFree)
            throw .libav(ret, operation: "open png encoder",
                         message: "png refused \(pixelFormatName(format)) \(width)x\(height): \(avErrorText(ret))", codec: "png")
        }
        context = ctx
        contextKey = (format, width, height)
        return ctx
    }
}

/// PNG's colour types this encoder writes, smallest first.
enum PNGColorType: String, Sendable, CaseIterable {
    case gray
    case grayAlpha = "gray-alpha"
    case rgb
    case rgba

    var bytesPerPixel: Int {
        switch self {
        case .gray: 1
        case .grayAlpha: 2
        case .rgb: 3
        case .rgba: 4
        }
    }

    var avPixelFormat: AVPixelFormat {
        switch self {
        case .gray: AV_PIX_FMT_GRAY8
        case .grayAlpha: AV_PIX_FMT_YA8
        case .rgb: AV_PIX_FMT_RGB24
        case .rgba: AV_PIX_FMT_RGBA
        }
    }
}

/// Tight RGBA rows repacked into the smallest colour type that keeps every value.
struct PNGPixels {
    let colorType: PNGColorType
    let bytes: [UInt8]

    init(rgba: [UInt8], width: Int, height: Int) {
        let pixels = width * height
        var opaque = true, gray = true
        rgba.withUnsafeBufferPointer { p in
            for i in 0..<pixels {
                let o = i * 4
                if p[o + 3] != 255 { opaque = false }
                if p[o] != p[o + 1] || p[o] != p[o + 2] { gray = false }
                if !opaque && !gray { break }
            }
        }
        let type: PNGColorType = gray ? (opaque ? .gray : .grayAlpha) : (opaque ? .rgb : .rgba)
        colorType = type
        guard type != .rgba else { bytes = rgba; return }
        let n = type.bytesPerPixel
        var out = [UInt8](repeating: 0, count: pixels * n)
        rgba.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<pixels {
                    let s = i * 4, d = i * n
                    switch type {
                    case .gray: dst[d] = src[s]
                    case .grayAlpha: dst[d] = src[s]; dst[d + 1] = src[s + 3]
                    case .rgb: dst[d] = src[s]; dst[d + 1] = src[s + 1]; dst[d + 2] = src[s + 2]
                    case .rgba: break
                    }
                }
            }
        }
        bytes = out
    }
}
