import Foundation
import Testing
import MediaCore
import MediaFFmpeg
import MediaPipeline
@testable import MediaWasm
import MediaTestWatchdog

/// The media-app host interfaces called from small WAT guests, byte for
/// byte as docs/guest-abi.md lays them out.
@Suite(.watchdog) struct MediaAppInterfaceTests {
    static let probe = """
    (module
      (import "wasi:media/codec@0.1.0-draft" "query-video-encoder-support"
        (func $qv (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
      (import "wasi:media/codec@0.1.0-draft" "query-audio-encoder-support" (func $qa (param i32 i32 i32 i32 i32)))
      (import "wasi:media/codec@0.1.0-draft" "[method]video-encoder.flush" (func $flush (param i32 i32)))
      (import "wasi:media/container@0.1.0-draft" "[static]demuxer.open" (func $open (param i32 i32 i32)))
      (import "wasi:media/container@0.1.0-draft" "[static]muxer.create" (func $create (param i32 i32 i32 i32)))
      (import "wasi:media/clock@0.1.0-draft" "[constructor]media-clock" (func $clock (param i32) (result i32)))
      (import "wasi:media/clock@0.1.0-draft" "[method]media-clock.wait-until" (func $wait (param i32 i64 i32)))
      (import "wasi:media/clock@0.1.0-draft" "[method]media-clock.seek" (func $seek (param i32 i64)))
      (import "wasi:media/capture@0.1.0-draft" "[static]media-stream.open"
        (func $stream (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
      (import "wasi:media/playback@0.1.0-draft" "enumerate-audio-outputs" (func $outputs (param i32)))
      (memory (export "memory") 1)
      \(bumpAllocator)
      (func (export "qv") (param $codec i32) (param $w i32) (param $h i32) (result i32)
        (call $qv (local.get $codec) (local.get $w) (local.get $h) (i32.const 0) (i32.const 30)
          (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 512))
        (i32.load16_u (i32.const 512)))
      (func (export "qa") (param $codec i32) (param $rate i32) (param $channels i32) (result i32)
        (call $qa (local.get $codec) (local.get $rate) (local.get $channels) (i32.const 0) (i32.const 512))
        (i32.load16_u (i32.const 512)))
      (func (export "flush") (param $handle i32) (call $flush (local.get $handle) (i32.const 512)))
      (func (export "open") (param $ptr i32) (param $len i32) (param $area i32)
        (call $open (local.get $ptr) (local.get $len) (local.get $area)))
      (func (export "create") (param $ptr i32) (param $len i32)
        (call $create (local.get $ptr) (local.get $len) (i32.const 0) (i32.const 512)))
      (func (export "clock") (param $source i32) (result i32) (call $clock (local.get $source)))
      (func (export "wait") (param $clock i32) (param $target i64)
        (call $wait (local.get $clock) (local.get $target) (i32.const 512)))
      (func (export "seek") (param $clock i32) (param $to i64) (call $seek (local.get $clock) (local.get $to)))
      (func (export "stream") (param $ptr i32) (param $len i32)
        (call $stream (i32.const 1) (local.get $ptr) (local.get $len)
          (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 512)))
      (func (export "outputs") (call $outputs (i32.const 512)))
    )
    """

    static func instance(_ engineName: String, _ host: MediaAppHost = MediaAppHost()) throws -> any WasmInstance {
        let imports = host.imports
        let module = try engine(engineName).compile(try wasm(probe), requiredExports: [], host: imports)
        return try module.instantiate(host: imports, grants: host.allGrants)
    }

    /// The `media-error` of a `result<_, media-error>` (or any result with
    /// the error at `offset`) at `area`, or nil for `ok`.
    static func error(_ instance: any WasmInstance, area: UInt32 = 512, offset: UInt32 = 4) throws -> (code: UInt8, message: String)? {
        let memory = try #require(instance.memory)
        guard try memory.load(UInt8.self, at: area) == 1 else { return nil }
        let message = try memory.readString(at: try memory.load(UInt32.self, at: area + offset + 4),
                                            byteCount: try memory.load(UInt32.self, at: area + offset + 8))
        return (try memory.load(UInt8.self, at: area + offset), message)
    }

    static func string(_ instance: any WasmInstance, _ text: String) throws -> [WasmValue] {
        let lowered = try instance.lower(string: text)
        return [.i32(lowered.pointer), .i32(lowered.length)]
    }

