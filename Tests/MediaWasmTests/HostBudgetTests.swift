import Foundation
import Testing
import MediaCore
@testable import MediaFFmpeg
@testable import MediaWasm
import MediaTestWatchdog

/// The host budget (``HostBudget``) against the attacks of the security
/// review: each test is the attacker's guest, in WAT, with a small
/// `host-memory`, and ends in a clean refusal — a `media-error`
/// `out-of-bounds` or a trap naming the import — with the host's memory
/// bounded: by the budget's own accounting, and by the process's resident
/// memory (`/proc/self/statm`, with a generous bound since other suites run
/// beside this one).
@Suite(.serialized, .watchdog) struct HostBudgetTests {
    static let codec = "wasi:media/codec@0.1.0-draft"
    static let container = "wasi:media/container@0.1.0-draft"
    static let mixer = "wasi:media/audio-mixer@0.1.0-draft"

    /// Exports forwarding to the imports an attacker uses. Every `result`
    /// lands at 512 (case at 512, error code at 516, message at 520/524);
    /// the exports return the result's case (0 ok, 1 error).
    static let attacker = """
    (module
      (import "\(typesImport)" "[constructor]media-buffer" (func $buffer (param i64) (result i32)))
      (import "\(typesImport)" "[method]media-buffer.write" (func $bwrite (param i32 i64 i32 i32 i32)))
      (import "\(typesImport)" "[resource-drop]media-buffer" (func $bdrop (param i32)))
      (import "\(codec)" "query-video-encoder-support" (func $query (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
      (import "\(codec)" "[constructor]video-encoder" (func $encoder (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
      (import "\(codec)" "[method]video-encoder.encode" (func $encode (param i32 i32 i32 i32 i32 i64 i32 i64 i32 i32)))
      (import "\(codec)" "[method]video-encoder.get-encoded-chunks" (func $chunks (param i32 i32)))
      (import "\(codec)" "[constructor]video-decoder" (func $decoder (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
      (import "\(codec)" "[method]video-decoder.decode" (func $decode (param i32 i32 i32 i64 i32 i64 i32 i32 i64 i32)))
      (import "\(codec)" "[method]video-decoder.get-decoded-frames" (func $frames (param i32 i32)))
      (import "\(codec)" "[constructor]audio-encoder" (func $aencoder (param i32 i32 i32 i32) (result i32)))
      (import "\(codec)" "[method]audio-encoder.encode" (func $aencode (param i32 i32 i32 i32 i32 i64 i32)))
      (import "\(container)" "[constructor]muxer" (func $muxer (param i32) (result i32)))
      (import "\(container)" "[method]muxer.add-track" (func $add (param i32 i32)))
      (import "\(container)" "[method]muxer.write-chunk" (func $write (param i32 i32 i32 i32 i64 i32 i64 i32 i32 i64 i32)))
      (import "\(container)" "[resource-drop]muxer" (func $mdrop (param i32)))
      (import "\(container)" "[constructor]demuxer" (func $demuxer (result i32)))
      (import "\(container)" "[method]demuxer.append-bytes" (func $append (param i32 i32 i32 i32)))
      (import "\(container)" "[resource-drop]demuxer" (func $ddrop (param i32)))
      (import "\(mixer)" "[constructor]audio-context" (func $context (param i32 i32) (result i32)))
      (import "\(mixer)" "[method]audio-context.add-source-track" (func $track (param i32 i32 i32)))
      (import "\(mixer)" "[method]audio-context.end-source-track" (func $end (param i32 i32 i32)))
      (import "\(mixer)" "[method]audio-context.submit-audio" (func $submit (param i32 i32 i32 i32 i32 i32 i64 i32)))
      (import "\(mixer)" "[method]audio-context.read-master-output" (func $read (param i32 i32)))
      (memory (export "memory") 200)
      \(bumpAllocator)
      (func (export "buffer") (param $size i64) (result i32) (call $buffer (local.get $size)))
      ;; a media-buffer of `size` bytes filled from guest memory at `ptr`
      (func (export "filled") (param $ptr i32) (param $size i32) (result i32)
        (local $b i32)
        (local.set $b (call $buffer (i64.extend_i32_u (local.get $size))))
        (call $bwrite (local.get $b) (i64.const 0) (local.get $ptr) (local.get $size) (i32.const 512))
        (local.get $b))
      (func (export "drop-buffer") (param $b i32) (call $bdrop (local.get $b)))
      (func (export "query") (param $codec i32) (param $w i32) (param $h i32) (result i32)
        (call $query (local.get $codec) (local.get $w) (local.get $h) (i32.const 0) (i32.const 30)
          (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 512))
        (i32.load8_u (i32.const 512)))
      (func (export "encoder") (param $codec i32) (param $w i32) (param $h i32) (result i32)
        (call $encoder (local.get $codec) (local.get $w) (local.get $h) (i32.const 0) (i32.const 30)
          (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)))
      ;; encodes media-buffer $b as a yuv420p frame
      (func (export "encode") (param $e i32) (param $b i32) (param $w i32) (param $h i32) (param $ts i64) (result i32)
        (call $encode (local.get $e) (local.get $b) (i32.const 2) (local.get $w) (local.get $h) (local.get $ts)
          (i32.const 0) (i64.const 0) (i32.const 0) (i32.const 512))
        (i32.load8_u (i32.const 512)))
      (func (export "chunks") (param $e i32) (result i32)
        (call $chunks (local.get $e) (i32.const 512)) (i32.load (i32.const 520)))
      ;; a decoder with a description, the coded size when $declared, and an output format
      (func (export "decoder") (param $codec i32) (param $dptr i32) (param $dlen i32) (param $declared i32)
                               (param $w i32) (param $h i32) (param $format i32) (result i32)
        (call $decoder (local.get $codec) (i32.ne (local.get $dlen) (i32.const 0)) (local.get $dptr) (local.get $dlen)
          (local.get $declared) (local.get $w) (local.get $declared) (local.get $h) (i32.const 1) (local.get $format)))
      (func (export "decode") (param $d i32) (param $ptr i32) (param $len i32) (param $ts i64) (result i32)
        (call $decode (local.get $d) (local.get $ptr) (local.get $len) (local.get $ts)
          (i32.const 0) (i64.const 0) (i32.const 1) (i32.const 0) (i64.const 0) (i32.const 512))
        (i32.load8_u (i32.const 512)))
      ;; takes the decoded frames and drops their media-buffers; returns how many there were
      (func (export "take-frames") (param $d i32) (result i32)
        (local $i i32) (local $list i32) (local $n i32)
        (call $frames (local.get $d) (i32.const 512))
        (local.set $list (i32.load (i32.const 516)))
        (local.set $n (i32.load (i32.const 520)))
        (block $done
          (loop $each
            (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
            (call $bdrop (i32.load (i32.add (local.get $list) (i32.mul (local.get $i) (i32.const 40)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $each)))
        (local.get $n))
      (func (export "audio-encoder") (param $codec i32) (param $rate i32) (param $channels i32) (result i32)
        (call $aencoder (local.get $codec) (local.get $rate) (local.get $channels) (i32.const 0)))
      ;; encodes media-buffer $b as f32-planar audio
      (func (export "audio-encode") (param $e i32) (param $b i32) (param $rate i32) (param $channels i32) (result i32)
        (call $aencode (local.get $e) (local.get $b) (i32.const 0) (local.get $rate) (local.get $channels) (i64.const 0) (i32.const 512))
        (i32.load8_u (i32.const 512)))
      (func (export "muxer") (param $format i32) (result i32) (call $muxer (local.get $format)))
      (func (export "add-track") (param $tuple i32) (result i32)
        (call $add (local.get $tuple) (i32.const 512)) (i32.load8_u (i32.const 512)))
      (func (export "write") (param $m i32) (param $track i32) (param $ptr i32) (param $len i32) (param $ts i64) (result i32)
        (call $write (local.get $m) (local.get $track) (local.get $ptr) (local.get $len) (local.get $ts)
          (i32.const 1) (i64.const 20000) (i32.const 1) (i32.const 0) (i64.const 0) (i32.const 512))
        (i32.load8_u (i32.const 512)))
      (func (export "drop-muxer") (param $m i32) (call $mdrop (local.get $m)))
      (func (export "demuxer") (result i32) (call $demuxer))
      ;; makes $n byte-fed demuxers, counting them at 700 as it goes (a trap stops it)
      (func (export "demuxers") (param $n i32)
        (i32.store (i32.const 700) (i32.const 0))
        (block $done
          (loop $each
            (br_if $done (i32.ge_u (i32.load (i32.const 700)) (local.get $n)))
            (i32.store (i32.add (i32.const 704) (i32.mul (i32.load (i32.const 700)) (i32.const 4))) (call $demuxer))
            (i32.store (i32.const 700) (i32.add (i32.load (i32.const 700)) (i32.const 1)))
            (br $each))))
      (func (export "append") (param $d i32) (param $ptr i32) (param $len i32) (result i32)
        (call $append (local.get $d) (local.get $ptr) (local.get $len) (i32.const 512))
        (i32.load8_u (i32.const 512)))
      (func (export "drop-demuxer") (param $d i32) (call $ddrop (local.get $d)))
      (func (export "context") (param $rate i32) (param $channels i32) (result i32)
        (call $context (local.get $rate) (local.get $channels)))
      (func (export "track") (param $c i32) (param $id i32) (result i32)
        (call $track (local.get $c) (local.get $id) (i32.const 512)) (i32.load8_u (i32.const 512)))
      (func (export "end") (param $c i32) (param $id i32) (result i32)
        (call $end (local.get $c) (local.get $id) (i32.const 512)) (i32.load8_u (i32.const 512)))
      ;; submits media-buffer $b as f32-planar audio at $rate
      (func (export "submit") (param $c i32) (param $id i32) (param $b i32) (param $rate i32) (param $channels i32) (result i32)
        (call $submit (local.get $c) (local.get $id) (local.get $b) (i32.const 0) (local.get $rate) (local.get $channels)
          (i64.const 0) (i32.const 512))
        (i32.load8_u (i32.const 512)))
      ;; reads the master output and drops its buffer; 1 when there was some
      (func (export "read") (param $c i32) (result i32)
        (call $read (local.get $c) (i32.const 512))
        (if (result i32) (i32.load8_u (i32.const 512))
          (then (call $bdrop (i32.load (i32.const 520))) (i32.const 1))
          (else (i32.const 0))))
    )
    """

