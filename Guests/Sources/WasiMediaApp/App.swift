@_exported import WasiMedia

/// A `media-app` guest: a program that drives the media interfaces itself
/// (`wasi:media/app`). What it may touch is what the user granted when
/// running it: directories, URL prefixes, devices.
///
/// Register the type once with `exportMediaApp` (see docs/guests.md).
public protocol MediaApp {
    init()

    /// Runs the program with its command-line arguments (the program's
    /// name not included). A thrown error's message is shown to the user,
    /// and the command exits non-zero.
    mutating func run(_ arguments: [String]) throws(GuestError)
}

/// Makes `app` the guest's program. Call it from the one function every
/// media-app guest defines:
///
/// ```swift
/// @_cdecl("wasi_media_app")
/// func mediaApp() -> UnsafeMutableRawPointer { exportMediaApp(Transcode.self) }
/// ```
public func exportMediaApp<A: MediaApp>(_ app: A.Type) -> UnsafeMutableRawPointer {
    Unmanaged<MediaAppInstance>.passRetained(RegisteredMediaApp<A>()).toOpaque()
}

/// The registered program, behind a non-generic interface the export calls.
class MediaAppInstance {
    func run(_ arguments: [String]) -> GuestError? { nil }
}

final class RegisteredMediaApp<A: MediaApp>: MediaAppInstance {
    var app = A()

    override func run(_ arguments: [String]) -> GuestError? {
        do { try app.run(arguments); return nil } catch { return error }
    }
}
