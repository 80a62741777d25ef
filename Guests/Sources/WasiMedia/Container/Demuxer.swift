/// Reads encoded tracks out of a container (`demuxer`), from a file or URL
/// (`open`) or from bytes the guest appends. Dropped when the object goes
/// away.
public final class Demuxer {
    let handle: Int32

    private init(handle: Int32) {
        self.handle = handle
    }

    /// A demuxer fed with `appendBytes`; the format is detected from the bytes.
    public convenience init() {
        self.init(handle: demuxerNew())
    }

    /// A demuxer reading the file or URL at `path`. `notFound`,
    /// `accessDenied` outside the granted directories, `invalidData` when it
    /// is no container the host reads.
    public static func open(path: String) throws(MediaError) -> Demuxer {
        let area = CanonicalABI.importReturnArea
        withUTF8(path) { demuxerOpen($0, $1, area) }
        try MediaError.check(area)
        return Demuxer(handle: CanonicalABI.load(area, 4, as: Int32.self))
    }

    deinit { demuxerDrop(handle) }

    /// Feeds container bytes. `invalidState` for a demuxer made by `open`,
    /// or after `finishBytes`.
    public func appendBytes(_ bytes: [UInt8]) throws(MediaError) {
        let area = CanonicalABI.importReturnArea
        withBytes(bytes) { demuxerAppendBytes(handle, $0, $1, area) }
        try MediaError.check(area)
    }

    /// No more bytes will be appended.
    public func finishBytes() {
        demuxerFinishBytes(handle)
    }

    /// True when the last call could not complete for lack of bytes.
    public var needsBytes: Bool {
        demuxerNeedsBytes(handle) != 0
    }

    /// The audio and video tracks; empty while the header is incomplete.
    public func tracks() throws(MediaError) -> [TrackInfo] {
        let area = CanonicalABI.importReturnArea
        demuxerGetTracks(handle, area)
        let (pointer, count) = try takeListResult(area)
        return TrackInfo.takeList(pointer, count)
    }

    /// The next chunk of track `trackID`; nil at its end (or when
    /// `needsBytes`). `notFound` for an unknown track.
    public func readChunk(trackID: UInt32) throws(MediaError) -> EncodedChunk? {
        let area = CanonicalABI.importReturnArea
        demuxerReadChunk(handle, Int32(bitPattern: trackID), area)
        if CanonicalABI.load(area, 0, as: UInt8.self) != 0 { throw MediaError.take(at: area, 8) }
        guard CanonicalABI.load(area, 8, as: UInt8.self) != 0 else { return nil }
        return EncodedChunk.take(at: area, 16)
    }

    /// The next chunk of any track in container order, with its track id;
    /// nil at the end (or when `needsBytes`).
    public func readNextChunk() throws(MediaError) -> (trackID: UInt32, chunk: EncodedChunk)? {
        let area = CanonicalABI.importReturnArea
        demuxerReadNextChunk(handle, area)
        if CanonicalABI.load(area, 0, as: UInt8.self) != 0 { throw MediaError.take(at: area, 8) }
        guard CanonicalABI.load(area, 8, as: UInt8.self) != 0 else { return nil }
        return (CanonicalABI.load(area, 16, as: UInt32.self), EncodedChunk.take(at: area, 24))
    }

    /// Every track resumes at the keyframe at or before `timeUs`.
    public func seek(toTimestampUs timeUs: Int64) throws(MediaError) {
        let area = CanonicalABI.importReturnArea
        demuxerSeekToTimestamp(handle, timeUs, area)
        try MediaError.check(area)
    }
}
