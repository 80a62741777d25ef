internal import CFFmpeg
public import MediaCore

/// Single pictures in local files: any image FFmpeg decodes, PNG written
/// losslessly, and raw frames in the canonical plane layout. What a test or
/// a debugging command needs to check a frame exactly.
///
/// Every error names the file and says what was wrong with it (no such
/// file, not an image, does not decode, wrong size). Paths are local files,
/// never URLs or sequence patterns: `100%.png` is that one file. Thread-safe
/// (each call has its own FFmpeg objects).
public enum StillImage {
    // MARK: - Images

    /// Decodes the picture in `path` and converts it to `format`.
    ///
    /// Reads whatever FFmpeg decodes: PNG (8 or 16 bits, gray, palette,
    /// alpha), JPEG, BMP, PPM/PGM, TIFF, WebP, GIF... A file of several
    /// pictures (an animated GIF, a video) gives its first. The frame's
    /// timestamp is 0. RGB images read as `rgba8888` keep every 8-bit value
    /// (alpha 255 where the image has none); reading as a YUV format
    /// converts with BT.601 limited range.
    /// - Throws: `notFound` when there is no such file; `invalidArgument` for a
    ///   directory; `invalidData` when the file is not an image FFmpeg reads,
    ///   holds no picture, or its picture does not decode (truncated, corrupt).
    public static func read(_ path: String, as format: PixelFormat = .rgba8888) throws(MediaError) -> VideoFrame {
        let operation = "read image"
        _ = try LocalFile.size(path, operation: operation)
        let demuxer: Demuxer
        do throws(MediaError) {
            // `file:` keeps a colon from naming a protocol; no pattern keeps a `%` literal.
            demuxer = try Demuxer(url: "file:" + path, options: ["pattern_type": "none"])
        } catch {
            var e = error
            e.file = path
            e.operation = operation
            if e.code == .invalidData { e.message = "not an image FFmpeg can read (empty, truncated, or an unknown format)" }
            throw e
        }
        guard let track = demuxer.tracks.first(where: \.isVideo) else {
            let held = demuxer.tracks.map { "\($0.kind.rawValue) (\($0.parameters.codecName))" }.joined(separator: ", ")
            throw MediaError(.invalidData, operation: operation, message: "not an image: it holds \(held) and no picture",
                             container: demuxer.formatName, file: path)
        }
        let codec = track.parameters.codecName
        do throws(MediaError) {
            let decoder = try VideoDecoder(parameters: track.parameters, outputFormat: format, threadCount: 1)
            var frames: [VideoFrame] = []
            while frames.isEmpty, let chunk = try demuxer.readChunk(trackId: track.id) {
                try decoder.decode(chunk)
                frames += decoder.takeDecodedFrames()
            }
            if frames.isEmpty {
                try decoder.flush()
                frames += decoder.takeDecodedFrames()
            }
            guard var frame = frames.first else {
                throw MediaError(.invalidData, operation: operation,
                                 message: "the \(codec) picture does not decode (the file is truncated or corrupt)", codec: codec, file: path)
            }
            frame.timestampUs = 0
            frame.durationUs = nil
            return frame
        } catch {
            var e = error
            e.file = path
            e.operation = operation
            if e.code == .invalidData || e.code == .failed, e.cause != nil {
                e.code = .invalidData
                e.message = "the \(codec) picture does not decode (the file is truncated or corrupt)"
            }
            throw e
        }
    }

    /// The PNG file's bytes for `frame` (see ``PNGEncoder`` for the colour
    /// type chosen and how YUV frames are converted). Deterministic.
    public static func encodePNG(_ frame: VideoFrame, compressionLevel: Int = 6) throws(MediaError) -> [UInt8] {
        try PNGEncoder(compressionLevel: compressionLevel).encode(frame)
    }

    /// Writes `frame` to `path` as a PNG file (created or truncated; the
    /// directory must exist). `rgba8888` and `bgra8888` frames are stored
    /// exactly, as gray, RGB or RGBA, whichever is smallest and keeps every
    /// value; YUV frames are converted to RGB. The same frame always gives
    /// the same bytes.
    /// - Throws: `notFound` when the directory does not exist; `io` when writing fails.
    public static func writePNG(_ frame: VideoFrame, to path: String) throws(MediaError) {
        let bytes: [UInt8]
        do { bytes = try encodePNG(frame) } catch { throw error.with(file: path) }
        try LocalFile.write(bytes, to: path, operation: "write png")
    }

    // MARK: - Raw frames

    /// Reads a file holding exactly one frame of `format` at `width` x
    /// `height` in the canonical tight plane layout (``PixelFormat``), as
    /// ``writeRaw(_:to:)``, `rawvideoparse` and `ffmpeg -f rawvideo` use.
    /// The frame's timestamp is 0.
    /// - Throws: `invalidArgument` for a size outside 1...16384;
    ///   `invalidData` when the file's size is not the frame's, giving both
    ///   byte counts; `notFound` when there is no such file.
    public static func readRaw(_ path: String, format: PixelFormat, width: Int, height: Int) throws(MediaError) -> VideoFrame {
        let operation = "read raw video"
        guard (1...VideoFrame.maxDimension).contains(width), (1...VideoFrame.maxDimension).contains(height) else {
            throw MediaError(.invalidArgument, operation: operation,
                             message: "size \(width)x\(height) is outside 1...\(VideoFrame.maxDimension)", file: path)
        }
        let expected = format.byteCount(width: width, height: height)
        let actual = try LocalFile.size(path, operation: operation)
        guard actual == expected else {
            var message = "a \(format.witName) \(width)x\(height) frame is \(expected) bytes, but the file holds \(actual)"
            if actual > expected, actual % expected == 0 { message += " (\(actual / expected) frames; this reads one)" }
            throw MediaError(.invalidData, operation: operation, message: message, file: path)
        }
        let bytes = try LocalFile.read(path, operation: operation)
        do throws(MediaError) {
            return try VideoFrame(bytes: bytes, format: format, width: width, height: height, timestampUs: 0)
        } catch {
            throw error.with(file: path)
        }
    }

    /// Writes `frame`'s bytes in the canonical tight plane layout (planes one
    /// after the other, no row padding): what ``readRaw(_:format:width:height:)``
    /// and `ffmpeg -f rawvideo -pix_fmt rgba|bgra|yuv420p|nv12` read.
    /// - Throws: `notFound` when the directory does not exist; `io` when writing fails.
    public static func writeRaw(_ frame: VideoFrame, to path: String) throws(MediaError) {
        let count = frame.format.byteCount(width: frame.width, height: frame.height)
        try LocalFile.write(Array(frame.buffer.bytes.prefix(count)), to: path, operation: "write raw video")
    }
}
