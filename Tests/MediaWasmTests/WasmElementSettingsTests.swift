import Testing
import MediaCore
import MediaPipeline
@testable import MediaWasm
import MediaTestWatchdog

/// The `wasm` element's settings are declared once, like every element's.
@Suite(.watchdog) struct WasmElementSettingsTests {
    @Test func registryDefaultsAreWhatTheElementUses() throws {
        let factory = WasmElementFactory()
        #expect(factory.properties.map(\.name) == ["module", "world", "grant", "fuel", "memory", "host-memory", "time-limit",
                                                   "on-error", "engine", "props", "log-level"])
        let used = factory.settingsValues([:])
        for schema in factory.properties {
            let shown = try schema.defaultValue.map { try schema.parse($0).get() }
            #expect(shown == used[schema.name], "\(schema.name)")
        }
        #expect(factory.property("engine")?.kind == .choice(EngineChoice.allCases.map(\.rawValue)))
        #expect(factory.property("time-limit")?.unit == .seconds)
        #expect(Engines.names == ["auto", WasmtimeEngine.name, WasmKitEngine.name])
    }

    @Test func badSettingsAreReportedTogether() {
        let error = #expect(throws: PipelineError.self) {
            try factoryMake(["memory": .string("lots"), "grant": .string("types,nope"), "props": .string("a")])
        }
        let message = error?.message ?? ""
        #expect(message.contains("module= is required") && message.contains("memory: 'lots'") && message.contains("grant: 'nope'")
                && message.contains("props: 'a'"))
    }

    func factoryMake(_ values: [String: PropertyValue]) throws(PipelineError) {
        _ = try WasmElementFactory().make(values, context: ElementContext(name: "wasm0", sourcePads: ["src"], sinkPads: ["sink"]))
    }
}

/// The `wasm` element through the harness, like every element.
@Suite(.watchdog) struct WasmElementHarnessTests {
    @Test(arguments: testedEngines)
    func grayscaleGuestThroughTheHarness(engineName: String) async throws {
        let h = try ElementHarness("wasm", properties: ["module": try await GuestModules.path("Grayscale"), "engine": engineName], registry: .withGuests)
        let format = StreamFormat.rawVideo(.rgba8888, width: 64, height: 48, frameRate: Rational(30, 1))
        try h.start(inputs: ["sink": format])
        #expect(h.formats["src"] == format)
        for i in 0..<3 { try h.push(.video(try TestPattern.videoFrame(index: i, width: 64, height: 48, format: .rgba8888))) }
        try h.finish()
        let frames = h.pull().compactMap { if case .video(let f) = $0.item { f } else { nil } }
        #expect(frames.count == 3)
        for frame in frames {
            let b: [UInt8] = frame.buffer.bytes
            var gray = true
            for i in stride(from: 0, to: b.count, by: 4) where b[i] != b[i + 1] || b[i] != b[i + 2] { gray = false }
            #expect(gray)
        }
        #expect(h.isClean)
        let wrong = try #require(throws: PipelineError.self) { try h.push(.bytes([0])) }
        #expect(wrong.pad == "sink")
    }
}
