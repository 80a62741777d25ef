#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// libwasmtime's C API, loaded with `dlopen` at run time.
///
/// The library ships without headers (the PyPI wheel `wasmtime==50.0.1`
/// carries only `_libwasmtime.so`), so every function used here is declared
/// below as a `@convention(c)` pointer type and looked up with `dlsym`. C
/// pointers this backend only passes along are `OpaquePointer`s; the few
/// structs it reads or writes are declared in `WasmtimeTypes.swift`.
///
/// Where the library is looked for, in order: the file named by
/// `WASI_MEDIA_WASMTIME_LIB` (and nothing else when it is set); `.tools/pip/wasmtime/linux-x86_64/_libwasmtime.so`
/// (where `scripts/setup.sh` installs it) relative to the current directory
/// and to the package root above the running executable; `libwasmtime.so` on
/// the system library path. Loaded once per process; thread-safe.
final class WasmtimeLibrary: @unchecked Sendable {
    typealias Ptr = OpaquePointer
    // Engine and configuration.
    let configNew: @convention(c) () -> Ptr?
    let configConsumeFuelSet: @convention(c) (Ptr, Bool) -> Void
    let configHostMemoryCreatorSet: @convention(c) (Ptr, UnsafeRawPointer) -> Void
    let configMemoryInitCowSet: @convention(c) (Ptr, Bool) -> Void
    let configEpochInterruptionSet: @convention(c) (Ptr, Bool) -> Void
    let configMultiMemorySet: @convention(c) (Ptr, Bool) -> Void
    let engineIncrementEpoch: @convention(c) (Ptr) -> Void
    let engineNewWithConfig: @convention(c) (Ptr) -> Ptr?
    let engineDelete: @convention(c) (Ptr) -> Void
    // Modules and their types.
    let moduleNew: @convention(c) (Ptr, UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<Ptr?>) -> Ptr?
    let moduleDelete: @convention(c) (Ptr) -> Void
    let moduleSerialize: @convention(c) (Ptr, UnsafeMutableRawPointer) -> Ptr?
    let moduleDeserialize: @convention(c) (Ptr, UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<Ptr?>) -> Ptr?
    let moduleImports: @convention(c) (Ptr, UnsafeMutableRawPointer) -> Void
    let moduleExports: @convention(c) (Ptr, UnsafeMutableRawPointer) -> Void
    let importTypeVecDelete: @convention(c) (UnsafeMutableRawPointer) -> Void
    let exportTypeVecDelete: @convention(c) (UnsafeMutableRawPointer) -> Void
    let importTypeModule: @convention(c) (Ptr) -> UnsafeRawPointer
    let importTypeName: @convention(c) (Ptr) -> UnsafeRawPointer
    let importTypeType: @convention(c) (Ptr) -> Ptr
    let exportTypeName: @convention(c) (Ptr) -> UnsafeRawPointer
    let exportTypeType: @convention(c) (Ptr) -> Ptr
    let externTypeKind: @convention(c) (Ptr) -> UInt8
    let externTypeAsFuncType: @convention(c) (Ptr) -> Ptr?
    let funcTypeParams: @convention(c) (Ptr) -> UnsafeRawPointer
    let funcTypeResults: @convention(c) (Ptr) -> UnsafeRawPointer
    let valTypeKind: @convention(c) (Ptr) -> UInt8
    // Stores.
    let storeNew: @convention(c) (Ptr, UnsafeMutableRawPointer?, (@convention(c) (UnsafeMutableRawPointer?) -> Void)?) -> Ptr?
    let storeDelete: @convention(c) (Ptr) -> Void
    let storeContext: @convention(c) (Ptr) -> Ptr
    let storeLimiter: @convention(c) (Ptr, Int64, Int64, Int64, Int64, Int64) -> Void
    let contextSetFuel: @convention(c) (Ptr, UInt64) -> Ptr?
    let contextGetFuel: @convention(c) (Ptr, UnsafeMutablePointer<UInt64>) -> Ptr?
    let contextSetEpochDeadline: @convention(c) (Ptr, UInt64) -> Void
    let storeEpochDeadlineCallback: @convention(c) (Ptr, WTEpochCallback, UnsafeMutableRawPointer?,
                                                    (@convention(c) (UnsafeMutableRawPointer?) -> Void)?) -> Void
    // Instances, functions, memories.
    let instanceNew: @convention(c) (Ptr, Ptr, UnsafeRawPointer?, Int, UnsafeMutableRawPointer, UnsafeMutablePointer<Ptr?>) -> Ptr?
    let instanceExportGet: @convention(c) (Ptr, UnsafeRawPointer, UnsafePointer<CChar>, Int, UnsafeMutableRawPointer) -> Bool
    let funcNewUnchecked: @convention(c) (Ptr, Ptr, WTHostCallback, UnsafeMutableRawPointer?, (@convention(c) (UnsafeMutableRawPointer?) -> Void)?, UnsafeMutableRawPointer) -> Void
    let funcCallUnchecked: @convention(c) (Ptr, UnsafeRawPointer, UnsafeMutableRawPointer?, Int, UnsafeMutablePointer<Ptr?>) -> Ptr?
    let callerContext: @convention(c) (Ptr) -> Ptr
    let callerExportGet: @convention(c) (Ptr, UnsafePointer<CChar>, Int, UnsafeMutableRawPointer) -> Bool
    let memoryData: @convention(c) (Ptr, UnsafeRawPointer) -> UnsafeMutablePointer<UInt8>?
    let memoryDataSize: @convention(c) (Ptr, UnsafeRawPointer) -> Int
    // Errors and traps.
    let errorMessage: @convention(c) (Ptr, UnsafeMutableRawPointer) -> Void
    let errorDelete: @convention(c) (Ptr) -> Void
    let errorNew: @convention(c) (UnsafePointer<CChar>) -> Ptr?
    let byteVecDelete: @convention(c) (UnsafeMutableRawPointer) -> Void
    let trapNew: @convention(c) (UnsafePointer<CChar>, Int) -> Ptr?
    let trapMessage: @convention(c) (Ptr, UnsafeMutableRawPointer) -> Void
    let trapCode: @convention(c) (Ptr, UnsafeMutablePointer<UInt8>) -> Bool
    let trapDelete: @convention(c) (Ptr) -> Void

