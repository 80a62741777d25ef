public import MediaCore
import MediaFFmpeg
#if canImport(Glibc)
import Glibc
#endif

/// `filesrc`: a file's bytes, in blocks.
final class FileSrc: FileOfferingElement {
    var offeredFile: String { location }
    let location: String
    let blockSize: Int
    private var file: UnsafeMutablePointer<FILE>?

    init(_ p: Properties) throws(PipelineError) {
        guard let location = p.string("location"), !location.isEmpty else { throw PipelineError(.failed, "location is not set") }
        guard let f = fopen(location, "rb") else {
            throw PipelineError(.failed, "cannot open \(location): \(String(cString: strerror(errno)))")
        }
        self.location = location
        blockSize = p.int("blocksize") ?? 65_536
        file = f
    }

    deinit { if let file { fclose(file) } }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        ["src": .bytes(ContainerFormat(path: location))]
    }

    func produce(into out: inout Outputs) throws(PipelineError) -> FlowResult {
        guard let file else { return .eos }
        var block = [UInt8](repeating: 0, count: blockSize)
        let n = block.withUnsafeMutableBytes { fread($0.baseAddress, 1, blockSize, file) }
        if n > 0 { out.emit(.bytes(Array(block.prefix(n)))) }
        if n < blockSize {
            if ferror(file) != 0 { throw PipelineError(.failed, "reading \(location) failed: \(String(cString: strerror(errno)))") }
            return .eos
        }
        return .ok
    }
}

/// `urisrc`: the bytes behind a URL (any protocol FFmpeg opens).
final class URISrc: SourceElement {
    let reader: URLReader

    init(_ p: Properties) throws(PipelineError) {
        guard let uri = p.string("uri"), !uri.isEmpty else { throw PipelineError(.failed, "uri is not set") }
        reader = try media { () throws(MediaError) in try URLReader(url: uri) }
    }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        ["src": .bytes(ContainerFormat(path: reader.url))]
    }

    func produce(into out: inout Outputs) throws(PipelineError) -> FlowResult {
        guard let bytes = try media({ () throws(MediaError) in try reader.read() }) else { return .eos }
        if !bytes.isEmpty { out.emit(.bytes(bytes)) }
        return .ok
    }
}

/// `demux`: container bytes to encoded streams on sometimes-pads `video_%u`
/// and `audio_%u`, which appear (with their formats) once the header is read.
///
/// After `filesrc` it reads the file itself (pull mode): its pads are known
/// at negotiation, and it can seek. Fed any other bytes (a URL, a pipe), it
/// demuxes them as they come (push mode) and cannot seek.
final class Demux: PullingElement, SeekableElement {
    private let stream = StreamingDemuxer(label: "demux")
    private var file: Demuxer?
    private var pads: [Int: String] = [:]     // track id -> pad name
    private var announced = false

    var isPulling: Bool { file != nil }
    var canSeek: Bool { file != nil }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        guard case .bytes? = r.input else {
            throw .notNegotiated("demux reads container bytes; its input is \(r.input.map { "\($0)" } ?? "missing")", pad: "sink")
        }
        guard let path = r.inputFiles["sink"] else { return [:] }   // push mode: pads appear with the header
        let demuxer = try media { () throws(MediaError) in try Demuxer(url: path) }
        file = demuxer
        var out = Outputs()
        announce(demuxer.tracks, into: &out)
        return Dictionary(out.formats.map { ($0.pad, $0.format) }, uniquingKeysWith: { a, _ in a })
    }

    func produce(into out: inout Outputs) throws(PipelineError) -> FlowResult {
        guard let file else { return .eos }
        // A few chunks per call keeps the per-call cost low without holding much.
        for _ in 0..<8 {
            guard let (id, chunk) = try media({ () throws(MediaError) in try file.readNext() }) else { return .eos }
            if let pad = pads[id] { out.emit(.encoded(chunk), on: pad) }
        }
        return .ok
    }

    func seek(toUs timeUs: Int64) throws(PipelineError) {
        guard let file else { throw PipelineError(.failed, "demux cannot seek: its input is a stream of bytes, not a file") }
        try media { () throws(MediaError) in try file.seek(toUs: timeUs) }
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        guard file == nil, case .bytes(let bytes) = item else { return }
        stream.append(bytes)
        try drain(into: &out)
    }

    func finish(into out: inout Outputs) throws(PipelineError) {
        if file != nil { return }
        stream.finish()
        try drain(into: &out)
        if !announced {
            throw PipelineError(.failed, "the input ended before a container header could be read")
        }
    }

    /// Names a pad per audio or video track and announces its format, once.
    private func announce(_ tracks: [TrackInfo], into out: inout Outputs) {
        var counts: [String: Int] = [:]
        for t in tracks where t.kind == .video || t.kind == .audio {
            let base = t.isVideo ? "video" : "audio"
            let pad = "\(base)_\(counts[base, default: 0])"
            counts[base, default: 0] += 1
            pads[t.id] = pad
            out.setFormat(.encoded(t), on: pad)
        }
        announced = true
    }

    /// Announces pads once, then emits every chunk available so far, in container order per track.
    private func drain(into out: inout Outputs) throws(PipelineError) {
        if !announced {
            let tracks = try media { () throws(MediaError) in try stream.tracks() }
            guard !tracks.isEmpty else { return }
            announce(tracks, into: &out)
        }
        var progressed = true
        while progressed {
            progressed = false
            for (id, pad) in pads.sorted(by: { $0.key < $1.key }) {
                if let chunk = try media({ () throws(MediaError) in try stream.readChunk(trackId: id) }) {
                    out.emit(.encoded(chunk), on: pad)
                    progressed = true
                }
            }
        }
    }
}

