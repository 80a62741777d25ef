import WasiMediaEncodedTransform

/// The sending half of WebRTC Encoded Transform's sample transform: every
/// payload byte `b` becomes `~b` (bitwise NOT, which for a byte is
/// `255 - b`), then four zero bytes are appended. `NegatePadReceive` undoes
/// it. The other fields pass unchanged.
struct NegatePadSend: EncodedTransform {
    /// Takes no properties: any given is refused before the first frame.
    static var properties: [PropertySpec]? { [] }

    func transform(_ frame: EncodedFrame) -> [EncodedFrame] {
        var frame = frame
        var payload = [UInt8](repeating: 0, count: frame.data.count + 4)
        for (i, b) in frame.data.enumerated() { payload[i] = ~b }
        frame.data = payload
        return [frame]
    }
}

@_cdecl("wasi_media_encoded_transform")
func encodedTransform() -> UnsafeMutableRawPointer { exportEncodedTransform(NegatePadSend.self) }
