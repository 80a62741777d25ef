internal import MediaCore

/// What the host is charged (``HostBudget``) for what a guest asks of it,
/// estimated before the work from the request alone.
///
/// The codec figures are the most memory the FFmpeg implementation is
/// expected to hold, as a number of 8-bit 4:2:0 frames at the configured
/// size, measured here (Debian bookworm's libav* 5.1, RSS growth while
/// encoding or decoding 30-40 frames, 720p and 1080p, 2 and 4 threads) and
/// rounded up. They are estimates: a stream can make a codec hold less, and
/// high bit depths or 4:4:4 more.
enum HostCosts {
    // MARK: - Video frames

    /// An 8-bit 4:2:0 frame as codecs keep it: padded by 32 pixels on each
    /// side (FFmpeg's and the libraries' edges and alignment).
    static func codecFrameBytes(width: Int, height: Int) -> Int {
        (width + 64) * (height + 64) * 3 / 2
    }

    // MARK: - Video encoders

    /// Frames a video encoder may hold, lookahead, references and frame
    /// threads together, with `threads` threads. Measured (frames of RSS):
    /// libx264 veryfast 71 at 2 threads, 86 at 4; libx265 ultrafast 98-107;
    /// libvpx-vp9 realtime 98-118; SVT-AV1 preset 10 (`lp=1`) 73-127.
    static func videoEncoderFrames(_ codec: VideoCodec, threads: Int) -> Int {
        switch codec {
        case .h264: 64 + 6 * threads
        case .hevc: 96 + 6 * threads
        case .vp9: 112 + 4 * threads
        case .av1: 132
        }
    }

    /// Fixed overhead of a video encoder: the library's own tables, the
    /// host's scaler and staging frame.
    static let videoEncoderBase = 16 << 20

    /// The estimate for a video encoder of `config`, before it opens.
    static func videoEncoder(_ config: VideoEncoderConfig, threads: Int) -> Int {
        let frame = codecFrameBytes(width: config.width, height: config.height)
        return videoEncoderBase + (videoEncoderFrames(config.codec, threads: threads) + 1) * frame
    }

    static func describe(_ config: VideoEncoderConfig, threads: Int) -> String {
        "an encoder for \(config.codec.rawValue) at \(config.width)x\(config.height) (estimated as "
            + "\(videoEncoderFrames(config.codec, threads: threads)) frames of \(HostBudgetRefusal.bytes(codecFrameBytes(width: config.width, height: config.height))):"
            + " lookahead, references and \(threads) threads)"
    }

    // MARK: - Video decoders

    /// The size a video decoder is budgeted for when the configuration does
    /// not give `coded-width` and `coded-height`: 1920x1080.
    static let undeclaredDecoderSize = (width: 1920, height: 1080)

    /// Frames a video decoder may hold: 16 references (the most H.264 and
    /// HEVC allow), 2 per thread (frame threading), 4 being output. Measured:
    /// 8-20 frames of RSS for ordinary streams at 2 threads.
    static func videoDecoderFrames(threads: Int) -> Int { 16 + 2 * threads + 4 }

    /// Fixed overhead of a video decoder.
    static let videoDecoderBase = 4 << 20

    static func videoDecoder(width: Int, height: Int, threads: Int) -> Int {
        videoDecoderBase + videoDecoderFrames(threads: threads) * codecFrameBytes(width: width, height: height)
    }

    /// The most pixels a decoder budgeted for `width` x `height` accepts
    /// (FFmpeg's `max_pixels`): the size with 128 pixels of slack each way,
    /// for coded sizes rounded up to macroblocks and superblocks.
    static func decoderMaxPixels(width: Int, height: Int) -> Int {
        (width + 128) * (height + 128)
    }

    /// The most bytes one decoded frame of `width` x `height` can take in the
    /// queue: `format`'s size, or RGBA's (the largest) when the format is
    /// whatever the stream decodes to.
    static func decodedFrameBytes(width: Int, height: Int, format: PixelFormat?) -> Int {
        (format ?? .rgba8888).byteCount(width: width, height: height)
    }

    // MARK: - Audio

    /// An audio encoder (the library's state and the host's sample FIFO).
    static let audioEncoder = 4 << 20
    /// An audio decoder.
    static let audioDecoder = 2 << 20
    /// The most audio one decoded chunk is expected to give: 65,536 samples
    /// (FLAC's largest block) per channel, as 32-bit floats.
    static func decodedAudioBytes(channels: Int) -> Int {
        65_536 * max(channels, 2) * 4
    }

    /// Frames `frames` input frames at `inputRate` become at `outputRate`,
    /// plus what a resampler holds back.
    static func resampledFrames(_ frames: Int, from inputRate: Int, to outputRate: Int) -> Int {
        let (product, overflow) = frames.multipliedReportingOverflow(by: outputRate)
        guard !overflow, inputRate > 0 else { return .max }
        return product / inputRate + 1 + 256
    }

    /// Bytes of `frames` frames of `channels` channels of 32-bit samples,
    /// saturating instead of overflowing.
    static func sampleBytes(frames: Int, channels: Int) -> Int {
        let (bytes, overflow) = frames.multipliedReportingOverflow(by: channels * 4)
        return overflow ? .max : bytes
    }

    /// An `audio-context`.
    static let audioContext = 256 << 10
    /// A source track of an `audio-context` with `channels` output channels:
    /// its resampler (filter bank and buffers) and queues.
    static func mixerTrack(channels: Int) -> Int { (1 << 20) + channels * (64 << 10) }

    // MARK: - Containers

    /// A muxer: FFmpeg's format context and I/O buffer.
    static let muxer = 1 << 20
    /// A muxer track: FFmpeg's stream, and the codec description it copies.
    static func muxerTrack(descriptionBytes: Int) -> Int { (16 << 10) + descriptionBytes }
    /// A file or URL demuxer: FFmpeg's format context, I/O buffer and index.
    static let demuxer = 4 << 20
    /// A byte-fed demuxer: the same and its thread's stack in use.
    static let byteFedDemuxer = 4 << 20
}
