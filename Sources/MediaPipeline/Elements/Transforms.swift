public import MediaCore
import MediaFFmpeg

/// `videoconvert` and `videoscale`: pixel format and size through libswscale.
final class VideoConvert: Element {
    let fixedFormat: PixelFormat?
    let fixedWidth: Int?
    let fixedHeight: Int?
    var scaler: VideoScaler?

    init(format: PixelFormat?, width: Int?, height: Int?) {
        fixedFormat = format
        fixedWidth = width
        fixedHeight = height
    }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        guard case .rawVideo(let inFormat, let w, let h, let rate)? = r.input else {
            throw .notNegotiated("input is \(r.input.map { "\($0)" } ?? "missing"), not raw video", pad: "sink")
        }
        let name = r.string("format")
        let wanted = name.flatMap(PixelFormat.init(name:))
        if let name, wanted == nil { throw .notNegotiated("caps ask for pixel format '\(name)', which is not one of rgba8888, bgra8888, yuv420p, nv12") }
        if let wanted, let fixedFormat, wanted != fixedFormat {
            throw .notNegotiated("format=\(fixedFormat.witName) conflicts with downstream caps format=\(wanted.witName)")
        }
        let format = fixedFormat ?? wanted ?? inFormat
        let width = fixedWidth ?? r.int("width") ?? w
        let height = fixedHeight ?? r.int("height") ?? h
        scaler = try media { () throws(MediaError) in try VideoScaler(format: format, width: width, height: height) }
        return ["src": .rawVideo(format, width: width, height: height, frameRate: rate)]
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        guard case .video(let frame) = item, let scaler else { return }
        out.emit(.video(try media { () throws(MediaError) in try scaler.scale(frame) }))
    }
}

/// `tee`: every input item to every linked source pad.
final class Tee: Element {
    let pads: [String]
    init(_ context: ElementContext) { pads = context.sourcePads }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        guard let input = r.input else { throw .notNegotiated("no input format", pad: "sink") }
        for pad in pads {
            for caps in r.filters(pad) where !input.satisfies(caps) {
                throw .notNegotiated("tee passes \(input) unchanged, but \(pad) asks for \(caps)", pad: pad)
            }
        }
        return Dictionary(uniqueKeysWithValues: pads.map { ($0, input) })
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        for p in pads { out.emit(item, on: p) }
    }
}

/// `queue`: passes items through; its inbox holds `max-size-buffers` items,
/// decoupling the threads on each side.
final class Queue: Element {
    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        guard let input = r.input else { throw .notNegotiated("no input format", pad: "sink") }
        return ["src": input]
    }
    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) { out.emit(item) }
}
