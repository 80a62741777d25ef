public import MediaCore

/// `sframedec`: checks and decrypts each SFrame frame (RFC 9605,
/// AES_128_GCM_SHA256_128) with the host-held key; a frame for another key
/// id, too short, or failing authentication fails the pipeline.
///
/// ```text
/// ... ! sframedec key=000102030405060708090a0b0c0d0e0f kid=1 ! decode ! fakesink
/// ```
final class SFrameDecrypt: DeclaredElement {
    typealias Settings = SFrameSettings

    static let descriptor = ElementDescriptor(
        "sframedec", "Checks and decrypts SFrame (RFC 9605, AES_128_GCM_SHA256_128) frames; the key stays in the host",
        pads: [SFramePads.sink, SFramePads.src],
        example: "videotestsrc num-buffers=30 ! encode ! sframeenc key=000102030405060708090a0b0c0d0e0f kid=1 ! sframedec key=000102030405060708090a0b0c0d0e0f kid=1 ! decode ! fakesink")

    private let keys: SFrame.Keys
    private let keyId: UInt64

    init(settings: Settings, context: ElementContext) throws(PipelineError) {
        keys = try settings.keys()
        keyId = UInt64(settings.kid)
    }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        try SFramePads.negotiate(r, element: Self.descriptor.name)
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        guard case .encoded(var chunk) = item else { throw .unexpected(item, on: pad, expected: "encoded frames") }
        let at = "the frame at \(chunk.timestampUs) µs"
        guard let (kid, counter, length) = SFrame.parseHeader(chunk.data), chunk.data.count >= length + SFrame.tagBytes else {
            throw PipelineError(.failed, "\(at) is too short for an SFrame header and tag (\(chunk.data.count) bytes)")
        }
        guard kid == keyId else {
            throw PipelineError(.failed, "\(at) is for key id \(kid); this element holds key id \(keyId)")
        }
        do {
            chunk.data = try SFrame.open(chunk.data, headerLength: length, counter: counter, keys: keys)
        } catch {
            throw PipelineError(.failed, "\(at) failed authentication (wrong key, or altered on the way)")
        }
        out.emit(.encoded(chunk), on: SFramePads.src)
    }
}
