import Crypto
public import MediaCore

/// The settings `sframeenc` and `sframedec` share: the base key and the key id.
struct SFrameSettings: ElementSettings {
    var key: String?
    var kid = 0
    static let declaration: [Setting<Self>] = [
        .string("key", \.key, "base key: 32 hex digits (16 bytes)"),
        .int("kid", \.kid, 0...Int(Int32.max), "key id written in (or required of) each frame's header"),
    ]

    /// The key schedule (RFC 9605 section 4.4.2) for `key` and `kid`.
    func keys() throws(PipelineError) -> SFrame.Keys {
        SFrame.derive(baseKey: try SFrame.baseKey(key), keyId: UInt64(kid))
    }
}

/// The pads of the SFrame elements: encoded frames in and out, the format unchanged.
enum SFramePads {
    static let sink = PadTemplate.sink([.encodedVideo, .encodedAudio])
    static let src = PadTemplate.src([.encodedVideo, .encodedAudio])

    static func negotiate(_ r: NegotiationRequest, element: String) throws(PipelineError) -> [String: StreamFormat] {
        guard let input = r.input, input.kind == .encodedVideo || input.kind == .encodedAudio else {
            throw .notNegotiated("\(element) takes encoded frames; its input is \(r.input.map { "\($0)" } ?? "missing") (encode first)", pad: sink.name)
        }
        return [src.name: input]
    }
}

/// `sframeenc`: encrypts each encoded frame with SFrame (RFC 9605,
/// AES_128_GCM_SHA256_128), the key held by the host: no guest in the same
/// pipeline ever sees it. Frames are counted from 0.
///
/// ```text
/// videotestsrc num-buffers=30 ! encode ! sframeenc key=000102030405060708090a0b0c0d0e0f kid=1 ! sframedec key=000102030405060708090a0b0c0d0e0f kid=1 ! decode ! fakesink
/// ```
final class SFrameEncrypt: DeclaredElement {
    typealias Settings = SFrameSettings

    static let descriptor = ElementDescriptor(
        "sframeenc", "Encrypts encoded frames with SFrame (RFC 9605, AES_128_GCM_SHA256_128); the key stays in the host",
        pads: [SFramePads.sink, SFramePads.src],
        example: "videotestsrc num-buffers=30 ! encode ! sframeenc key=000102030405060708090a0b0c0d0e0f kid=1 ! sframedec key=000102030405060708090a0b0c0d0e0f kid=1 ! decode ! fakesink")

    private let keys: SFrame.Keys
    private let keyId: UInt64
    private var counter: UInt64 = 0

    init(settings: Settings, context: ElementContext) throws(PipelineError) {
        keys = try settings.keys()
        keyId = UInt64(settings.kid)
    }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        try SFramePads.negotiate(r, element: Self.descriptor.name)
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) {
        guard case .encoded(var chunk) = item else { throw .unexpected(item, on: pad, expected: "encoded frames") }
        do {
            chunk.data = try SFrame.seal(chunk.data, keyId: keyId, counter: counter, keys: keys)
        } catch {
            throw PipelineError(.failed, "encrypting the frame at \(chunk.timestampUs) µs failed: \(error)")
        }
        counter &+= 1
        out.emit(.encoded(chunk), on: SFramePads.src)
    }
}
