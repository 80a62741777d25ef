import WasiMediaVideoFilter

/// A video filter that fails on purpose, for host tests of what a user
/// sees when a guest goes wrong, and that logs, for the logging tests.
/// `mode=` chooses, per frame:
///
/// - `pass`: returns the frame (the default);
/// - `throw`: throws `MediaError(.invalidArgument, "strength must be in 0...1, got 7")`;
/// - `index`: reads past the end of an array (Swift traps);
/// - `overwrite`: writes 16 bytes at the end of the frame's buffer (the
///   host answers `out-of-bounds`, which the filter does not catch);
/// - `handle`: asks the size of a buffer handle the host never gave out
///   (the host traps, naming the import);
/// - `log`: logs one line at each of trace, debug, info and warn, prints
///   one, and returns the frame;
/// - `flood`: logs `count=` lines (default 1000) of the same text, then
///   returns the frame (the guest benchmark's logging line).
struct Faults: VideoFilter {
    var mode = "pass"
    var count = 1000
    var frames = 0

    static var properties: [PropertySpec]? {[
        .choice("mode", ["pass", "throw", "index", "overwrite", "handle", "log", "flood"], default: "pass",
                doc: "how to fail (or log) on each frame"),
        .integer("count", 0...1_000_000, default: "1000", doc: "lines to log per frame in mode=flood"),
    ]}

    mutating func configure(_ properties: Properties) throws(GuestError) {
        if let mode = properties["mode"] { self.mode = mode }
        if let count = try properties.integer("count") { self.count = count }
    }

    mutating func process(_ frame: VideoFrame) throws(MediaError) -> [VideoFrame] {
        frames += 1
        switch mode {
        case "throw":
            throw MediaError(.invalidArgument, "strength must be in 0...1, got 7")
        case "index":
            let table = [1, 2, 3]
            return table[frames + 2] > 0 ? [frame] : []
        case "overwrite":
            let size = frame.buffer.size
            try frame.buffer.write([UInt8](repeating: 0, count: 16), at: size)
            return [frame]
        case "handle":
            return faultsBufferSize(9999) > 0 ? [frame] : []
        case "log":
            log(.trace, "frame \(frames) trace", context: "faults")
            log(.debug, "frame \(frames) debug", context: "faults")
            log(.info, "frame \(frames) info", context: "faults")
            log(.warn, "frame \(frames) warn", context: "faults")
            print("frame \(frames) printed")
            return [frame]
        case "flood":
            for _ in 0..<count { log(.info, "flooding the log", context: "faults") }
            return [frame]
        default:
            return [frame]
        }
    }
}

/// `[method]media-buffer.size` declared again, to call it with a handle the
/// SDK would never pass.
@_extern(wasm, module: "wasi:media/types@0.1.0-draft", name: "[method]media-buffer.size")
@_extern(c) func faultsBufferSize(_ handle: Int32) -> Int64

@_cdecl("wasi_media_video_filter")
func videoFilter() -> UnsafeMutableRawPointer { exportVideoFilter(Faults.self) }
