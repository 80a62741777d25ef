import Testing
import MediaCore
@testable import MediaPipeline
import MediaTestWatchdog

/// Every element's settings are declared once: what the registry shows is
/// what the element uses.
@Suite(.watchdog) struct ElementDeclarationTests {
    static let factories = ElementRegistry.standard.names.compactMap { ElementRegistry.standard.factory(named: $0) }.filter { !($0 is ElementAlias) }

    /// The registry's defaults are read from the settings the element is made
    /// with; this proves no shown default differs from the one used, and that
    /// every property a graph can set reaches the element's settings.
    @Test func noDefaultDiffersFromWhatTheElementUses() throws {
        #expect(Self.factories.count >= 30)
        for factory in Self.factories {
            let declared = try #require(factory as? any DeclaredElementFactory, "\(factory.name) is not declared with ElementSettings")
            let used = declared.settingsValues([:])
            for schema in factory.properties {
                let shown = try schema.defaultValue.map { text in try schema.parse(text).get() }
                #expect(shown == used[schema.name], "\(factory.name) \(schema.name): registry shows \(schema.defaultValue ?? "unset"), element uses \(used[schema.name].map { "\($0)" } ?? "unset")")
            }
            #expect(Set(used.keys).isSubset(of: Set(factory.properties.map(\.name))), "\(factory.name) uses settings it does not declare")
        }
    }

    /// A value set in a graph reaches the settings: every property, set to a
    /// valid value other than its default, reads back as set.
    @Test func everyPropertyReachesTheSettings() throws {
        for factory in Self.factories {
            let declared = try #require(factory as? any DeclaredElementFactory)
            for schema in factory.properties {
                let value: PropertyValue
                switch schema.kind {
                case .int(let r): value = .int(r.lowerBound == Int(schema.defaultValue ?? "") ? r.upperBound : r.lowerBound)
                case .double(let r): value = .double(r.lowerBound == Double(schema.defaultValue ?? "") ? r.upperBound : r.lowerBound)
                case .bool: value = .bool(schema.defaultValue != "true")
                case .string: value = .string("x")
                case .choice(let words): value = .string(words.last { $0 != schema.defaultValue } ?? words[0])
                case .fraction: value = .fraction(7, 3)
                case .caps: value = .string("video/x-raw,width=64")
                }
                #expect(declared.settingsValues([schema.name: value])[schema.name] == value, "\(factory.name) \(schema.name)")
            }
        }
    }

    /// A choice's words are its Swift enum's cases, and the example of every
    /// element and alias checks against the registry.
    @Test func choicesComeFromTheEnumsAndExamplesCheck() throws {
        #expect(ElementRegistry.standard.factory(named: "videoconvert")?.property("format")?.kind == .choice(PixelFormat.allCases.map(\.witName)))
        #expect(ElementRegistry.standard.factory(named: "mux")?.property("format")?.kind == .choice(ContainerFormat.allCases.map(\.witName)))
        #expect(ElementRegistry.standard.factory(named: "encode")?.property("codec")?.kind
                == .choice(VideoCodec.allCases.map(\.witName) + AudioCodec.allCases.map(\.witName)))
        for name in ElementRegistry.standard.names {
            let factory = try #require(ElementRegistry.standard.factory(named: name))
            let (graph, map) = try LaunchLine.parse(factory.example)
            #expect(throws: Never.self, "\(name): \(factory.example)") { try GraphChecker.check(graph, sourceMap: map, registry: .standard) }
            #expect(graph.elements.contains { $0.factory == name }, "\(name)'s example does not use it")
        }
    }

    /// An item an element cannot take is an error naming the pad, not a silent drop.
    @Test func itemsOfTheWrongKindAreErrorsNamingThePad() throws {
        let h = try ElementHarness("encode", properties: ["codec": "h264"])
        try h.start(inputs: ["sink": .rawVideo(.yuv420p, width: 64, height: 48, frameRate: Rational(30, 1))])
        let error = try #require(throws: PipelineError.self) { try h.push(.bytes([1, 2, 3])) }
        #expect(error.pad == "sink" && error.message.contains("cannot take bytes on sink"))
    }
}
