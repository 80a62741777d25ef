import Foundation
import MediaWasm
import Testing
import MediaTestWatchdog

@Suite(.watchdog) struct GuestMemoryTests {
    static let logModule = "env"

    /// A host whose `env#log(ptr, len)` reads a UTF-8 string from the guest.
    static func loggingHost(into lines: Recorder<String>) -> HostImports {
        var env = HostModule("env")
        env.define("log", WasmSignature([.i32, .i32])) { call in
            lines.append(try call.memory().readString(at: call.u32(0), byteCount: call.u32(1)))
        }
        return HostImports([env])
    }

    static let logger = """
        (module
          (import "env" "log" (func $log (param i32 i32)))
          (memory (export "memory") 1)
          (data (i32.const 16) "hello, host")
          (data (i32.const 32) "\\ff\\fe")
          (func (export "log") (param i32 i32) (call $log (local.get 0) (local.get 1))))
        """

    @Test(arguments: testedEngines)
    func readsAStringTheGuestPasses(engineName: String) throws {
        let lines = Recorder<String>()
        let instance = try instantiate(on: engineName, Self.logger, host: Self.loggingHost(into: lines))
        _ = try instance.call("log", [.i32(16), .i32(11)])
        _ = try instance.call("log", [.i32(16), .i32(0)])
        #expect(lines.all == ["hello, host", ""])
    }

    static let outOfBounds: [(UInt32, UInt32)] = [
        (65_530, 11),                   // runs off the end
        (0xFFFF_FFF0, 64),              // far outside
        (0xFFFF_FFFF, 0xFFFF_FFFF),     // pointer + length overflows 32 bits
        (65_537, 0),                    // empty, but past the end
    ]

