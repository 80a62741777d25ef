public import MediaCore

/// `queue`: a bounded buffer that decouples the tasks on each side (its
/// input is sized by its settings: ``inputQueueLimits(_:)``). With
/// `leaky=` it drops instead of making upstream wait, for live sources.
/// Limits are GStreamer's, in GStreamer's units; 0 lifts a limit, but one
/// always stays: with all three 0 the default of 16 items holds.
///
/// ```text
/// videotestsrc is-live=true ! queue leaky=downstream max-size-buffers=8 ! fakesink
/// ```
final class Queue: DeclaredElement {
    struct Settings: ElementSettings {
        var maxSizeBuffers = 16
        var maxSizeBytes = 0
        var maxSizeTime = 0
        var leaky: LeakPolicy = .none

        static let declaration: [Setting<Self>] = [
            .int("max-size-buffers", \.maxSizeBuffers, 0...100_000, unit: .buffers,
                 "items held before upstream waits (or, when leaky, before one is dropped); 0 for no limit on items"),
            .int("max-size-bytes", \.maxSizeBytes, 0...Int(Int32.max), unit: .bytes, "bytes of media held before the queue counts as full; 0 for no limit"),
            .int("max-size-time", \.maxSizeTime, 0...Int.max, unit: .nanoseconds,
                 "media time between the oldest and newest item held before the queue counts as full; 0 for no limit"),
            .choice("leaky", \.leaky, "when full: wait (none), drop the new item (upstream), or drop the oldest (downstream); for live sources"),
        ]

    }

    /// The input these settings give (items, bytes, µs, what a full queue drops).
    static func inputQueueLimits(_ settings: Settings) -> InputQueueLimits {
        let unbounded = settings.maxSizeBuffers == 0 && settings.maxSizeBytes == 0 && settings.maxSizeTime == 0
        let items = unbounded ? Settings().maxSizeBuffers : settings.maxSizeBuffers == 0 ? 100_000 : settings.maxSizeBuffers
        return InputQueueLimits(items: items, bytes: settings.maxSizeBytes, timeUs: Int64(settings.maxSizeTime / 1000), leak: settings.leaky)
    }

    static let sink = PadTemplate.sink(Set(StreamKind.allCases))
    static let src = PadTemplate.src(Set(StreamKind.allCases))
    static let descriptor = ElementDescriptor("queue", "A bounded buffer that decouples the elements on each side", pads: [sink, src],
                                              example: "videotestsrc is-live=true ! queue leaky=downstream max-size-buffers=8 ! fakesink",
                                              capabilities: [.threadBoundary, .passesKindThrough])

    init(settings: Settings, context: ElementContext) {}

    func negotiate(_ r: NegotiationRequest) throws(PipelineError) -> [String: StreamFormat] {
        [Self.src.name: try r.input("any stream")]
    }

    func process(_ item: MediaItem, on pad: String, into out: inout Outputs) throws(PipelineError) { out.emit(item, on: Self.src) }
}

extension LeakPolicy: SettingChoice {
    /// GStreamer's nick for none, and its enum numbers.
    public static var settingAliases: [String: LeakPolicy] { ["no": .none, "0": .none, "1": .upstream, "2": .downstream] }
}
