// wasi:media/container@0.1.0-draft, as docs/guest-abi.md section 3 types it.

@_extern(wasm, module: "wasi:media/container@0.1.0-draft", name: "[constructor]muxer")
@_extern(c) func muxerNew(_ format: Int32) -> Int32

@_extern(wasm, module: "wasi:media/container@0.1.0-draft", name: "[static]muxer.create")
@_extern(c) func muxerCreate(_ path: RawPointer?, _ count: Int, _ format: Int32, _ ret: RawPointer)

/// Parameters spilled: `params` points at (self at 0, track-info at 8), 112 bytes aligned to 8.
@_extern(wasm, module: "wasi:media/container@0.1.0-draft", name: "[method]muxer.add-track")
@_extern(c) func muxerAddTrack(_ params: RawPointer, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/container@0.1.0-draft", name: "[method]muxer.write-chunk")
@_extern(c) func muxerWriteChunk(
    _ handle: Int32, _ trackID: Int32, _ data: RawPointer?, _ count: Int, _ timestamp: Int64,
    _ hasDuration: Int32, _ duration: Int64, _ isKeyframe: Int32, _ hasDecodeTimestamp: Int32,
    _ decodeTimestamp: Int64, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/container@0.1.0-draft", name: "[method]muxer.get-output-bytes")
@_extern(c) func muxerGetOutputBytes(_ handle: Int32, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/container@0.1.0-draft", name: "[method]muxer.finalize")
@_extern(c) func muxerFinalize(_ handle: Int32, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/container@0.1.0-draft", name: "[resource-drop]muxer")
@_extern(c) func muxerDrop(_ handle: Int32)

@_extern(wasm, module: "wasi:media/container@0.1.0-draft", name: "[constructor]demuxer")
@_extern(c) func demuxerNew() -> Int32

@_extern(wasm, module: "wasi:media/container@0.1.0-draft", name: "[static]demuxer.open")
@_extern(c) func demuxerOpen(_ path: RawPointer?, _ count: Int, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/container@0.1.0-draft", name: "[method]demuxer.append-bytes")
@_extern(c) func demuxerAppendBytes(_ handle: Int32, _ data: RawPointer?, _ count: Int, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/container@0.1.0-draft", name: "[method]demuxer.finish-bytes")
@_extern(c) func demuxerFinishBytes(_ handle: Int32)

@_extern(wasm, module: "wasi:media/container@0.1.0-draft", name: "[method]demuxer.needs-bytes")
@_extern(c) func demuxerNeedsBytes(_ handle: Int32) -> Int32

@_extern(wasm, module: "wasi:media/container@0.1.0-draft", name: "[method]demuxer.get-tracks")
@_extern(c) func demuxerGetTracks(_ handle: Int32, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/container@0.1.0-draft", name: "[method]demuxer.read-chunk")
@_extern(c) func demuxerReadChunk(_ handle: Int32, _ trackID: Int32, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/container@0.1.0-draft", name: "[method]demuxer.read-next-chunk")
@_extern(c) func demuxerReadNextChunk(_ handle: Int32, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/container@0.1.0-draft", name: "[method]demuxer.seek-to-timestamp")
@_extern(c) func demuxerSeekToTimestamp(_ handle: Int32, _ time: Int64, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/container@0.1.0-draft", name: "[resource-drop]demuxer")
@_extern(c) func demuxerDrop(_ handle: Int32)
