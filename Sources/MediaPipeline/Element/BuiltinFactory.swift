/// A factory described by data, making its element with a closure: for
/// tests and quick experiments. The elements this host ships are
/// ``DeclaredElement``s, whose settings are declared once.
public struct BuiltinFactory: RunnableElementFactory {
    public let name: String
    public let summary: String
    public let padTemplates: [PadTemplate]
    public let properties: [PropertySchema]
    public let example: String
    let maker: @Sendable ([String: PropertyValue], ElementContext) throws(PipelineError) -> any Element
    public var readsInputsInOrder = false
    public var takesPositionedWrites = false
    public var pullsFiles = false

    public init(name: String, summary: String, padTemplates: [PadTemplate], properties: [PropertySchema], example: String,
                maker: @escaping @Sendable ([String: PropertyValue], ElementContext) throws(PipelineError) -> any Element) {
        self.name = name
        self.summary = summary
        self.padTemplates = padTemplates
        self.properties = properties
        self.example = example
        self.maker = maker
    }

    public func make(_ values: [String: PropertyValue], context: ElementContext) throws(PipelineError) -> any Element {
        try maker(values, context)
    }
}
