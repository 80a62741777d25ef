/// `fakesrc`: buffers of bytes with nothing in them (GStreamer's, for
/// testing a pipeline's plumbing): `num-buffers` of them, empty unless
/// `sizetype` asks for a size.
///
/// ```text
/// fakesrc num-buffers=10 sizetype=fixed sizemax=4096 ! queue ! fakesink
/// ```
final class FakeSrc: SourceElement, DeclaredElement {
    enum SizeType: String, SettingChoice {
        /// Every buffer empty.
        case empty
        /// Every buffer `sizemax` bytes.
        case fixed
        /// Sizes between `sizemin` and `sizemax`, drawn from a seeded sequence.
        case random

        static var settingAliases: [String: SizeType] { ["0": .empty, "1": .fixed, "2": .random] }
    }

    struct Settings: ElementSettings {
        var numBuffers = -1
        var sizeType: SizeType = .empty
        var sizeMin = 0
        var sizeMax = 4096
        var silent = true

        static let declaration: [Setting<Self>] = [
            .int("num-buffers", \.numBuffers, -1...Int(Int32.max), unit: .buffers, "buffers to produce; -1 for no end"),
            .choice("sizetype", \.sizeType, "buffer sizes: empty, fixed (sizemax) or random (sizemin...sizemax)"),
            .int("sizemin", \.sizeMin, 0...16_777_216, unit: .bytes, "smallest random size"),
            .int("sizemax", \.sizeMax, 0...16_777_216, unit: .bytes, "fixed size, or largest random size"),
            .bool("silent", \.silent, "GStreamer's switch for per-buffer messages; this host posts none either way"),
        ]
    }

    static let src = PadTemplate.src([.bytes])
    static let descriptor = ElementDescriptor("fakesrc", "Empty (or fixed-size, zero-filled) buffers of bytes, for testing",
                                              pads: [src], example: "fakesrc num-buffers=10 sizetype=fixed sizemax=4096 ! queue ! fakesink")

    let settings: Settings
    private var produced = 0
    private var state: UInt64 = 0x5EED

    init(settings: Settings, context: ElementContext) throws(PipelineError) {
        guard settings.sizeMin <= settings.sizeMax else {
            throw PipelineError(.invalidGraph, "sizemin \(settings.sizeMin) is larger than sizemax \(settings.sizeMax)")
        }
        self.settings = settings
    }

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] { [Self.src.name: .bytes(nil)] }

    func produce(into out: inout Outputs) throws(PipelineError) -> FlowResult {
        let limit = settings.numBuffers
        if limit >= 0 && produced >= limit { return .eos }
        let size: Int
        switch settings.sizeType {
        case .empty: size = 0
        case .fixed: size = settings.sizeMax
        case .random:
            state = state &* 6364136223846793005 &+ 1442695040888963407
            size = settings.sizeMin + Int((state >> 33) % UInt64(settings.sizeMax - settings.sizeMin + 1))
        }
        out.emit(.bytes([UInt8](repeating: 0, count: size)), on: Self.src)
        produced += 1
        return limit >= 0 && produced >= limit ? .eos : .ok
    }
}
