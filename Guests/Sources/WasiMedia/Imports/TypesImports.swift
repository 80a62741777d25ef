// wasi:media/types@0.1.0-draft, as docs/guest-abi.md section 3 types it.

@_extern(wasm, module: "wasi:media/types@0.1.0-draft", name: "[constructor]media-buffer")
@_extern(c) func mediaBufferNew(_ size: Int64) -> Int32

@_extern(wasm, module: "wasi:media/types@0.1.0-draft", name: "[method]media-buffer.size")
@_extern(c) func mediaBufferSize(_ handle: Int32) -> Int64

@_extern(wasm, module: "wasi:media/types@0.1.0-draft", name: "[method]media-buffer.read")
@_extern(c) func mediaBufferRead(_ handle: Int32, _ offset: Int64, _ count: Int64, _ result: UnsafeMutableRawPointer)

@_extern(wasm, module: "wasi:media/types@0.1.0-draft", name: "[method]media-buffer.write")
@_extern(c) func mediaBufferWrite(
    _ handle: Int32, _ offset: Int64, _ data: UnsafeMutableRawPointer?, _ count: Int, _ result: UnsafeMutableRawPointer)

@_extern(wasm, module: "wasi:media/types@0.1.0-draft", name: "[method]media-buffer.duplicate")
@_extern(c) func mediaBufferDuplicate(_ handle: Int32) -> Int32

@_extern(wasm, module: "wasi:media/types@0.1.0-draft", name: "[resource-drop]media-buffer")
@_extern(c) func mediaBufferDrop(_ handle: Int32)
