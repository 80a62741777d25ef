public import MediaCore

extension ElementRegistry {
    static let pixelFormats = PixelFormat.allCases.map(\.witName)
    static let allKinds = Set(StreamKind.allCases)

    /// The elements this host ships.
    public static let standard = ElementRegistry([
        BuiltinFactory(
            name: "videotestsrc", summary: "Deterministic test video: the frame index in blocks along the top, a moving box",
            padTemplates: [PadTemplate("src", .source, kinds: [.rawVideo])],
            properties: [
                PropertySchema("num-buffers", .int(-1...Int(Int32.max)), default: "-1", doc: "frames to produce; -1 for no end"),
                PropertySchema("width", .int(16...16384), default: "320", doc: "width in pixels (downstream caps win)"),
                PropertySchema("height", .int(16...16384), default: "240", doc: "height in pixels (downstream caps win)"),
                PropertySchema("framerate", .fraction, default: "30/1", doc: "frames per second (downstream caps win)"),
                PropertySchema("format", .choice(pixelFormats), default: "yuv420p", doc: "pixel format (downstream caps win)"),
                PropertySchema("is-live", .bool, default: "false", doc: "a live source: the pipeline's sinks then present each frame at its time on the clock"),
            ],
            example: "videotestsrc num-buffers=300 ! video/x-raw,width=1280,height=720 ! fakesink",
            maker: { p, _ in VideoTestSrc(p) }),
        BuiltinFactory(
            name: "audiotestsrc", summary: "A sine tone",
            padTemplates: [PadTemplate("src", .source, kinds: [.rawAudio])],
            properties: [
                PropertySchema("num-buffers", .int(-1...Int(Int32.max)), default: "-1", doc: "buffers to produce; -1 for no end"),
                PropertySchema("freq", .double(1...96_000), default: "440", doc: "tone frequency in Hz"),
                PropertySchema("samplesperbuffer", .int(1...1_048_576), default: "1024", doc: "samples per channel in each buffer"),
                PropertySchema("rate", .int(1...768_000), default: "48000", doc: "sample rate in Hz (downstream caps win)"),
                PropertySchema("channels", .int(1...255), default: "2", doc: "channel count (downstream caps win)"),
                PropertySchema("is-live", .bool, default: "false", doc: "a live source: the pipeline's sinks then present each buffer at its time on the clock"),
            ],
            example: "audiotestsrc freq=660 num-buffers=100 ! encode codec=opus ! mux format=webm ! filesink location=tone.webm",
            maker: { p, _ in AudioTestSrc(p) }),
        BuiltinFactory(
            name: "videoconvert", summary: "Converts the pixel format (libswscale, BT.601)",
            padTemplates: [PadTemplate("sink", .sink, kinds: [.rawVideo]), PadTemplate("src", .source, kinds: [.rawVideo])],
            properties: [PropertySchema("format", .choice(pixelFormats), doc: "output pixel format; unset follows downstream caps, else keeps the input's")],
            example: "videotestsrc ! videoconvert format=rgba8888 ! fakesink",
            maker: { p, _ in VideoConvert(format: p.string("format").flatMap(PixelFormat.init(name:)), width: nil, height: nil) }),
        BuiltinFactory(
            name: "videoscale", summary: "Resizes video (libswscale, bicubic)",
            padTemplates: [PadTemplate("sink", .sink, kinds: [.rawVideo]), PadTemplate("src", .source, kinds: [.rawVideo])],
            properties: [PropertySchema("width", .int(1...16384), doc: "output width; unset follows downstream caps"),
                         PropertySchema("height", .int(1...16384), doc: "output height; unset follows downstream caps")],
            example: "videotestsrc ! videoscale width=640 height=360 ! fakesink",
            maker: { p, _ in VideoConvert(format: nil, width: p.int("width"), height: p.int("height")) }),
        BuiltinFactory(
            name: "videorate", summary: "Regular frame timing at a set rate, dropping or repeating frames",
            padTemplates: [PadTemplate("sink", .sink, kinds: [.rawVideo]), PadTemplate("src", .source, kinds: [.rawVideo])],
            properties: [PropertySchema("framerate", .fraction, doc: "output frames per second; unset follows downstream caps, else keeps the input's")],
            example: "videotestsrc num-buffers=60 ! videorate framerate=24/1 ! encode ! mux ! filesink location=24fps.mp4",
            maker: { p, _ in VideoRate(p) }),
        BuiltinFactory(
            name: "audioconvert", summary: "Converts sample format and channel count (libswresample)",
            padTemplates: [PadTemplate("sink", .sink, kinds: [.rawAudio]), PadTemplate("src", .source, kinds: [.rawAudio])],
            properties: [PropertySchema("format", .choice(SampleFormat.allCases.map(\.witName)), doc: "output sample format; unset follows downstream caps, else keeps the input's"),
                         PropertySchema("channels", .int(1...255), doc: "output channels (FFmpeg's default down/up-mix); unset follows downstream caps")],
            example: "audiotestsrc num-buffers=50 ! audioconvert format=s16-interleaved channels=1 ! fakesink",
            maker: { p, _ in AudioConvert(format: p.string("format").flatMap(SampleFormat.init(name:)), rate: nil, channels: p.int("channels")) }),
        BuiltinFactory(
            name: "audioresample", summary: "Changes the sample rate (libswresample)",
            padTemplates: [PadTemplate("sink", .sink, kinds: [.rawAudio]), PadTemplate("src", .source, kinds: [.rawAudio])],
            properties: [PropertySchema("rate", .int(1...768_000), doc: "output rate in Hz; unset follows downstream caps")],
            example: "audiotestsrc rate=44100 num-buffers=50 ! audioresample rate=48000 ! fakesink",
            maker: { p, _ in AudioConvert(format: nil, rate: p.int("rate"), channels: nil) }),
        BuiltinFactory(
            name: "audiomixer", summary: "Mixes inputs (request pads sink_%u) with per-pad gains into one f32-planar output",
            padTemplates: [PadTemplate("sink_%u", .sink, .request, kinds: [.rawAudio]), PadTemplate("src", .source, kinds: [.rawAudio])],
            properties: [
                PropertySchema("rate", .int(1...768_000), default: "48000", doc: "output sample rate in Hz; inputs are resampled to it"),
                PropertySchema("channels", .int(1...255), default: "2", doc: "output channels; inputs are mixed up or down to it"),
                PropertySchema("gains", .string, doc: "gains by sink pad number, comma-separated (gains=0.5,1.0); missing ones are 1.0"),
                PropertySchema("samplesperbuffer", .int(1...1_048_576), default: "1024", doc: "samples per channel in each output run"),
            ],
            example: "audiotestsrc freq=440 num-buffers=100 ! mix.  audiotestsrc freq=660 rate=44100 num-buffers=100 ! mix.  audiomixer name=mix gains=0.5,0.25 ! encode codec=flac ! mux format=mkv ! filesink location=mix.mkv",
            maker: { p, _ throws(PipelineError) in try AudioMixer(p) }),
        BuiltinFactory(
            name: "trim", summary: "Keeps raw video/audio shown in [start, end) µs, frame-exact, re-stamped from 0",
            padTemplates: [PadTemplate("sink", .sink, kinds: [.rawVideo, .rawAudio]), PadTemplate("src", .source, kinds: [.rawVideo, .rawAudio])],
            properties: [PropertySchema("start", .int(0...Int.max), default: "0", doc: "first instant kept, µs; the frame on screen then is the first out"),
                         PropertySchema("end", .int(1...Int.max), doc: "first instant dropped, µs; unset keeps to the end")],
            example: "filesrc location=in.mp4 ! demux ! decode ! trim start=1000000 end=3000000 ! encode ! mux ! filesink location=cut.mp4",
            maker: { p, _ throws(PipelineError) in try Trim(p) }),
        BuiltinFactory(
            name: "concat", summary: "Plays its inputs (request pads sink_%u) one after another, re-stamped",
            padTemplates: [PadTemplate("sink_%u", .sink, .request, kinds: [.rawVideo, .rawAudio]), PadTemplate("src", .source, kinds: [.rawVideo, .rawAudio])],
            properties: [],
            example: "videotestsrc num-buffers=30 ! c.  videotestsrc num-buffers=30 ! c.  concat name=c ! encode ! mux ! filesink location=joined.mp4",
            maker: { _, _ in Concat() }, readsInputsInOrder: true),
        BuiltinFactory(
            name: "encode", summary: "Encodes raw video or audio (the WIT codecs, hardware first)",
            padTemplates: [PadTemplate("sink", .sink, kinds: [.rawVideo, .rawAudio]), PadTemplate("src", .source, kinds: [.encodedVideo, .encodedAudio])],
            properties: [
                PropertySchema("codec", .choice(VideoCodec.allCases.map(\.witName) + AudioCodec.allCases.map(\.witName)), doc: "codec; unset is h264 for video, aac for audio"),
                PropertySchema("bitrate", .int(1...2_000_000_000), doc: "bits per second; unset is the codec's default quality"),
                PropertySchema("width", .int(2...16384), doc: "output width (the encoder resizes)"),
                PropertySchema("height", .int(2...16384), doc: "output height (the encoder resizes)"),
                PropertySchema("framerate", .fraction, doc: "nominal frame rate for rate control; unset takes the input's"),
                PropertySchema("key-int-max", .int(1...100_000), doc: "frames between keyframes; unset is the codec's default"),
                PropertySchema("preset", .string, doc: "encoder preset (libx264/libx265 names)"),
                PropertySchema("rate", .int(1...768_000), doc: "audio sample rate to encode at (the encoder resamples)"),
            ],
            example: "videotestsrc num-buffers=90 ! encode codec=vp9 bitrate=500000 ! mux format=webm ! filesink location=out.webm",
            maker: { p, _ in Encode(p) }),
        BuiltinFactory(
            name: "mux", summary: "Packages encoded streams into a container (request pads sink_%u)",
            padTemplates: [PadTemplate("sink_%u", .sink, .request, kinds: [.encodedVideo, .encodedAudio]), PadTemplate("src", .source, kinds: [.bytes])],
            properties: [PropertySchema("format", .choice(ContainerFormat.allCases.map(\.witName)), default: "mp4", doc: "container; mp4 is fragmented so a killed recording stays playable")],
            example: "videotestsrc num-buffers=60 ! encode ! mux name=m format=mkv ! filesink location=out.mkv  audiotestsrc num-buffers=94 ! encode codec=opus ! m.",
            maker: { p, _ in Mux(p) }),
        BuiltinFactory(
            name: "filesink", summary: "Writes bytes to a file",
            padTemplates: [PadTemplate("sink", .sink, kinds: [.bytes])],
            properties: [PropertySchema("location", .string, doc: "the file to create or truncate")],
            example: "videotestsrc num-buffers=30 ! encode ! mux ! filesink location=out.mp4",
            maker: { p, _ throws(PipelineError) in try FileSink(p) }, takesPositionedWrites: true),
        BuiltinFactory(
            name: "filesrc", summary: "Reads a file's bytes",
            padTemplates: [PadTemplate("src", .source, kinds: [.bytes])],
            properties: [PropertySchema("location", .string, doc: "the file to read"),
                         PropertySchema("blocksize", .int(1...16_777_216), default: "65536", doc: "bytes per block")],
            example: "filesrc location=in.mp4 ! demux name=d  d.video_0 ! decode ! fakesink",
            maker: { p, _ throws(PipelineError) in try FileSrc(p) }),
        BuiltinFactory(
            name: "urisrc", summary: "Reads the bytes behind a URL (file, http, tcp, udp, srt, rtmp...)",
            padTemplates: [PadTemplate("src", .source, kinds: [.bytes])],
            properties: [PropertySchema("uri", .string, doc: "the URL to read")],
            example: "urisrc uri=http://127.0.0.1:8080/clip.mp4 ! demux ! decode ! fakesink",
            maker: { p, _ throws(PipelineError) in try URISrc(p) }),
        BuiltinFactory(
            name: "multifilesrc", summary: "An image sequence (img%04d.png) as video at a frame rate",
            padTemplates: [PadTemplate("src", .source, kinds: [.rawVideo])],
            properties: [PropertySchema("location", .string, doc: "file pattern with a sequence number, like img%04d.png"),
                         PropertySchema("framerate", .fraction, default: "30/1", doc: "frames per second to stamp the images with"),
                         PropertySchema("start-index", .int(0...Int(Int32.max)), doc: "first number to look for; unset finds the first that exists")],
            example: "multifilesrc location=frames/img%04d.png framerate=24/1 ! encode codec=h264 ! mux ! filesink location=movie.mp4",
            maker: { p, _ throws(PipelineError) in try MultiFileSrc(p) }),
        BuiltinFactory(
            name: "demux", summary: "Splits container bytes into encoded streams (sometimes pads video_%u, audio_%u)",
            padTemplates: [PadTemplate("sink", .sink, kinds: [.bytes]),
                           PadTemplate("video_%u", .source, .sometimes, kinds: [.encodedVideo]),
                           PadTemplate("audio_%u", .source, .sometimes, kinds: [.encodedAudio])],
            properties: [],
            example: "filesrc location=in.mkv ! demux name=d  d.video_0 ! decode ! videoscale width=640 height=360 ! encode ! mux ! filesink location=small.mp4",
            maker: { _, _ in Demux() }, pullsFiles: true),
        BuiltinFactory(
            name: "decode", summary: "Decodes an encoded stream to raw video (format= picks the pixel format) or f32-planar audio",
            padTemplates: [PadTemplate("sink", .sink, kinds: [.encodedVideo, .encodedAudio]), PadTemplate("src", .source, kinds: [.rawVideo, .rawAudio])],
            properties: [PropertySchema("format", .choice(pixelFormats), default: "yuv420p", doc: "pixel format of decoded video (downstream caps win)")],
            example: "filesrc location=in.mp4 ! demux name=d  d.video_0 ! decode format=rgba8888 ! fakesink",
            maker: { p, _ in Decode(p) }),
        BuiltinFactory(
            name: "fakesink", summary: "Takes anything and drops it",
            padTemplates: [PadTemplate("sink", .sink, kinds: allKinds)],
            properties: [PropertySchema("sync", .bool, default: "true",
                                        doc: "present each item at its time on the pipeline clock (when there is one); false takes items as they come")],
            example: "videotestsrc num-buffers=100 ! fakesink",
            maker: { _, _ in FakeSink() }),
        BuiltinFactory(
            name: "tee", summary: "Copies its input to every linked source pad (request pads src_%u)",
            padTemplates: [PadTemplate("sink", .sink, kinds: allKinds), PadTemplate("src_%u", .source, .request, kinds: allKinds)],
            properties: [],
            example: "videotestsrc num-buffers=30 ! tee name=t ! queue ! fakesink  t. ! queue ! encode ! mux ! filesink location=copy.mp4",
            maker: { _, context in Tee(context) }),
        BuiltinFactory(
            name: "queue", summary: "A bounded buffer that decouples the elements on each side",
            padTemplates: [PadTemplate("sink", .sink, kinds: allKinds), PadTemplate("src", .source, kinds: allKinds)],
            properties: [PropertySchema("max-size-buffers", .int(1...100_000), default: "16", doc: "items held before upstream waits (or, when leaky, before one is dropped)"),
                         PropertySchema("max-size-bytes", .int(0...Int(Int32.max)), default: "0", doc: "bytes of media held before the queue counts as full; 0 for no limit"),
                         PropertySchema("max-size-time", .int(0...Int.max), default: "0", doc: "µs between the oldest and newest item held before the queue counts as full; 0 for no limit"),
                         PropertySchema("leaky", .choice(["none", "upstream", "downstream"]), default: "none",
                                        doc: "when full: wait (none), drop the new item (upstream), or drop the oldest (downstream); for live sources")],
            example: "videotestsrc ! queue max-size-buffers=8 ! fakesink",
            maker: { _, _ in Queue() }),
    ])
}
