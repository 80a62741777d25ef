// The export of the media-app world (docs/guest-abi.md, section 3),
// forwarding to the program the guest registered.

@_extern(c, "wasi_media_app")
func guestMediaApp() -> UnsafeMutableRawPointer

nonisolated(unsafe) private var registered: MediaAppInstance?

private var app: MediaAppInstance {
    if let app = registered { return app }
    let app = Unmanaged<MediaAppInstance>.fromOpaque(guestMediaApp()).takeRetainedValue()
    registered = app
    return app
}

@_expose(wasm, "wasi:media/app@0.1.0-draft#run")
@_cdecl("wasi_media_app_run")
func run(_ arguments: UnsafeMutableRawPointer?, _ count: Int) -> UnsafeMutableRawPointer {
    ExportResult.lower(app.run(CanonicalABI.takeStrings(arguments, count)))
}

@_expose(wasm, "cabi_post_wasi:media/app@0.1.0-draft#run")
@_cdecl("wasi_media_app_run_post")
func runPost(_ result: UnsafeMutableRawPointer) {
    ExportResult.free(result)
}
