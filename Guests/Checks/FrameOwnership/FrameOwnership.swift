import WasiMediaVideoFilter

/// A video filter for host tests of buffer ownership; `mode=` picks what
/// `process` does with its input frame:
///
/// - `drop` (default): returns nothing, so the frame's buffer is dropped
///   (`[resource-drop]media-buffer`) when the frame goes away.
/// - `twice`: returns the input frame twice; the guest traps while lowering
///   the second, before the host sees the list.
/// - `new`: returns the input, a duplicate of it (timestamp + 2) and a new
///   2x1 RGBA frame holding bytes 1...8 (timestamp + 1, duration 5).
/// - `overread`: reads a million bytes from offset 1; the host's
///   `out-of-bounds` error makes the guest trap.
struct FrameOwnership: VideoFilter {
    enum Mode { case drop, twice, new, overread }
    var mode = Mode.drop

    mutating func configure(_ properties: Properties) throws(GuestError) {
        let modes: [(String, Mode)] = [("drop", .drop), ("twice", .twice), ("new", .new), ("overread", .overread)]
        let name = properties["mode"] ?? "drop"
        guard let found = modes.first(where: { $0.0.utf8.elementsEqual(name.utf8) }) else {
            throw GuestError("mode: expected drop, twice, new or overread, got '" + name + "'")
        }
        mode = found.1
    }

    func process(_ frame: VideoFrame) throws(MediaError) -> [VideoFrame] {
        switch mode {
        case .drop:
            return []
        case .twice:
            return [frame, frame]
        case .new:
            var made = VideoFrame(format: .rgba8888, width: 2, height: 1, timestampUs: frame.timestampUs + 1)
            try made.buffer.write([1, 2, 3, 4, 5, 6, 7, 8])
            made.durationUs = 5
            let copy = VideoFrame(buffer: frame.buffer.duplicate(), format: frame.format, width: frame.width,
                                  height: frame.height, timestampUs: frame.timestampUs + 2)
            return [frame, copy, made]
        case .overread:
            _ = try frame.buffer.read(offset: 1, count: 1_000_000)
            return [frame]
        }
    }
}

@_cdecl("wasi_media_video_filter")
func videoFilter() -> UnsafeMutableRawPointer { exportVideoFilter(FrameOwnership.self) }
