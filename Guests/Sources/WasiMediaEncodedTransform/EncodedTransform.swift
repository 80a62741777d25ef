@_exported import WasiMedia

/// An `encoded-transform` guest: user code on compressed frames, in the
/// manner of WebRTC Encoded Transform (`wasi:media/encoded-transformer`).
/// The three functions are a `TransformStream`'s `start`, `transform` and
/// `flush`; returning frames is `controller.enqueue`. The world imports
/// nothing.
///
/// Register the type once with `exportEncodedTransform` (see docs/guests.md).
public protocol EncodedTransform {
    /// A transform with default settings, made before the first call.
    init()

    /// Called once before the first frame with the element's properties plus
    /// `kind` (`video` or `audio`) and `mime-type` (`video/H264`...). A
    /// thrown error stops the pipeline with its message. Default: ignores them.
    mutating func start(_ options: Properties) throws(GuestError)

    /// Returns the frames to send on, in order: none (dropped), the frame,
    /// or several. A thrown error traps: the pipeline reports the guest
    /// failed.
    mutating func transform(_ frame: EncodedFrame) throws(GuestError) -> [EncodedFrame]

    /// The stream is about to close: returns the frames still held.
    /// Default: none.
    mutating func flush() throws(GuestError) -> [EncodedFrame]

    /// The properties `start` takes, which the host checks before `start`.
    /// Default: nil, declaring nothing.
    static var properties: [PropertySpec]? { get }
}

extension EncodedTransform {
    public mutating func start(_ options: Properties) throws(GuestError) {}
    public mutating func flush() throws(GuestError) -> [EncodedFrame] { [] }
    public static var properties: [PropertySpec]? { nil }
}

/// Makes `transform` the guest's encoded transform. Call it from the one
/// function every encoded-transform guest defines:
///
/// ```swift
/// @_cdecl("wasi_media_encoded_transform")
/// func encodedTransform() -> UnsafeMutableRawPointer { exportEncodedTransform(NegatePadSend.self) }
/// ```
public func exportEncodedTransform<T: EncodedTransform>(_ transform: T.Type) -> UnsafeMutableRawPointer {
    Unmanaged<EncodedTransformInstance>.passRetained(RegisteredEncodedTransform<T>()).toOpaque()
}

/// The registered transform, behind a non-generic interface the exports call.
class EncodedTransformInstance {
    func start(_ options: Properties) -> GuestError? { nil }
    func transform(_ frame: EncodedFrame) -> [EncodedFrame] { [] }
    func flush() -> [EncodedFrame] { [] }
    func properties() -> [PropertySpec]? { nil }
}

final class RegisteredEncodedTransform<T: EncodedTransform>: EncodedTransformInstance {
    var transformer = T()

    override func start(_ options: Properties) -> GuestError? {
        LineBudget.during { () -> GuestError? in do throws(GuestError) { try transformer.start(options); return nil } catch { return error } }
    }

    override func transform(_ frame: EncodedFrame) -> [EncodedFrame] {
        LineBudget.during { () -> [EncodedFrame] in do throws(GuestError) { return try transformer.transform(frame) } catch { trapAfter("transform", error.message) } }
    }

    override func flush() -> [EncodedFrame] {
        LineBudget.during { () -> [EncodedFrame] in do throws(GuestError) { return try transformer.flush() } catch { trapAfter("flush", error.message) } }
    }

    override func properties() -> [PropertySpec]? { T.properties }
}
