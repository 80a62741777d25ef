public import MediaCore
import MediaFFmpeg

/// `urisrc`: the bytes behind a URL, through any protocol FFmpeg opens
/// (file, http, tcp, udp, srt, rtmp...). The connection opens when the
/// element is made. GStreamer's `souphttpsrc location=` is this element.
///
/// ```text
/// urisrc uri=http://127.0.0.1:8080/clip.mp4 ! demux ! decode ! fakesink
/// ```
final class URISrc: SourceElement, DeclaredElement {
    struct Settings: ElementSettings {
        var uri: String?
        static let declaration: [Setting<Self>] = [.string("uri", \.uri, "the URL to read")]
    }

    static let src = PadTemplate.src([.bytes])
    static let descriptor = ElementDescriptor("urisrc", "Reads the bytes behind a URL (file, http, tcp, udp, srt, rtmp...)", pads: [src],
                                              example: "urisrc uri=http://127.0.0.1:8080/clip.mp4 ! demux ! decode ! fakesink")

    let reader: URLReader

    init(settings: Settings, context: ElementContext) throws(PipelineError) {
        guard let uri = settings.uri, !uri.isEmpty else { throw PipelineError(.failed, "uri is not set") }
        reader = try media { () throws(MediaError) in try URLReader(url: uri) }
    }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        [Self.src.name: .bytes(ContainerFormat(path: reader.url))]
    }

    func produce(into out: inout Outputs) throws(PipelineError) -> FlowResult {
        guard let bytes = try media({ () throws(MediaError) in try reader.read() }) else { return .eos }
        if !bytes.isEmpty { out.emit(.bytes(bytes), on: Self.src) }
        return .ok
    }
}
