import WasiMediaVideoFilter

/// Turns frames gray in place and returns the same frame.
///
/// RGBA and BGRA: every pixel's R, G and B become its luma with BT.601's
/// weights in integers, `(77 R + 150 G + 29 B + 128) >> 8` (the weights add
/// up to 256); alpha is kept. YUV 4:2:0 (`yuv420p`, `nv12`): the chroma
/// planes are set to 128 and luma is kept, without reading a byte.
struct Grayscale: VideoFilter {
    var acceptedFormats: [PixelFormat] { [.rgba8888, .bgra8888, .yuv420p, .nv12] }

    func process(_ frame: VideoFrame) throws(MediaError) -> [VideoFrame] {
        let width = Int(frame.width), height = Int(frame.height)
        switch frame.format {
        case .rgba8888, .bgra8888:
            var pixels = try frame.buffer.read(offset: 0, count: width * height * 4)
            let red = frame.format == .rgba8888 ? 0 : 2
            pixels.withUnsafeMutableBytes { raw in
                guard let p = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
                var i = 0
                while i + 4 <= raw.count {
                    let r = UInt32(p[i + red]), g = UInt32(p[i + 1]), b = UInt32(p[i + 2 - red])
                    let y = UInt8(truncatingIfNeeded: (77 * r + 150 * g + 29 * b + 128) >> 8)
                    p[i] = y
                    p[i + 1] = y
                    p[i + 2] = y
                    i += 4
                }
            }
            try frame.buffer.write(pixels)
        case .yuv420p, .nv12:
            let luma = width * height
            let chroma = frame.format.byteCount(width: width, height: height) - luma
            try frame.buffer.write([UInt8](repeating: 128, count: chroma), at: luma)
        }
        return [frame]
    }
}

@_cdecl("wasi_media_video_filter")
func videoFilter() -> UnsafeMutableRawPointer { exportVideoFilter(Grayscale.self) }
