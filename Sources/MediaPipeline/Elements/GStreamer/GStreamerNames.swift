import MediaCore

/// GStreamer's element names, so lines copied from GStreamer run unchanged
/// where this host has the element: each is an ``ElementAlias`` of one of
/// ours with GStreamer's property names and units, and the GStreamer
/// elements this host has no counterpart for say which of ours comes closest.
///
/// Property facts (names, units, numbers of enum values) are GStreamer's
/// as documented for each element (x264enc's `bitrate` is kbit/s, vp9enc's
/// `target-bitrate` bit/s, av1enc's kbit/s...).
extension ElementRegistry {
    mutating func registerGStreamerNames() {
        guard let encode = factory(named: "encode"), let decode = factory(named: "decode"), let mux = factory(named: "mux"),
              let demux = factory(named: "demux"), let queue = factory(named: "queue"),
              let decodebin = factory(named: "decodebin"), let uridecodebin = factory(named: "uridecodebin"),
              let urisrc = factory(named: "urisrc"), let videoconvert = factory(named: "videoconvert"),
              let fakesink = factory(named: "fakesink") else { return }
        let video: Set<StreamKind> = [.encodedVideo], audio: Set<StreamKind> = [.encodedAudio]

        // MARK: Video encoders
        register(ElementAlias("x264enc", of: encode, fixed: ["codec": .string("h264")], [
            PropertyMapping("bitrate", .combined, kind: .int(1...2_048_000), unit: .kilobitsPerSecond,
                            doc: "average bitrate, used with pass=cbr (the default); -> encode bitrate x1000"),
            PropertyMapping("speed-preset", .choice("preset", x264Presets), aliases: numbered(x264Presets.map(\.0))),
            PropertyMapping("tune", .combined, kind: .string,
                            doc: "flags joined by '+': stillimage, fastdecode, zerolatency (or none); -> encode tune"),
            PropertyMapping("key-int-max", .combined, kind: .int(0...Int(Int32.max)), unit: .frames,
                            doc: "frames between keyframes, 0 for automatic; -> encode key-int-max"),
            PropertyMapping("pass", .combined, kind: .choice(x264Passes), aliases: ["0": "cbr", "4": "quant", "5": "qual"],
                            doc: "cbr: bitrate; quant: constant quantizer; qual: constant quality (both from quantizer)"),
            PropertyMapping("quantizer", .combined, kind: .int(0...50),
                            doc: "with pass=quant -> encode quantizer, with pass=qual -> encode quality; GStreamer's default 21"),
        ], sinkKinds: nil, example: "videotestsrc num-buffers=60 ! x264enc bitrate=800 speed-preset=veryfast ! h264parse ! mp4mux ! filesink location=out.mp4",
           note: "no bitrate and no pass: this host's default quality (CRF 23, veryfast), where GStreamer's is 2048 kbit/s at medium",
           combine: { given, out in
               x264Rules(given, &out, tunes: ["stillimage", "fastdecode", "zerolatency"])
           }))
        register(ElementAlias("x265enc", of: encode, fixed: ["codec": .string("hevc")], [
            PropertyMapping("bitrate", .scaled("bitrate", by: 1000), kind: .int(1...102_400), unit: .kilobitsPerSecond),
            PropertyMapping("speed-preset", .choice("preset", x264Presets), aliases: numbered(x264Presets.map(\.0))),
            PropertyMapping("tune", .choice("tune", ["none", "psnr", "ssim", "grain", "zerolatency", "fastdecode", "animation"].map { ($0, $0 == "none" ? nil : .string($0)) })),
            PropertyMapping("key-int-max", .combined, kind: .int(0...Int(Int32.max)), unit: .frames,
                            doc: "frames between keyframes, 0 for x265's default; -> encode key-int-max"),
            PropertyMapping("qp", .combined, kind: .int(-1...51), doc: "constant quantizer, -1 for off; -> encode quantizer"),
        ], example: "videotestsrc num-buffers=30 ! x265enc bitrate=1000 ! h265parse ! matroskamux ! filesink location=out.mkv",
           combine: { given, out in
               if case .int(let k)? = given["key-int-max"], k > 0 { out["key-int-max"] = .int(min(k, 100_000)) }
               if case .int(let q)? = given["qp"], q >= 0 { out["quantizer"] = .int(q) }
               return nil
           }))
        let vpxNote = "this host always encodes VP9 in real time (libvpx deadline realtime, cpu-used 8)"
        register(ElementAlias("vp9enc", of: encode, fixed: ["codec": .string("vp9")], [
            PropertyMapping("target-bitrate", .combined, kind: .int(0...Int(Int32.max)), unit: .bitsPerSecond,
                            doc: "average bitrate, 0 for automatic; -> encode bitrate"),
            PropertyMapping("keyframe-max-dist", .combined, kind: .int(0...Int(Int32.max)), unit: .frames, doc: "-> encode key-int-max"),
            PropertyMapping("end-usage", .combined, kind: .choice(vpxEndUsages), aliases: numbered(vpxEndUsages),
                            doc: "vbr, cbr: target-bitrate; cq, q: constant quality at cq-level"),
            PropertyMapping("cq-level", .combined, kind: .int(0...63), doc: "with end-usage=cq or q -> encode quality"),
            PropertyMapping("deadline", .accepted, kind: .int(0...Int.max), unit: .microseconds, doc: vpxNote),
            PropertyMapping("cpu-used", .accepted, kind: .int(-16...16), doc: vpxNote),
        ], example: "videotestsrc num-buffers=30 ! vp9enc target-bitrate=500000 ! webmmux ! filesink location=out.webm",
           combine: { given, out in vpxRules(given, &out, bitrateFactor: 1) }))
        register(ElementAlias("av1enc", of: encode, fixed: ["codec": .string("av1")], [
            PropertyMapping("target-bitrate", .combined, kind: .int(1...2_000_000), unit: .kilobitsPerSecond, doc: "-> encode bitrate x1000"),
            PropertyMapping("keyframe-max-dist", .combined, kind: .int(0...Int(Int32.max)), unit: .frames, doc: "-> encode key-int-max"),
            PropertyMapping("end-usage", .combined, kind: .choice(vpxEndUsages), aliases: numbered(vpxEndUsages),
                            doc: "vbr, cbr: target-bitrate; cq, q: constant quality at cq-level"),
            PropertyMapping("cq-level", .combined, kind: .int(0...63), doc: "with end-usage=cq or q -> encode quality"),
            PropertyMapping("cpu-used", .accepted, kind: .int(0...10), doc: "this host picks a real-time speed"),
        ], example: "videotestsrc num-buffers=30 ! av1enc target-bitrate=300 ! webmmux ! filesink location=av1.webm",
           note: "AV1 from this host's first AV1 encoder that opens (SVT-AV1, else libaom)",
           combine: { given, out in vpxRules(given, &out, bitrateFactor: 1000) }))
        register(ElementAlias("svtav1enc", of: encode, fixed: ["codec": .string("av1")], [
            PropertyMapping("target-bitrate", .combined, kind: .int(0...100_000), unit: .kilobitsPerSecond,
                            doc: "average bitrate, 0 for constant quality (crf); -> encode bitrate x1000"),
            PropertyMapping("preset", .combined, kind: .int(0...13), doc: "speed, 13 fastest; -> encode preset"),
            PropertyMapping("intra-period-length", .combined, kind: .int(-2...Int(Int32.max)), unit: .frames,
                            doc: "frames between keyframes, -2 automatic; -> encode key-int-max"),
            PropertyMapping("crf", .same("quality"), kind: .int(0...63)),
        ], example: "videotestsrc num-buffers=30 ! svtav1enc preset=12 ! matroskamux ! filesink location=out.mkv",
           combine: { given, out in
               if case .int(let b)? = given["target-bitrate"], b > 0 { out["bitrate"] = .int(b * 1000) }
               if case .int(let p)? = given["preset"] { out["preset"] = .string(String(p)) }
               if case .int(let k)? = given["intra-period-length"], k > 0 { out["key-int-max"] = .int(min(k, 100_000)) }
               return nil
           }))
        register(ElementAlias("openh264enc", of: encode, fixed: ["codec": .string("h264")], [
            PropertyMapping("bitrate", .same("bitrate"), unit: .bitsPerSecond),
        ], example: "videotestsrc num-buffers=30 ! openh264enc bitrate=500000 ! mp4mux ! filesink location=out.mp4",
           note: "H.264 through libx264 (or a hardware encoder), not OpenH264"))

        // MARK: Audio encoders
        for name in ["avenc_aac", "voaacenc", "faac"] {
            register(ElementAlias(name, of: encode, fixed: ["codec": .string("aac")], [PropertyMapping("bitrate", .same("bitrate"))],
                                  example: "audiotestsrc num-buffers=100 ! \(name) bitrate=128000 ! mp4mux ! filesink location=out.m4a",
                                  note: "AAC through FFmpeg's encoder"))
        }
        register(ElementAlias("fdkaacenc", of: encode, fixed: ["codec": .string("aac")], [
            PropertyMapping("bitrate", .combined, kind: .int(0...2_000_000_000), unit: .bitsPerSecond, doc: "0 for automatic; -> encode bitrate"),
        ], example: "audiotestsrc num-buffers=100 ! fdkaacenc bitrate=96000 ! mp4mux ! filesink location=out.m4a",
           note: "AAC through FFmpeg's encoder, not FDK",
           combine: { given, out in
               if case .int(let b)? = given["bitrate"], b > 0 { out["bitrate"] = .int(b) }
               return nil
           }))
        register(ElementAlias("opusenc", of: encode, fixed: ["codec": .string("opus")], [
            PropertyMapping("bitrate", .same("bitrate"), kind: .int(4000...650_000)),
        ], example: "audiotestsrc num-buffers=100 ! opusenc bitrate=64000 ! webmmux ! filesink location=out.webm"))
        register(ElementAlias("flacenc", of: encode, fixed: ["codec": .string("flac")], [
            PropertyMapping("quality", .accepted, kind: .int(0...8), doc: "compression level: this host uses FFmpeg's default"),
        ], example: "audiotestsrc num-buffers=100 ! flacenc ! filesink location=beep.flac"))
        register(ElementAlias("lamemp3enc", of: encode, fixed: ["codec": .string("mp3")], [
            PropertyMapping("target", .combined, kind: .choice(["quality", "bitrate"]), aliases: ["0": "quality", "1": "bitrate"],
                            doc: "bitrate: use bitrate; quality (the default): this host's default MP3 bitrate (128 kbit/s)"),
            PropertyMapping("bitrate", .combined, kind: .int(8...320), unit: .kilobitsPerSecond, doc: "with target=bitrate -> encode bitrate x1000"),
            PropertyMapping("cbr", .accepted, kind: .bool, doc: "MP3 at a set bitrate is constant bitrate here"),
            PropertyMapping("quality", .accepted, kind: .double(0...9.999), doc: "no VBR quality here: target=quality gives 128 kbit/s"),
        ], example: "audiotestsrc num-buffers=100 ! lamemp3enc target=bitrate bitrate=192 ! filesink location=sine.mp3",
           combine: { given, out in
               if given["target"] == .string("bitrate") {
                   out["bitrate"] = .int(1000 * { if case .int(let b)? = given["bitrate"] { return b }; return 128 }())
               }
               return nil
           }))

        // MARK: Decoders (FFmpeg decodes whatever arrives; the names fix the kind)
        for name in ["avdec_h264", "avdec_h265", "avdec_hevc", "avdec_vp8", "avdec_vp9", "avdec_av1", "avdec_mpeg4", "avdec_mpeg2video",
                     "vp8dec", "vp9dec", "dav1ddec", "av1dec", "theoradec", "openh264dec"] {
            register(ElementAlias(name, of: decode, [PropertyMapping("format", .same("format"))], sinkKinds: video, sourceKinds: [.rawVideo],
                                  example: "filesrc location=in.mkv ! matroskademux ! \(name) ! fakesink"))
        }
        for name in ["avdec_aac", "avdec_mp3", "avdec_mp3float", "avdec_flac", "avdec_opus", "avdec_vorbis", "avdec_ac3", "avdec_alac",
                     "opusdec", "flacdec", "mpg123audiodec", "faad", "vorbisdec", "fdkaacdec"] {
            register(ElementAlias(name, of: decode, sinkKinds: audio, sourceKinds: [.rawAudio],
                                  example: "filesrc location=in.mp4 ! qtdemux ! \(name) ! audioconvert ! fakesink"))
        }
        register(family: "avdec_", ElementAlias("avdec_*", of: decode, [PropertyMapping("format", .same("format"))],
                                                example: "filesrc location=in.mkv ! matroskademux ! avdec_h264 ! fakesink",
                                                note: "any FFmpeg decoder name: decode picks the decoder from the stream"))
        for name in ["decodebin3", "wavparse"] {
            register(ElementAlias(name, of: decodebin, example: "filesrc location=in.wav ! \(name) ! audioconvert ! fakesink"))
        }
        register(ElementAlias("uridecodebin3", of: uridecodebin, [PropertyMapping("uri", .same("uri"))],
                              example: "uridecodebin3 uri=file:///tmp/in.mp4 ! videoconvert ! fakesink"))

        // MARK: Containers
        for (name, format) in [("qtdemux", "mp4"), ("matroskademux", "mkv"), ("tsdemux", "ts"), ("oggdemux", "ogg"), ("avidemux", "avi"), ("flvdemux", "flv")] {
            register(ElementAlias(name, of: demux, example: "filesrc location=in.\(format) ! \(name) name=d  d.video_0 ! decode ! fakesink",
                                  note: "reads any container FFmpeg reads"))
        }
        for (name, format) in [("mp4mux", ContainerFormat.mp4), ("qtmux", .mp4), ("matroskamux", .mkv), ("webmmux", .webm), ("mpegtsmux", .ts)] {
            register(ElementAlias(name, of: mux, fixed: ["format": .string(format.witName)],
                                  example: "videotestsrc num-buffers=60 ! x264enc ! \(name) ! filesink location=out.\(format.witName)",
                                  note: format == .mp4 ? "fragmented MP4 (playable while written; QuickTime .mov is MP4 here)" : ""))
        }

        // MARK: Parsers: whole access units already; from a file's bytes, the stream in it
        if let parse = factory(named: "parse"), let timestamper = factory(named: "timestamper") {
            for name in ["h264parse", "h265parse", "vp9parse", "av1parse", "mpeg4videoparse", "vc1parse"] {
                register(ElementAlias(name, of: parse, sinkKinds: [.bytes, .encodedVideo], sourceKinds: video,
                                      example: "videotestsrc num-buffers=30 ! x264enc ! \(name) ! mp4mux ! filesink location=out.mp4"))
            }
            for name in ["aacparse", "mpegaudioparse", "opusparse", "flacparse", "vorbisparse", "ac3parse"] {
                register(ElementAlias(name, of: parse, sinkKinds: [.bytes, .encodedAudio], sourceKinds: audio,
                                      example: "filesrc location=in.mp3 ! \(name) ! decode ! fakesink"))
            }
            for name in ["h264timestamper", "h265timestamper"] {
                register(ElementAlias(name, of: timestamper, [PropertyMapping("reorder-depth", .same("reorder-depth"))],
                                      sinkKinds: video, sourceKinds: video,
                                      example: "filesrc location=video.mkv ! matroskademux ! \(name) ! mp4mux ! filesink location=output.mp4"))
            }
        }

        // MARK: Plumbing, sources, sinks
        register(ElementAlias("queue2", of: queue, ["max-size-buffers", "max-size-bytes", "max-size-time"].map { PropertyMapping($0, .same($0)) },
                              example: "videotestsrc num-buffers=30 ! queue2 ! fakesink"))
        register(ElementAlias("souphttpsrc", of: urisrc, [PropertyMapping("location", .same("uri"), doc: "the http(s) URL to read")],
                              example: "souphttpsrc location=http://127.0.0.1:8080/clip.webm ! matroskademux ! fakesink",
                              note: "any protocol FFmpeg opens"))
        for name in ["videoconvertscale", "autovideoconvert"] {
            register(ElementAlias(name, of: videoconvert, [PropertyMapping("format", .same("format"))],
                                  example: "videotestsrc num-buffers=30 ! \(name) ! video/x-raw,format=RGBA,width=640,height=360 ! fakesink"))
        }
        register(ElementAlias("fakevideosink", of: fakesink, [PropertyMapping("sync", .same("sync"))], sinkKinds: [.rawVideo],
                              example: "videotestsrc num-buffers=30 ! fakevideosink"))
        register(ElementAlias("fakeaudiosink", of: fakesink, [PropertyMapping("sync", .same("sync"))], sinkKinds: [.rawAudio],
                              example: "audiotestsrc num-buffers=30 ! fakeaudiosink"))

        registerMissingGStreamerNames()
    }

