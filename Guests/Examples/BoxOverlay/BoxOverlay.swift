import WasiMediaVideoFilter

/// Draws the outline of a rectangle on RGBA or BGRA frames.
///
/// Properties: `box=x,y,w,h` (pixels; the outline lies inside this
/// rectangle, and parts outside the frame are clipped), `color=rrggbb`
/// (default `ff0000`), `thickness=` (pixels, default 2). Without `box`,
/// frames pass unchanged. Reads and writes only the rows the box covers.
struct BoxOverlay: VideoFilter {
    var box: (x: Int, y: Int, width: Int, height: Int)?
    var color: (red: UInt8, green: UInt8, blue: UInt8) = (255, 0, 0)
    var thickness = 2

    var acceptedFormats: [PixelFormat] { [.rgba8888, .bgra8888] }

    static var properties: [PropertySpec]? {[
        .string("box", doc: "x,y,w,h of the rectangle, in pixels; unset draws nothing"),
        .string("color", default: "ff0000", doc: "outline colour as rrggbb"),
        .integer("thickness", 1...4096, default: "2", doc: "outline width in pixels"),
    ]}

    mutating func configure(_ properties: Properties) throws(GuestError) {
        if let b = try properties.integers("box", count: 4) {
            guard b[2] >= 0, b[3] >= 0 else { throw GuestError("box: width and height must not be negative") }
            box = (b[0], b[1], b[2], b[3])
        } else {
            box = nil
        }
        color = try properties.color("color") ?? (255, 0, 0)
        thickness = try properties.integer("thickness") ?? 2
        guard thickness > 0 else { throw GuestError("thickness: must be at least 1") }
    }

    func process(_ frame: VideoFrame) throws(MediaError) -> [VideoFrame] {
        guard let box, frame.format == .rgba8888 || frame.format == .bgra8888 else { return [frame] }
        let width = Int(frame.width), height = Int(frame.height)
        // The rows the box covers, clipped to the frame.
        let top = max(box.y, 0), bottom = min(box.y + box.height, height)
        let left = max(box.x, 0), right = min(box.x + box.width, width)
        guard top < bottom, left < right else { return [frame] }

        let rowBytes = width * 4
        var rows = try frame.buffer.read(offset: top * rowBytes, count: (bottom - top) * rowBytes)
        let pixel: (UInt8, UInt8, UInt8, UInt8) = frame.format == .rgba8888
            ? (color.red, color.green, color.blue, 255) : (color.blue, color.green, color.red, 255)
        let t = min(thickness, (box.width + 1) / 2, (box.height + 1) / 2)
        rows.withUnsafeMutableBytes { raw in
            func fill(_ x0: Int, _ x1: Int, row y: Int) {
                let x0 = max(x0, left), x1 = min(x1, right)
                guard x0 < x1 else { return }
                for x in x0..<x1 {
                    let i = (y - top) * rowBytes + x * 4
                    raw[i] = pixel.0; raw[i + 1] = pixel.1; raw[i + 2] = pixel.2; raw[i + 3] = pixel.3
                }
            }
            for y in top..<bottom {
                let inTopBand = y < box.y + t, inBottomBand = y >= box.y + box.height - t
                if inTopBand || inBottomBand {
                    fill(box.x, box.x + box.width, row: y)
                } else {
                    fill(box.x, box.x + t, row: y)
                    fill(box.x + box.width - t, box.x + box.width, row: y)
                }
            }
        }
        try frame.buffer.write(rows, at: top * rowBytes)
        return [frame]
    }
}

@_cdecl("wasi_media_video_filter")
func videoFilter() -> UnsafeMutableRawPointer { exportVideoFilter(BoxOverlay.self) }
