import Testing
import MediaCore
@testable import MediaPipeline
import MediaTestWatchdog

/// The runtime learns what it needs from the capabilities elements
/// declare, never from their names or their property strings.
@Suite(.watchdog) struct CapabilitiesTests {
    /// A pass-through under any name, declaring what it is told to.
    static func passThrough(_ name: String, _ capabilities: ElementCapabilities = [],
                            limits: InputQueueLimits? = nil) -> PassThroughFactory {
        PassThroughFactory(name: name, capabilities: capabilities, limits: limits)
    }

    static func topology(_ line: String, _ factories: [PassThroughFactory]) throws -> (Topology, CheckedGraph) {
        var registry = ElementRegistry.standard
        factories.forEach { registry.register($0) }
        let (spec, map) = try LaunchLine.parse(line)
        let graph = try GraphChecker.check(spec, sourceMap: map, registry: registry)
        return (Topology(graph), graph)
    }

    /// A thread boundary by any name gets the input its factory declares;
    /// an element merely named `queue` gets a link's two items.
    @Test func aThreadBoundaryIsKnownByItsCapabilityNotItsName() throws {
        let boundary = Self.passThrough("buffer", .threadBoundary, limits: InputQueueLimits(items: 5, leak: .downstream))
        let (topology, graph) = try Self.topology("videotestsrc ! buffer ! fakesink", [boundary])
        let inbox = topology.inboxes[topology.inboxesByElement[graph.elements.firstIndex { $0.name == "buffer0" }!]![0]]
        #expect(inbox.limits.items == 5 && inbox.leak == .downstream)

        let (plain, plainGraph) = try Self.topology("videotestsrc ! queue ! fakesink", [Self.passThrough("queue")])
        let queueIndex = plainGraph.elements.firstIndex { $0.name == "queue0" }!
        #expect(plain.inboxes[plain.inboxesByElement[queueIndex]![0]].limits.items == Pipeline.defaultInboxCapacity)
    }

    /// The standard `queue` declares its settings as its limits.
    @Test func theStandardQueueDeclaresItsLimits() throws {
        let (topology, graph) = try Self.topology("videotestsrc ! queue max-size-buffers=7 max-size-bytes=1000 leaky=upstream ! fakesink", [])
        let inbox = topology.inboxes[topology.inboxesByElement[graph.elements.firstIndex { $0.name == "queue0" }!]![0]]
        #expect(inbox.limits == InboxLimits(items: 7, bytes: 1000) && inbox.leak == .upstream)
    }

    /// Liveness and syncing come from the instance's settings, as its factory reads them.
    @Test func liveAndSyncAreDeclaredPerInstance() throws {
        let (live, _) = try Self.topology("videotestsrc is-live=true ! fakesink sync=false", [])
        #expect(live.capabilities == [.liveSource, []])
        #expect(live.isLive)
        let (offline, _) = try Self.topology("videotestsrc ! fakesink", [])
        #expect(offline.capabilities == [[], .syncsToClock])
        #expect(!offline.isLive)
    }

    /// A live source under another name gives the pipeline a clock.
    @Test func aLiveSourceByAnyNameGivesAClock() throws {
        var registry = ElementRegistry.standard
        registry.register(PretendCamera())
        #expect(try Pipeline(launch: "camera ! fakesink", registry: registry).clock != nil)
    }
}

/// A live source under another name: `videotestsrc`'s element, declared live.
private struct PretendCamera: RunnableElementFactory {
    let name = "camera"
    let summary = "a pretend camera"
    let padTemplates: [PadTemplate] = [.src([.rawVideo])]
    let properties: [PropertySchema] = []
    let example = ""
    var capabilities: ElementCapabilities { .liveSource }

    func make(_ values: [String: PropertyValue], context: ElementContext) throws(PipelineError) -> any Element {
        try VideoTestSrc.factory.make([:], context: context)
    }
}

/// `queue`'s element under another name, with the capabilities and input limits it is given.
struct PassThroughFactory: RunnableElementFactory {
    let name: String
    let summary = "passes items on"
    let padTemplates: [PadTemplate] = [.sink([.rawVideo]), .src([.rawVideo])]
    let properties: [PropertySchema] = []
    let example = ""
    let capabilities: ElementCapabilities
    let limits: InputQueueLimits?

    func inputQueueLimits(for properties: [String: PropertyValue]) -> InputQueueLimits { limits ?? .link }

    func make(_ values: [String: PropertyValue], context: ElementContext) throws(PipelineError) -> any Element {
        try Queue.factory.make([:], context: context)
    }
}