    /// GStreamer elements with no counterpart here, and what comes closest.
    private mutating func registerMissingGStreamerNames() {
        let display = "fakesink (this host has no display), or encode ! mux ! filesink location=out.mp4 to keep the video"
        for name in ["autovideosink", "xvimagesink", "ximagesink", "glimagesink", "waylandsink", "kmssink", "fbdevsink", "fpsdisplaysink",
                     "sdlvideosink", "d3dvideosink", "d3d11videosink", "d3d12videosink", "osxvideosink", "gtksink", "gtk4paintablesink", "clutterautovideosink"] {
            register(missing: name, closest: display)
        }
        let sound = "fakesink (no sound output here yet), or encode ! mux ! filesink location=out.mka to keep the audio"
        for name in ["autoaudiosink", "alsasink", "pulsesink", "osssink", "pipewiresink", "jackaudiosink", "osxaudiosink", "wasapisink", "wasapi2sink", "directsoundsink", "openalsink"] {
            register(missing: name, closest: sound)
        }
        for name in ["v4l2src", "autovideosrc", "ximagesrc", "pipewiresrc", "avfvideosrc", "ksvideosrc", "mfvideosrc", "libcamerasrc", "nvarguscamerasrc"] {
            register(missing: name, closest: "videotestsrc (no capture elements yet)")
        }
        for name in ["alsasrc", "pulsesrc", "autoaudiosrc", "osxaudiosrc", "wasapisrc", "jackaudiosrc"] {
            register(missing: name, closest: "audiotestsrc (no capture elements yet)")
        }
        register(missing: "oggmux", closest: "webmmux (takes Opus and VP9) or matroskamux: Ogg is not among wasi:media's containers")
        for name in ["avimux", "flvmux", "asfmux", "3gppmux", "mj2mux", "ismlmux", "mxfmux", "splitmuxsink", "y4menc", "multipartmux"] {
            register(missing: name, closest: "matroskamux or mp4mux")
        }
        for name in ["vorbisenc", "speexenc", "twolame", "wavpackenc", "avenc_ac3", "avenc_mp2"] {
            register(missing: name, closest: "opusenc (or flacenc for lossless): \(name)'s codec is not among wasi:media's")
        }
        for name in ["vp8enc", "theoraenc", "avenc_mpeg4", "avenc_mpeg2video", "avenc_wmv2", "avenc_h263", "ffenc_h263", "jp2kenc"] {
            register(missing: name, closest: "vp9enc or x264enc (same property names): \(name)'s codec is not among wasi:media's (h264, hevc, av1, vp9)")
        }
        for name in ["nvh264enc", "vah264enc", "vaapih264enc", "msdkh264enc", "qsvh264enc", "v4l2h264enc", "vtenc_h264", "mfh264enc", "amfh264enc"] {
            register(missing: name, closest: "x264enc: encode opens a hardware H.264 encoder first where one opens")
        }
        for name in ["jpegenc", "webpenc", "avenc_mjpeg"] {
            register(missing: name, closest: "pngenc (lossless; the only image encoder here; multifilesrc reads images)")
        }
        for name in ["jpegdec", "pngdec"] { register(missing: name, closest: "multifilesrc (reads and decodes image sequences)") }
        register(missing: "wavenc", closest: "flacenc ! matroskamux (lossless in a container)")
        for name in ["playbin", "playbin3", "playsink"] {
            register(missing: name, closest: "uridecodebin uri=... ! videoconvert ! fakesink (no players: no display or sound output here)")
        }
        for name in ["udpsrc", "tcpclientsrc", "rtspsrc", "srtsrc", "rtmpsrc", "rtmp2src", "curlhttpsrc", "giosrc", "hlsdemux", "dashdemux"] {
            register(missing: name, closest: "urisrc uri=... (FFmpeg's protocols: http, tcp, udp, rtsp, srt, rtmp, hls)")
        }
        for name in ["udpsink", "tcpserversink", "tcpclientsink", "srtsink", "rtmpsink", "rtmp2sink", "rtspclientsink", "hlssink", "hlssink2", "webrtcbin", "whipsink"] {
            register(missing: name, closest: "none yet: no network sinks (filesink writes files)")
        }
        for name in ["timeoverlay", "textoverlay", "clockoverlay", "cairooverlay", "videoflip", "videocrop", "videobox", "gamma", "videobalance", "level", "volume"] {
            register(missing: name, closest: "wasm (a guest filter can do this to frames or audio)" + (name == "volume" ? "; or audiomixer gains=" : ""))
        }
        for name in ["compositor", "videomixer", "glvideomixer"] { register(missing: name, closest: "none yet (audiomixer mixes audio)") }
        for name in ["appsrc", "appsink"] { register(missing: name, closest: "the Swift API (Pipeline), or a wasm guest in the pipeline") }
    }
}

