import Foundation
import Testing
import MediaTestWatchdog
import MediaCore
import MediaFFmpeg
import MediaTestSupport
@testable import MediaWasm
#if canImport(Glibc)
import Glibc
#endif

/// Attacks on a media-app guest's file and URL grants, each made by a WAT
/// guest calling `[static]demuxer.open` and `[static]muxer.create` with the
/// path an attacker would pass. Every attack must end in a clean
/// `media-error` (no trap) and leave the disk outside the grant untouched.
///
/// The directories are made and inspected through the C library with the
/// exact bytes of each name, never through Foundation, so that no layer
/// normalises a name on the way.
@Suite(.timeLimit(.minutes(5)), .watchdog) struct SandboxPathTests {
    static let attacker = """
    (module
      (import "wasi:media/container@0.1.0-draft" "[static]demuxer.open" (func $open (param i32 i32 i32)))
      (import "wasi:media/container@0.1.0-draft" "[static]muxer.create" (func $create (param i32 i32 i32 i32)))
      (memory (export "memory") 4)
      \(bumpAllocator)
      ;; Each returns the result's case (0 ok, 1 error); the result stays at 512.
      (func (export "open") (param $ptr i32) (param $len i32) (result i32)
        (call $open (local.get $ptr) (local.get $len) (i32.const 512))
        (i32.load8_u (i32.const 512)))
      (func (export "create") (param $ptr i32) (param $len i32) (result i32)
        (call $create (local.get $ptr) (local.get $len) (i32.const 3) (i32.const 512))   ;; container-format ts
        (i32.load8_u (i32.const 512)))
    )
    """

    /// The attacker guest on one engine, with `files` granted.
    struct Guest {
        let instance: any WasmInstance

        init(_ engineName: String, _ files: FileAccess) throws {
            let host = MediaAppHost(files: files)
            let module = try engine(engineName).compile(try wasm(SandboxPathTests.attacker), requiredExports: [], host: host.imports)
            instance = try module.instantiate(host: host.imports, grants: host.allGrants)
        }

        /// `demuxer.open(path)`: nil when it opened, else the `media-error`.
        func open(_ path: String) throws -> Failure? { try call("open", Array(path.utf8)) }
        /// `muxer.create(path, ts)`: nil when it created, else the `media-error`.
        func create(_ path: String) throws -> Failure? { try call("create", Array(path.utf8)) }

        func call(_ function: String, _ path: [UInt8]) throws -> Failure? {
            let lowered = try instance.lower(bytes: path)
            guard try instance.call(function, [.i32(lowered.pointer), .i32(lowered.length)])[0].u32 == 1 else { return nil }
            let memory = try #require(instance.memory)
            let message = try memory.readString(at: try memory.load(UInt32.self, at: 520), byteCount: try memory.load(UInt32.self, at: 524))
            return Failure(code: try #require(WITErrorCode(rawValue: try memory.load(UInt8.self, at: 516))), message: message)
        }
    }

    struct Failure: CustomStringConvertible {
        var code: WITErrorCode
        var message: String
        var description: String { "\(code): \(message)" }
    }

    // MARK: - Finding 3: a `/` followed by a combining mark

    @Test(arguments: testedEngines)
    func dotDotThenACombiningMarkStaysInsideTheGrant(engineName: String) throws {
        let root = try Disk.temporaryDirectory("sandbox-dots")
        let grant = root + "/grant"
        try Disk.makeDirectory(grant)
        try Disk.write(try Disk.clip(), to: root + "/\u{301}secret.ts")
        var files = FileAccess()
        try files.grant(directory: grant, writable: true)
        let guest = try Guest(engineName, files)

        // `/` + U+0301 is one Swift Character: a Character-wise split never saw this `..`.
        for path in [grant + "/../\u{301}name.ts", grant + "/./../\u{301}/name.ts"] {
            let failure = try #require(try guest.create(path), "\(path) was created")
            #expect(failure.code == .accessDenied, "\(failure)")
            #expect(failure.message.contains(path), "\(failure)")
        }
        let read = try #require(try guest.open(grant + "/../\u{301}secret.ts"), "a file outside the grant was opened")
        #expect(read.code == .accessDenied, "\(read)")
        #expect(Disk.entries(root) == Disk.names(["grant", "\u{301}secret.ts"]))

        // The same name inside the grant is the guest's to use.
        #expect(try guest.create(grant + "/\u{301}name.ts") == nil)
        #expect(Disk.entries(grant) == Disk.names(["\u{301}name.ts"]))
    }

    @Test(arguments: testedEngines)
    func aLinkOutThenACombiningMarkStaysInsideTheGrant(engineName: String) throws {
        let root = try Disk.temporaryDirectory("sandbox-link")
        let grant = root + "/grant", outside = root + "/outside"
        try Disk.makeDirectory(grant)
        try Disk.makeDirectory(outside)
        try Disk.link(grant + "/link-to-outside", to: outside)
        try Disk.write(try Disk.clip(), to: outside + "/\u{301}secret.ts")
        var files = FileAccess()
        try files.grant(directory: grant, writable: true)
        let guest = try Guest(engineName, files)

        let path = grant + "/link-to-outside/\u{301}name.ts"
        let failure = try #require(try guest.create(path), "\(path) was created")
        #expect(failure.code == .accessDenied, "\(failure)")
        #expect(failure.message.contains(path), "\(failure)")
        let read = try #require(try guest.open(grant + "/link-to-outside/\u{301}secret.ts"), "a file outside the grant was opened")
        #expect(read.code == .accessDenied, "\(read)")
        #expect(Disk.entries(outside) == Disk.names(["\u{301}secret.ts"]))
    }

    // MARK: - Finding 4: canonically equivalent names are different directories

    @Test(arguments: testedEngines)
    func anNFCGrantDoesNotAdmitItsNFDSibling(engineName: String) throws {
        let root = try Disk.temporaryDirectory("sandbox-nfd")
        let nfc = root + "/caf\u{E9}", nfd = root + "/cafe\u{301}"
        #expect(nfc == nfd)                                // equal as Swift Strings…
        #expect(Array(nfc.utf8) != Array(nfd.utf8))        // …not as paths
        try Disk.makeDirectory(nfc)
        try Disk.makeDirectory(nfd)
        #expect(Disk.entries(root).count == 2)
        let clip = try Disk.clip()
        try Disk.write(clip, to: nfc + "/inside.ts")
        try Disk.write(clip, to: nfd + "/secret.ts")
        var files = FileAccess()
        try files.grant(directory: nfc, writable: true)
        let guest = try Guest(engineName, files)

        for path in [nfd + "/secret.ts", nfd + "/new.ts"] {
            let read = try #require(try guest.open(path), "\(path) was opened")
            #expect(read.code == .accessDenied, "\(read)")
            #expect(read.message.contains(path), "\(read)")
        }
        let write = try #require(try guest.create(nfd + "/new.ts"), "a file was created in the NFD sibling")
        #expect(write.code == .accessDenied, "\(write)")
        #expect(Disk.entries(nfd) == Disk.names(["secret.ts"]))
        #expect(Disk.bytes(nfd + "/secret.ts") == clip)

        // The granted spelling works.
        #expect(try guest.open(nfc + "/inside.ts") == nil)
        #expect(try guest.create(nfc + "/new.ts") == nil)
        #expect(Disk.entries(nfc) == Disk.names(["inside.ts", "new.ts"]))
    }

    // MARK: - What held in review still holds

    @Test(arguments: testedEngines)
    func theRefusalsThatHeldStillHold(engineName: String) throws {
        let root = try Disk.temporaryDirectory("sandbox-held")
        let grant = root + "/grant", outside = root + "/outside", readOnly = root + "/read-only"
        for directory in [grant, outside, readOnly] { try Disk.makeDirectory(directory) }
        let clip = try Disk.clip()
        try Disk.write(clip, to: outside + "/secret.ts")
        try Disk.write(clip, to: readOnly + "/in.ts")
        try Disk.link(grant + "/out", to: outside)
        try Disk.link(grant + "/dangling", to: outside + "/made-through-a-dangling-link.ts")
        try Disk.link(grant + "/loop", to: grant + "/loop")
        try Disk.link(grant + "/magic", to: "/proc/self/root")
        var files = FileAccess()
        try files.grant(directory: grant, writable: true)
        try files.grant(directory: readOnly, writable: false)
        let guest = try Guest(engineName, files)

        let reads = ["/etc/hostname", grant + "/../outside/secret.ts", "/proc/self/root" + outside + "/secret.ts",
                     grant + "/out/secret.ts", grant + "/magic" + outside + "/secret.ts", grant + "/loop",
                     "https://example.com/a.ts"]
        for path in reads {
            let failure = try #require(try guest.open(path), "\(path) was opened")
            #expect(failure.code == .accessDenied, "\(failure)")
            #expect(failure.message.contains(path), "\(failure)")
        }
        let writes = [grant + "/../outside/new.ts", grant + "/out/new.ts", grant + "/dangling",
                      grant + "/magic" + outside + "/new.ts", "/proc/self/root" + outside + "/new.ts", readOnly + "/new.ts",
                      "file://" + grant + "/new.ts", "https://example.com/new.ts"]
        for path in writes {
            let failure = try #require(try guest.create(path), "\(path) was created")
            #expect(failure.code == .accessDenied, "\(failure)")
            #expect(failure.message.contains(path), "\(failure)")
        }
        for bad in ["", grant + "/a\u{0}.ts"] {
            #expect(try guest.create(bad)?.code == .invalidArgument, "\(bad.debugDescription)")
        }
        // Reading the read-only grant is fine.
        #expect(try guest.open(readOnly + "/in.ts") == nil)
        // Bytes that are not UTF-8 are not a string: the guest traps (the instance is done).
        let error = try #require(wasmError { _ = try guest.call("create", Array((grant + "/").utf8) + [0xFF, 0x2E, 0x74, 0x73]) })
        if case .guestFault(.invalidUTF8) = error.trapReport?.reason {} else {
            Issue.record("expected an invalid-UTF-8 fault, got \(error)")
        }
        #expect(Disk.entries(outside) == Disk.names(["secret.ts"]))
        #expect(Disk.entries(readOnly) == Disk.names(["in.ts"]))
        #expect(Disk.entries(grant) == Disk.names(["out", "dangling", "loop", "magic"]))
    }

    // MARK: - Finding 9: URLs FFmpeg opens on the guest's behalf

    /// A server whose `allowed/` holds a segment and playlists, and whose
    /// `private/` and `allowed-other/` hold segments the guest must not get.
    struct Site {
        let root: String
        let server: LoopbackHTTPServer
        let log: String

        init(redirects: [String: String] = [:]) throws {
            root = try Disk.temporaryDirectory("sandbox-site")
            log = try Disk.temporaryDirectory("sandbox-log") + "/requests"
            for directory in ["allowed", "private", "allowed-other"] { try Disk.makeDirectory(root + "/" + directory) }
            let clip = try Disk.clip()
            for path in ["allowed/seg.ts", "private/seg.ts", "allowed-other/seg.ts"] { try Disk.write(clip, to: root + "/" + path) }
            server = try LoopbackHTTPServer(serving: root, requestLog: log, redirects: redirects)
        }

        /// Writes `allowed/NAME` listing `segment`.
        func playlist(_ name: String, segment: String) throws {
            let text = """
                #EXTM3U
                #EXT-X-VERSION:3
                #EXT-X-TARGETDURATION:1
                #EXT-X-MEDIA-SEQUENCE:0
                #EXTINF:0.5,
                \(segment)
                #EXT-X-ENDLIST

                """
            try Disk.write(Array(text.utf8), to: root + "/allowed/" + name)
        }

        /// The paths requested that are outside `allowed/`.
        var requestsOutside: [String] { server.requestedPaths().filter { !$0.hasPrefix("/allowed/") } }
    }

    @Test(arguments: testedEngines)
    func aPlaylistSegmentOutsideTheURLGrantIsNeverFetched(engineName: String) throws {
        let site = try Site()
        let port = site.server.port
        try site.playlist("good.m3u8", segment: "seg.ts")
        let attacks = [
            "other.m3u8": "http://127.0.0.1:\(port)/private/seg.ts",
            "dots.m3u8": "../private/seg.ts",
            "absolute-dots.m3u8": "http://127.0.0.1:\(port)/allowed/../private/seg.ts",
            "encoded-dots.m3u8": "%2e%2e/private/seg.ts",
            "sibling.m3u8": "http://127.0.0.1:\(port)/allowed-other/seg.ts",
        ]
        for (name, segment) in attacks { try site.playlist(name, segment: segment) }
        var files = FileAccess()
        try files.grant(urlPrefix: site.server.url("allowed/"))
        let guest = try Guest(engineName, files)

        #expect(try guest.open(site.server.url("allowed/good.m3u8")) == nil)
        #expect(site.server.requestedPaths().contains("/allowed/seg.ts"))
        for name in attacks.keys.sorted() {
            let failure = try #require(try guest.open(site.server.url("allowed/" + name)), "\(name) opened")
            #expect(failure.code == .accessDenied, "\(name): \(failure)")
            // Named: the segment's URL, not the playlist's.
            #expect(failure.message.contains("seg.ts") && !failure.message.contains(name), "\(name): \(failure)")
            #expect(failure.message.contains("outside every URL prefix granted"), "\(name): \(failure)")
        }
        #expect(site.requestsOutside == [])
    }

    @Test(arguments: testedEngines)
    func urlTricksAreRefusedBeforeAnyRequest(engineName: String) throws {
        let site = try Site()
        let port = site.server.port
        var files = FileAccess()
        try files.grant(urlPrefix: site.server.url("allowed/"))
        // Prefixes a raw string match would have stretched: no port, no trailing slash.
        try files.grant(urlPrefix: "http://127.0.0.1")
        try files.grant(urlPrefix: "http://127.0.0.1:\(port)/allowed")
        let guest = try Guest(engineName, files)
        let attacks = [
            site.server.url("allowed/../private/seg.ts"),
            site.server.url("allowed/%2e%2e/private/seg.ts"),
            site.server.url("allowed/%2E%2E/%2e%2e/private/seg.ts"),
            site.server.url("allowed%2F..%2Fprivate/seg.ts"),
            site.server.url("allowed/..%2Fprivate/seg.ts"),
            site.server.url("allowed-other/seg.ts"),
            site.server.url("allowed//../../private/seg.ts"),
            "http://127.0.0.1:\(port)/private/seg.ts",               // "http://127.0.0.1" + ":port"
            "http://127.0.0.1@127.0.0.1:\(port)/private/seg.ts",     // "http://127.0.0.1" + "@host"
            "http://127.0.0.1:\(port)@127.0.0.1:\(port)/allowed/seg.ts",
            "HTTP://127.0.0.1:\(port)/allowed/../private/seg.ts",
        ]
        for url in attacks {
            let failure = try #require(try guest.open(url), "\(url) opened")
            #expect(failure.code == .accessDenied, "\(url): \(failure)")
            #expect(failure.message.contains(url), "\(url): \(failure)")
        }
        #expect(site.server.requestedPaths() == [])
        // Spellings of a granted URL open.
        for url in [site.server.url("allowed/seg.ts"), "http://127.0.0.1:\(port)/allowed/./x/../seg.ts",
                    "http://127.0.0.1:\(port)/allowed/%73eg.ts"] {
            #expect(try guest.open(url) == nil, "\(url)")
        }
        #expect(site.requestsOutside == [])
    }

    @Test(arguments: testedEngines)
    func aRedirectOutOfTheURLGrantIsRefused(engineName: String) throws {
        let site = try Site(redirects: ["/allowed/jump.ts": "/private/seg.ts", "/allowed/stay.ts": "/allowed/seg.ts"])
        try site.playlist("jumps.m3u8", segment: "jump.ts")
        var files = FileAccess()
        try files.grant(urlPrefix: site.server.url("allowed/"))
        let guest = try Guest(engineName, files)

        #expect(try guest.open(site.server.url("allowed/stay.ts")) == nil)
        for name in ["jump.ts", "jumps.m3u8"] {
            let failure = try #require(try guest.open(site.server.url("allowed/" + name)), "\(name) opened")
            #expect(failure.code == .accessDenied, "\(name): \(failure)")
            #expect(failure.message.contains(site.server.url("private/seg.ts")), "\(name): \(failure)")
        }
        // HTTP follows a redirect before FFmpeg sees where it leads: the
        // request outside was made, but nothing it returned reached the guest.
    }
}

/// The pieces of the sandbox checked one at a time.
@Suite(.timeLimit(.minutes(5)), .watchdog) struct SandboxPathUnitTests {
    @Test func pathsSplitAtEverySlashByte() throws {
        let root = try Disk.temporaryDirectory("sandbox-unit")
        let grant = root + "/grant"
        try Disk.makeDirectory(grant)
        let real = try #require(FileAccess.realPath(Array(root.utf8)))
        let resolved = try #require(FileAccess.resolveLikeKernel(Array((grant + "/../\u{301}name").utf8)))
        #expect(resolved == real + Array("/\u{301}name".utf8))
        #expect(FileAccess.relative(Array("/a/b".utf8), below: Array("/a".utf8)) == Array("b".utf8))
        #expect(FileAccess.relative(Array("/ab".utf8), below: Array("/a".utf8)) == nil)
        #expect(FileAccess.relative(Array("/a".utf8), below: Array("/a".utf8)) == [])
        #expect(FileAccess.relative(Array("/a/b".utf8), below: Array("/".utf8)) == Array("a/b".utf8))
        var files = FileAccess()
        try files.grant(directory: grant, writable: true)
        #expect(throws: AppABI.Failure.self) { try files.place(grant + "/../\u{301}name", for: .write) }
        #expect(try files.place(grant + "/\u{301}name", for: .write).relative == Array("\u{301}name".utf8))
    }

    @Test func grantsAreComparedAsBytes() throws {
        let root = try Disk.temporaryDirectory("sandbox-unit")
        for name in ["caf\u{E9}", "cafe\u{301}"] { try Disk.makeDirectory(root + "/" + name) }
        var files = FileAccess()
        try files.grant(directory: root + "/caf\u{E9}", writable: false)
        try files.grant(directory: root + "/cafe\u{301}", writable: true)
        #expect(files.directories.count == 2)
        #expect(files.directories.map(\.writable) == [false, true])
        // Each spelling finds its own grant.
        #expect(throws: AppABI.Failure.self) { try files.place(root + "/caf\u{E9}/x.ts", for: .write) }
        #expect(try files.place(root + "/cafe\u{301}/x.ts", for: .write).directory.pathBytes.suffix(6).elementsEqual(Array("cafe\u{301}".utf8)))
    }

    @Test(arguments: [BeneathOpen.Method.automatic, .walk])
    func openingBeneathADirectoryNeverFollowsALink(method: BeneathOpen.Method) throws {
        let root = try Disk.temporaryDirectory("sandbox-beneath")
        let grant = root + "/grant", outside = root + "/outside"
        for directory in [grant, grant + "/sub", outside] { try Disk.makeDirectory(directory) }
        try Disk.link(grant + "/out", to: outside)
        try Disk.link(grant + "/sub/file-link.ts", to: outside + "/target.ts")
        let directory = open(grant, BeneathOpen.pathOnly | O_DIRECTORY | O_CLOEXEC)
        try #require(directory >= 0)
        defer { close(directory) }

        func attempt(_ relative: String) -> Int32 {
            let fd = BeneathOpen.open(Array(relative.utf8), under: directory, for: .createOrTruncate, method: method)
            if fd >= 0 { close(fd) }
            return fd
        }
        #expect(attempt("out/new.ts") == -ELOOP)
        #expect(attempt("sub/file-link.ts") == -ELOOP)
        #expect(attempt("../outside/new.ts") == -EXDEV)
        #expect(attempt("missing/new.ts") == -ENOENT)
        #expect(attempt("sub/new.ts") >= 0)
        #expect(Disk.entries(outside) == [])
        #expect(Disk.entries(grant + "/sub") == Disk.names(["file-link.ts", "new.ts"]))
    }

    @Test func aLinkSwappedInAfterTheCheckIsNotFollowed() throws {
        let root = try Disk.temporaryDirectory("sandbox-race")
        let grant = root + "/grant", outside = root + "/outside"
        for directory in [grant, grant + "/sub", outside] { try Disk.makeDirectory(directory) }
        var files = FileAccess()
        try files.grant(directory: grant, writable: true)
        let placement = try files.place(grant + "/sub/new.ts", for: .write)
        // Between the check and the open, `sub` becomes a link out.
        #expect(rmdir(grant + "/sub") == 0)
        try Disk.link(grant + "/sub", to: outside)
        for method in [BeneathOpen.Method.automatic, .walk] {
            #expect(BeneathOpen.open(placement.relative, under: placement.directory.handle.descriptor,
                                     for: .createOrTruncate, method: method) == -ELOOP)
        }
        #expect(Disk.entries(outside) == [])
        // Through `open` the failure is access-denied, naming the path.
        let failure = FileAccess.openFailure(grant + "/sub/new.ts", errno: ELOOP, mode: .write)
        #expect(failure.code == .accessDenied && failure.message.hasPrefix(grant + "/sub/new.ts: access denied"))
    }

    // MARK: - URLs

    static func url(_ text: String) throws -> NormalizedURL { try NormalizedURL(text) }

    static func admits(_ grant: String, _ url: String) throws -> Bool {
        try Self.url(grant).admits(try Self.url(url))
    }

    @Test func urlsAreNormalisedBeforeMatching() throws {
        let u = try Self.url("HTTP://Example.COM/a/./b/../c/%7euser/%2e%2E/e")
        #expect(u.scheme == "http" && u.host == Array("example.com".utf8) && u.port == 80)
        #expect(u.description == "http://example.com:80/a/c/e")
        #expect(try Self.url("https://h").port == 443)
        #expect(try Self.url("rtsp://cam/s").port == 554)
        #expect(try Self.url("srt://h:9000").port == 9000)
        #expect(try Self.url("udp://h").port == nil)
        #expect(try Self.url("http://[::1]:8080/a").host == Array("[::1]".utf8))
        #expect(try Self.url("crypto+http://h/a").scheme == "http")
        #expect(try Self.url("http://h/a%41%2d%5F").segments == [Array("aA-_".utf8)])
        #expect(try Self.url("http://h/a%c3%a9").segments == [Array("a%C3%A9".utf8)])
    }

    @Test func dotSegmentsAndTheirEncodingsAreResolved() throws {
        let grant = "http://h/allowed/"
        #expect(try Self.admits(grant, "http://h/allowed/sub/../x.ts"))
        #expect(try !Self.admits(grant, "http://h/allowed/../private/x.ts"))
        #expect(try !Self.admits(grant, "http://h/allowed/%2e%2e/private/x.ts"))
        #expect(try !Self.admits(grant, "http://h/allowed/%2E./private/x.ts"))
        #expect(try !Self.admits(grant, "http://h/allowed/.%2e/private/x.ts"))
        #expect(try !Self.admits(grant, "http://h/allowed/./../private"))
        // `//` is `/` to most servers and an empty segment to RFC 3986: inside either way, or refused.
        #expect(try !Self.admits("http://h/a/b", "http://h/a/b//../x"))
        #expect(try !Self.admits(grant, "http://h//allowed/x"))
        #expect(try Self.admits(grant, "http://h/allowed//x"))
        for ambiguous in ["http://h/allowed%2F..%2Fprivate", "http://h/allowed/..%2fprivate", "http://h/allowed/%5C..",
                          "http://h/allowed/%252e%252e/private", "http://h/allowed/..;x/private", "http://h/allowed/a b",
                          "http://h/allowed/a\\b", "http://h/allowed/%2", "http://h/allowed/%g0"] {
            #expect(throws: NormalizedURL.Problem.self, "\(ambiguous)") { try Self.url(ambiguous) }
        }
    }

    @Test func aPrefixMatchesWholeSegments() throws {
        #expect(try Self.admits("http://h/allowed", "http://h/allowed"))
        #expect(try Self.admits("http://h/allowed", "http://h/allowed/"))
        #expect(try Self.admits("http://h/allowed", "http://h/allowed/x.ts?q=/../../p#/../f"))
        #expect(try !Self.admits("http://h/allowed", "http://h/allowed-other/x.ts"))
        #expect(try !Self.admits("http://h/allowed/", "http://h/allowedx"))
        #expect(try !Self.admits("http://h/allowed/", "http://h/"))
        #expect(try Self.admits("http://h", "http://h/anything/at/all"))
    }

    @Test func schemesHostsAndPortsMatchCaseInsensitivelyAndExplicitly() throws {
        #expect(try Self.admits("http://Host/", "HTTP://hOST:80/x"))
        #expect(try Self.admits("http://h:80/", "http://h/x"))
        #expect(try Self.admits("https://h/", "https://h:443/x"))
        #expect(try !Self.admits("http://h/", "http://h:8080/x"))
        #expect(try !Self.admits("http://h:8080/", "http://h/x"))
        #expect(try !Self.admits("http://h/", "https://h/x"))
        #expect(try !Self.admits("http://h/", "http://h.evil/x"))
        #expect(try !Self.admits("http://h/", "http://h./x"))
        #expect(try Self.admits("http://h/", "crypto+http://h/x"))
        for malformed in ["http://h:99999/", "http://h:8o/", "http://:80/", "http://h%2e/", "http://[::1/", "h/x", "http:/h/x"] {
            #expect(throws: NormalizedURL.Problem.self, "\(malformed)") { try Self.url(malformed) }
        }
    }

    @Test func userInformationNeverStretchesAGrant() throws {
        #expect(try !Self.admits("http://h/", "http://h@evil/x"))
        #expect(try !Self.admits("http://h/", "http://user@h/x"))
        #expect(try !Self.admits("http://h/", "http://h:80@evil/x"))
        #expect(try !Self.admits("http://h/", "http://a@b@h/x"))
        #expect(try Self.admits("rtsp://admin:pw@cam/", "rtsp://admin:pw@CAM:554/stream"))
        #expect(try !Self.admits("rtsp://admin:pw@cam/", "rtsp://cam/stream"))
        #expect(try !Self.admits("rtsp://admin:pw@cam/", "rtsp://admin:other@cam/stream"))
    }

    @Test func urlGrantsAreCheckedWhenMade() throws {
        var files = FileAccess()
        #expect(throws: FileAccessError.self) { try files.grant(urlPrefix: "example.com/media") }
        #expect(throws: FileAccessError.self) { try files.grant(urlPrefix: "http://h/a?b=1") }
        #expect(throws: FileAccessError.self) { try files.grant(urlPrefix: "http://h/a%2fb") }
        try files.grant(urlPrefix: "http://h/media/")
        #expect(files.urlPrefixes == ["http://h/media/"])
        #expect(throws: Never.self) { try files.checkURL("http://h/media/a.ts") }
        do {
            try files.checkURL("http://h/media/../private/a.ts")
            Issue.record("http://h/media/../private/a.ts was admitted")
        } catch {
            #expect(error.code == .accessDenied)
            #expect(error.message == "http://h/media/../private/a.ts: access denied: http://h:80/private/a.ts (user information left out) is outside every URL prefix granted to the guest")
        }
    }

    /// The demuxer's check sees the source and every nested URL, and the
    /// protocol whitelist still binds what the check lets through.
    @Test func theDemuxerChecksEveryURLAndKeepsTheProtocolWhitelist() throws {
        let root = try Disk.temporaryDirectory("sandbox-demuxer")
        let clip = try Disk.clip()
        try Disk.write(clip, to: root + "/seg.ts")
        let server = try LoopbackHTTPServer(serving: root)
        let playlist = { (segment: String) in
            "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:0.5,\n\(segment)\n#EXT-X-ENDLIST\n"
        }
        try Disk.write(Array(playlist("seg.ts").utf8), to: root + "/list.m3u8")
        try Disk.write(Array(playlist("file:" + root + "/seg.ts").utf8), to: root + "/local.m3u8")

        let seen = Recorder<String>()
        let demuxer = try Demuxer(url: server.url("list.m3u8"), options: ["protocol_whitelist": "http,tcp"],
                                  allowNestedURL: { url in seen.append(url); return true })
        #expect(!demuxer.tracks.isEmpty)
        #expect(seen.all.prefix(2) == [server.url("list.m3u8"), server.url("seg.ts")])

        // Admitted by the check, refused by the whitelist (no `file`)…
        #expect(throws: MediaError.self) {
            try Demuxer(url: server.url("local.m3u8"), options: ["protocol_whitelist": "http,tcp"], allowNestedURL: { _ in true })
        }
        // …which is what refused it.
        #expect(!(try Demuxer(url: server.url("local.m3u8"), options: ["protocol_whitelist": "http,tcp,file"],
                              allowNestedURL: { _ in true }).tracks.isEmpty))
        // Refused by the check: the error names the URL.
        do {
            _ = try Demuxer(url: server.url("list.m3u8"), allowNestedURL: { !$0.hasSuffix("seg.ts") })
            Issue.record("the segment was admitted")
        } catch {
            #expect(error.file == server.url("seg.ts"))
            #expect(error.cause?.code == -EACCES)
        }
    }
}

