// wasi:media/codec@0.1.0-draft, as docs/guest-abi.md section 3 types it.
// Pointers are i32; `ret` is the import's return area.

typealias RawPointer = UnsafeMutableRawPointer

@_extern(wasm, module: "wasi:media/codec@0.1.0-draft", name: "query-video-encoder-support")
@_extern(c) func codecQueryVideoEncoderSupport(
    _ codec: Int32, _ width: Int32, _ height: Int32, _ bitrate: Int32, _ framerate: Int32,
    _ hasSourceWidth: Int32, _ sourceWidth: Int32, _ hasSourceHeight: Int32, _ sourceHeight: Int32,
    _ hasKeyframeInterval: Int32, _ keyframeInterval: Int32, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/codec@0.1.0-draft", name: "query-audio-encoder-support")
@_extern(c) func codecQueryAudioEncoderSupport(
    _ codec: Int32, _ sampleRate: Int32, _ channels: Int32, _ bitrate: Int32, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/codec@0.1.0-draft", name: "query-video-decoder-support")
@_extern(c) func codecQueryVideoDecoderSupport(
    _ codec: Int32, _ hasDescription: Int32, _ description: RawPointer?, _ descriptionCount: Int,
    _ hasCodedWidth: Int32, _ codedWidth: Int32, _ hasCodedHeight: Int32, _ codedHeight: Int32,
    _ hasOutputFormat: Int32, _ outputFormat: Int32, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/codec@0.1.0-draft", name: "query-audio-decoder-support")
@_extern(c) func codecQueryAudioDecoderSupport(
    _ codec: Int32, _ sampleRate: Int32, _ channels: Int32,
    _ hasDescription: Int32, _ description: RawPointer?, _ descriptionCount: Int, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/codec@0.1.0-draft", name: "[constructor]video-encoder")
@_extern(c) func videoEncoderNew(
    _ codec: Int32, _ width: Int32, _ height: Int32, _ bitrate: Int32, _ framerate: Int32,
    _ hasSourceWidth: Int32, _ sourceWidth: Int32, _ hasSourceHeight: Int32, _ sourceHeight: Int32,
    _ hasKeyframeInterval: Int32, _ keyframeInterval: Int32) -> Int32

@_extern(wasm, module: "wasi:media/codec@0.1.0-draft", name: "[method]video-encoder.encode")
@_extern(c) func videoEncoderEncode(
    _ handle: Int32, _ buffer: Int32, _ format: Int32, _ width: Int32, _ height: Int32, _ timestamp: Int64,
    _ hasDuration: Int32, _ duration: Int64, _ forceKeyframe: Int32, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/codec@0.1.0-draft", name: "[method]video-encoder.get-encoded-chunks")
@_extern(c) func videoEncoderGetEncodedChunks(_ handle: Int32, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/codec@0.1.0-draft", name: "[method]video-encoder.flush")
@_extern(c) func videoEncoderFlush(_ handle: Int32, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/codec@0.1.0-draft", name: "[method]video-encoder.decoder-config")
@_extern(c) func videoEncoderDecoderConfig(_ handle: Int32, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/codec@0.1.0-draft", name: "[resource-drop]video-encoder")
@_extern(c) func videoEncoderDrop(_ handle: Int32)

@_extern(wasm, module: "wasi:media/codec@0.1.0-draft", name: "[constructor]video-decoder")
@_extern(c) func videoDecoderNew(
    _ codec: Int32, _ hasDescription: Int32, _ description: RawPointer?, _ descriptionCount: Int,
    _ hasCodedWidth: Int32, _ codedWidth: Int32, _ hasCodedHeight: Int32, _ codedHeight: Int32,
    _ hasOutputFormat: Int32, _ outputFormat: Int32) -> Int32

@_extern(wasm, module: "wasi:media/codec@0.1.0-draft", name: "[method]video-decoder.decode")
@_extern(c) func videoDecoderDecode(
    _ handle: Int32, _ data: RawPointer?, _ count: Int, _ timestamp: Int64, _ hasDuration: Int32, _ duration: Int64,
    _ isKeyframe: Int32, _ hasDecodeTimestamp: Int32, _ decodeTimestamp: Int64, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/codec@0.1.0-draft", name: "[method]video-decoder.get-decoded-frames")
@_extern(c) func videoDecoderGetDecodedFrames(_ handle: Int32, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/codec@0.1.0-draft", name: "[method]video-decoder.flush")
@_extern(c) func videoDecoderFlush(_ handle: Int32, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/codec@0.1.0-draft", name: "[method]video-decoder.reset")
@_extern(c) func videoDecoderReset(_ handle: Int32)

@_extern(wasm, module: "wasi:media/codec@0.1.0-draft", name: "[resource-drop]video-decoder")
@_extern(c) func videoDecoderDrop(_ handle: Int32)

@_extern(wasm, module: "wasi:media/codec@0.1.0-draft", name: "[constructor]audio-encoder")
@_extern(c) func audioEncoderNew(_ codec: Int32, _ sampleRate: Int32, _ channels: Int32, _ bitrate: Int32) -> Int32

@_extern(wasm, module: "wasi:media/codec@0.1.0-draft", name: "[method]audio-encoder.encode")
@_extern(c) func audioEncoderEncode(
    _ handle: Int32, _ buffer: Int32, _ format: Int32, _ sampleRate: Int32, _ channels: Int32,
    _ timestamp: Int64, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/codec@0.1.0-draft", name: "[method]audio-encoder.get-encoded-chunks")
@_extern(c) func audioEncoderGetEncodedChunks(_ handle: Int32, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/codec@0.1.0-draft", name: "[method]audio-encoder.flush")
@_extern(c) func audioEncoderFlush(_ handle: Int32, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/codec@0.1.0-draft", name: "[method]audio-encoder.decoder-config")
@_extern(c) func audioEncoderDecoderConfig(_ handle: Int32, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/codec@0.1.0-draft", name: "[resource-drop]audio-encoder")
@_extern(c) func audioEncoderDrop(_ handle: Int32)

@_extern(wasm, module: "wasi:media/codec@0.1.0-draft", name: "[constructor]audio-decoder")
@_extern(c) func audioDecoderNew(
    _ codec: Int32, _ sampleRate: Int32, _ channels: Int32,
    _ hasDescription: Int32, _ description: RawPointer?, _ descriptionCount: Int) -> Int32

@_extern(wasm, module: "wasi:media/codec@0.1.0-draft", name: "[method]audio-decoder.decode")
@_extern(c) func audioDecoderDecode(
    _ handle: Int32, _ data: RawPointer?, _ count: Int, _ timestamp: Int64, _ hasDuration: Int32, _ duration: Int64,
    _ isKeyframe: Int32, _ hasDecodeTimestamp: Int32, _ decodeTimestamp: Int64, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/codec@0.1.0-draft", name: "[method]audio-decoder.get-decoded-audio")
@_extern(c) func audioDecoderGetDecodedAudio(_ handle: Int32, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/codec@0.1.0-draft", name: "[method]audio-decoder.flush")
@_extern(c) func audioDecoderFlush(_ handle: Int32, _ ret: RawPointer)

@_extern(wasm, module: "wasi:media/codec@0.1.0-draft", name: "[method]audio-decoder.reset")
@_extern(c) func audioDecoderReset(_ handle: Int32)

@_extern(wasm, module: "wasi:media/codec@0.1.0-draft", name: "[resource-drop]audio-decoder")
@_extern(c) func audioDecoderDrop(_ handle: Int32)
