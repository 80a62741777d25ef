import MediaWasm
import Testing
import MediaTestWatchdog

@Suite(.watchdog) struct LinkTests {
    static let codecModule = "wasi:media/codec@0.1.0-draft"
    static let query = ImportName(module: codecModule, field: "query-video-encoder-support")

    /// A host offering `env#log` and one function of the codec interface.
    static var host: HostImports {
        var env = HostModule("env")
        env.define("log", WasmSignature([.i32, .i32])) { _ in }
        var codec = HostModule(codecModule)
        codec.define(query.field, WasmSignature([.i32], [.i32])) { call in call.setResult(UInt32(1)) }
        return HostImports([env, codec])
    }

    static let codecGuest = """
        (module
          (import "wasi:media/codec@0.1.0-draft" "query-video-encoder-support" (func $q (param i32) (result i32)))
          (func (export "run") (result i32) (call $q (i32.const 0))))
        """

    @Test func grantsAreInterfaceNames() {
        #expect(Grant(forModule: "wasi:media/codec@0.1.0-draft") == "codec")
        #expect(Grant(forModule: "wasi:media/types") == "types")
        #expect(Grant(forModule: "env") == "env")
        #expect(HostModule(Self.codecModule).grant == "codec")
        #expect(Self.host.allGrants == ["env", "codec"])
    }

    /// Each engine's parser words the reason its own way (see EngineTests);
    /// every engine says it is a malformed module, and why.
    @Test(arguments: testedEngines)
    func malformedBytesAreRejectedWithTheParsersReason(engineName: String) throws {
        let compiler = try engine(engineName)
        for bytes in [[0x00, 0x61, 0x73, 0x6D, 0x02, 0, 0, 0], Array("hello".utf8), []] as [[UInt8]] {
            guard case .malformedModule(let reason, _) = wasmError({ _ = try compiler.compile(bytes) }) else {
                Issue.record("expected malformedModule for \(bytes)"); continue
            }
            #expect(!reason.isEmpty)
        }
    }

