public import MediaCore

extension NegotiationRequest {
    /// The caps filters on `pad` (empty when unconstrained).
    public func filters(_ pad: String = "src") -> [Caps] { constraints[pad] ?? [] }

    /// The one input's format, for single-input elements.
    public var input: StreamFormat? { inputs.values.first }

    /// An integer a filter on `pad` fixes, if any.
    public func int(_ field: String, on pad: String = "src") -> Int? {
        for c in filters(pad) { if case .int(let v)? = c[field] { return v } }
        return nil
    }
    public func fraction(_ field: String, on pad: String = "src") -> Rational? {
        for c in filters(pad) {
            switch c[field] {
            case .fraction(let n, let d)?: return Rational(Int64(n), Int64(d))
            case .int(let n)?: return Rational(Int64(n), 1)
            default: continue
            }
        }
        return nil
    }
    public func string(_ field: String, on pad: String = "src") -> String? {
        for c in filters(pad) { if case .string(let v)? = c[field] { return v } }
        return nil
    }
}

extension PipelineError {
    static func notNegotiated(_ message: String, pad: String? = nil) -> PipelineError {
        PipelineError(.notNegotiated, message, pad: pad)
    }
}

/// Wraps media-library calls so their errors become pipeline errors with the element's name filled in by the runtime.
@inline(__always)
func media<T>(_ body: () throws(MediaError) -> T) throws(PipelineError) -> T {
    do { return try body() } catch { throw PipelineError(error) }
}

/// A factory described by data, making its element with a closure.
public struct BuiltinFactory: RunnableElementFactory {
    public let name: String
    public let summary: String
    public let padTemplates: [PadTemplate]
    public let properties: [PropertySchema]
    public let example: String
    let maker: @Sendable (Properties, ElementContext) throws(PipelineError) -> any Element
    public var readsInputsInOrder = false
    public var takesPositionedWrites = false
    public var pullsFiles = false
    public var capabilities: ElementCapabilities = []
    /// When settings decide the capabilities (`is-live`, `sync`): what an instance has.
    var instanceCapabilities: (@Sendable (Properties) -> ElementCapabilities)? = nil
    /// A thread boundary's input limits from its settings.
    var queueLimits: (@Sendable (Properties) -> InputQueueLimits)? = nil

    public func capabilities(for properties: [String: PropertyValue]) -> ElementCapabilities {
        instanceCapabilities.map { $0(Properties(properties, schema: self.properties)) } ?? capabilities
    }

    public func inputQueueLimits(for properties: [String: PropertyValue]) -> InputQueueLimits {
        queueLimits.map { $0(Properties(properties, schema: self.properties)) } ?? .link
    }

    public func make(_ values: [String: PropertyValue], context: ElementContext) throws(PipelineError) -> any Element {
        try maker(Properties(values, schema: properties), context)
    }
}
