@_exported import WasiMedia

/// An `audio-filter` guest: one pipeline step from audio to audio
/// (`wasi:media/audio-processor`), with the call order of `VideoFilter`.
///
/// Register the type once with `exportAudioFilter` (see docs/guests.md).
public protocol AudioFilter {
    /// A filter with default settings, made before the first call.
    init()

    /// Takes the complete list of properties and upstream metadata. A thrown
    /// error stops the pipeline with its message. Default: ignores them.
    mutating func configure(_ properties: Properties) throws(GuestError)

    /// The formats `process` accepts, in order of preference; empty (the
    /// default) accepts every format.
    var acceptedFormats: [SampleFormat] { get }

    /// Returns the audio to send downstream: none, the input itself (no
    /// sample copied), changed or new audio, or several runs. A thrown
    /// error traps: the pipeline reports the guest failed.
    mutating func process(_ audio: AudioData) throws(MediaError) -> [AudioData]

    /// End of stream: returns the audio the filter still holds. Default: none.
    mutating func flush() throws(MediaError) -> [AudioData]

    /// The properties `configure` takes, which the host checks before the
    /// first `configure`. Default: nil, declaring nothing.
    static var properties: [PropertySpec]? { get }
}

extension AudioFilter {
    public mutating func configure(_ properties: Properties) throws(GuestError) {}
    public var acceptedFormats: [SampleFormat] { [] }
    public mutating func flush() throws(MediaError) -> [AudioData] { [] }
    public static var properties: [PropertySpec]? { nil }
}

/// Makes `filter` the guest's audio filter. Call it from the one function
/// every audio-filter guest defines:
///
/// ```swift
/// @_cdecl("wasi_media_audio_filter")
/// func audioFilter() -> UnsafeMutableRawPointer { exportAudioFilter(Gain.self) }
/// ```
public func exportAudioFilter<F: AudioFilter>(_ filter: F.Type) -> UnsafeMutableRawPointer {
    Unmanaged<AudioFilterInstance>.passRetained(RegisteredAudioFilter<F>()).toOpaque()
}

/// The registered filter, behind a non-generic interface the exports call.
class AudioFilterInstance {
    func configure(_ properties: Properties) -> GuestError? { nil }
    func acceptedFormats() -> [SampleFormat] { [] }
    func process(_ audio: AudioData) -> [AudioData] { [] }
    func flush() -> [AudioData] { [] }
    func properties() -> [PropertySpec]? { nil }
}

final class RegisteredAudioFilter<F: AudioFilter>: AudioFilterInstance {
    var filter = F()

    override func configure(_ properties: Properties) -> GuestError? {
        LineBudget.during { () -> GuestError? in do throws(GuestError) { try filter.configure(properties); return nil } catch { return error } }
    }

    override func acceptedFormats() -> [SampleFormat] {
        filter.acceptedFormats
    }

    override func process(_ audio: AudioData) -> [AudioData] {
        LineBudget.during { () -> [AudioData] in do throws(MediaError) { return try filter.process(audio) } catch { trapAfter("process", error) } }
    }

    override func flush() -> [AudioData] {
        LineBudget.during { () -> [AudioData] in do throws(MediaError) { return try filter.flush() } catch { trapAfter("flush", error) } }
    }

    override func properties() -> [PropertySpec]? { F.properties }
}
