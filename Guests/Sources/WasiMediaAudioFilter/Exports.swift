// The exports of the audio-filter world (docs/guest-abi.md, section 3),
// forwarding to the filter the guest registered.

@_extern(c, "wasi_media_audio_filter")
func guestAudioFilter() -> UnsafeMutableRawPointer

nonisolated(unsafe) private var registered: AudioFilterInstance?

private var filter: AudioFilterInstance {
    if let filter = registered { return filter }
    let filter = Unmanaged<AudioFilterInstance>.fromOpaque(guestAudioFilter()).takeRetainedValue()
    registered = filter
    return filter
}

@_expose(wasm, "wasi:media/audio-processor@0.1.0-draft#configure")
@_cdecl("wasi_media_audio_processor_configure")
func configure(_ pairs: UnsafeMutableRawPointer?, _ count: Int) -> UnsafeMutableRawPointer {
    let properties = Properties(CanonicalABI.takeStringPairs(pairs, count))
    return ExportResult.lower(filter.configure(properties))
}

@_expose(wasm, "cabi_post_wasi:media/audio-processor@0.1.0-draft#configure")
@_cdecl("wasi_media_audio_processor_configure_post")
func configurePost(_ result: UnsafeMutableRawPointer) {
    ExportResult.free(result)
}

@_expose(wasm, "wasi:media/audio-processor@0.1.0-draft#accepted-formats")
@_cdecl("wasi_media_audio_processor_accepted_formats")
func acceptedFormats() -> UnsafeMutableRawPointer {
    let formats = filter.acceptedFormats()
    let list = CanonicalABI.allocate(byteCount: formats.count, alignment: 1)
    for (i, format) in formats.enumerated() { CanonicalABI.store(format.rawValue, list, i) }
    return ExportResult.lowerList(list, formats.count)
}

@_expose(wasm, "cabi_post_wasi:media/audio-processor@0.1.0-draft#accepted-formats")
@_cdecl("wasi_media_audio_processor_accepted_formats_post")
func acceptedFormatsPost(_ result: UnsafeMutableRawPointer) {
    CanonicalABI.freePair(result, 0)
}

@_expose(wasm, "wasi:media/audio-processor@0.1.0-draft#process")
@_cdecl("wasi_media_audio_processor_process")
func process(_ buffer: Int32, _ format: Int32, _ sampleRate: Int32, _ channels: Int32,
             _ timestamp: Int64) -> UnsafeMutableRawPointer {
    let audio = AudioData.lift(buffer, format, sampleRate, channels, timestamp)
    let (list, count) = AudioData.lowerList(filter.process(audio))
    return ExportResult.lowerList(list, count)
}

@_expose(wasm, "cabi_post_wasi:media/audio-processor@0.1.0-draft#process")
@_cdecl("wasi_media_audio_processor_process_post")
func processPost(_ result: UnsafeMutableRawPointer) {
    CanonicalABI.freePair(result, 0)
}

@_expose(wasm, "wasi:media/audio-processor@0.1.0-draft#flush")
@_cdecl("wasi_media_audio_processor_flush")
func flush() -> UnsafeMutableRawPointer {
    let (list, count) = AudioData.lowerList(filter.flush())
    return ExportResult.lowerList(list, count)
}

@_expose(wasm, "cabi_post_wasi:media/audio-processor@0.1.0-draft#flush")
@_cdecl("wasi_media_audio_processor_flush_post")
func flushPost(_ result: UnsafeMutableRawPointer) {
    CanonicalABI.freePair(result, 0)
}

// wasi:media/properties: the properties the guest declares (none: `none`).

@_expose(wasm, "wasi:media/properties@0.1.0-draft#describe")
@_cdecl("wasi_media_audio_filter_describe")
func describe() -> UnsafeMutableRawPointer {
    PropertyDescription.lower(filter.properties())
}

@_expose(wasm, "cabi_post_wasi:media/properties@0.1.0-draft#describe")
@_cdecl("wasi_media_audio_filter_describe_post")
func describePost(_ result: UnsafeMutableRawPointer) {
    PropertyDescription.free(result)
}
