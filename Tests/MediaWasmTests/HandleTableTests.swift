import MediaWasm
import Testing
import MediaTestWatchdog

@Suite(.watchdog) struct HandleTableTests {
    final class Thing {
        let id: Int
        init(_ id: Int) { self.id = id }
    }

    @Test func handlesStartAtOneAndAreReusedOnlyAfterADelay() throws {
        let cleaned = Recorder<Int>()
        let table = HandleTable<Thing>(resourceName: "video-encoder") { cleaned.append($0.id) }
        let a = try table.insert(Thing(1))
        let b = try table.insert(Thing(2))
        #expect((a, b) == (1, 2))
        try table.drop(a)
        #expect(cleaned.all == [1])
        #expect(try table.insert(Thing(3)) == 3)
        #expect(try table.borrow(b).id == 2)
        #expect(table.count == 2)

        // Handle 1 stays "already dropped" until reuseDelay more handles were freed after it.
        try table.drop(3)
        for _ in 1..<HandleTable<Thing>.reuseDelay {
            try table.drop(try table.insert(Thing(0)))
            #expect(throws: GuestFault.handleAlreadyDropped(resource: "video-encoder", handle: 1)) { try table.borrow(1) }
        }
        #expect(try table.insert(Thing(4)) == 1)
        #expect(try table.borrow(1).id == 4)
        #expect(table.count == 2)
    }

    @Test func misuseIsNamed() throws {
        let table = HandleTable<Thing>(resourceName: "video-encoder")
        let handle = try table.insert(Thing(1))
        try table.drop(handle)
        #expect(throws: GuestFault.handleAlreadyDropped(resource: "video-encoder", handle: 1)) { try table.drop(handle) }
        #expect(throws: GuestFault.handleNeverIssued(resource: "video-encoder", handle: 7)) { try table.borrow(7) }
        #expect(throws: GuestFault.handleNeverIssued(resource: "video-encoder", handle: 0)) { try table.borrow(0) }
        #expect(GuestFault.handleNeverIssued(resource: "video-encoder", handle: 7).description == "video-encoder handle 7 was never issued")
        #expect(GuestFault.handleAlreadyDropped(resource: "video-encoder", handle: 7).description == "video-encoder handle 7 was already dropped")
    }

    @Test func borrowedHandlesAreNotOwned() throws {
        let cleaned = Recorder<Int>()
        let table = HandleTable<Thing>(resourceName: "video-frame") { cleaned.append($0.id) }
        let lent = try table.lend(Thing(1))
        #expect(try table.ownership(of: lent) == .borrowed)
        #expect(try table.borrow(lent).id == 1)
        #expect(throws: GuestFault.handleNotOwned(resource: "video-frame", handle: lent)) { try table.take(lent) }
        try table.drop(lent)  // ends the borrow: no cleanup
        #expect(cleaned.all.isEmpty)

        let owned = try table.insert(Thing(2))
        #expect(try table.take(owned).id == 2)  // moved to the host: no cleanup
        #expect(throws: GuestFault.handleAlreadyDropped(resource: "video-frame", handle: owned)) { try table.borrow(owned) }

        _ = try table.lend(Thing(3))
        _ = try table.lend(Thing(4))
        #expect(table.endBorrows() == 2)
        #expect(table.count == 0)
        #expect(cleaned.all.isEmpty)
    }

    @Test func liveHandlesAreLimited() throws {
        let table = HandleTable<Thing>(resourceName: "demuxer", limit: 2)
        _ = try table.insert(Thing(1))
        let second = try table.insert(Thing(2))
        #expect(throws: GuestFault.tooManyHandles(resource: "demuxer", limit: 2)) { try table.insert(Thing(3)) }
        try table.drop(second)
        #expect(try table.insert(Thing(3)) == 3)
    }

    @Test func ownedEntriesAreCleanedUpWithTheTable() throws {
        let cleaned = Recorder<Int>()
        do {
            let table = HandleTable<Thing>(resourceName: "muxer") { cleaned.append($0.id) }
            _ = try table.insert(Thing(1))
            _ = try table.lend(Thing(2))
        }
        #expect(cleaned.all == [1])
    }

    // MARK: - Through a guest

    enum Things: InstanceStateKey {
        static func makeValue() -> HandleTable<Thing> { HandleTable(resourceName: "thing") }
    }

    /// `[constructor]thing(id) -> handle`, `[method]thing.id(handle) -> id`, `[resource-drop]thing(handle)`.
    static var host: HostImports {
        var module = HostModule("test:things/things@0.1.0")
        module.define("[constructor]thing", WasmSignature([.i32], [.i32])) { call in
            call.setResult(try call.state[Things.self].insert(Thing(Int(call.s32(0)))))
        }
        module.define("[method]thing.id", WasmSignature([.i32], [.i32])) { call in
            call.setResult(Int32(try call.state[Things.self].borrow(call.u32(0)).id))
        }
        module.define("[resource-drop]thing", WasmSignature([.i32])) { call in
            try call.state[Things.self].drop(call.u32(0))
        }
        return HostImports([module])
    }

    static let guest = """
        (module
          (import "test:things/things@0.1.0" "[constructor]thing" (func $new (param i32) (result i32)))
          (import "test:things/things@0.1.0" "[method]thing.id" (func $id (param i32) (result i32)))
          (import "test:things/things@0.1.0" "[resource-drop]thing" (func $drop (param i32)))
          (func (export "roundtrip") (param i32) (result i32)
            (local $h i32)
            (local.set $h (call $new (local.get 0)))
            (call $id (local.get $h))
            (call $drop (local.get $h)))
          (func (export "use") (param i32) (result i32) (call $id (local.get 0)))
          (func (export "double-drop") (param i32)
            (local $h i32)
            (local.set $h (call $new (local.get 0)))
            (call $drop (local.get $h))
            (call $drop (local.get $h))))
        """

    @Test(arguments: testedEngines)
    func guestMisuseOfHandlesTrapsWithNamedErrors(engineName: String) throws {
        let instance = try instantiate(on: engineName, Self.guest, host: Self.host)
        #expect(try instance.call("roundtrip", [.i32(42)]) == [.i32(42)])

        let neverIssued = try #require(wasmError { _ = try instance.call("use", [.i32(7)]) }?.trapReport)
        #expect(neverIssued.reason == .guestFault(.handleNeverIssued(resource: "thing", handle: 7)))
        #expect(neverIssued.hostImport?.field == "[method]thing.id")
        #expect(neverIssued.description.hasSuffix("thing handle 7 was never issued"))

        let second = try instantiate(on: engineName, Self.guest, host: Self.host)
        let doubleDrop = try #require(wasmError { _ = try second.call("double-drop", [.i32(1)]) }?.trapReport)
        #expect(doubleDrop.reason == .guestFault(.handleAlreadyDropped(resource: "thing", handle: 1)))
        #expect(doubleDrop.hostImport?.field == "[resource-drop]thing")
    }

    @Test(arguments: testedEngines)
    func stateIsPerInstance(engineName: String) throws {
        let a = try instantiate(on: engineName, Self.guest, host: Self.host)
        let b = try instantiate(on: engineName, Self.guest, host: Self.host)
        let handle = try a.state[Things.self].insert(Thing(5))
        #expect(try a.call("use", [.i32(handle)]) == [.i32(5)])
        #expect(wasmError { _ = try b.call("use", [.i32(handle)]) }?.trapReport?.reason
            == .guestFault(.handleNeverIssued(resource: "thing", handle: handle)))
    }
}
