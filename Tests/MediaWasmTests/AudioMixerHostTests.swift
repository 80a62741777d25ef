import Testing
import MediaCore
@testable import MediaWasm
import MediaTestWatchdog

/// `wasi:media/audio-mixer` through a WAT guest: audio moves in with its
/// media-buffer handle and the mix comes back as a new one.
@Suite(.watchdog) struct AudioMixerHostTests {
    static let guest = """
    (module
      (import "wasi:media/types@0.1.0-draft" "[constructor]media-buffer" (func $buffer (param i64) (result i32)))
      (import "wasi:media/types@0.1.0-draft" "[method]media-buffer.size" (func $size (param i32) (result i64)))
      (import "wasi:media/audio-mixer@0.1.0-draft" "[constructor]audio-context" (func $context (param i32 i32) (result i32)))
      (import "wasi:media/audio-mixer@0.1.0-draft" "[method]audio-context.add-source-track" (func $add (param i32 i32 i32)))
      (import "wasi:media/audio-mixer@0.1.0-draft" "[method]audio-context.submit-audio"
        (func $submit (param i32 i32 i32 i32 i32 i32 i64 i32)))
      (import "wasi:media/audio-mixer@0.1.0-draft" "[method]audio-context.read-master-output" (func $read (param i32 i32)))
      (memory (export "memory") 1)
      \(bumpAllocator)
      (func (export "context") (result i32) (call $context (i32.const 48000) (i32.const 1)))
      (func (export "add") (param $c i32) (param $track i32) (result i32)
        (call $add (local.get $c) (local.get $track) (i32.const 512)) (i32.load8_u (i32.const 512)))
      ;; submits `samples` zeroed f32 samples at 44.1 kHz mono; returns the result case
      (func (export "submit") (param $c i32) (param $track i32) (param $samples i32) (result i32)
        (call $submit (local.get $c) (local.get $track)
          (call $buffer (i64.extend_i32_u (i32.mul (local.get $samples) (i32.const 4))))
          (i32.const 0) (i32.const 44100) (i32.const 1) (i64.const 0) (i32.const 512))
        (i32.load8_u (i32.const 512)))
      ;; the byte size of the mixed buffer, or -1 when no output is ready
      (func (export "read") (param $c i32) (result i64)
        (call $read (local.get $c) (i32.const 512))
        (if (result i64) (i32.load8_u (i32.const 512))
          (then (call $size (i32.load (i32.const 520))))
          (else (i64.const -1))))
      (func (export "rate") (result i32) (i32.load (i32.const 528)))
    )
    """

    @Test(arguments: testedEngines)
    func audioGoesInWithItsBufferAndTheMixComesBackAsANewOne(engineName: String) throws {
        let host = MediaAppHost()
        let module = try engine(engineName).compile(try wasm(Self.guest), requiredExports: [], host: host.imports)
        let guest = try module.instantiate(host: host.imports, grants: host.allGrants)
        let context = try guest.call("context", [])[0]
        #expect(try guest.call("add", [context, .i32(1)])[0].u32 == 0)
        #expect(try guest.call("add", [context, .i32(1)])[0].u32 == 1)       // invalid-argument: in use
        #expect(try guest.call("read", [context])[0].s64 == -1)              // nothing submitted yet
        #expect(try guest.call("submit", [context, .i32(1), .i32(4410)])[0].u32 == 0)
        #expect(try guest.call("submit", [context, .i32(9), .i32(10)])[0].u32 == 1)   // not-found
        let bytes = try #require(try guest.call("read", [context])[0].s64)
        // 0.1 s resampled from 44.1 to 48 kHz: about 4800 f32 samples (the resampler may hold a few back).
        #expect(bytes > 4 * 4_000 && bytes <= 4 * 4_800 && bytes % 4 == 0)
        #expect(try guest.call("rate", [])[0].u32 == 48_000)
        #expect(guest.state.mediaBuffers.count == 1)     // the submitted buffer moved to the host; the mix is new
    }
}
