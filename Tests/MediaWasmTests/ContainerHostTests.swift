import Foundation
import Testing
import MediaCore
import MediaFFmpeg
@testable import MediaWasm
import MediaTestWatchdog

/// `wasi:media/container` through a WAT guest: a demuxer fed with
/// `append-bytes`, and one opened from a granted file, read to the end,
/// seeked and read again.
@Suite(.watchdog) struct ContainerHostTests {
    static let guest = """
    (module
      (import "wasi:media/container@0.1.0-draft" "[constructor]demuxer" (func $new (result i32)))
      (import "wasi:media/container@0.1.0-draft" "[static]demuxer.open" (func $open (param i32 i32 i32)))
      (import "wasi:media/container@0.1.0-draft" "[method]demuxer.append-bytes" (func $append (param i32 i32 i32 i32)))
      (import "wasi:media/container@0.1.0-draft" "[method]demuxer.finish-bytes" (func $finish (param i32)))
      (import "wasi:media/container@0.1.0-draft" "[method]demuxer.needs-bytes" (func $needs (param i32) (result i32)))
      (import "wasi:media/container@0.1.0-draft" "[method]demuxer.get-tracks" (func $tracks (param i32 i32)))
      (import "wasi:media/container@0.1.0-draft" "[method]demuxer.read-next-chunk" (func $next (param i32 i32)))
      (import "wasi:media/container@0.1.0-draft" "[method]demuxer.seek-to-timestamp" (func $seek (param i32 i64 i32)))
      (memory (export "memory") 64)
      \(bumpAllocator)
      (func (export "new") (result i32) (call $new))
      (func (export "open") (param $ptr i32) (param $len i32) (result i32)
        (call $open (local.get $ptr) (local.get $len) (i32.const 512))
        (if (result i32) (i32.load8_u (i32.const 512)) (then (i32.const 0)) (else (i32.load (i32.const 516)))))
      (func (export "append") (param $d i32) (param $ptr i32) (param $len i32) (result i32)
        (call $append (local.get $d) (local.get $ptr) (local.get $len) (i32.const 512))
        (i32.load8_u (i32.const 512)))
      (func (export "finish") (param $d i32) (call $finish (local.get $d)))
      (func (export "needs") (param $d i32) (result i32) (call $needs (local.get $d)))
      ;; the number of tracks, and the id of the first video track (or -1) at 600
      (func (export "tracks") (param $d i32) (result i32)
        (local $i i32) (local $base i32)
        (call $tracks (local.get $d) (i32.const 512))
        (i32.store (i32.const 600) (i32.const -1))
        (block $done
          (loop $each
            (br_if $done (i32.ge_u (local.get $i) (i32.load (i32.const 520))))
            (local.set $base (i32.add (i32.load (i32.const 516)) (i32.mul (local.get $i) (i32.const 104))))
            (if (i32.load8_u (i32.add (local.get $base) (i32.const 12)))
              (then (i32.store (i32.const 600) (i32.load (local.get $base)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $each)))
        (i32.load (i32.const 520)))
      ;; the track id of the next chunk, -1 at the end, -2 on an error; its keyframe flag at 604
      (func (export "next") (param $d i32) (result i32)
        (call $next (local.get $d) (i32.const 512))
        (if (i32.load8_u (i32.const 512)) (then (return (i32.const -2))))
        (if (i32.eqz (i32.load8_u (i32.const 520))) (then (return (i32.const -1))))
        (i32.store (i32.const 604) (i32.load8_u (i32.const 568)))
        (i32.load (i32.const 528)))
      (func (export "seek") (param $d i32) (param $to i64) (result i32)
        (call $seek (local.get $d) (local.get $to) (i32.const 512))
        (i32.load8_u (i32.const 512)))
    )
    """

    static func instance(_ engineName: String, _ host: MediaAppHost) throws -> any WasmInstance {
        let imports = host.imports
        let module = try engine(engineName).compile(try wasm(guest), requiredExports: [], host: imports)
        return try module.instantiate(host: imports, grants: host.allGrants)
    }

