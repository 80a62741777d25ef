import Foundation
import Testing
import MediaTestSupport
import WAT
import MediaTestWatchdog

/// `wasi-media guest run` as a user runs it: the Transcode guest with a
/// granted directory, a refused path, and a trap.
@Suite(.watchdog) struct GuestCommandTests {
    @Test func guestRunTranscodesInsideTheGrantedDirectory() async throws {
        let dir = CLI.tempDir()
        let input = try CLI.clip(in: dir)
        let output = dir + "/out.mkv"
        let result = try CLI.run(["guest", "run", try await BuiltGuests.path("Transcode"), "--dir", dir, "--", input, output])
        #expect(result.status == 0, "\(result.stderr)")
        let streams = try CLI.probe(output)
        let video = try #require(streams.first { $0["codec_type"] as? String == "video" })
        #expect(video["codec_name"] as? String == "h264")
        #expect(video["nb_read_frames"] as? String == "60")
        #expect(streams.first { $0["codec_type"] as? String == "audio" }?["codec_name"] as? String == "opus")
    }

    /// The same guest on each engine makes the same streams (codecs, sizes,
    /// frame counts). The bytes themselves differ from run to run on any
    /// engine: the encoders are multithreaded.
    @Test func guestRunGivesTheSameStreamsOnEveryEngine() async throws {
        let dir = CLI.tempDir()
        let input = try CLI.clip(in: dir)
        var summaries: [String] = []
        for engine in ["wasmkit", "wasmtime"] {
            let output = dir + "/out-\(engine).mkv"
            let result = try CLI.run(["guest", "run", try await BuiltGuests.path("Transcode"), "--engine", engine, "--dir", dir, "--",
                                      input, output, "width=160", "height=90"])
            #expect(result.status == 0, "\(engine): \(result.stderr)")
            let streams = try CLI.probe(output).map { stream in
                stream.keys.sorted().map { "\($0)=\(stream[$0]!)" }.joined(separator: ",")
            }
            summaries.append(streams.joined(separator: " | "))
        }
        #expect(summaries.count == 2 && summaries[0].contains("nb_read_frames=60") && summaries[0].contains("width=160"))
        #expect(summaries.first == summaries.last)
        // An engine that does not exist is refused by the parser (usage error), which lists the valid ones.
        let bad = try CLI.run(["guest", "run", try await BuiltGuests.path("Transcode"), "--engine", "v8"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("'v8' is invalid for '--engine") && bad.stderr.contains("'auto', 'wasmtime' or 'wasmkit'"))
    }

    @Test func aPathOutsideTheGrantExitsOneWithTheGuestsError() async throws {
        let dir = CLI.tempDir(), elsewhere = CLI.tempDir()
        let input = try CLI.clip(in: dir)
        let result = try CLI.run(["guest", "run", try await BuiltGuests.path("Transcode"), "--dir", dir, "--", input, elsewhere + "/out.mp4"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("access denied"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
    }

    @Test func aTrapExitsTwoWithTheTrapReport() async throws {
        let dir = CLI.tempDir()
        let input = try CLI.clip(in: dir)
        let result = try CLI.run(["guest", "run", try await BuiltGuests.path("Transcode"), "--dir", dir, "--fuel", "5000", "--",
                                  input, dir + "/out.mp4"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("fuel budget of 5000"))
    }

    @Test func ungrantedInterfacesAndBadOptionsAreReportedTogether() async throws {
        let result = try CLI.run(["guest", "run", try await BuiltGuests.path("Transcode"), "--grant", "container,telepathy",
                                  "--dir", "/no/such/dir"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("telepathy"))
        #expect(result.stderr.contains("/no/such/dir"))
        let ungranted = try CLI.run(["guest", "run", try await BuiltGuests.path("Transcode"), "--grant", "container"])
        #expect(ungranted.status == 2)
        #expect(ungranted.stderr.contains("was not granted `codec`"))
    }

    @Test func guestBuildWritesTheProductsModule() async throws {
        _ = try await BuiltGuests.path("PassThrough")     // the package is built once already: this build only links
        let output = CLI.tempDir() + "/PassThrough.wasm"
        let result = try CLI.run(["guest", "build", BuiltGuests.repositoryRoot.appendingPathComponent("Guests").path,
                                  "-o", output, "--product", "PassThrough"])
        #expect(result.status == 0, "\(result.stderr)")
        let built = try Data(contentsOf: URL(fileURLWithPath: output))
        #expect(built.prefix(4) == Data([0x00, 0x61, 0x73, 0x6D]))
        #expect(built == (try Data(contentsOf: URL(fileURLWithPath: try await BuiltGuests.path("PassThrough")))))
    }
}

/// The sandbox's limits as `guest run` sets them, on hostile guests written in WAT.
@Suite(.timeLimit(.minutes(5)), .watchdog) struct GuestLimitCommandTests {
    /// A media-app guest whose `run` waits on a clock for eleven days.
    static let sleeper = """
    (module
      (import "wasi:media/clock@0.1.0-draft" "[constructor]media-clock" (func $clock (param i32) (result i32)))
      (import "wasi:media/clock@0.1.0-draft" "[method]media-clock.start" (func $start (param i32)))
      (import "wasi:media/clock@0.1.0-draft" "[method]media-clock.wait-until" (func $wait (param i32 i64 i32)))
      (memory (export "memory") 1)
      (global $heap (mut i32) (i32.const 4096))
      (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1)))
                               (i32.sub (i32.const 0) (local.get 2))))
        (global.set $heap (i32.add (local.get $p) (local.get 3)))
        (local.get $p))
      (func (export "wasi:media/app@0.1.0-draft#run") (param i32 i32) (result i32)
        (local $c i32)
        (local.set $c (call $clock (i32.const 2)))
        (call $start (local.get $c))
        (call $wait (local.get $c) (i64.const 1000000000000) (i32.const 512))
        (i32.const 1024)))
    """

    @Test func aGuestPastItsTimeLimitExitsTwoSayingSo() throws {
        let dir = CLI.tempDir()
        let module = dir + "/sleeper.wasm"
        try Data(try wat2wasm(Self.sleeper)).write(to: URL(fileURLWithPath: module))
        for engine in ["wasmkit", "wasmtime"] {
            let result = try CLI.run(["guest", "run", module, "--engine", engine, "--fuel", "100000", "--time-limit", "0.5"])
            #expect(result.status == 2, "\(engine): \(result.stderr)")
            #expect(result.stderr.contains("guest exceeded its time limit of 0.5 s in `wasi:media/app@0.1.0-draft#run`"), "\(engine): \(result.stderr)")
            #expect(result.stderr.contains("[method]media-clock.wait-until"), "\(engine): \(result.stderr)")
        }
    }

    @Test func badLimitsAreReportedTogether() throws {
        let result = try CLI.run(["guest", "run", "/nonexistent.wasm", "--time-limit", "soon", "--host-memory", "lots"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--time-limit: 'soon' is not a number of seconds"), "\(result.stderr)")
        #expect(result.stderr.contains("--host-memory: 'lots' is not a size"), "\(result.stderr)")
    }
}
