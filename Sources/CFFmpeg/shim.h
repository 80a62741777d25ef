// The C surface of libav* 5.1 that MediaFFmpeg uses, plus inline helpers for
// what Swift cannot import directly (function-like macros, compound-literal
// constants, fixed-size arrays inside structs).
#ifndef WASI_MEDIA_CFFMPEG_SHIM_H
#define WASI_MEDIA_CFFMPEG_SHIM_H

#include <libavformat/avformat.h>
#include <libavformat/avio.h>
#include <libavcodec/avcodec.h>
#include <libavdevice/avdevice.h>
#include <libavutil/avutil.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/log.h>
#include <libavutil/mathematics.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libavutil/samplefmt.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>

static inline int wm_averror(int posix_errno) { return AVERROR(posix_errno); }
static inline int wm_averror_eof(void) { return AVERROR_EOF; }
static inline int wm_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int64_t wm_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline AVRational wm_time_base_q(void) { return AV_TIME_BASE_Q; }

static inline uint8_t *wm_frame_data(const AVFrame *frame, int plane) { return frame->data[plane]; }
static inline int wm_frame_linesize(const AVFrame *frame, int plane) { return frame->linesize[plane]; }
static inline uint8_t **wm_frame_data_array(AVFrame *frame) { return frame->data; }
static inline int *wm_frame_linesize_array(AVFrame *frame) { return frame->linesize; }
static inline uint8_t **wm_frame_extended_data(AVFrame *frame) { return frame->extended_data; }

/// Sets a default channel layout of `channels` channels on a codec context.
static inline void wm_codec_set_channels(AVCodecContext *ctx, int channels) {
    av_channel_layout_uninit(&ctx->ch_layout);
    av_channel_layout_default(&ctx->ch_layout, channels);
}
static inline int wm_codec_channels(const AVCodecContext *ctx) { return ctx->ch_layout.nb_channels; }
static inline int wm_codecpar_channels(const AVCodecParameters *par) { return par->ch_layout.nb_channels; }
static inline void wm_codecpar_set_channels(AVCodecParameters *par, int channels) {
    av_channel_layout_uninit(&par->ch_layout);
    av_channel_layout_default(&par->ch_layout, channels);
}
static inline int wm_frame_channels(const AVFrame *frame) { return frame->ch_layout.nb_channels; }
static inline int wm_frame_set_channels(AVFrame *frame, int channels) {
    av_channel_layout_uninit(&frame->ch_layout);
    av_channel_layout_default(&frame->ch_layout, channels);
    return 0;
}

/// Allocates a resampler converting between default layouts of the given channel counts.
static inline SwrContext *wm_swr_alloc(int out_channels, enum AVSampleFormat out_fmt, int out_rate,
                                       int in_channels, enum AVSampleFormat in_fmt, int in_rate) {
    AVChannelLayout out_layout, in_layout;
    av_channel_layout_default(&out_layout, out_channels);
    av_channel_layout_default(&in_layout, in_channels);
    SwrContext *swr = NULL;
    int ret = swr_alloc_set_opts2(&swr, &out_layout, out_fmt, out_rate, &in_layout, in_fmt, in_rate, 0, NULL);
    av_channel_layout_uninit(&out_layout);
    av_channel_layout_uninit(&in_layout);
    if (ret < 0) { swr_free(&swr); return NULL; }
    return swr;
}

/// The codec's supported pixel formats (terminated by AV_PIX_FMT_NONE), or NULL if unknown.
static inline const enum AVPixelFormat *wm_codec_pix_fmts(const AVCodec *codec) { return codec->pix_fmts; }
static inline const enum AVSampleFormat *wm_codec_sample_fmts(const AVCodec *codec) { return codec->sample_fmts; }
static inline const int *wm_codec_supported_samplerates(const AVCodec *codec) { return codec->supported_samplerates; }
static inline int wm_codec_capabilities(const AVCodec *codec) { return codec->capabilities; }
static inline int wm_codec_cap_variable_frame_size(void) { return AV_CODEC_CAP_VARIABLE_FRAME_SIZE; }
static inline int wm_codec_cap_hardware(void) { return AV_CODEC_CAP_HARDWARE; }
static inline int wm_codec_cap_hybrid(void) { return AV_CODEC_CAP_HYBRID; }
static inline int wm_codec_flag_global_header(void) { return AV_CODEC_FLAG_GLOBAL_HEADER; }
static inline int wm_fmt_flag_globalheader(void) { return AVFMT_GLOBALHEADER; }
static inline int wm_fmt_flag_nofile(void) { return AVFMT_NOFILE; }
static inline int wm_pkt_flag_key(void) { return AV_PKT_FLAG_KEY; }
static inline int wm_avseek_flag_backward(void) { return AVSEEK_FLAG_BACKWARD; }
static inline int wm_avio_flag_write(void) { return AVIO_FLAG_WRITE; }
static inline int wm_avseek_size(void) { return AVSEEK_SIZE; }
static inline int wm_error_max_string_size(void) { return AV_ERROR_MAX_STRING_SIZE; }

static inline int wm_averror_eacces(void) { return AVERROR(EACCES); }

/// What libavformat 5.1's default `io_open` does (its `ffio_open_whitelist`
/// is private): opens `url` with the context's interrupt callback, handing
/// the context's protocol white- and blacklist to the new protocol context
/// through `options` (they bind every protocol it opens in turn).
static inline int wm_io_open_whitelisted(AVFormatContext *s, AVIOContext **pb, const char *url,
                                         int flags, AVDictionary **options) {
    AVDictionary *local = NULL;
    AVDictionary **opts = options ? options : &local;
    int ret = 0;
    if (s->protocol_whitelist && (ret = av_dict_set(opts, "protocol_whitelist", s->protocol_whitelist, 0)) < 0) goto end;
    if (s->protocol_blacklist && (ret = av_dict_set(opts, "protocol_blacklist", s->protocol_blacklist, 0)) < 0) goto end;
    ret = avio_open2(pb, url, flags, &s->interrupt_callback, opts);
end:
    av_dict_free(&local);
    return ret;
}

/// The URL an opened I/O context finally reads (HTTP's `location`, which
/// follows redirects), or NULL when its protocol has none. Free with av_free.
static inline char *wm_avio_location(AVIOContext *pb) {
    uint8_t *value = NULL;
    if (!pb || av_opt_get(pb, "location", AV_OPT_SEARCH_CHILDREN, &value) < 0) return NULL;
    return (char *)value;
}

#endif