/// `decode`: an encoded stream to raw frames or audio.
final class Decode: Element {
    let props: Properties
    var video: VideoDecoder?
    var audio: AudioDecoder?
    var audioConverter: AudioResampler?
    /// After a seek: the segment's start. Video before it is dropped but for
    /// the frame on screen at the start (held until the next shows which it
    /// is); audio that ends before it is dropped.
    private var clipUs: Int64?
    private var held: VideoFrame?

    init(_ p: Properties) { props = p }

    func flush() {
        video?.reset()
        audio?.reset()
        held = nil
        clipUs = nil
    }

    func startSegment(atUs startUs: Int64, on pad: String) {
        clipUs = startUs
        held = nil
    }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        guard case .encoded(let track)? = r.input else {
            throw .notNegotiated("decode takes an encoded stream; its input is \(r.input.map { "\($0)" } ?? "missing")", pad: "sink")
        }
        let p = track.parameters
        if track.isVideo {
            let name = r.string("format") ?? props.string("format") ?? "yuv420p"
            guard let format = PixelFormat(name: name) else { throw .notNegotiated("pixel format '\(name)' is not one of rgba8888, bgra8888, yuv420p, nv12") }
            video = try media { () throws(MediaError) in try VideoDecoder(parameters: p, outputFormat: format) }
            return ["src": .rawVideo(format, width: p.width, height: p.height, frameRate: p.frameRate ?? Rational(30, 1))]
        }
        audio = try media { () throws(MediaError) in try AudioDecoder(parameters: p) }
        audioConverter = try media { () throws(MediaError) in try AudioResampler(format: .f32Planar, sampleRate: p.sampleRate, channels: p.channels) }
        return ["src": .rawAudio(.f32Planar, sampleRate: p.sampleRate, channels: p.channels)]
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        guard case .encoded(let chunk) = item else { return }
        try decode(chunk, into: &out)
    }

    func finish(into out: inout Outputs) throws(PipelineError) {
        if let video {
            try media { () throws(MediaError) in try video.flush() }
            emitVideo(video.takeDecodedFrames(), into: &out)
            if let h = held { out.emit(.video(h)); held = nil }
        }
        if let audio {
            try media { () throws(MediaError) in try audio.flush() }
            try emitAudio(audio.takeDecodedAudio(), into: &out)
        }
    }

    private func emitVideo(_ frames: [VideoFrame], into out: inout Outputs) {
        for f in frames {
            guard let clip = clipUs else { out.emit(.video(f)); continue }
            if f.timestampUs < clip { held = f; continue }
            if f.timestampUs > clip, let h = held { out.emit(.video(h)) }
            held = nil
            clipUs = nil
            out.emit(.video(f))
        }
    }

    private func decode(_ chunk: EncodedChunk, into out: inout Outputs) throws(PipelineError) {
        if let video {
            try media { () throws(MediaError) in try video.decode(chunk) }
            emitVideo(video.takeDecodedFrames(), into: &out)
        } else if let audio {
            try media { () throws(MediaError) in try audio.decode(chunk) }
            try emitAudio(audio.takeDecodedAudio(), into: &out)
        }
    }

    /// Decoders give f32-planar or s16; the pad promised f32-planar.
    private func emitAudio(_ runs: [AudioData], into out: inout Outputs) throws(PipelineError) {
        for a in runs {
            if let clip = clipUs {
                let end = MediaTime.add(a.timestampUs, MediaTime.rescale(Int64(a.frameCount), multiplier: 1_000_000, divisor: Int64(max(1, a.sampleRate))))
                if end <= clip { continue }
                clipUs = nil
            }
            if a.format == .f32Planar { out.emit(.audio(a)); continue }
            guard let audioConverter else { continue }
            let converted = try media { () throws(MediaError) in try audioConverter.convert(a) }
            if converted.frameCount > 0 { out.emit(.audio(converted)) }
        }
    }
}
