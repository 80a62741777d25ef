public import MediaCore
public import MediaFFmpeg

/// `wasi-media transcode` as a pipeline: the first video and the first audio
/// track of the input, decoded, re-encoded and muxed.
///
/// ```
/// filesrc location=IN ! demux name=d
///   d.video_0 ! decode format=rgba8888 ! encode codec=h264 preset=veryfast ! mux name=m format=mp4 ! filesink location=OUT
///   d.audio_0 ! decode ! encode codec=aac bitrate=128000 ! m.
/// ```
/// Only the branches the input has are built, so a file with no audio
/// makes no audio branch (and no muxer pad that would never get data).
public enum TranscodePreset {
    /// The graph for `input` (a path or any URL FFmpeg opens) whose tracks are `tracks`.
    /// - Throws: ``PipelineError`` when the input has neither audio nor video,
    ///   or the output's container cannot be told from its extension.
    public static func graph(input: String, output: String, options: TranscodeOptions, tracks: [TrackInfo]) throws(PipelineError) -> GraphSpec {
        guard let container = options.container ?? ContainerFormat(path: output) else {
            throw PipelineError(.invalidGraph, "cannot tell the container from '\(output)': use .mp4, .mkv, .webm or .ts")
        }
        let hasVideo = tracks.contains { $0.isVideo }
        let hasAudio = tracks.contains { $0.kind == .audio }
        guard hasVideo || hasAudio else { throw PipelineError(.invalidGraph, "\(input) has no audio or video track") }
        var graph = GraphSpec()
        let isURL = input.contains("://") && !input.hasPrefix("file://")
        graph.elements.append(isURL ? ElementSpec(name: "src", factory: "urisrc", properties: ["uri": input])
                                    : ElementSpec(name: "src", factory: "filesrc", properties: ["location": input]))
        graph.elements.append(ElementSpec(name: "d", factory: "demux"))
        graph.elements.append(ElementSpec(name: "m", factory: "mux", properties: ["format": container.witName]))
        graph.elements.append(ElementSpec(name: "sink", factory: "filesink", properties: ["location": output]))
        graph.links.append(LinkSpec(from: PadRef(element: "src"), to: PadRef(element: "d")))
        graph.links.append(LinkSpec(from: PadRef(element: "m"), to: PadRef(element: "sink")))
        if hasVideo {
            var encode = ["codec": options.videoCodec.witName]
            if let b = options.videoBitrate { encode["bitrate"] = String(b) }
            if let p = options.preset { encode["preset"] = p }
            if let w = options.width, let h = options.height { encode["width"] = String(w); encode["height"] = String(h) }
            graph.elements.append(ElementSpec(name: "vdec", factory: "decode", properties: ["format": options.intermediateFormat.witName]))
            graph.elements.append(ElementSpec(name: "venc", factory: "encode", properties: encode))
            graph.links.append(LinkSpec(from: PadRef(element: "d", pad: "video_0"), to: PadRef(element: "vdec")))
            graph.links.append(LinkSpec(from: PadRef(element: "vdec"), to: PadRef(element: "venc")))
            graph.links.append(LinkSpec(from: PadRef(element: "venc"), to: PadRef(element: "m")))
        }
        if hasAudio {
            var encode = ["codec": options.audioCodec.witName]
            let defaultBitrate: Int? = switch options.audioCodec {
            case .aac, .mp3: 128_000
            case .opus: 96_000
            case .flac: nil
            }
            if let b = options.audioBitrate ?? defaultBitrate { encode["bitrate"] = String(b) }
            graph.elements.append(ElementSpec(name: "adec", factory: "decode"))
            graph.elements.append(ElementSpec(name: "aenc", factory: "encode", properties: encode))
            graph.links.append(LinkSpec(from: PadRef(element: "d", pad: "audio_0"), to: PadRef(element: "adec")))
            graph.links.append(LinkSpec(from: PadRef(element: "adec"), to: PadRef(element: "aenc")))
            graph.links.append(LinkSpec(from: PadRef(element: "aenc"), to: PadRef(element: "m")))
        }
        return graph
    }
}
