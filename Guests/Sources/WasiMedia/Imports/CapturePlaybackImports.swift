// wasi:media/capture@0.1.0-draft and wasi:media/playback@0.1.0-draft, as
// docs/guest-abi.md section 3 types them.

@_extern(wasm, module: "wasi:media/capture@0.1.0-draft", name: "enumerate-devices")
@_extern(c) func captureEnumerateDevices(_ ret: RawPointer)

@_extern(wasm, module: "wasi:media/capture@0.1.0-draft", name: "[constructor]media-stream")
@_extern(c) func mediaStreamNew(
    _ hasDevice: Int32, _ device: RawPointer?, _ deviceCount: Int, _ hasWidth: Int32, _ width: Int32,
    _ hasHeight: Int32, _ height: Int32, _ hasFramerate: Int32, _ framerate: Int32) -> Int32

@_extern(wasm, module: "wasi:media/capture@0.1.0-draft", name: "[static]media-stream.open")
@_extern(c) func mediaStreamOpen(
    _ hasDevice: Int32, _ device: RawPointer?, _ deviceCount: Int, _ hasWidth: Int32, _ width: Int32,
    _ hasHeight: Int32, _ height: Int32, _ hasFramerate: Int32, _ framerate: Int32, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/capture@0.1.0-draft", name: "[method]media-stream.read-video-frame")
@_extern(c) func mediaStreamReadVideoFrame(_ handle: Int32, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/capture@0.1.0-draft", name: "[method]media-stream.read-audio-data")
@_extern(c) func mediaStreamReadAudioData(_ handle: Int32, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/capture@0.1.0-draft", name: "[method]media-stream.stop")
@_extern(c) func mediaStreamStop(_ handle: Int32)

@_extern(wasm, module: "wasi:media/capture@0.1.0-draft", name: "[resource-drop]media-stream")
@_extern(c) func mediaStreamDrop(_ handle: Int32)

@_extern(wasm, module: "wasi:media/capture@0.1.0-draft", name: "[constructor]virtual-broadcaster")
@_extern(c) func virtualBroadcasterNew(_ name: RawPointer?, _ count: Int, _ hasVideo: Int32, _ hasAudio: Int32) -> Int32

@_extern(wasm, module: "wasi:media/capture@0.1.0-draft", name: "[static]virtual-broadcaster.create")
@_extern(c) func virtualBroadcasterCreate(
    _ name: RawPointer?, _ count: Int, _ hasVideo: Int32, _ hasAudio: Int32, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/capture@0.1.0-draft", name: "[method]virtual-broadcaster.write-video-frame")
@_extern(c) func virtualBroadcasterWriteVideoFrame(
    _ handle: Int32, _ buffer: Int32, _ format: Int32, _ width: Int32, _ height: Int32, _ timestamp: Int64,
    _ hasDuration: Int32, _ duration: Int64, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/capture@0.1.0-draft", name: "[method]virtual-broadcaster.write-audio-data")
@_extern(c) func virtualBroadcasterWriteAudioData(
    _ handle: Int32, _ buffer: Int32, _ format: Int32, _ sampleRate: Int32, _ channels: Int32,
    _ timestamp: Int64, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/capture@0.1.0-draft", name: "[method]virtual-broadcaster.stop")
@_extern(c) func virtualBroadcasterStop(_ handle: Int32)

@_extern(wasm, module: "wasi:media/capture@0.1.0-draft", name: "[resource-drop]virtual-broadcaster")
@_extern(c) func virtualBroadcasterDrop(_ handle: Int32)

@_extern(wasm, module: "wasi:media/playback@0.1.0-draft", name: "enumerate-audio-outputs")
@_extern(c) func playbackEnumerateAudioOutputs(_ ret: RawPointer)

@_extern(wasm, module: "wasi:media/playback@0.1.0-draft", name: "[constructor]audio-player")
@_extern(c) func audioPlayerNew(_ hasDevice: Int32, _ device: RawPointer?, _ count: Int) -> Int32

@_extern(wasm, module: "wasi:media/playback@0.1.0-draft", name: "[static]audio-player.open")
@_extern(c) func audioPlayerOpen(_ hasDevice: Int32, _ device: RawPointer?, _ count: Int, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/playback@0.1.0-draft", name: "[method]audio-player.enqueue-audio")
@_extern(c) func audioPlayerEnqueueAudio(
    _ handle: Int32, _ buffer: Int32, _ format: Int32, _ sampleRate: Int32, _ channels: Int32,
    _ timestamp: Int64, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/playback@0.1.0-draft", name: "[method]audio-player.connect-mixer")
@_extern(c) func audioPlayerConnectMixer(_ handle: Int32, _ context: Int32)

@_extern(wasm, module: "wasi:media/playback@0.1.0-draft", name: "[method]audio-player.play")
@_extern(c) func audioPlayerPlay(_ handle: Int32)

@_extern(wasm, module: "wasi:media/playback@0.1.0-draft", name: "[method]audio-player.pause")
@_extern(c) func audioPlayerPause(_ handle: Int32)

@_extern(wasm, module: "wasi:media/playback@0.1.0-draft", name: "[method]audio-player.set-system-volume")
@_extern(c) func audioPlayerSetSystemVolume(_ handle: Int32, _ level: Float, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/playback@0.1.0-draft", name: "[resource-drop]audio-player")
@_extern(c) func audioPlayerDrop(_ handle: Int32)
