import WasiMediaEncodedTransform

/// The receiving half of `NegatePadSend`: drops the last four bytes of the
/// payload and applies bitwise NOT to the rest, giving back the original
/// payload. A payload shorter than four bytes cannot have come from the
/// sender: the guest traps, and the pipeline reports it.
struct NegatePadReceive: EncodedTransform {
    /// Takes no properties: any given is refused before the first frame.
    static var properties: [PropertySpec]? { [] }

    func transform(_ frame: EncodedFrame) throws(GuestError) -> [EncodedFrame] {
        guard frame.data.count >= 4 else {
            throw GuestError("payload of " + String(frame.data.count) + " bytes is shorter than the 4-byte padding")
        }
        var frame = frame
        frame.data = frame.data.dropLast(4).map { ~$0 }
        return [frame]
    }
}

@_cdecl("wasi_media_encoded_transform")
func encodedTransform() -> UnsafeMutableRawPointer { exportEncodedTransform(NegatePadReceive.self) }