/// Files and directories by their exact bytes (no Foundation on the way).
enum Disk {
    static func temporaryDirectory(_ label: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.path + "/\(label)-\(UUID().uuidString.prefix(8))"
        try makeDirectory(path)
        return path
    }

    static func makeDirectory(_ path: String) throws {
        guard mkdir(path, 0o755) == 0 else { throw DiskError(path: path, operation: "mkdir", code: errno) }
    }

    static func link(_ path: String, to target: String) throws {
        guard symlink(target, path) == 0 else { throw DiskError(path: path, operation: "symlink", code: errno) }
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DiskError(path: path, operation: "open", code: errno) }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw DiskError(path: path, operation: "write", code: errno) }
    }

    static func bytes(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = [], buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { return count == 0 ? out : nil }
            out += buffer.prefix(count)
        }
    }

    /// The names in a directory, as bytes (`.` and `..` left out).
    static func entries(_ path: String) -> Set<[UInt8]> {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: Set<[UInt8]> = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name != [0x2E] && name != [0x2E, 0x2E] { names.insert(name) }
        }
        return names
    }

    static func names(_ list: [String]) -> Set<[UInt8]> { Set(list.map { Array($0.utf8) }) }

    /// A half-second MPEG-TS clip from the project's own encoders and muxer, as bytes.
    static func clip() throws -> [UInt8] {
        let directory = try temporaryDirectory("sandbox-clip")
        var settings = TestClip.Settings()
        settings.seconds = 0.5
        settings.width = 160
        settings.height = 120
        settings.fps = 10
        try TestClip.write(to: directory + "/clip.ts", settings)
        return try #require(bytes(directory + "/clip.ts"))
    }

    struct DiskError: Error, CustomStringConvertible {
        var path: String, operation: String, code: Int32
        var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
    }
}
