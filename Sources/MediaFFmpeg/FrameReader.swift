public import MediaCore

/// Reads decoded frames of one video track of a file, with frame-exact
/// seeking: what an editor's preview or a trim needs.
///
/// ``seek(toUs:)`` moves the demuxer to the keyframe at or before the target,
/// then decodes and drops frames until the one on screen at the target: the
/// frame with the largest timestamp not after it. Not thread-safe.
public final class FrameReader {
    public let demuxer: Demuxer
    public let track: TrackInfo
    private let decoder: VideoDecoder
    private var ready: [VideoFrame] = []
    private var drained = false
    private var seekTargetUs: Int64?
    private var held: VideoFrame?

    /// Opens `url` and the first video track (or `trackId`).
    public init(url: String, trackId: Int? = nil, outputFormat: PixelFormat? = nil) throws(MediaError) {
        let demuxer = try Demuxer(url: url)
        self.demuxer = demuxer
        let chosen = trackId.flatMap { demuxer.track($0) } ?? demuxer.tracks.first { $0.isVideo }
        guard let chosen, chosen.isVideo else {
            throw MediaError(.notFound, operation: "open frame reader",
                             message: trackId.map { "track \($0) is not a video track" } ?? "the file has no video track", file: url)
        }
        track = chosen
        decoder = try VideoDecoder(parameters: chosen.parameters, outputFormat: outputFormat)
    }

    /// The next frame in presentation order, or nil at the end of the track.
    public func nextFrame() throws(MediaError) -> VideoFrame? {
        while true {
            if let target = seekTargetUs {
                // Hold back frames until the one covering the target is known.
                guard let frame = try pull() else {
                    seekTargetUs = nil
                    let last = held
                    held = nil
                    return last
                }
                if frame.timestampUs <= target {
                    held = frame
                    continue
                }
                seekTargetUs = nil
                if let h = held {
                    held = nil
                    ready.insert(frame, at: 0)
                    return h
                }
                return frame
            }
            return try pull()
        }
    }

    /// Positions the reader so the next frame is the one on screen at `timeUs`.
    public func seek(toUs timeUs: Int64) throws(MediaError) {
        try demuxer.seek(toUs: timeUs)
        decoder.reset()
        ready.removeAll()
        held = nil
        drained = false
        seekTargetUs = timeUs
    }

    private func pull() throws(MediaError) -> VideoFrame? {
        while ready.isEmpty {
            if drained { return nil }
            if let chunk = try demuxer.readChunk(trackId: track.id) {
                try decoder.decode(chunk)
            } else {
                try decoder.flush()
                drained = true
            }
            ready += decoder.takeDecodedFrames()
        }
        return ready.removeFirst()
    }
}
