/// Packs encoded tracks into a container (`muxer`): add every track, write
/// chunks (the header goes out with the first), then `finalize`. Dropped
/// when the object goes away.
public final class Muxer {
    let handle: Int32

    private init(handle: Int32) {
        self.handle = handle
    }

    /// A muxer writing `format` into memory: take the bytes with `outputBytes`.
    public convenience init(format: ContainerFormat) {
        self.init(handle: muxerNew(Int32(format.rawValue)))
    }

    /// A muxer writing `format` to the file at `path` (created or
    /// truncated). `accessDenied` outside the directories granted for writing.
    public static func create(path: String, format: ContainerFormat) throws(MediaError) -> Muxer {
        let area = CanonicalABI.importReturnArea
        withUTF8(path) { muxerCreate($0, $1, Int32(format.rawValue), area) }
        try MediaError.check(area)
        return Muxer(handle: CanonicalABI.load(area, 4, as: Int32.self))
    }

    deinit { muxerDrop(handle) }

    /// Registers a track. `invalidArgument` for a duplicate id or a missing
    /// config, `unsupported` when the format cannot carry the codec,
    /// `invalidState` after the first chunk.
    public func addTrack(_ track: TrackInfo) throws(MediaError) {
        // The parameters spill (25 flat values): (self, track-info) as a tuple in memory.
        let params = CanonicalABI.allocate(byteCount: 8 + TrackInfo.size, alignment: 8)
        CanonicalABI.store(handle, params, 0)
        track.store(into: params, 8)
        let area = CanonicalABI.importReturnArea
        muxerAddTrack(params, area)
        TrackInfo.freeStored(params, 8)
        params.deallocate()
        try MediaError.check(area)
    }

    /// Writes `chunk` to track `trackID`. `notFound` for an unknown track.
    public func writeChunk(trackID: UInt32, _ chunk: EncodedChunk) throws(MediaError) {
        let area = CanonicalABI.importReturnArea
        chunk.withFlat { muxerWriteChunk(handle, Int32(bitPattern: trackID), $0, $1, $2, $3, $4, $5, $6, $7, area) }
        try MediaError.check(area)
    }

    /// The container bytes produced since the last call (always empty for
    /// a muxer made by `create`).
    public func outputBytes() -> [UInt8] {
        let area = CanonicalABI.importReturnArea
        muxerGetOutputBytes(handle, area)
        let (pointer, count) = CanonicalABI.loadPair(area, 0)
        return CanonicalABI.takeByteArray(pointer, count)
    }

    /// Writes the trailer. Calling it again does nothing.
    public func finalize() throws(MediaError) {
        let area = CanonicalABI.importReturnArea
        muxerFinalize(handle, area)
        try MediaError.check(area)
    }
}