    static func clip() throws -> (directory: String, path: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("container-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var settings = TestClip.Settings()
        settings.seconds = 1
        settings.width = 160
        settings.height = 120
        settings.keyframeInterval = 10
        try TestClip.write(to: directory + "/clip.mp4", settings)
        return (directory, directory + "/clip.mp4")
    }

    /// Reads every chunk; returns how many the video track had.
    static func readAll(_ guest: any WasmInstance, _ demuxer: WasmValue) throws -> Int {
        _ = try guest.call("tracks", [demuxer])
        let video = try #require(guest.memory).load(UInt32.self, at: 600)
        var frames = 0
        while true {
            let id = try guest.call("next", [demuxer])[0].u32!
            if id == UInt32(bitPattern: -1) { break }
            #expect(id != UInt32(bitPattern: -2))
            if id == UInt32(bitPattern: -2) { break }
            if id == video { frames += 1 }
        }
        return frames
    }

    @Test(arguments: testedEngines)
    func appendedBytesDemuxLikeTheFile(engineName: String) throws {
        let (_, path) = try Self.clip()
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let guest = try Self.instance(engineName, MediaAppHost())
        let demuxer = try guest.call("new", [])[0]
        // Nothing appended yet: no tracks, and the demuxer says it needs bytes.
        #expect(try guest.call("tracks", [demuxer])[0].u32 == 0)
        #expect(try guest.call("needs", [demuxer])[0].u32 == 1)
        for piece in stride(from: 0, to: bytes.count, by: 16_384) {
            let lowered = try guest.lower(bytes: Array(bytes[piece..<min(piece + 16_384, bytes.count)]))
            #expect(try guest.call("append", [demuxer, .i32(lowered.pointer), .i32(lowered.length)])[0].u32 == 0)
        }
        try guest.call("finish", [demuxer])
        #expect(try guest.call("tracks", [demuxer])[0].u32 == 2)
        #expect(try Self.readAll(guest, demuxer) == 30)
        // After finish-bytes, appending is invalid-state.
        let more = try guest.lower(bytes: [0])
        #expect(try guest.call("append", [demuxer, .i32(more.pointer), .i32(more.length)])[0].u32 == 1)
        #expect(try guest.call("needs", [demuxer])[0].u32 == 0)
    }

    @Test(arguments: testedEngines)
    func aGrantedFileOpensReadsAndSeeks(engineName: String) throws {
        let (directory, path) = try Self.clip()
        var files = FileAccess()
        try files.grant(directory: directory, writable: false)
        let guest = try Self.instance(engineName, MediaAppHost(files: files))
        let lowered = try guest.lower(string: path)
        let demuxer = try guest.call("open", [.i32(lowered.pointer), .i32(lowered.length)])[0]
        #expect(demuxer.u32 != 0)
        #expect(try Self.readAll(guest, demuxer) == 30)
        #expect(try guest.call("next", [demuxer])[0].u32 == UInt32(bitPattern: -1))
        // Seek into the middle: reading resumes at a keyframe.
        #expect(try guest.call("seek", [demuxer, .i64(500_000)])[0].u32 == 0)
        let video = try #require(guest.memory).load(UInt32.self, at: 600)
        var id = try guest.call("next", [demuxer])[0].u32!
        while id != video { id = try guest.call("next", [demuxer])[0].u32! }
        #expect(try #require(guest.memory).load(UInt32.self, at: 604) == 1)
        // An appended-bytes method on a file demuxer is invalid-state.
        let byte = try guest.lower(bytes: [0])
        #expect(try guest.call("append", [demuxer, .i32(byte.pointer), .i32(byte.length)])[0].u32 == 1)
    }
}

/// A muxer writing into memory, driven byte for byte: `add-track`'s spilled
/// (self, track-info) tuple, `write-chunk`, `finalize`, `get-output-bytes`.
@Suite(.watchdog) struct MemoryMuxerTests {
    static let guest = """
    (module
      (import "wasi:media/container@0.1.0-draft" "[constructor]muxer" (func $new (param i32) (result i32)))
      (import "wasi:media/container@0.1.0-draft" "[method]muxer.add-track" (func $add (param i32 i32)))
      (import "wasi:media/container@0.1.0-draft" "[method]muxer.write-chunk"
        (func $write (param i32 i32 i32 i32 i64 i32 i64 i32 i32 i64 i32)))
      (import "wasi:media/container@0.1.0-draft" "[method]muxer.finalize" (func $finalize (param i32 i32)))
      (import "wasi:media/container@0.1.0-draft" "[method]muxer.get-output-bytes" (func $output (param i32 i32)))
      (memory (export "memory") 16)
      \(bumpAllocator)
      (func (export "new") (param $format i32) (result i32) (call $new (local.get $format)))
      (func (export "add") (param $tuple i32) (result i32)
        (call $add (local.get $tuple) (i32.const 512)) (i32.load8_u (i32.const 512)))
      (func (export "write") (param $m i32) (param $track i32) (param $ptr i32) (param $len i32) (param $ts i64) (param $dur i64) (result i32)
        (call $write (local.get $m) (local.get $track) (local.get $ptr) (local.get $len) (local.get $ts)
          (i32.const 1) (local.get $dur) (i32.const 1) (i32.const 0) (i64.const 0) (i32.const 512))
        (i32.load8_u (i32.const 512)))
      (func (export "finalize") (param $m i32) (result i32)
        (call $finalize (local.get $m) (i32.const 512)) (i32.load8_u (i32.const 512)))
      (func (export "output") (param $m i32) (result i32)
        (call $output (local.get $m) (i32.const 512)) (i32.load (i32.const 516)))
    )
    """

