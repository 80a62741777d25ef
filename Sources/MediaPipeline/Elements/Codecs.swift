public import MediaCore
import MediaFFmpeg

/// `encode`: raw video or audio to a compressed stream (`codec=` picks which).
final class Encode: Element {
    let props: Properties
    var video: VideoEncoder?
    var audio: AudioEncoder?

    init(_ p: Properties) { props = p }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        let codecName = props.string("codec")
        switch r.input {
        case .rawVideo(_, let w, let h, let rate)?:
            let name = codecName ?? "h264"
            guard let codec = VideoCodec(rawValue: name) else { throw .notNegotiated("codec=\(name) is not a video codec, but the input is raw video", pad: "sink") }
            let width = props.int("width") ?? w, height = props.int("height") ?? h
            let fps = props.fraction("framerate") ?? rate
            let config = VideoEncoderConfig(codec: codec, width: width, height: height, bitrate: props.int("bitrate"),
                                            framerate: max(1, Int(fps.doubleValue.rounded())), sourceWidth: w, sourceHeight: h,
                                            keyframeInterval: props.int("key-int-max"), preset: props.string("preset"))
            let encoder = try media { () throws(MediaError) in try VideoEncoder(config: config) }
            video = encoder
            var parameters = encoder.parameters
            parameters.frameRate = fps
            return ["src": .encoded(TrackInfo(id: 0, codec: encoder.codecString, parameters: parameters))]
        case .rawAudio(_, let rate, let channels)?:
            let name = codecName ?? "aac"
            guard let codec = AudioCodec(rawValue: name) else { throw .notNegotiated("codec=\(name) is not an audio codec, but the input is raw audio", pad: "sink") }
            let config = AudioEncoderConfig(codec: codec, sampleRate: props.int("rate") ?? rate, channels: channels, bitrate: props.int("bitrate"))
            let encoder = try media { () throws(MediaError) in try AudioEncoder(config: config) }
            audio = encoder
            return ["src": .encoded(TrackInfo(id: 0, codec: encoder.codecString, parameters: encoder.parameters))]
        default:
            throw .notNegotiated("input is \(r.input.map { "\($0)" } ?? "missing"), not raw audio or video", pad: "sink")
        }
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        switch item {
        case .video(let frame):
            guard let video else { return }
            try media { () throws(MediaError) in try video.encode(frame) }
            for c in video.takeEncodedChunks() { out.emit(.encoded(c)) }
        case .audio(let data):
            guard let audio else { return }
            try media { () throws(MediaError) in try audio.encode(data) }
            for c in audio.takeEncodedChunks() { out.emit(.encoded(c)) }
        default:
            return
        }
    }

    func finish(into out: inout Outputs) throws(PipelineError) {
        if let video {
            try media { () throws(MediaError) in try video.flush() }
            for c in video.takeEncodedChunks() { out.emit(.encoded(c)) }
        }
        if let audio {
            try media { () throws(MediaError) in try audio.flush() }
            for c in audio.takeEncodedChunks() { out.emit(.encoded(c)) }
        }
    }
}

/// `mux`: encoded streams on request pads into container bytes.
final class Mux: Element {
    let format: ContainerFormat
    var muxer: Muxer?
    var seekable = false
    var trackIds: [String: Int] = [:]

    init(_ p: Properties) { format = ContainerFormat(rawValue: p.string("format") ?? "mp4") ?? .mp4 }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        guard muxer == nil else { throw .notNegotiated("the muxer cannot change its tracks once writing") }
        // A file downstream lets the container go back to finish its header.
        seekable = r.seekableOutputs.contains("src")
        let format = self.format, seekable = self.seekable
        let m = try media { () throws(MediaError) in seekable ? try Muxer(seekableFormat: format) : try Muxer(format: format) }
        for (i, pad) in r.inputs.keys.sorted().enumerated() {
            guard case .encoded(var track)? = r.inputs[pad] else {
                throw .notNegotiated("\(pad) carries \(r.inputs[pad]!), not an encoded stream", pad: pad)
            }
            track.id = i
            trackIds[pad] = i
            let t = track
            do { try m.addTrack(t) } catch { throw PipelineError(.notNegotiated, error.description, pad: pad, cause: error) }
        }
        muxer = m
        return ["src": .bytes(format)]
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        guard case .encoded(let chunk) = item, let muxer, let id = trackIds[pad] else { return }
        try media { () throws(MediaError) in try muxer.writeChunk(trackId: id, chunk) }
        emitOutput(muxer, into: &out)
    }

    private func emitOutput(_ muxer: Muxer, into out: inout Outputs) {
        if seekable {
            for w in muxer.takeOutputWrites() { out.emit(.write(w.bytes, offset: w.offset)) }
        } else {
            let bytes = muxer.takeOutputBytes()
            if !bytes.isEmpty { out.emit(.bytes(bytes)) }
        }
    }

    func finish(into out: inout Outputs) throws(PipelineError) {
        guard let muxer else { return }
        try media { () throws(MediaError) in try muxer.finalize() }
        emitOutput(muxer, into: &out)
    }
}
