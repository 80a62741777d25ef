// wasi:media/audio-mixer@0.1.0-draft and wasi:media/clock@0.1.0-draft, as
// docs/guest-abi.md section 3 types them.

@_extern(wasm, module: "wasi:media/audio-mixer@0.1.0-draft", name: "[constructor]audio-context")
@_extern(c) func audioContextNew(_ sampleRate: Int32, _ channels: Int32) -> Int32

@_extern(wasm, module: "wasi:media/audio-mixer@0.1.0-draft", name: "[method]audio-context.add-source-track")
@_extern(c) func audioContextAddSourceTrack(_ handle: Int32, _ trackID: Int32, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/audio-mixer@0.1.0-draft", name: "[method]audio-context.submit-audio")
@_extern(c) func audioContextSubmitAudio(
    _ handle: Int32, _ trackID: Int32, _ buffer: Int32, _ format: Int32, _ sampleRate: Int32, _ channels: Int32,
    _ timestamp: Int64, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/audio-mixer@0.1.0-draft", name: "[method]audio-context.set-track-gain")
@_extern(c) func audioContextSetTrackGain(_ handle: Int32, _ trackID: Int32, _ gain: Float, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/audio-mixer@0.1.0-draft", name: "[method]audio-context.end-source-track")
@_extern(c) func audioContextEndSourceTrack(_ handle: Int32, _ trackID: Int32, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/audio-mixer@0.1.0-draft", name: "[method]audio-context.read-master-output")
@_extern(c) func audioContextReadMasterOutput(_ handle: Int32, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/audio-mixer@0.1.0-draft", name: "[resource-drop]audio-context")
@_extern(c) func audioContextDrop(_ handle: Int32)

@_extern(wasm, module: "wasi:media/clock@0.1.0-draft", name: "[constructor]media-clock")
@_extern(c) func mediaClockNew(_ source: Int32) -> Int32

@_extern(wasm, module: "wasi:media/clock@0.1.0-draft", name: "[method]media-clock.start")
@_extern(c) func mediaClockStart(_ handle: Int32)

@_extern(wasm, module: "wasi:media/clock@0.1.0-draft", name: "[method]media-clock.pause")
@_extern(c) func mediaClockPause(_ handle: Int32)

@_extern(wasm, module: "wasi:media/clock@0.1.0-draft", name: "[method]media-clock.set-rate")
@_extern(c) func mediaClockSetRate(_ handle: Int32, _ rate: Float, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/clock@0.1.0-draft", name: "[method]media-clock.seek")
@_extern(c) func mediaClockSeek(_ handle: Int32, _ time: Int64)

@_extern(wasm, module: "wasi:media/clock@0.1.0-draft", name: "[method]media-clock.now")
@_extern(c) func mediaClockNow(_ handle: Int32) -> Int64

@_extern(wasm, module: "wasi:media/clock@0.1.0-draft", name: "[method]media-clock.wait-until")
@_extern(c) func mediaClockWaitUntil(_ handle: Int32, _ target: Int64, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/clock@0.1.0-draft", name: "[resource-drop]media-clock")
@_extern(c) func mediaClockDrop(_ handle: Int32)