    // MARK: - codec

    @Test(arguments: testedEngines)
    func supportQueriesAgreeWithCodecCatalog(engineName: String) throws {
        let guest = try Self.instance(engineName)
        for (index, codec) in VideoCodec.allCases.enumerated() {
            let packed = try guest.call("qv", [.i32(UInt32(index)), .i32(320), .i32(240)])[0].u32!
            let expected = CodecCatalog.queryVideoEncoderSupport(VideoEncoderConfig(codec: codec, width: 320, height: 240, framerate: 30))
            #expect(packed & 0xFF == (expected.supported ? 1 : 0), "\(codec)")
            if expected.supported { #expect(packed >> 8 == (expected.implementation == .hardware ? 0 : 1), "\(codec)") }
        }
        for (index, codec) in AudioCodec.allCases.enumerated() {
            let packed = try guest.call("qa", [.i32(UInt32(index)), .i32(48_000), .i32(2)])[0].u32!
            let expected = CodecCatalog.queryAudioEncoderSupport(AudioEncoderConfig(codec: codec, sampleRate: 48_000, channels: 2))
            #expect(packed & 0xFF == (expected.supported ? 1 : 0), "\(codec)")
        }
        // A size no encoder takes is unsupported, not a trap.
        #expect(try guest.call("qv", [.i32(0), .i32(0), .i32(240)])[0].u32! & 0xFF == 0)
    }

    @Test(arguments: testedEngines)
    func aBadHandleTrapsNamingTheImport(engineName: String) throws {
        let guest = try Self.instance(engineName)
        let error = try #require(wasmError { _ = try guest.call("flush", [.i32(7)]) })
        let report = try #require(error.trapReport)
        #expect(report.hostImport == ImportName(module: "wasi:media/codec@0.1.0-draft", field: "[method]video-encoder.flush"))
        #expect(report.reason == .guestFault(.handleNeverIssued(resource: "video-encoder", handle: 7)))
    }

    @Test(arguments: testedEngines)
    func aPathPastTheEndOfMemoryTraps(engineName: String) throws {
        let guest = try Self.instance(engineName)
        let error = try #require(wasmError { _ = try guest.call("open", [.i32(65_530), .i32(64), .i32(512)]) })
        let report = try #require(error.trapReport)
        #expect(report.hostImport?.field == "[static]demuxer.open")
        guard case .guestFault(.outOfBounds) = report.reason else {
            Issue.record("expected an out-of-bounds fault, got \(report.reason)")
            return
        }
    }

    @Test(arguments: testedEngines)
    func aMisalignedReturnAreaTraps(engineName: String) throws {
        let guest = try Self.instance(engineName)
        let error = try #require(wasmError { _ = try guest.call("open", try Self.string(guest, "x.mp4") + [.i32(513)]) })
        #expect(error.trapReport?.reason == .guestFault(.misaligned(pointer: 513, alignment: 4)))
    }

    // MARK: - container and grants

    @Test(arguments: testedEngines)
    func filesOutsideTheGrantAreAccessDeniedWhetherOrNotTheyExist(engineName: String) throws {
        let granted = FileManager.default.temporaryDirectory.appendingPathComponent("grant-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: granted, withIntermediateDirectories: true)
        var files = FileAccess()
        try files.grant(directory: granted, writable: false)
        let guest = try Self.instance(engineName, MediaAppHost(files: files))
        for path in ["/etc/hostname", "/no/such/file.mp4", granted + "/../outside.mp4", "https://example.com/a.mp4"] {
            try guest.call("open", try Self.string(guest, path) + [.i32(512)])
            let failure = try #require(try Self.error(guest), "\(path)")
            #expect(failure.code == 3, "\(path): \(failure.message)")   // access-denied
        }
        // Inside the grant, a missing file is not-found; writing to a read-only grant is refused.
        try guest.call("open", try Self.string(guest, granted + "/missing.mp4") + [.i32(512)])
        #expect(try Self.error(guest)?.code == 2)
        try guest.call("create", try Self.string(guest, granted + "/new.mp4"))
        #expect(try Self.error(guest)?.code == 3)
        #expect(!FileManager.default.fileExists(atPath: granted + "/new.mp4"))
    }

    @Test func fileAccessResolvesLinksAndDots() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fa-\(UUID().uuidString.prefix(8))").path
        let granted = root + "/granted", outside = root + "/outside"
        for directory in [granted, outside, granted + "/sub"] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        try FileManager.default.createSymbolicLink(atPath: granted + "/out", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: granted + "/dangling", withDestinationPath: outside + "/nothing/x")
        try FileManager.default.createSymbolicLink(atPath: granted + "/in", withDestinationPath: granted + "/sub")
        var files = FileAccess()
        try files.grant(directory: granted, writable: true)
        let real = try #require(FileAccess.realPath(granted))
        #expect(try files.resolve(granted + "/sub/../a.mp4", for: .write) == real + "/a.mp4")
        #expect(try files.resolve(granted + "/in/a.mp4", for: .write) == real + "/sub/a.mp4")
        #expect(try files.resolve(granted + "/missing/../a.mp4", for: .read) == real + "/a.mp4")
        for path in [granted + "/out/a.mp4", granted + "/dangling", granted + "/sub/../../outside/a.mp4", "/"] {
            #expect(throws: AppABI.Failure.self, "\(path)") { try files.resolve(path, for: .read) }
        }
        #expect(throws: FileAccessError.self) { try files.grant(directory: root + "/none", writable: false) }
    }

    // MARK: - clock

    @Test(arguments: testedEngines)
    func waitUntilAnswersAtOnceOrSaysWhyNot(engineName: String) throws {
        let guest = try Self.instance(engineName)
        let clock = try guest.call("clock", [.i32(2)])[0]      // system-monotonic, paused at 0
        try guest.call("seek", [clock, .i64(5_000)])
        try guest.call("wait", [clock, .i64(1_000)])
        let memory = try #require(guest.memory)
        #expect(try memory.load(UInt8.self, at: 512) == 0)
        #expect(try memory.load(UInt64.self, at: 520) == 4_000)   // 4 ms late
        try guest.call("wait", [clock, .i64(9_000)])
        #expect(try Self.error(guest, offset: 8)?.code == 5)        // invalid-state: paused
        let audio = try guest.call("clock", [.i32(0)])[0]       // audio-playback: nothing drives it here
        #expect(throws: Never.self) { try guest.call("wait", [audio, .i64(0)]) }
        #expect(try memory.load(UInt8.self, at: 512) == 0)
    }

    // MARK: - capture and playback

    @Test(arguments: testedEngines)
    func openingADeviceTheMachineLacksIsNotFound(engineName: String) throws {
        let guest = try Self.instance(engineName, MediaAppHost(devices: .all))
        try guest.call("stream", try Self.string(guest, "v4l2:/dev/no-such-camera"))
        let failure = try #require(try Self.error(guest))
        #expect(failure.code == 2)
        #expect(failure.message.contains("no such device"))
        // Enumeration answers what the machine has (possibly nothing) without trapping.
        try guest.call("outputs", [])
        let count = try #require(guest.memory).load(UInt32.self, at: 516)
        #expect(Int(count) == DeviceCatalog.audioOutputs().count)
    }

    // MARK: - audio-mixer

    @Test func theMixerSumsTracksWithTheirGainsOverTheSpanAllCovered() throws {
        let mix = AudioMix(sampleRate: 48_000, channels: 1)
        try mix.addTrack(1)
        try mix.addTrack(2)
        #expect(throws: AppABI.Failure.self) { try mix.addTrack(1) }
        try mix.setGain(2, 0.5)
        try mix.submit(1, try AudioData(planar: [[Float](repeating: 0.25, count: 480)], sampleRate: 48_000, timestampUs: 0))
        #expect(mix.read() == nil)     // track 2 has covered nothing yet
        try mix.submit(2, try AudioData(planar: [[Float](repeating: 0.5, count: 960)], sampleRate: 48_000, timestampUs: 0))
        let first = try #require(mix.read())
        #expect(first.frameCount == 480)
        #expect(first.samples(channel: 0).allSatisfy { abs($0 - 0.5) < 1e-6 })
        try mix.end(1)
        let rest = try #require(mix.read())
        #expect(rest.timestampUs == 10_000)
        #expect(rest.frameCount == 480)
        #expect(rest.samples(channel: 0).allSatisfy { abs($0 - 0.25) < 1e-6 })
        #expect(throws: AppABI.Failure.self) { try mix.setGain(2, -1) }
        #expect(throws: AppABI.Failure.self) { try mix.submit(1, try AudioData(planar: [[0]], sampleRate: 48_000, timestampUs: 0)) }
    }
}