    let path: String

    private init(handle: UnsafeMutableRawPointer, path: String) throws(LoadFailure) {
        self.path = path
        func symbol<T>(_ name: String, as type: T.Type = T.self) throws(LoadFailure) -> T {
            dlerror()
            guard let address = dlsym(handle, name) else {
                let text = dlerror().map { String(cString: $0) } ?? "not found"
                throw LoadFailure(text: "\(path) has no symbol `\(name)`: \(text)")
            }
            return unsafeBitCast(address, to: T.self)
        }
        configNew = try symbol("wasm_config_new")
        configConsumeFuelSet = try symbol("wasmtime_config_consume_fuel_set")
        configHostMemoryCreatorSet = try symbol("wasmtime_config_host_memory_creator_set")
        configMemoryInitCowSet = try symbol("wasmtime_config_memory_init_cow_set")
        configEpochInterruptionSet = try symbol("wasmtime_config_epoch_interruption_set")
        configMultiMemorySet = try symbol("wasmtime_config_wasm_multi_memory_set")
        engineIncrementEpoch = try symbol("wasmtime_engine_increment_epoch")
        engineNewWithConfig = try symbol("wasm_engine_new_with_config")
        engineDelete = try symbol("wasm_engine_delete")
        moduleNew = try symbol("wasmtime_module_new")
        moduleDelete = try symbol("wasmtime_module_delete")
        moduleSerialize = try symbol("wasmtime_module_serialize")
        moduleDeserialize = try symbol("wasmtime_module_deserialize")
        moduleImports = try symbol("wasmtime_module_imports")
        moduleExports = try symbol("wasmtime_module_exports")
        importTypeVecDelete = try symbol("wasm_importtype_vec_delete")
        exportTypeVecDelete = try symbol("wasm_exporttype_vec_delete")
        importTypeModule = try symbol("wasm_importtype_module")
        importTypeName = try symbol("wasm_importtype_name")
        importTypeType = try symbol("wasm_importtype_type")
        exportTypeName = try symbol("wasm_exporttype_name")
        exportTypeType = try symbol("wasm_exporttype_type")
        externTypeKind = try symbol("wasm_externtype_kind")
        externTypeAsFuncType = try symbol("wasm_externtype_as_functype_const")
        funcTypeParams = try symbol("wasm_functype_params")
        funcTypeResults = try symbol("wasm_functype_results")
        valTypeKind = try symbol("wasm_valtype_kind")
        storeNew = try symbol("wasmtime_store_new")
        storeDelete = try symbol("wasmtime_store_delete")
        storeContext = try symbol("wasmtime_store_context")
        storeLimiter = try symbol("wasmtime_store_limiter")
        contextSetFuel = try symbol("wasmtime_context_set_fuel")
        contextGetFuel = try symbol("wasmtime_context_get_fuel")
        contextSetEpochDeadline = try symbol("wasmtime_context_set_epoch_deadline")
        storeEpochDeadlineCallback = try symbol("wasmtime_store_epoch_deadline_callback")
        instanceNew = try symbol("wasmtime_instance_new")
        instanceExportGet = try symbol("wasmtime_instance_export_get")
        funcNewUnchecked = try symbol("wasmtime_func_new_unchecked")
        funcCallUnchecked = try symbol("wasmtime_func_call_unchecked")
        callerContext = try symbol("wasmtime_caller_context")
        callerExportGet = try symbol("wasmtime_caller_export_get")
        memoryData = try symbol("wasmtime_memory_data")
        memoryDataSize = try symbol("wasmtime_memory_data_size")
        errorMessage = try symbol("wasmtime_error_message")
        errorDelete = try symbol("wasmtime_error_delete")
        errorNew = try symbol("wasmtime_error_new")
        byteVecDelete = try symbol("wasm_byte_vec_delete")
        trapNew = try symbol("wasmtime_trap_new")
        trapMessage = try symbol("wasm_trap_message")
        trapCode = try symbol("wasmtime_trap_code")
        trapDelete = try symbol("wasm_trap_delete")
    }

