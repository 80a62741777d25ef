import WasiMediaVideoFilter

/// Returns every frame as it came: no pixel is read or copied. Measures
/// what a guest costs a pipeline.
struct PassThrough: VideoFilter {
    /// Takes no properties: any given is refused before the first frame.
    static var properties: [PropertySpec]? { [] }

    func process(_ frame: VideoFrame) -> [VideoFrame] {
        [frame]
    }
}

@_cdecl("wasi_media_video_filter")
func videoFilter() -> UnsafeMutableRawPointer { exportVideoFilter(PassThrough.self) }
