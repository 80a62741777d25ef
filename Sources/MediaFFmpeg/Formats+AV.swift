internal import CFFmpeg
internal import MediaCore

extension PixelFormat {
    var avPixelFormat: AVPixelFormat {
        switch self {
        case .rgba8888: AV_PIX_FMT_RGBA
        case .bgra8888: AV_PIX_FMT_BGRA
        case .yuv420p: AV_PIX_FMT_YUV420P
        case .nv12: AV_PIX_FMT_NV12
        }
    }

    init?(av: AVPixelFormat) {
        switch av {
        case AV_PIX_FMT_RGBA: self = .rgba8888
        case AV_PIX_FMT_BGRA: self = .bgra8888
        case AV_PIX_FMT_YUV420P, AV_PIX_FMT_YUVJ420P: self = .yuv420p
        case AV_PIX_FMT_NV12: self = .nv12
        default: return nil
        }
    }
}

extension SampleFormat {
    var avSampleFormat: AVSampleFormat {
        switch self {
        case .f32Planar: AV_SAMPLE_FMT_FLTP
        case .s16Interleaved: AV_SAMPLE_FMT_S16
        }
    }
}

func pixelFormatName(_ format: AVPixelFormat) -> String {
    av_get_pix_fmt_name(format).map { String(cString: $0) } ?? "unknown"
}

func sampleFormatName(_ format: AVSampleFormat) -> String {
    av_get_sample_fmt_name(format).map { String(cString: $0) } ?? "unknown"
}

extension Rational {
    init(_ r: AVRational) { self.init(Int64(r.num), Int64(r.den)) }
    var av: AVRational { AVRational(num: Int32(clamping: num), den: Int32(clamping: den)) }
}

/// An owned `AVFrame`, freed on deinit.
final class AVFrameBox {
    let pointer: UnsafeMutablePointer<AVFrame>
    init() throws(MediaError) {
        guard let frame = av_frame_alloc() else {
            throw MediaError(.failed, operation: "allocate frame", message: "out of memory")
        }
        pointer = frame
    }
    deinit {
        var p: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&p)
    }
}

/// An owned `AVPacket`, freed on deinit.
final class AVPacketBox {
    let pointer: UnsafeMutablePointer<AVPacket>
    init() throws(MediaError) {
        guard let packet = av_packet_alloc() else {
            throw MediaError(.failed, operation: "allocate packet", message: "out of memory")
        }
        pointer = packet
    }
    deinit {
        var p: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&p)
    }
}

let noPTS = wm_nopts_value()

extension EncodedChunk {
    /// A chunk holding a copy of `packet`'s payload, timestamps converted from `timeBase`.
    init(packet: UnsafePointer<AVPacket>, timeBase: Rational) {
        let p = packet.pointee
        let data = p.data.map { Array(UnsafeBufferPointer(start: $0, count: Int(p.size))) } ?? []
        let pts = p.pts != noPTS ? p.pts : p.dts
        let ts = pts == noPTS ? 0 : MediaTime.microseconds(ticks: pts, timeBase: timeBase)
        let dts = p.dts == noPTS ? nil : MediaTime.microseconds(ticks: p.dts, timeBase: timeBase)
        self.init(data: data, timestampUs: ts,
                  durationUs: p.duration > 0 ? MediaTime.microseconds(ticks: p.duration, timeBase: timeBase) : nil,
                  isKeyframe: (p.flags & wm_pkt_flag_key()) != 0,
                  decodeTimestampUs: dts == ts ? nil : dts)
    }

    /// Fills `packet` with a copy of this chunk's bytes, timestamps in `timeBase`.
    func fill(_ packet: UnsafeMutablePointer<AVPacket>, timeBase: Rational) throws(MediaError) {
        av_packet_unref(packet)
        let ret = av_new_packet(packet, Int32(clamping: data.count))
        guard ret >= 0 else { throw .libav(ret, operation: "allocate packet") }
        if !data.isEmpty {
            data.withUnsafeBytes { packet.pointee.data.update(from: $0.bindMemory(to: UInt8.self).baseAddress!, count: data.count) }
        }
        packet.pointee.pts = MediaTime.ticks(microseconds: timestampUs, timeBase: timeBase)
        packet.pointee.dts = MediaTime.ticks(microseconds: decodeTimestampUs ?? timestampUs, timeBase: timeBase)
        if let durationUs { packet.pointee.duration = MediaTime.ticks(microseconds: durationUs, timeBase: timeBase) }
        packet.pointee.flags = isKeyframe ? wm_pkt_flag_key() : 0
    }
}
