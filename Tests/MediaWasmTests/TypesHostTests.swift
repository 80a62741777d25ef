import MediaCore
import MediaWasm
import Testing
import MediaTestWatchdog

/// The host side of `wasi:media/types`, driven through a guest whose exports
/// forward to each import, so the test controls every argument.
@Suite(.watchdog) struct TypesHostTests {
    static let forwarder = """
        (module
          (import "\(typesImport)" "[constructor]media-buffer" (func $new (param i64) (result i32)))
          (import "\(typesImport)" "[method]media-buffer.size" (func $size (param i32) (result i64)))
          (import "\(typesImport)" "[method]media-buffer.read" (func $read (param i32 i64 i64 i32)))
          (import "\(typesImport)" "[method]media-buffer.write" (func $write (param i32 i64 i32 i32 i32)))
          (import "\(typesImport)" "[method]media-buffer.duplicate" (func $dup (param i32) (result i32)))
          (import "\(typesImport)" "[resource-drop]media-buffer" (func $drop (param i32)))
          (memory (export "memory") 1)
          (data (i32.const 100) "ABCD")
          \(bumpAllocator)
          (func (export "new") (param i64) (result i32) (call $new (local.get 0)))
          (func (export "size") (param i32) (result i64) (call $size (local.get 0)))
          (func (export "read") (param i32 i64 i64 i32) (call $read (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
          (func (export "write") (param i32 i64 i32 i32 i32) (call $write (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)))
          (func (export "dup") (param i32) (result i32) (call $dup (local.get 0)))
          (func (export "drop") (param i32) (call $drop (local.get 0))))
        """

    func guest(_ engineName: String) throws -> any WasmInstance {
        try instantiate(on: engineName, Self.forwarder, host: GuestHost.standard)
    }

    @Test(arguments: testedEngines)
    func constructWriteReadDuplicate(engineName: String) throws {
        let g = try guest(engineName)
        let memory = try #require(g.memory)
        let h = try #require(try g.call("new", [.i64(16)]).first?.u32)
        #expect(h != 0)
        #expect(try g.call("size", [.i32(h)]) == [.i64(16)])
        _ = try g.call("write", [.i32(h), .i64(4), .i32(100), .i32(4), .i32(200)])
        #expect(try memory.load(UInt8.self, at: 200) == 0)
        let copy = try #require(try g.call("dup", [.i32(h)]).first?.u32)
        _ = try g.call("write", [.i32(copy), .i64(4), .i32(100), .i32(2), .i32(200)])   // changes nothing in h
        _ = try g.call("write", [.i32(copy), .i64(0), .i32(102), .i32(2), .i32(200)])
        _ = try g.call("read", [.i32(h), .i64(0), .i64(16), .i32(208)])
        #expect(try memory.load(UInt8.self, at: 208) == 0)
        let pointer = try memory.load(UInt32.self, at: 212)
        #expect(try memory.load(UInt32.self, at: 216) == 16)
        #expect(try memory.read(at: pointer, count: 16) == [0, 0, 0, 0, 65, 66, 67, 68, 0, 0, 0, 0, 0, 0, 0, 0])
        _ = try g.call("read", [.i32(copy), .i64(0), .i64(6), .i32(208)])
        #expect(try memory.read(at: memory.load(UInt32.self, at: 212), count: 6) == [67, 68, 0, 0, 65, 66])
        #expect(g.state.mediaBuffers.count == 2)
        _ = try g.call("drop", [.i32(copy)])
        #expect(g.state.mediaBuffers.count == 1)
    }

    @Test(arguments: testedEngines)
    func rangesOutsideTheBufferAreErrorsNotTraps(engineName: String) throws {
        let g = try guest(engineName)
        let memory = try #require(g.memory)
        let h = try #require(try g.call("new", [.i64(8)]).first?.u32)
        _ = try g.call("read", [.i32(h), .i64(4), .i64(8), .i32(208)])
        #expect(try memory.load(UInt8.self, at: 208) == 1)
        #expect(try memory.load(UInt8.self, at: 212) == 6)   // out-of-bounds
        let message = try memory.readString(at: memory.load(UInt32.self, at: 216), byteCount: memory.load(UInt32.self, at: 220))
        #expect(message.contains("past the end of the buffer (8 bytes)"))
        _ = try g.call("read", [.i32(h), .i64(0), .i64(1 << 28), .i32(208)])
        #expect(try memory.load(UInt8.self, at: 212) == 0)   // invalid-argument
        _ = try g.call("write", [.i32(h), .i64(6), .i32(100), .i32(4), .i32(200)])
        #expect(try memory.load(UInt8.self, at: 200) == 1)
        #expect(try memory.load(UInt8.self, at: 204) == 6)
        #expect(g.poisonedBy == nil)
    }

    @Test(arguments: testedEngines)
    func badHandlesTrapNamingTheImport(engineName: String) throws {
        let g = try guest(engineName)
        let error = wasmError { _ = try g.call("read", [.i32(7), .i64(0), .i64(1), .i32(208)]) }
        let report = try #require(error?.trapReport)
        #expect(report.hostImport == ImportName(module: typesImport, field: "[method]media-buffer.read"))
        #expect(report.description.contains("media-buffer handle 7 was never issued"))

        let g2 = try guest(engineName)
        let h = try #require(try g2.call("new", [.i64(4)]).first?.u32)
        _ = try g2.call("drop", [.i32(h)])
        let dropped = wasmError { _ = try g2.call("size", [.i32(h)]) }?.trapReport
        #expect(dropped?.description.contains("media-buffer handle \(h) was already dropped") == true)
        #expect(dropped?.hostImport?.field == "[method]media-buffer.size")
    }

    @Test(arguments: testedEngines)
    func pointersOutsideMemoryTrap(engineName: String) throws {
        let g = try guest(engineName)
        let h = try #require(try g.call("new", [.i64(4)]).first?.u32)
        let area = wasmError { _ = try g.call("read", [.i32(h), .i64(0), .i64(1), .i32(0xFFFF_FFF0)]) }?.trapReport
        #expect(area?.reason == .guestFault(.outOfBounds(pointer: 0xFFFF_FFF0, length: 16, memorySize: 65536)))
        let g2 = try guest(engineName)
        let h2 = try #require(try g2.call("new", [.i64(4)]).first?.u32)
        let data = wasmError { _ = try g2.call("write", [.i32(h2), .i64(0), .i32(65534), .i32(4), .i32(200)]) }?.trapReport
        #expect(data?.hostImport?.field == "[method]media-buffer.write")
        #expect(data?.description.contains("outside guest memory") == true)
        let g3 = try guest(engineName)
        let huge = wasmError { _ = try g3.call("new", [.i64(1 << 40)]) }?.trapReport
        #expect(huge?.hostImport?.field == "[constructor]media-buffer")
    }

    @Test func issuingAndTakingMovesTheBytesWithoutCopying() throws {
        let state = InstanceState()
        let frame = try VideoFrame(format: .rgba8888, width: 64, height: 4, timestampUs: 0)
        let before = frame.buffer.withUnsafeBytes { $0.baseAddress }
        let flat = try MediaRecords.lowerFlat(frame, into: state)
        let back = try MediaRecords.liftVideoFrame(flat: flat, from: state)
        #expect(back.buffer.withUnsafeBytes { $0.baseAddress } == before)
        #expect(back == frame)
        #expect(throws: GuestFault.handleAlreadyDropped(resource: "media-buffer", handle: UInt32(flat[0]))) {
            _ = try MediaRecords.liftVideoFrame(flat: flat, from: state)
        }
    }
}
