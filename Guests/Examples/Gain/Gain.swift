import WasiMediaAudioFilter

/// Multiplies every sample by `gain=` (a number, default 1; 1 passes the
/// audio on without touching it). Takes `f32-planar` and `s16-interleaved`
/// (results clamped to the 16-bit range).
struct Gain: AudioFilter {
    var gain: Float = 1

    var acceptedFormats: [SampleFormat] { [.f32Planar, .s16Interleaved] }

    static var properties: [PropertySpec]? {[
        .number("gain", 0...1e6, default: "1", doc: "factor every sample is multiplied by"),
    ]}

    mutating func configure(_ properties: Properties) throws(GuestError) {
        let value = try properties.number("gain") ?? 1
        guard value >= 0, value < 1e6 else { throw GuestError("gain: must be between 0 and 1e6") }
        gain = Float(value)
    }

    func process(_ audio: AudioData) throws(MediaError) -> [AudioData] {
        guard gain != 1 else { return [audio] }
        var samples = try audio.buffer.read()
        let gain = gain
        samples.withUnsafeMutableBytes { raw in
            switch audio.format {
            case .f32Planar:
                for i in 0..<(raw.count / 4) {
                    let x = raw.loadUnaligned(fromByteOffset: i * 4, as: Float.self)
                    raw.storeBytes(of: x * gain, toByteOffset: i * 4, as: Float.self)
                }
            case .s16Interleaved:
                for i in 0..<(raw.count / 2) {
                    let x = Float(raw.loadUnaligned(fromByteOffset: i * 2, as: Int16.self)) * gain
                    let clamped = Int16(max(-32768, min(32767, x.rounded())))
                    raw.storeBytes(of: clamped, toByteOffset: i * 2, as: Int16.self)
                }
            }
        }
        try audio.buffer.write(samples)
        return [audio]
    }
}

@_cdecl("wasi_media_audio_filter")
func audioFilter() -> UnsafeMutableRawPointer { exportAudioFilter(Gain.self) }