    @Test(arguments: testedEngines)
    func truncatedModuleNamesTheOffset(engineName: String) throws {
        let compiler = try engine(engineName)
        let bytes = try wasm(#"(module (func (export "f") (result i32) (i32.const 7)))"#)
        guard case .malformedModule(_, let offset) = wasmError({ _ = try compiler.compile(Array(bytes.dropLast(3))) }) else {
            Issue.record("expected malformedModule"); return
        }
        #expect(offset != nil)
    }

    @Test(arguments: testedEngines)
    func invalidFunctionBodyIsFoundAtCompileTime(engineName: String) throws {
        // Well-formed bytes, but the body leaves an i64 where an i32 is due.
        let bytes = try wasm(#"(module (func (export "f") (result i32) (i64.const 7)))"#)
        let compiler = try engine(engineName)
        guard case .malformedModule(let reason, let offset) = wasmError({ _ = try compiler.compile(bytes) }) else {
            Issue.record("expected malformedModule"); return
        }
        #expect(reason.contains("i32") && reason.contains("i64"), "\(reason)")
        #expect(offset != nil)
    }

    @Test(arguments: testedEngines)
    func segmentOutsideMemoryFailsAtCompileTime(engineName: String) throws {
        let compiler = try engine(engineName)
        let bytes = try wasm(#"(module (memory 1) (data (i32.const 65535) "ab"))"#)
        #expect(wasmError { _ = try compiler.compile(bytes) } == .instantiation(reason: "out of bounds memory access"))
        let wrapped = try wasm(#"(module (memory 1) (data (i32.const -1) "a"))"#)
        #expect(wasmError { _ = try compiler.compile(wrapped) } == .instantiation(reason: "out of bounds memory access"))
        let elements = try wasm(#"(module (table 2 funcref) (func $f) (elem (i32.const 1) $f $f))"#)
        #expect(wasmError { _ = try compiler.compile(elements) }
            == .instantiation(reason: "out of bounds table access at 3 (undefined element)"))
        // Segments that fit exactly are fine.
        _ = try compiler.compile(try wasm(#"(module (memory 1) (data (i32.const 65534) "ab") (table 3 funcref) (func $f) (elem (i32.const 1) $f $f))"#))
    }

    @Test(arguments: testedEngines)
    func missingExportIsNamed(engineName: String) throws {
        let compiler = try engine(engineName)
        let bytes = try wasm(#"(module (memory (export "run") 1) (func (export "other")))"#)
        let error = wasmError {
            _ = try compiler.compile(bytes, requiredExports: ["process", "run", RequiredExport("other", WasmSignature([.i32]))], host: nil)
        }
        #expect(error == .link([
            .missingExport("process"),
            .exportMismatch("run", required: nil, found: "a memory"),
            .exportMismatch("other", required: WasmSignature([.i32]), found: "a function () -> ()"),
        ]))
        #expect(error?.description.contains("the guest does not export `process`") == true)
    }

    @Test(arguments: testedEngines)
    func unknownImportIsNamedAtCompileAndInstantiation(engineName: String) throws {
        let compiler = try engine(engineName)
        let bytes = try wasm("""
            (module
              (import "env" "log" (func (param i32 i32)))
              (import "env" "nope" (func))
              (import "wasi:media/devices@0.1.0-draft" "list" (func)))
            """)
        let expected = WasmError.link([
            .unknownImport(ImportName(module: "env", field: "nope")),
            .unknownImport(ImportName(module: "wasi:media/devices@0.1.0-draft", field: "list")),
        ])
        #expect(wasmError { _ = try compiler.compile(bytes, requiredExports: [], host: Self.host) } == expected)
        // Compiled without a host, the same module fails when linked.
        let module = try engine(engineName).compile(bytes)
        #expect(wasmError { _ = try module.instantiate(host: Self.host, grants: Self.host.allGrants) } == expected)
        #expect(expected.description.contains("the guest imports `nope` from `env`, which no host module offers"))
    }

    @Test(arguments: testedEngines)
    func importOfAnotherSignatureIsRejected(engineName: String) throws {
        let compiler = try engine(engineName)
        let bytes = try wasm(#"(module (import "env" "log" (func (param i32))))"#)
        #expect(wasmError { _ = try compiler.compile(bytes, requiredExports: [], host: Self.host) } == .link([
            .importSignatureMismatch(ImportName(module: "env", field: "log"), host: WasmSignature([.i32, .i32]), guest: WasmSignature([.i32])),
        ]))
    }

    @Test(arguments: testedEngines)
    func importedMemoryIsNeverProvided(engineName: String) throws {
        let compiler = try engine(engineName)
        let bytes = try wasm(#"(module (import "env" "memory" (memory 1)))"#)
        guard case .link(let problems) = wasmError({ _ = try compiler.compile(bytes) }),
              case .unsupportedImport(let name, _) = problems.first else {
            Issue.record("expected an unsupported import"); return
        }
        #expect(name == ImportName(module: "env", field: "memory"))
    }

    @Test(arguments: testedEngines)
    func ungrantedImportFailsInstantiationNamingTheGrant(engineName: String) throws {
        let module = try engine(engineName).compile(try wasm(Self.codecGuest), requiredExports: ["run"], host: Self.host)
        let error = wasmError { _ = try module.instantiate(host: Self.host, grants: ["env"]) }
        #expect(error == .link([.ungrantedImport(Self.query, grant: "codec")]))
        #expect(error?.description
            == "cannot link the guest: the guest imports `wasi:media/codec@0.1.0-draft#query-video-encoder-support` but was not granted `codec`")
        // Granted, the same module links and runs.
        let instance = try module.instantiate(host: Self.host, grants: ["codec"])
        #expect(try instance.call("run", []) == [.i32(1)])
    }

    @Test(arguments: testedEngines)
    func moduleListsImportsAndExports(engineName: String) throws {
        let module = try engine(engineName).compile(try wasm(Self.codecGuest))
        #expect(module.engineName == engineName)
        #expect(module.imports == [ModuleImport(name: Self.query, kind: .function, signature: WasmSignature([.i32], [.i32]))])
        #expect(module.exports == [ModuleExport(name: "run", kind: .function, signature: WasmSignature([], [.i32]))])
    }
}