    @Test(arguments: testedEngines.flatMap { engine in outOfBounds.map { (engine, $0.0, $0.1) } })
    func outOfBoundsPointerTrapsNamingTheImport(engineName: String, pointer: UInt32, length: UInt32) throws {
        let lines = Recorder<String>()
        let host = Self.loggingHost(into: lines)
        let module = try engine(engineName).compile(try wasm(Self.logger), requiredExports: [], host: host)
        let instance = try module.instantiate(host: host, grants: ["env"])
        let report = try #require(wasmError { _ = try instance.call("log", [.i32(pointer), .i32(length)]) }?.trapReport)
        #expect(report.export == "log")
        #expect(report.hostImport == ImportName(module: "env", field: "log"))
        #expect(report.reason == .guestFault(.outOfBounds(pointer: UInt64(pointer), length: UInt64(length), memorySize: 65_536)))
        #expect(report.description
            == "guest trapped in `log` while the host served `env#log`: pointer 0x\(String(pointer, radix: 16)) + \(length) bytes lies outside guest memory (65536 bytes)")
        #expect(lines.all.isEmpty)
        // The host is fine: another instance of the same module works.
        _ = try module.instantiate(host: host, grants: ["env"]).call("log", [.i32(16), .i32(5)])
        #expect(lines.all == ["hello"])
    }

    @Test(arguments: testedEngines)
    func invalidUTF8IsAnError(engineName: String) throws {
        let instance = try instantiate(on: engineName, Self.logger, host: Self.loggingHost(into: Recorder()))
        let report = try #require(wasmError { _ = try instance.call("log", [.i32(32), .i32(2)]) }?.trapReport)
        #expect(report.reason == .guestFault(.invalidUTF8(pointer: 32, length: 2)))
    }

    @Test(arguments: testedEngines)
    func guestWithoutMemoryIsAFault(engineName: String) throws {
        let report = try #require(wasmError {
            let instance = try instantiate(on: engineName, """
                (module (import "env" "log" (func $log (param i32 i32)))
                  (func (export "log") (call $log (i32.const 0) (i32.const 1))))
                """, host: Self.loggingHost(into: Recorder()))
            _ = try instance.call("log", [])
        }?.trapReport)
        #expect(report.reason == .guestFault(.noMemory))
    }

    @Test(arguments: testedEngines)
    func integersAreLittleEndianAndBytesCopyBothWays(engineName: String) throws {
        let instance = try instantiate(on: engineName, """
            (module (memory (export "memory") 1)
              (func (export "peek") (param i32) (result i32) (i32.load (local.get 0))))
            """)
        let memory = try #require(instance.memory)
        #expect(memory.byteCount == 65_536)
        try memory.store(UInt32(0x0403_0201), at: 101)  // unaligned is fine
        #expect(try memory.read(at: 101, count: 4) == [1, 2, 3, 4])
        #expect(try instance.call("peek", [.i32(101)]) == [.i32(0x0403_0201)])
        try memory.store(Int64(-2), at: 200)
        #expect(try memory.load(Int64.self, at: 200) == -2)
        #expect(try memory.load(UInt16.self, at: 200) == 0xFFFE)
        try memory.write([9, 8, 7], at: 65_533)
        var out = [UInt8](repeating: 0, count: 3)
        try out.withUnsafeMutableBytes { try memory.copy(from: 65_533, into: $0) }
        #expect(out == [9, 8, 7])
        let sum = try memory.withBytes(at: 65_533, count: 3) { $0.reduce(0) { $0 + Int($1) } }
        #expect(sum == 24)
        try memory.withMutableBytes(at: 0, count: 2) { $0[0] = 0xAB; $0[1] = 0xCD }
        #expect(try memory.load(UInt16.self, at: 0) == 0xCDAB)
    }

    @Test(arguments: testedEngines)
    func everyAccessIsBoundsChecked(engineName: String) throws {
        let instance = try instantiate(on: engineName, #"(module (memory (export "memory") 1))"#)
        defer { withExtendedLifetime(instance) {} }
        let memory = try #require(instance.memory)
        #expect(throws: GuestFault.outOfBounds(pointer: 65_533, length: 4, memorySize: 65_536)) {
            _ = try memory.load(UInt32.self, at: 65_533)
        }
        #expect(throws: GuestFault.self) { try memory.store(UInt64(1), at: 0xFFFF_FFFC) }
        #expect(throws: GuestFault.self) { try memory.write([1, 2], at: 65_535) }
        #expect(throws: GuestFault.self) { _ = try memory.read(at: 0xFFFF_FFFF, count: 0xFFFF_FFFF) }
        #expect(throws: GuestFault.self) { _ = try memory.withBytes(at: 1, count: 65_536) { _ in () } }
        #expect(throws: GuestFault.misaligned(pointer: 6, alignment: 4)) { try memory.requireAligned(6, to: 4) }
        #expect(try memory.range(at: 65_536, count: 0) == 65_536..<65_536)
        #expect(try memory.read(at: 65_536, count: 0) == [])
    }

    @Test(arguments: testedEngines)
    func memoryOfZeroPagesIsSafe(engineName: String) throws {
        let instance = try instantiate(on: engineName, #"(module (memory (export "memory") 0))"#)
        defer { withExtendedLifetime(instance) {} }
        let memory = try #require(instance.memory)
        #expect(memory.byteCount == 0)
        #expect(try memory.read(at: 0, count: 0) == [])
        #expect(throws: GuestFault.self) { _ = try memory.load(UInt8.self, at: 0) }
    }

    /// A `GuestMemory` kept after its instance is gone still reads and
    /// writes safely (WasmKit's memory keeps its store alive). Run in a
    /// child process, since an engine that frees the memory under it
    /// crashes rather than fails.
    @Test(arguments: testedEngines)
    func memoryOutlivingItsInstanceIsSafe(engineName: String) async {
        await #expect(processExitsWith: .success, "\(engineName): using a GuestMemory after its instance is released") { [engineName] in
            let memory = try #require(try instantiate(on: engineName, #"(module (memory (export "memory") 1) (data (i32.const 8) "kept"))"#).memory)
            try memory.write([1, 2, 3], at: 100)
            guard memory.byteCount == 65_536, try memory.readString(at: 8, byteCount: 4) == "kept",
                  try memory.read(at: 100, count: 3) == [1, 2, 3] else { exit(1) }
        }
    }
}
