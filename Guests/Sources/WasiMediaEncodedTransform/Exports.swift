// The exports of the encoded-transform world (docs/guest-abi.md, section 3),
// forwarding to the transform the guest registered.

@_extern(c, "wasi_media_encoded_transform")
func guestEncodedTransform() -> UnsafeMutableRawPointer

nonisolated(unsafe) private var registered: EncodedTransformInstance?

private var transformer: EncodedTransformInstance {
    if let transformer = registered { return transformer }
    let transformer = Unmanaged<EncodedTransformInstance>.fromOpaque(guestEncodedTransform()).takeRetainedValue()
    registered = transformer
    return transformer
}

@_expose(wasm, "wasi:media/encoded-transformer@0.1.0-draft#start")
@_cdecl("wasi_media_encoded_transformer_start")
func start(_ pairs: UnsafeMutableRawPointer?, _ count: Int) -> UnsafeMutableRawPointer {
    let options = Properties(CanonicalABI.takeStringPairs(pairs, count))
    return ExportResult.lower(transformer.start(options))
}

@_expose(wasm, "cabi_post_wasi:media/encoded-transformer@0.1.0-draft#start")
@_cdecl("wasi_media_encoded_transformer_start_post")
func startPost(_ result: UnsafeMutableRawPointer) {
    ExportResult.free(result)
}

@_expose(wasm, "wasi:media/encoded-transformer@0.1.0-draft#transform")
@_cdecl("wasi_media_encoded_transformer_transform")
func transform(
    _ type: Int32, _ data: UnsafeMutableRawPointer?, _ count: Int, _ timestamp: Int64,
    _ hasDecodeTimestamp: Int32, _ decodeTimestamp: Int64, _ hasDuration: Int32, _ duration: Int64,
    _ hasRTPTimestamp: Int32, _ rtpTimestamp: Int32, _ hasSSRC: Int32, _ ssrc: Int32,
    _ hasPayloadType: Int32, _ payloadType: Int32
) -> UnsafeMutableRawPointer {
    let frame = EncodedFrame.lift(type, data, count, timestamp, hasDecodeTimestamp, decodeTimestamp,
                                  hasDuration, duration, hasRTPTimestamp, rtpTimestamp, hasSSRC, ssrc,
                                  hasPayloadType, payloadType)
    let (list, n) = EncodedFrame.lowerList(transformer.transform(frame))
    return ExportResult.lowerList(list, n)
}

@_expose(wasm, "cabi_post_wasi:media/encoded-transformer@0.1.0-draft#transform")
@_cdecl("wasi_media_encoded_transformer_transform_post")
func transformPost(_ result: UnsafeMutableRawPointer) {
    let (list, count) = CanonicalABI.loadPair(result, 0)
    EncodedFrame.freeLoweredList(list, count)
}

@_expose(wasm, "wasi:media/encoded-transformer@0.1.0-draft#flush")
@_cdecl("wasi_media_encoded_transformer_flush")
func flush() -> UnsafeMutableRawPointer {
    let (list, n) = EncodedFrame.lowerList(transformer.flush())
    return ExportResult.lowerList(list, n)
}

@_expose(wasm, "cabi_post_wasi:media/encoded-transformer@0.1.0-draft#flush")
@_cdecl("wasi_media_encoded_transformer_flush_post")
func flushPost(_ result: UnsafeMutableRawPointer) {
    let (list, count) = CanonicalABI.loadPair(result, 0)
    EncodedFrame.freeLoweredList(list, count)
}

// wasi:media/properties: the properties the guest declares (none: `none`).

@_expose(wasm, "wasi:media/properties@0.1.0-draft#describe")
@_cdecl("wasi_media_encoded_transform_describe")
func describe() -> UnsafeMutableRawPointer {
    PropertyDescription.lower(transformer.properties())
}

@_expose(wasm, "cabi_post_wasi:media/properties@0.1.0-draft#describe")
@_cdecl("wasi_media_encoded_transform_describe_post")
func describePost(_ result: UnsafeMutableRawPointer) {
    PropertyDescription.free(result)
}