// MARK: - Tables and rules

/// x264's speed presets in GStreamer's order (its enum numbers are the positions).
let x264Presets: [(String, PropertyValue?)] = [("none", nil)] + ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow",
                                                                 "slower", "veryslow", "placebo"].map { ($0, .string($0)) }
let x264Passes = ["cbr", "quant", "qual", "pass1", "pass2", "pass3"]
let vpxEndUsages = ["vbr", "cbr", "cq", "q"]

/// GStreamer's enum numbers for words given in enum order: `"0"` for the first...
func numbered(_ words: [String]) -> [String: String] {
    Dictionary(uniqueKeysWithValues: words.enumerated().map { (String($0.offset), $0.element) })
}

/// x264enc's `pass`, `quantizer`, `bitrate`, `tune` and `key-int-max`.
func x264Rules(_ given: [String: PropertyValue], _ out: inout [String: PropertyValue], tunes: Set<String>) -> String? {
    let quantizer: Int = { if case .int(let q)? = given["quantizer"] { return q }; return 21 }()
    switch given["pass"] {
    case .string("quant")?: out["quantizer"] = .int(quantizer)
    case .string("qual")?: out["quality"] = .int(quantizer)
    case .string(let multi)? where multi.hasPrefix("pass"):
        return "pass=\(multi): multi-pass encoding has no counterpart here; use pass=cbr (bitrate), quant or qual"
    default:
        if case .int(let kbps)? = given["bitrate"] { out["bitrate"] = .int(kbps * 1000) }
    }
    if case .string(let text)? = given["tune"] {
        let flags = text.split(whereSeparator: { $0 == "+" || $0 == "|" || $0 == "," }).map { String($0).lowercased() }
        let numbers = ["1": "stillimage", "2": "fastdecode", "4": "zerolatency"]
        var chosen: [String] = []
        for flag in flags where flag != "none" && flag != "0" {
            guard let name = tunes.contains(flag) ? flag : numbers[flag] else {
                return "tune: '\(flag)' is not one of none, \(tunes.sorted().joined(separator: ", "))"
            }
            chosen.append(name)
        }
        if !chosen.isEmpty { out["tune"] = .string(chosen.joined(separator: ",")) }
    }
    if case .int(let k)? = given["key-int-max"], k > 0 { out["key-int-max"] = .int(min(k, 100_000)) }
    return nil
}

/// vp9enc's and av1enc's `target-bitrate`, `keyframe-max-dist`, `end-usage` and `cq-level`.
func vpxRules(_ given: [String: PropertyValue], _ out: inout [String: PropertyValue], bitrateFactor: Int) -> String? {
    let usage: String = { if case .string(let u)? = given["end-usage"] { return u }; return "vbr" }()
    if usage == "cq" || usage == "q" {
        out["quality"] = .int({ if case .int(let q)? = given["cq-level"] { return q }; return 10 }())
    } else if case .int(let b)? = given["target-bitrate"], b > 0 {
        out["bitrate"] = .int(b * bitrateFactor)
    }
    if case .int(let k)? = given["keyframe-max-dist"] { out["key-int-max"] = .int(min(max(k, 1), 100_000)) }
    return nil
}