    // MARK: - Harness

    static let megabyte = 1 << 20

    /// An instance of the attacker on `engineName` with `hostMemory` bytes of host budget.
    static func attacker(_ engineName: String, hostMemory: Int = 64 << 20, host: MediaAppHost = MediaAppHost()) throws -> any WasmInstance {
        var limits = WasmLimits.standard
        limits.hostMemory = hostMemory
        let imports = host.imports
        let module = try engine(engineName, limits).compile(try wasm(attacker), requiredExports: [], host: imports)
        return try module.instantiate(host: imports, grants: host.allGrants, limits: limits)
    }

    /// The `media-error` at 512, if the last result was an error.
    static func failure(_ guest: any WasmInstance) throws -> (code: WITErrorCode, message: String)? {
        guard let failure = try MediaAppInterfaceTests.error(guest) else { return nil }
        return (try #require(WITErrorCode(rawValue: failure.code)), failure.message)
    }

    /// The host-error message of the trap `body` ends in, and the import it names.
    static func trap(_ body: () throws -> Void) throws -> (field: String?, message: String) {
        let report = try #require(wasmError(body)?.trapReport)
        guard case .hostError(let message) = report.reason else {
            Issue.record("expected a host error, got \(report.reason)")
            return (report.hostImport?.field, "\(report.reason)")
        }
        return (report.hostImport?.field, message)
    }

    /// This process's resident memory in bytes.
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = Int(text.split(separator: " ")[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Runs `body` with this thread renamed to a name of its own, given to
    /// `body`: threads started from it (a codec's workers) inherit the
    /// name, so they are counted apart from the threads other tests start
    /// meanwhile. The thread's name is restored after.
    static func withOwnThreadName<T>(_ body: (String) throws -> T) rethrows -> T {
        // /proc/thread-self/comm is this thread's name, read and written.
        let comm = "/proc/thread-self/comm"
        let saved = (try? String(contentsOfFile: comm, encoding: .utf8))?.trimmingCharacters(in: .newlines) ?? ""
        let name = "hb-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        try? name.write(toFile: comm, atomically: false, encoding: .utf8)
        defer { try? saved.write(toFile: comm, atomically: false, encoding: .utf8) }
        return try body(name)
    }

    /// Threads started under `name` (``withOwnThreadName(_:)``) still alive, the caller not counted.
    static func threadsStarted(under name: String) -> Int { threads(named: name) - 1 }

    /// Threads of this process named `name` (`/proc/self/task/*/comm`).
    static func threads(named name: String) -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.filter {
            (try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) == name
        }.count
    }

    /// Runs an attack and checks what it left: the budget's peak within its
    /// limit (plus one frame's worth of slack for output the host measures
    /// after the fact), and the process's resident memory grown by less than
    /// the limit plus 256 MiB — an unbudgeted attack grows it by gigabytes.
    static func bounded(_ guest: any WasmInstance, slack: Int = 8 << 20, _ attack: () throws -> Void,
                        test: String = #function, sourceLocation: SourceLocation = #_sourceLocation) rethrows {
        let before = residentBytes()
        try attack()
        let grown = residentBytes() - before
        let budget = guest.state.hostBudget
        report("\(test) \(guest.engineName): peak \(budget.peak) of \(budget.limit), held \(budget.held), resident +\(grown >> 20) MiB")
        #expect(budget.peak <= budget.limit + slack, "peak \(budget.peak) of \(budget.limit)", sourceLocation: sourceLocation)
        #expect(grown < budget.limit + (256 << 20), "resident memory grew by \(grown >> 20) MiB", sourceLocation: sourceLocation)
    }

    /// Prints `text` when `WASI_MEDIA_BUDGET_REPORT=1` (the numbers in docs/security.md, "Host memory and threads").
    static func report(_ text: @autoclosure () -> String) {
        if ProcessInfo.processInfo.environment["WASI_MEDIA_BUDGET_REPORT"] == "1" { print("budget: \(text())") }
    }

    // MARK: - The budget itself

    @Test func chargesAreRefusedPastTheLimitAndReleasedWithTheirOwner() throws {
        let budget = HostBudget(limit: 1_000)
        var first: HostCharge? = try budget.charge(600, for: "a test", by: "op")
        #expect(budget.held == 600 && budget.room == 400)
        let refusal = try #require(throws: HostBudgetRefusal.self) { try budget.charge(401, for: "more", by: "[method]x.y", advice: "do less") }
        #expect(refusal.kind == .memory(cost: 401, held: 600, limit: 1_000))
        #expect(refusal.description == "[method]x.y: 401 bytes more for more would pass this guest's host-memory limit of 1000 bytes; the host already holds 600 bytes for it; do less")
        #expect(HostBudgetRefusal.bytes(28_800) == "28800 bytes (28.1 KiB)")
        #expect(HostBudgetRefusal.bytes(13_615_003_648) == "13615003648 bytes (12.7 GiB)")
        #expect(budget.held == 600)

        // A queue grows by update (checked) and set (measured), and shrinks.
        let queue = budget.hold(0, for: "a queue")
        try queue.update(to: 400, by: "op")
        #expect(throws: HostBudgetRefusal.self) { try queue.update(to: 401, by: "op") }
        #expect(queue.bytes == 400 && budget.held == 1_000)
        queue.set(450)                                   // bytes already held: counted, never refused
        #expect(budget.held == 1_050 && budget.room == 0 && budget.peak == 1_050)
        #expect(throws: HostBudgetRefusal.self) { try queue.check(growingBy: 1, by: "op") }
        queue.set(0)
        first = nil
        #expect(budget.held == 0 && budget.room == 1_000 && first == nil)
        #expect(budget.peak == 1_050)
    }

    @Test func threadOwnersAreCappedPerKindAndFreedWithTheirCharge() throws {
        let budget = HostBudget(limit: .max)
        var demuxers: [HostCharge] = []
        for _ in 0..<HostBudget.maxLiveByteFedDemuxers {
            demuxers.append(try budget.charge(1, for: "a byte-fed demuxer", by: "[constructor]demuxer", owner: .byteFedDemuxer))
        }
        let refusal = try #require(throws: HostBudgetRefusal.self) {
            try budget.charge(1, for: "a byte-fed demuxer", by: "[constructor]demuxer", owner: .byteFedDemuxer)
        }
        #expect(refusal.description == "[constructor]demuxer: this guest already has 16 live byte-fed demuxers (each runs a host thread), the most one instance may have; drop one first")
        // Codecs have their own cap.
        _ = try budget.charge(1, for: "a codec", by: "op", owner: .codec)
        demuxers.removeLast()
        #expect(budget.liveCount(.byteFedDemuxer) == 15)
        _ = try budget.charge(1, for: "a byte-fed demuxer", by: "[constructor]demuxer", owner: .byteFedDemuxer)
        #expect(HostBudget.codecThreads >= 1 && HostBudget.codecThreads <= 4)
    }

    @Test(arguments: testedEngines)
    func everyMediaBufferInTheTableCountsAgainstTheOneBudget(engineName: String) throws {
        let guest = try Self.attacker(engineName, hostMemory: 64 << 20)
        let budget = guest.state.hostBudget
        // A buffer the host gives the guest counts too.
        _ = try guest.state.issueBuffer(MediaBuffer(count: 16 << 20, planes: []))
        #expect(budget.held == 16 << 20)
        var handles: [WasmValue] = []
        for _ in 0..<6 { handles.append(try guest.call("buffer", [.i64(8 << 20)])[0]) }
        #expect(budget.held == 64 << 20)
        try guest.call("drop-buffer", [handles.removeLast()])
        #expect(budget.held == 56 << 20)
        let refused = try Self.trap { _ = try guest.call("buffer", [.i64(9 << 20)]) }
        #expect(refused.field == "[constructor]media-buffer")
        #expect(refused.message.contains("9437184 bytes (9.00 MiB) more for a media-buffer would pass this guest's host-memory limit of 67108864 bytes (64.0 MiB)"))
        #expect(refused.message.contains("the host already holds 58720256 bytes"))
    }

    // MARK: - Finding 5: the mixer

    @Test(arguments: testedEngines)
    func oneHertzAudioIsNotResampledInto768kHz(engineName: String) throws {
        let guest = try Self.attacker(engineName)
        try Self.bounded(guest) {
            let context = try guest.call("context", [.i32(768_000), .i32(1)])[0]
            #expect(try guest.call("track", [context, .i32(1)])[0].u32 == 0)
            // 64 frames at 1 Hz would be 49 million at 768 kHz: 196 MB, four times over on its way into the queue.
            let small = try guest.call("buffer", [.i64(64 * 4)])[0]
            #expect(try guest.call("submit", [context, .i32(1), small, .i32(1), .i32(1)])[0].u32 == 1)
            let budgetRefusal = try #require(try Self.failure(guest))
            Self.report("mixer ratio: \(budgetRefusal.message)")
            #expect(budgetRefusal.code == .outOfBounds)
            #expect(budgetRefusal.message.hasPrefix("[method]audio-context.submit-audio: "))
            #expect(budgetRefusal.message.contains("host-memory limit of 67108864 bytes"))
            #expect(budgetRefusal.message.contains("more for resampled audio waiting to be mixed (read-master-output): 64 frames at 1 Hz resampled to 49152257 frames at 768000 Hz, and the copies made on the way, would pass"))
            // 16,384 frames would be 12.6 billion: more than any submit may become.
            let large = try guest.call("buffer", [.i64(16_384 * 4)])[0]
            #expect(try guest.call("submit", [context, .i32(1), large, .i32(1), .i32(1)])[0].u32 == 1)
            let capRefusal = try #require(try Self.failure(guest))
            #expect(capRefusal.code == .outOfBounds)
            #expect(capRefusal.message.contains("more than the 67108864 frames one submit may become"))
            // The same resampling in an audio encoder is refused the same way.
            let encoder = try guest.call("audio-encoder", [.i32(1), .i32(48_000), .i32(2)])[0]   // opus
            let audio = try guest.call("buffer", [.i64(4_096 * 4)])[0]
            #expect(try guest.call("audio-encode", [encoder, audio, .i32(1), .i32(1)])[0].u32 == 1)
            let encoderRefusal = try #require(try Self.failure(guest))
            #expect(encoderRefusal.code == .outOfBounds)
            #expect(encoderRefusal.message.hasPrefix("[method]audio-encoder.encode: "))
        }
        #expect(guest.poisonedBy == nil)
    }

    @Test(arguments: testedEngines)
    func aTrackHeldBackByASilentOneStopsAtTheBudget(engineName: String) throws {
        let guest = try Self.attacker(engineName, hostMemory: 16 << 20)
        let budget = guest.state.hostBudget
        var accepted = 0
        try Self.bounded(guest) {
            let context = try guest.call("context", [.i32(48_000), .i32(1)])[0]
            #expect(try guest.call("track", [context, .i32(1)])[0].u32 == 0)
            #expect(try guest.call("track", [context, .i32(2)])[0].u32 == 0)     // never gets audio
            // One second at a time into track 1: the mix waits for track 2 and nothing comes out.
            while accepted < 1_000 {
                let second = try guest.call("buffer", [.i64(48_000 * 4)])[0]
                guard try guest.call("submit", [context, .i32(1), second, .i32(48_000), .i32(1)])[0].u32 == 0 else { break }
                #expect(try guest.call("read", [context])[0].u32 == 0)
                accepted += 1
            }
            let refusal = try #require(try Self.failure(guest))
            Self.report("held back: \(accepted) s accepted; \(refusal.message)")
            #expect(refusal.code == .outOfBounds)
            #expect(refusal.message.hasPrefix("[method]audio-context.submit-audio: "))
            #expect(refusal.message.contains("more for resampled audio waiting to be mixed (read-master-output): 48000 frames at 48000 Hz resampled to 48257 frames at 48000 Hz, and the copies made on the way, would pass"))
            #expect(refusal.message.contains("would pass this guest's host-memory limit of 16777216 bytes (16.0 MiB)"))
            #expect(refusal.message.contains("track 2 holds the mix back: submit audio to it or end it"))
            // Ending track 2 lets the mix through, and the queue drains.
            #expect(try guest.call("end", [context, .i32(2)])[0].u32 == 0)
            #expect(try guest.call("read", [context])[0].u32 == 1)
        }
        #expect(accepted > 50 && accepted < 88, "\(accepted) seconds were queued")   // 88 s of mono floats are 16 MiB
        #expect(budget.held < 8 << 20)
    }

    // MARK: - Finding 5: containers

    /// The spilled (self, track-info) tuple of `add-track` for an Opus track `id`.
    static func opusTrack(_ guest: any WasmInstance, muxer: WasmValue, id: UInt32) throws -> UInt32 {
        let memory = try #require(guest.memory)
        let codec = try guest.lower(string: "opus")
        let head = try MediaFFmpeg.AudioEncoder(config: AudioEncoderConfig(codec: .opus, sampleRate: 48_000, channels: 2)).parameters.extradata
        let description = try guest.lower(bytes: head)
        let tuple = try guest.allocate(size: 112, alignment: 8)
        try memory.write([UInt8](repeating: 0, count: 112), at: tuple)
        try memory.store(muxer.u32!, at: tuple)
        try memory.store(id, at: tuple + 8)
        try memory.store(codec.pointer, at: tuple + 12)
        try memory.store(codec.length, at: tuple + 16)
        try memory.store(UInt8(1), at: tuple + 64)                      // audio-config: some
        try memory.store(UInt8(1), at: tuple + 68)                      // opus
        try memory.store(UInt32(48_000), at: tuple + 72)
        try memory.store(UInt8(2), at: tuple + 76)
        try memory.store(UInt8(1), at: tuple + 80)                      // description: some
        try memory.store(description.pointer, at: tuple + 84)
        try memory.store(description.length, at: tuple + 88)
        return tuple
    }

    @Test(arguments: testedEngines)
    func muxerOutputNeverCollectedStopsAtTheBudget(engineName: String) throws {
        let guest = try Self.attacker(engineName)
        let budget = guest.state.hostBudget
        var written = 0
        try Self.bounded(guest) {
            let muxer = try guest.call("muxer", [.i32(1)])[0]             // mkv, in memory
            #expect(try guest.call("add-track", [.i32(try Self.opusTrack(guest, muxer: muxer, id: 1))])[0].u32 == 0)
            let chunk = try guest.lower(bytes: [UInt8](repeating: 0x5A, count: Self.megabyte))
            while written < 1_000 {
                let status = try guest.call("write", [muxer, .i32(1), .i32(chunk.pointer), .i32(chunk.length),
                                                      .i64(UInt64(written) * 20_000)])[0]
                guard status.u32 == 0 else { break }
                written += 1
            }
            let refusal = try #require(try Self.failure(guest))
            Self.report("muxer: \(written) chunks; \(refusal.message)")
            #expect(refusal.code == .outOfBounds)
            #expect(refusal.message.hasPrefix("[method]muxer.write-chunk: 2097152 bytes (2.00 MiB) more for muxer output not yet collected"))
            #expect(refusal.message.contains("collect the output (get-output-bytes) first"))
            try guest.call("drop-muxer", [muxer])
        }
        #expect(written > 20 && written < 64, "\(written) chunks of 1 MiB were written")
        #expect(budget.held == 0)
    }

    @Test(arguments: testedEngines)
    func aByteFedDemuxerKeepsNoMoreThanTheBudget(engineName: String) throws {
        let guest = try Self.attacker(engineName)
        let budget = guest.state.hostBudget
        var appended = 0
        try Self.bounded(guest) {
            let demuxer = try guest.call("demuxer", [])[0]
            let piece = try guest.lower(bytes: [UInt8](repeating: 0x47, count: Self.megabyte))
            while appended < 1_000 {
                guard try guest.call("append", [demuxer, .i32(piece.pointer), .i32(piece.length)])[0].u32 == 0 else { break }
                appended += 1
            }
            let refusal = try #require(try Self.failure(guest))
            Self.report("demuxer: \(appended) MiB; \(refusal.message)")
            #expect(refusal.code == .outOfBounds)
            #expect(refusal.message.hasPrefix("[method]demuxer.append-bytes: 1048576 bytes (1.00 MiB) more for demuxer input kept for seeking"))
            #expect(refusal.message.contains("a byte-fed demuxer keeps every appended byte"))
            try guest.call("drop-demuxer", [demuxer])
        }
        #expect(appended == 60, "\(appended) MiB were appended")   // 64 MiB less the demuxer's 4 MiB
        #expect(budget.held == 0)
    }

    @Test func chunksReadAheadForOtherTracksStopAtTheQueueLimit() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("budget-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var settings = TestClip.Settings()
        settings.seconds = 1
        settings.width = 160
        settings.height = 120
        try TestClip.write(to: directory + "/clip.mkv", settings)
        let demuxer = try Demuxer(url: directory + "/clip.mkv")
        let stream = StreamingDemuxer()
        stream.append(try Data(contentsOf: URL(fileURLWithPath: directory + "/clip.mkv")))
        stream.finish()
        let audio = try #require(demuxer.tracks.first { $0.kind == .audio }).id
        #expect(try stream.tracks().count == 2)
        // Reading only audio queues the video; with no room, the second video chunk read ahead stops it.
        demuxer.queueByteLimit = 0
        stream.queueByteLimit = 0
        for reader in [{ try demuxer.readChunk(trackId: audio) }, { try stream.readChunk(trackId: audio) }] {
            let error = try #require(throws: MediaError.self) { while try reader() != nil {} }
            #expect(error.code == .failed)
            #expect(error.message.contains("more than the 0 this demuxer may keep; read them in container order (read-next-chunk) first"))
        }
        #expect(demuxer.queuedByteCount > 0 && stream.queuedByteCount > 0)
        _ = try demuxer.readNext()
        _ = try stream.readNext()
        #expect(demuxer.queuedByteCount == 0 && stream.queuedByteCount == 0)
    }

    // MARK: - Finding 5: codecs

    /// `count` bytes of noise (xorshift, so that debug builds make it fast).
    static func noise(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state >> 24)
        }
    }

    /// One h264 keyframe of `width` x `height` and its description (avcC).
    static func keyframe(width: Int, height: Int) throws -> (chunk: EncodedChunk, description: [UInt8]) {
        let config = VideoEncoderConfig(codec: .h264, width: width, height: height, preset: "ultrafast")
        let encoder = try MediaFFmpeg.VideoEncoder(config: config, threadCount: 1)
        let bytes = noise(PixelFormat.yuv420p.byteCount(width: width, height: height))
        let frame = try VideoFrame(bytes: bytes, format: .yuv420p, width: width, height: height, timestampUs: 0)
        try encoder.encode(frame, forceKeyframe: true)
        try encoder.flush()
        let chunk = try #require(encoder.takeEncodedChunks().first)
        #expect(chunk.isKeyframe)
        return (chunk, encoder.parameters.extradata)
    }

    @Test(arguments: testedEngines)
    func aDecoderFedOneKeyframeOverAndOverStopsAtTheBudget(engineName: String) throws {
        let (chunk, description) = try Self.keyframe(width: 640, height: 480)
        let guest = try Self.attacker(engineName)
        let budget = guest.state.hostBudget
        var decoded = 0
        try Self.bounded(guest) {
            let avcC = try guest.lower(bytes: description)
            let data = try guest.lower(bytes: chunk.data)
            // h264, declared 640x480, frames as rgba8888.
            let decoder = try guest.call("decoder", [.i32(0), .i32(avcC.pointer), .i32(avcC.length), .i32(1), .i32(640), .i32(480), .i32(0)])[0]
            func decode() throws -> UInt32 {
                try guest.call("decode", [decoder, .i32(data.pointer), .i32(data.length), .i64(UInt64(decoded) * 33_333)])[0].u32!
            }
            while decoded < 200 {
                guard try decode() == 0 else { break }
                decoded += 1
            }
            let refusal = try #require(try Self.failure(guest))
            Self.report("decoder: \(decoded) frames; \(refusal.message)")
            #expect(refusal.code == .outOfBounds)
            #expect(refusal.message.hasPrefix("[method]video-decoder.decode: \(1_228_800 + chunk.data.count) bytes"))
            #expect(refusal.message.contains("more for decoded frames waiting for get-decoded-frames, and the input held while the codec works on it would pass this guest's host-memory limit of 67108864 bytes (64.0 MiB)"))
            #expect(refusal.message.contains("take the decoded frames (get-decoded-frames) and drop their media-buffers first"))
            // Taking the frames and dropping them makes room again.
            #expect(try guest.call("take-frames", [decoder])[0].u32! > 30)
            #expect(try decode() == 0)
        }
        #expect(decoded > 30 && decoded < 50, "\(decoded) frames were queued")
        #expect(budget.held < 64 << 20)
    }

    @Test(arguments: testedEngines)
    func aDecoderRefusesFramesLargerThanItWasBudgetedFor(engineName: String) throws {
        let (chunk, description) = try Self.keyframe(width: 1280, height: 720)
        let guest = try Self.attacker(engineName)
        try Self.bounded(guest) {
            let avcC = try guest.lower(bytes: description)
            let data = try guest.lower(bytes: chunk.data)
            // Declared 320x240: a 1280x720 keyframe does not decode, and nothing is held for it.
            let decoder = try guest.call("decoder", [.i32(0), .i32(avcC.pointer), .i32(avcC.length), .i32(1), .i32(320), .i32(240), .i32(2)])[0]
            let held = guest.state.hostBudget.held
            var refused = 0
            for index in 0..<20 {
                refused += Int(try guest.call("decode", [decoder, .i32(data.pointer), .i32(data.length), .i64(UInt64(index) * 33_333)])[0].u32!)
            }
            // Threaded decoding reports the first chunk's failure with the second.
            #expect(refused >= 19)
            let refusal = try #require(try Self.failure(guest))
            #expect(refusal.message.contains("more than the 164864 pixels this decoder may decode"))
            #expect(try guest.call("take-frames", [decoder])[0].u32 == 0)
            #expect(guest.state.hostBudget.held == held)
        }
        // A decoder for 4K frames costs more than 64 MiB: refused before it opens.
        let refused = try Self.trap {
            _ = try guest.call("decoder", [.i32(0), .i32(0), .i32(0), .i32(1), .i32(3840), .i32(2160), .i32(2)])
        }
        #expect(refused.field == "[constructor]video-decoder")
        #expect(refused.message.contains("more for a decoder for h264 frames up to 3840x2160"))
    }

    @Test(arguments: testedEngines)
    func encodedChunksNeverTakenStopAtTheBudget(engineName: String) throws {
        let config = VideoEncoderConfig(codec: .h264, width: 160, height: 120)
        let size = 160 * 120 * 3 / 2
        // Room for the encoder and 2 MiB of chunks.
        let guest = try Self.attacker(engineName, hostMemory: HostCosts.videoEncoder(config, threads: HostBudget.codecThreads) + (2 << 20))
        var encoded = 0
        try Self.bounded(guest, slack: 256 << 10) {
            let encoder = try guest.call("encoder", [.i32(0), .i32(160), .i32(120)])[0]
            // Noise, a different frame each time (a window sliding over twice a frame of it).
            let noise = try guest.lower(bytes: Self.noise(2 * size))
            func frame() throws -> WasmValue {
                let offset = UInt32(encoded * 7_919 % size)
                return try guest.call("filled", [.i32(noise.pointer + offset), .i32(UInt32(size))])[0]
            }
            while encoded < 1_000 {
                let frame = try frame()
                guard try guest.call("encode", [encoder, frame, .i32(160), .i32(120), .i64(UInt64(encoded) * 33_333)])[0].u32 == 0 else { break }
                encoded += 1
            }
            let refusal = try #require(try Self.failure(guest))
            Self.report("encoder: \(encoded) frames; \(refusal.message)")
            #expect(refusal.code == .outOfBounds)
            #expect(refusal.message.hasPrefix("[method]video-encoder.encode: 57600 bytes (56.2 KiB) more for encoded chunks waiting for get-encoded-chunks, and the input held while the codec works on it"))
            #expect(refusal.message.hasSuffix("take the encoded chunks (get-encoded-chunks) first"))
            #expect(try guest.call("chunks", [encoder])[0].u32! > 0)
            #expect(try guest.call("encode", [encoder, try frame(), .i32(160), .i32(120), .i64(UInt64(encoded) * 33_333)])[0].u32 == 0)
        }
        #expect(encoded > 10 && encoded < 500, "\(encoded) frames were encoded")
    }

    @Test(arguments: testedEngines)
    func anEncoderAt8192x8192IsRefusedBeforeItOpens(engineName: String) throws {
        // The default budget (1 GiB): an 8192x8192 VP9 or AV1 encoder holds far more.
        let guest = try Self.attacker(engineName, hostMemory: WasmLimits.defaultHostMemory)
        try Self.withOwnThreadName { name in try Self.bounded(guest) {
            for codec: UInt32 in [2, 3] {                                  // av1, vp9
                #expect(try guest.call("query", [.i32(codec), .i32(8192), .i32(8192)])[0].u32 == 0)
            }
            // Nothing opened: no codec threads (a few of the runtime's own may start from this thread).
            #expect(Self.threadsStarted(under: name) <= 8)
            for codec: UInt32 in [2, 3] {
                let attacker = try Self.attacker(engineName, hostMemory: WasmLimits.defaultHostMemory)
                let refused = try Self.trap { _ = try attacker.call("encoder", [.i32(codec), .i32(8192), .i32(8192)]) }
                #expect(refused.field == "[constructor]video-encoder")
                Self.report("8192: \(refused.message)")
                #expect(refused.message.contains("more for an encoder for \(codec == 2 ? "av1" : "vp9") at 8192x8192 (estimated as"))
                #expect(refused.message.contains("would pass this guest's host-memory limit of 1073741824 bytes"))
            }
            #expect(Self.threadsStarted(under: name) <= 8)
        } }
    }

    @Test(arguments: testedEngines)
    func anAV1EncoderRunsAFewThreads(engineName: String) throws {
        let guest = try Self.attacker(engineName, hostMemory: WasmLimits.defaultHostMemory)
        let (encoder, started) = try Self.withOwnThreadName { name in
            (try guest.call("encoder", [.i32(2), .i32(320), .i32(240)])[0], Self.threadsStarted(under: name))
        }
        Self.report("AV1 encoder started \(started) threads")
        // SVT-AV1 starts about 45 threads per core it is told it may use (91 on 2 cores, hundreds on large machines);
        // a guest's gets one.
        #expect(started < 40, "an AV1 encoder started \(started) threads")
        // Its threads are counted by the name they inherit: some must have been seen.
        #expect(started > 0, "no thread inherited this thread's name")
        #expect(encoder.u32 != 0)
    }

    @Test(arguments: testedEngines)
    func twentyH264EncodersAt4096x4096AreRefused(engineName: String) throws {
        let big = try Self.attacker(engineName, hostMemory: WasmLimits.defaultHostMemory)
        try Self.withOwnThreadName { name in
            try Self.bounded(big) {
                let refused = try Self.trap { _ = try big.call("encoder", [.i32(0), .i32(4096), .i32(4096)]) }
                #expect(refused.field == "[constructor]video-encoder")
                #expect(refused.message.contains("an encoder for h264 at 4096x4096"))
            }
            #expect(Self.threadsStarted(under: name) <= 8)
        }
        // Small ones stop at the live-codec cap.
        let small = try Self.attacker(engineName, hostMemory: WasmLimits.defaultHostMemory)
        var opened = 0
        let refused = try Self.trap {
            while opened < 20 {
                _ = try small.call("encoder", [.i32(0), .i32(64), .i32(64)])
                opened += 1
            }
        }
        #expect(opened == HostBudget.maxLiveCodecs)
        #expect(refused.message.contains("[constructor]video-encoder: this guest already has 16 live codecs (each runs its own codec threads), the most one instance may have"))
    }

    // MARK: - Finding 8: threads

    @Test(arguments: testedEngines)
    func byteFedDemuxersStopAtTheCapAndDroppingEndsTheirThreads(engineName: String) throws {
        var guest: (any WasmInstance)? = try Self.attacker(engineName, hostMemory: 256 << 20)
        let demuxerThreads = guest!.state.demuxerThreadName
        let (refused, others) = try Self.withOwnThreadName { name in
            (try Self.trap { _ = try guest!.call("demuxers", [.i32(100)]) }, Self.threadsStarted(under: name))
        }
        #expect(refused.field == "[constructor]demuxer")
        #expect(refused.message.contains("this guest already has 16 live byte-fed demuxers (each runs a host thread)"))
        let made = try #require(guest!.memory).load(UInt32.self, at: 700)
        #expect(made == 16)
        #expect(Self.threads(named: demuxerThreads) == 16)
        #expect(others <= 8, "\(others) other threads")
        Self.report("demuxers: \(made) made, \(Self.threads(named: demuxerThreads)) demuxer threads, \(others) others; \(refused.message)")
        #expect(guest!.state.hostBudget.liveCount(.byteFedDemuxer) == 16)
        // Dropping the instance drops its demuxers, and each joins its thread.
        guest = nil
        #expect(Self.threads(named: demuxerThreads) == 0)
    }

    @Test(arguments: testedEngines)
    func droppingADemuxerEndsItsThread(engineName: String) throws {
        let guest = try Self.attacker(engineName)
        let demuxerThreads = guest.state.demuxerThreadName
        let demuxer = try guest.call("demuxer", [])[0]
        #expect(Self.threads(named: demuxerThreads) == 1)
        try guest.call("drop-demuxer", [demuxer])
        #expect(Self.threads(named: demuxerThreads) == 0)
        #expect(guest.state.hostBudget.liveCount(.byteFedDemuxer) == 0)
        #expect(guest.state.hostBudget.held == 0)
    }

    @Test func aDemuxerWhoseThreadDoesNotStartFailsInsteadOfWaiting() throws {
        // A stack larger than the address space: pthread_create fails.
        let demuxer = StreamingDemuxer(label: "test", options: [:], threadStackSize: 1 << 50)
        let failure = try #require(demuxer.startFailure)
        #expect(failure.code == .failed)
        #expect(failure.message.hasPrefix("the system refused a new thread: "))
        demuxer.append([1, 2, 3])
        #expect(demuxer.appendedByteCount == 0)
        #expect(throws: MediaError.self) { _ = try demuxer.tracks() }
        #expect(throws: MediaError.self) { _ = try demuxer.readChunk(trackId: 0) }
        #expect(throws: MediaError.self) { _ = try demuxer.readNext() }
        #expect(throws: MediaError.self) { try demuxer.seek(toUs: 0) }
        #expect(!demuxer.needsMoreBytes)
    }
}
