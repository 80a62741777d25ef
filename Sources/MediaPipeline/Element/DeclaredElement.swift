/// What describes an element kind besides its settings: the launch-line
/// name, a summary, the pads (typed constants the element also uses), an
/// example, and what the runtime must know about it.
public struct ElementDescriptor: Sendable {
    public var name: String
    public var summary: String
    public var pads: [PadTemplate]
    /// A launch-line example using the element (it must check against the standard registry).
    public var example: String
    public var capabilities: ElementCapabilities
    public var readsInputsInOrder: Bool
    public var takesPositionedWrites: Bool
    public var pullsFiles: Bool

    public init(_ name: String, _ summary: String, pads: [PadTemplate], example: String, capabilities: ElementCapabilities = [],
                readsInputsInOrder: Bool = false, takesPositionedWrites: Bool = false, pullsFiles: Bool = false) {
        self.name = name
        self.summary = summary
        self.pads = pads
        self.example = example
        self.capabilities = capabilities
        self.readsInputsInOrder = readsInputsInOrder
        self.takesPositionedWrites = takesPositionedWrites
        self.pullsFiles = pullsFiles
    }
}

/// An element whose kind is declared once: its ``ElementDescriptor`` and
/// its ``ElementSettings``. The factory (``ElementDeclaration``) is derived.
///
/// The element receives its settings typed, in `init`, inside the task
/// that runs it; runtime state (codec contexts, negotiated formats) is made
/// in `negotiate` and dropped with the element.
public protocol DeclaredElement: Element {
    associatedtype Settings: ElementSettings
    static var descriptor: ElementDescriptor { get }
    /// Makes the element. Throws for settings that are valid one by one but
    /// not together (`trim end` before `start`), or a resource that will not open.
    init(settings: Settings, context: ElementContext) throws(PipelineError)
    /// What one element with these settings does (``ElementCapabilities``);
    /// the description's capabilities unless a setting turns some off.
    static func capabilities(_ settings: Settings) -> ElementCapabilities
    /// Caps imposed on the input (``ElementFactory/inputCaps(for:)``); nil by default.
    static func inputCaps(_ settings: Settings) -> Caps?
    /// A thread boundary's input limits (``ElementFactory/inputQueueLimits(for:)``);
    /// a link's by default.
    static func inputQueueLimits(_ settings: Settings) -> InputQueueLimits
}

extension DeclaredElement {
    public static func capabilities(_ settings: Settings) -> ElementCapabilities { descriptor.capabilities }
    public static func inputCaps(_ settings: Settings) -> Caps? { nil }
    public static func inputQueueLimits(_ settings: Settings) -> InputQueueLimits { .link }

    /// The registry entry for this element.
    public static var factory: ElementDeclaration<Self> { ElementDeclaration() }
}

/// The factory of a ``DeclaredElement``: everything the registry shows is
/// read from the element's description and settings declaration.
public struct ElementDeclaration<E: DeclaredElement>: RunnableElementFactory {
    public init() {}

    public var name: String { E.descriptor.name }
    public var summary: String { E.descriptor.summary }
    public var padTemplates: [PadTemplate] { E.descriptor.pads }
    public var properties: [PropertySchema] { E.Settings.schemas }
    public var example: String { E.descriptor.example }
    public var readsInputsInOrder: Bool { E.descriptor.readsInputsInOrder }
    public var takesPositionedWrites: Bool { E.descriptor.takesPositionedWrites }
    public var pullsFiles: Bool { E.descriptor.pullsFiles }
    public var capabilities: ElementCapabilities { E.descriptor.capabilities }

    public func capabilities(for properties: [String: PropertyValue]) -> ElementCapabilities {
        E.capabilities(E.Settings(properties))
    }

    public func inputCaps(for properties: [String: PropertyValue]) -> Caps? {
        E.inputCaps(E.Settings(properties))
    }

    public func inputQueueLimits(for properties: [String: PropertyValue]) -> InputQueueLimits {
        E.inputQueueLimits(E.Settings(properties))
    }

    /// The settings an element made with these values uses.
    public func settings(_ properties: [String: PropertyValue]) -> E.Settings { E.Settings(properties) }

    public func make(_ properties: [String: PropertyValue], context: ElementContext) throws(PipelineError) -> any Element {
        try E(settings: E.Settings(properties), context: context)
    }
}

/// A factory whose element reads declared settings: it can say what
/// settings an element made with given values uses (every property, the
/// defaults filled in), which is how a test proves the registry shows no
/// default the element does not use.
public protocol DeclaredElementFactory: RunnableElementFactory {
    /// Every property's value in the settings an element made with
    /// `properties` reads (unset optional ones absent).
    func settingsValues(_ properties: [String: PropertyValue]) -> [String: PropertyValue]
}

extension ElementDeclaration: DeclaredElementFactory {
    public func settingsValues(_ properties: [String: PropertyValue]) -> [String: PropertyValue] { E.Settings(properties).values }
}

// MARK: - Pads

extension PadTemplate {
    /// The always-present source pad `src` carrying `kinds`.
    public static func src(_ kinds: Set<StreamKind>) -> PadTemplate { PadTemplate("src", .source, kinds: kinds) }
    /// The always-present sink pad `sink` carrying `kinds`.
    public static func sink(_ kinds: Set<StreamKind>) -> PadTemplate { PadTemplate("sink", .sink, kinds: kinds) }
}

extension Outputs {
    /// Emits `item` on the pad of `template`.
    public mutating func emit(_ item: MediaItem, on template: PadTemplate) { emit(item, on: template.name) }
}

extension PipelineError {
    /// An item the element cannot take on `pad`: a pipeline error naming the
    /// pad (the runtime adds the element), never a silent drop.
    public static func unexpected(_ item: MediaItem, on pad: String, expected: String) -> PipelineError {
        PipelineError(.failed, "cannot take \(item.kindDescription) on \(pad); it takes \(expected)", pad: pad)
    }
}

extension MediaItem {
    /// What the item is, for messages: `a video frame`, `an encoded chunk`.
    public var kindDescription: String {
        switch self {
        case .video: "a video frame"
        case .audio: "audio"
        case .encoded: "an encoded chunk"
        case .bytes: "bytes"
        case .write: "a positioned write"
        }
    }
}
