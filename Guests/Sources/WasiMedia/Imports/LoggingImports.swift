// wasi:logging/logging@0.1.0-draft, as docs/guest-abi.md section 3 types it.

@_extern(wasm, module: "wasi:logging/logging@0.1.0-draft", name: "log")
@_extern(c) func loggingLog(_ level: Int32, _ context: UnsafeMutableRawPointer?, _ contextCount: Int,
                            _ message: UnsafeMutableRawPointer?, _ messageCount: Int)
