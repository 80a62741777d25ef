internal import CFFmpeg
public import MediaCore

extension CodecParameters {
    /// Reads FFmpeg's stream parameters.
    init(_ par: UnsafePointer<AVCodecParameters>) {
        let p = par.pointee
        let kind: MediaKind
        switch p.codec_type {
        case AVMEDIA_TYPE_VIDEO: kind = .video
        case AVMEDIA_TYPE_AUDIO: kind = .audio
        case AVMEDIA_TYPE_SUBTITLE: kind = .subtitle
        default: kind = .data
        }
        let name = avcodec_get_name(p.codec_id).map { String(cString: $0) } ?? "unknown"
        let extradata = p.extradata.map { Array(UnsafeBufferPointer(start: $0, count: Int(p.extradata_size))) } ?? []
        self.init(kind: kind, codecName: name, extradata: extradata, width: Int(p.width), height: Int(p.height),
                  sampleRate: Int(p.sample_rate), channels: Int(wm_codecpar_channels(par)), bitRate: Int(p.bit_rate),
                  profile: p.profile >= 0 ? Int(p.profile) : nil, level: p.level >= 0 ? Int(p.level) : nil,
                  frameSize: Int(p.frame_size), initialPadding: Int(p.initial_padding),
                  bitsPerRawSample: Int(p.bits_per_raw_sample))
    }

    /// FFmpeg's codec id for ``codecName``, if FFmpeg knows the name.
    var avCodecID: AVCodecID? {
        avcodec_descriptor_get_by_name(codecName).map { $0.pointee.id }
    }

    /// Writes these parameters into FFmpeg's stream parameters.
    func fill(_ par: UnsafeMutablePointer<AVCodecParameters>) throws(MediaError) {
        guard let id = avCodecID else {
            throw MediaError(.unsupported, operation: "set stream parameters", message: "FFmpeg does not know codec '\(codecName)'", codec: codecName)
        }
        par.pointee.codec_type = kind == .video ? AVMEDIA_TYPE_VIDEO : kind == .audio ? AVMEDIA_TYPE_AUDIO
            : kind == .subtitle ? AVMEDIA_TYPE_SUBTITLE : AVMEDIA_TYPE_DATA
        par.pointee.codec_id = id
        par.pointee.bit_rate = Int64(bitRate)
        if let profile { par.pointee.profile = Int32(profile) }
        if let level { par.pointee.level = Int32(level) }
        if kind == .video {
            par.pointee.width = Int32(width)
            par.pointee.height = Int32(height)
            par.pointee.format = AV_PIX_FMT_YUV420P.rawValue
            par.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
        } else if kind == .audio {
            par.pointee.sample_rate = Int32(sampleRate)
            wm_codecpar_set_channels(par, Int32(channels))
            par.pointee.frame_size = Int32(frameSize)
            par.pointee.initial_padding = Int32(initialPadding)
        }
        av_freep(&par.pointee.extradata)
        par.pointee.extradata_size = 0
        if !extradata.isEmpty {
            let padding = Int(AV_INPUT_BUFFER_PADDING_SIZE)
            guard let raw = av_mallocz(extradata.count + padding) else {
                throw MediaError(.failed, operation: "set stream parameters", message: "out of memory")
            }
            let bytes = raw.assumingMemoryBound(to: UInt8.self)
            extradata.withUnsafeBufferPointer { bytes.update(from: $0.baseAddress!, count: extradata.count) }
            par.pointee.extradata = bytes
            par.pointee.extradata_size = Int32(extradata.count)
        }
    }
}

/// Opens a decoder for `parameters`, taking packets and giving frames with
/// timestamps in microseconds.
///
/// `threadCount` 0 lets FFmpeg pick (one or more per core); `maxPixels`, when
/// set, makes the decoder refuse frames of more pixels (FFmpeg's `max_pixels`,
/// checked before a frame's memory is allocated).
func openDecoder(_ parameters: CodecParameters, operation: String, threadCount: Int = 0,
                 maxPixels: Int? = nil) throws(MediaError) -> UnsafeMutablePointer<AVCodecContext> {
    _ = LibavSetup.once
    guard let id = parameters.avCodecID, let codec = avcodec_find_decoder(id) else {
        throw MediaError(.unsupported, operation: operation, message: "no decoder for '\(parameters.codecName)' in this FFmpeg",
                         codec: parameters.codecName)
    }
    let name = String(cString: codec.pointee.name)
    guard let ctx = avcodec_alloc_context3(codec) else {
        throw MediaError(.failed, operation: operation, message: "out of memory", codec: name)
    }
    var toFree: UnsafeMutablePointer<AVCodecContext>? = ctx
    guard let par = avcodec_parameters_alloc() else {
        avcodec_free_context(&toFree)
        throw MediaError(.failed, operation: operation, message: "out of memory", codec: name)
    }
    var parToFree: UnsafeMutablePointer<AVCodecParameters>? = par
    defer { avcodec_parameters_free(&parToFree) }
    do {
        try parameters.fill(par)
    } catch {
        avcodec_free_context(&toFree)
        throw error
    }
    var ret = avcodec_parameters_to_context(ctx, par)
    if ret >= 0 {
        ctx.pointee.pkt_timebase = Rational.microseconds.av
        ctx.pointee.thread_count = Int32(min(max(0, threadCount), 64))
        if let maxPixels { ctx.pointee.max_pixels = Int64(max(1, maxPixels)) }
        ret = ThreadScheduling.keepingNormalScheduling { avcodec_open2(ctx, codec, nil) }
    }
    guard ret >= 0 else {
        avcodec_free_context(&toFree)
        throw .libav(ret, operation: operation, codec: name)
    }
    return ctx
}
