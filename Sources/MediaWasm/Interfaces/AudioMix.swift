internal import MediaCore
internal import MediaFFmpeg

/// The mixing graph behind one `audio-context`: source tracks resampled to
/// the master format, scaled by their gain and summed.
///
/// Output covers the span every active track has covered: a track that is
/// still open holds the mix back until it has audio for that span; an ended
/// track contributes what it has left, then silence. The master timeline
/// starts at 0 µs and follows the mixed samples. Confined to its guest instance.
final class AudioMix {
    let sampleRate: Int
    let channels: Int

    private final class Track {
        let resampler: AudioResampler
        var gain: Float = 1
        /// Resampled samples not mixed yet, one array per master channel.
        var pending: [[Float]]
        var ended = false
        init(_ resampler: AudioResampler, channels: Int) {
            self.resampler = resampler
            pending = Array(repeating: [], count: channels)
        }
    }

    private var tracks: [UInt32: Track] = [:]
    private var mixedSamples: Int64 = 0

    init(sampleRate: Int, channels: Int) {
        self.sampleRate = sampleRate
        self.channels = channels
    }

    func addTrack(_ id: UInt32) throws(AppABI.Failure) {
        guard tracks[id] == nil else { throw AppABI.Failure(.invalidArgument, "add-source-track: track \(id) is already in use") }
        do {
            tracks[id] = Track(try AudioResampler(format: .f32Planar, sampleRate: sampleRate, channels: channels), channels: channels)
        } catch {
            throw AppABI.Failure(error)
        }
    }

    private func liveTrack(_ id: UInt32, _ operation: String) throws(AppABI.Failure) -> Track {
        guard let track = tracks[id] else { throw AppABI.Failure(.notFound, "\(operation): no track \(id)") }
        guard !track.ended else { throw AppABI.Failure(.notFound, "\(operation): track \(id) has ended") }
        return track
    }

    func submit(_ id: UInt32, _ audio: AudioData) throws(AppABI.Failure) {
        let track = try liveTrack(id, "submit-audio")
        do { append(try track.resampler.convert(audio), to: track) } catch { throw AppABI.Failure(error) }
    }

    func setGain(_ id: UInt32, _ gain: Float) throws(AppABI.Failure) {
        guard gain.isFinite, gain >= 0 else {
            throw AppABI.Failure(.invalidArgument, "set-track-gain: \(gain) is not a finite, non-negative gain")
        }
        guard let track = tracks[id] else { throw AppABI.Failure(.notFound, "set-track-gain: no track \(id)") }
        track.gain = gain
    }

    func end(_ id: UInt32) throws(AppABI.Failure) {
        let track = try liveTrack(id, "end-source-track")
        do {
            if let rest = try track.resampler.flush() { append(rest, to: track) }
        } catch {
            throw AppABI.Failure(error)
        }
        track.ended = true
    }

    private func append(_ audio: AudioData, to track: Track) {
        for channel in 0..<channels { track.pending[channel] += audio.samples(channel: channel) }
    }

    /// The mix of every span all active tracks have covered, or nil when none is ready.
    func read() -> AudioData? {
        let active = tracks.values.filter { !$0.ended || !$0.pending[0].isEmpty }
        guard !active.isEmpty else { return nil }
        let open = active.filter { !$0.ended }
        let count = open.isEmpty ? active.map { $0.pending[0].count }.max()! : open.map { $0.pending[0].count }.min()!
        guard count > 0 else { return nil }
        var mixed = [[Float]](repeating: [Float](repeating: 0, count: count), count: channels)
        for track in active {
            let take = min(count, track.pending[0].count)
            for channel in 0..<channels {
                let source = track.pending[channel]
                for index in 0..<take { mixed[channel][index] += source[index] * track.gain }
                track.pending[channel].removeFirst(take)
            }
        }
        tracks = tracks.filter { !$0.value.ended || !$0.value.pending[0].isEmpty }
        let timestamp = mixedSamples * 1_000_000 / Int64(sampleRate)
        mixedSamples += Int64(count)
        return try? AudioData(planar: mixed, sampleRate: sampleRate, timestampUs: timestamp)
    }
}