    @Test(arguments: testedEngines)
    func opusIntoMatroskaInMemory(engineName: String) throws {
        // 0.2 s of Opus from the host's own encoder.
        let encoder = try MediaFFmpeg.AudioEncoder(config: AudioEncoderConfig(codec: .opus, sampleRate: 48_000, channels: 2))
        try encoder.encode(try AudioData(planar: [[Float](repeating: 0.1, count: 9_600), [Float](repeating: -0.1, count: 9_600)],
                                         sampleRate: 48_000, timestampUs: 0))
        try encoder.flush()
        let chunks = encoder.takeEncodedChunks()
        #expect(chunks.count >= 10)

        let imports = MediaAppHost().imports
        let module = try engine(engineName).compile(try wasm(Self.guest), requiredExports: [], host: imports)
        let guest = try module.instantiate(host: imports, grants: MediaAppHost().allGrants)
        let muxer = try guest.call("new", [.i32(1)])[0]                    // mkv
        let memory = try #require(guest.memory)

        // The spilled tuple: self at 0, track-info at 8 (112 bytes, aligned to 8).
        let codec = try guest.lower(string: "opus")
        let description = try guest.lower(bytes: encoder.parameters.extradata)
        let tuple = try guest.allocate(size: 112, alignment: 8)
        try memory.write([UInt8](repeating: 0, count: 112), at: tuple)
        try memory.store(muxer.u32!, at: tuple)
        let info = tuple + 8
        try memory.store(UInt32(5), at: info)                             // id
        try memory.store(codec.pointer, at: info + 4)
        try memory.store(codec.length, at: info + 8)
        try memory.store(UInt8(0), at: info + 12)                         // is-video: false
        try memory.store(UInt8(1), at: info + 56)                         // audio-config: some
        try memory.store(UInt8(1), at: info + 60)                         // opus
        try memory.store(UInt32(48_000), at: info + 64)
        try memory.store(UInt8(2), at: info + 68)
        try memory.store(UInt8(1), at: info + 72)                         // description: some
        try memory.store(description.pointer, at: info + 76)
        try memory.store(description.length, at: info + 80)
        #expect(try guest.call("add", [.i32(tuple)])[0].u32 == 0)
        #expect(try guest.call("add", [.i32(tuple)])[0].u32 == 1)         // the id is taken

        for chunk in chunks {
            let data = try guest.lower(bytes: chunk.data)
            let status = try guest.call("write", [muxer, .i32(5), .i32(data.pointer), .i32(data.length),
                                                  .i64(UInt64(bitPattern: chunk.timestampUs)),
                                                  .i64(UInt64(chunk.durationUs ?? 20_000))])[0]
            #expect(status.u32 == 0)
        }
        #expect(try guest.call("finalize", [muxer])[0].u32 == 0)
        #expect(try guest.call("finalize", [muxer])[0].u32 == 0)          // again: nothing happens
        let count = try guest.call("output", [muxer])[0].u32!
        let bytes = try memory.read(at: try memory.load(UInt32.self, at: 512), count: count)
        #expect(try guest.call("output", [muxer])[0].u32 == 0)            // all handed over

        let demuxer = StreamingDemuxer()
        demuxer.append(bytes)
        demuxer.finish()
        let tracks = try demuxer.tracks()
        #expect(tracks.map(\.parameters.codecName) == ["opus"])
        var read = 0
        while try demuxer.readChunk(trackId: try #require(tracks.first).id) != nil { read += 1 }
        #expect(read == chunks.count)
    }
}