    struct LoadFailure: Error { var text: String }

    /// The loaded library, or why there is none. Loaded on first use.
    static let shared: Result<WasmtimeLibrary, LoadFailure> = load()

    /// The files tried, in order (see the type's documentation).
    static func candidatePaths() -> [String] {
        // Named explicitly, it is the only one tried: a wrong path says so
        // instead of quietly loading another copy.
        if let explicit = ProcessInfo.processInfo.environment["WASI_MEDIA_WASMTIME_LIB"], !explicit.isEmpty {
            return [explicit]
        }
        var paths: [String] = []
        let relative = ".tools/pip/wasmtime/linux-x86_64/_libwasmtime.so"
        let cwd = FileManager.default.currentDirectoryPath
        paths.append((cwd as NSString).appendingPathComponent(relative))
        // The package root above `.build/<triple>/<config>/<executable>`.
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            var directory = (executable as NSString).deletingLastPathComponent
            for _ in 0..<6 where directory != "/" {
                if (directory as NSString).lastPathComponent == ".build" {
                    let root = (directory as NSString).deletingLastPathComponent
                    let candidate = (root as NSString).appendingPathComponent(relative)
                    if !paths.contains(candidate) { paths.append(candidate) }
                    break
                }
                directory = (directory as NSString).deletingLastPathComponent
            }
        }
        paths.append("libwasmtime.so")
        return paths
    }

    private static func load() -> Result<WasmtimeLibrary, LoadFailure> {
        var tried: [String] = []
        for path in candidatePaths() {
            // A bare name goes to the system's search path; a path must exist.
            if path.contains("/"), !FileManager.default.fileExists(atPath: path) {
                tried.append("\(path): no such file")
                continue
            }
            guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
                tried.append(dlerror().map { String(cString: $0) } ?? "\(path): dlopen failed")
                continue
            }
            do {
                return .success(try WasmtimeLibrary(handle: handle, path: path))
            } catch {
                dlclose(handle)
                tried.append(error.text)
            }
        }
        return .failure(LoadFailure(text: "libwasmtime not found (run scripts/setup.sh or set WASI_MEDIA_WASMTIME_LIB); tried: " + tried.joined(separator: "; ")))
    }

    // MARK: - Helpers

    /// The text of a `wasm_byte_vec_t` the caller does not own.
    static func string(_ vec: UnsafeRawPointer) -> String {
        let vec = vec.load(as: WTByteVec.self)
        guard let data = vec.data, vec.size > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: vec.size), as: UTF8.self)
    }

    /// An error's message; deletes the error.
    func consume(error: Ptr) -> String {
        var message = WTByteVec()
        errorMessage(error, &message)
        let text = Self.string(&message)
        byteVecDelete(&message)
        errorDelete(error)
        return text
    }

    /// A trap's message and code; deletes the trap.
    func consume(trap: Ptr) -> (message: String, code: UInt8?) {
        var message = WTByteVec()
        trapMessage(trap, &message)
        let text = Self.string(&message)
        byteVecDelete(&message)
        var code: UInt8 = 0
        let hasCode = trapCode(trap, &code)
        trapDelete(trap)
        return (text, hasCode ? code : nil)
    }
}
