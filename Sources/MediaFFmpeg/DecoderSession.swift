internal import CFFmpeg
internal import MediaCore

/// The send/receive state machine shared by ``VideoDecoder`` and ``AudioDecoder``:
/// one opened `AVCodecContext` with its packet and frame.
///
/// `submit` sends a chunk (retrying once after draining on EAGAIN) and hands
/// every frame the codec then releases to `onFrame`, with its presentation
/// timestamp in microseconds; `drain` sends end of stream, hands over the
/// rest, and resets the codec for new input. Not thread-safe.
final class DecoderSession {
    let implementationName: String
    private let kind: String
    private var context: UnsafeMutablePointer<AVCodecContext>?
    private let packet: AVPacketBox
    private let frame: AVFrameBox
    /// The most pixels a frame may have (FFmpeg's `max_pixels`), if limited.
    let maxPixels: Int?

    init(_ parameters: CodecParameters, kind: String, threadCount: Int = 0, maxPixels: Int? = nil) throws(MediaError) {
        let ctx = try openDecoder(parameters, operation: "open \(kind) decoder", threadCount: threadCount, maxPixels: maxPixels)
        context = ctx
        self.maxPixels = maxPixels
        self.kind = kind
        implementationName = String(cString: ctx.pointee.codec.pointee.name)
        do {
            packet = try AVPacketBox()
            frame = try AVFrameBox()
        } catch {
            avcodec_free_context(&context)
            throw error
        }
    }

    deinit { avcodec_free_context(&context) }

    typealias FrameHandler = (UnsafeMutablePointer<AVFrame>, Int64) throws(MediaError) -> Void

    func submit(_ chunk: EncodedChunk, onFrame: FrameHandler) throws(MediaError) {
        guard let ctx = context else { return }
        try chunk.fill(packet.pointer, timeBase: .microseconds)
        defer { av_packet_unref(packet.pointer) }
        var ret = avcodec_send_packet(ctx, packet.pointer)
        if ret == wm_averror_eagain() {
            try receive(ctx, onFrame)
            ret = avcodec_send_packet(ctx, packet.pointer)
        }
        guard ret >= 0 else {
            // With threaded decoding FFmpeg reports a bad chunk while a later one
            // is submitted, and that later chunk is taken all the same.
            let cause = maxPixels.map { "the stream is corrupt, or its frames have more than the \($0) pixels this decoder may decode," }
                ?? "the stream is corrupt"
            throw .libav(ret, operation: "decode \(kind)",
                         message: "\(cause) at or before the chunk at \(chunk.timestampUs) µs: \(avErrorText(ret)); the chunk was taken and the decoder stays usable",
                         codec: implementationName)
        }
        try receive(ctx, onFrame)
    }

    func drain(onFrame: FrameHandler) throws(MediaError) {
        guard let ctx = context else { return }
        let ret = avcodec_send_packet(ctx, nil)
        if ret >= 0 || ret == wm_averror_eof() { try receive(ctx, onFrame) }
        avcodec_flush_buffers(ctx)
    }

    /// Drops everything inside the codec (after a seek).
    func reset() {
        if let context { avcodec_flush_buffers(context) }
    }

    private func receive(_ ctx: UnsafeMutablePointer<AVCodecContext>, _ onFrame: FrameHandler) throws(MediaError) {
        while true {
            let ret = avcodec_receive_frame(ctx, frame.pointer)
            if ret == wm_averror_eagain() || ret == wm_averror_eof() { return }
            guard ret >= 0 else { throw .libav(ret, operation: "decode \(kind)", codec: implementationName) }
            defer { av_frame_unref(frame.pointer) }
            let f = frame.pointer.pointee
            let ts = f.best_effort_timestamp != noPTS ? f.best_effort_timestamp : (f.pts != noPTS ? f.pts : 0)
            try onFrame(frame.pointer, ts)
        }
    }
}
