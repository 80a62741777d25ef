internal import MediaCore
internal import MediaFFmpeg

/// The mixing graph behind one `audio-context`: source tracks resampled to
/// the master format, scaled by their gain and summed.
///
/// Output covers the span every active track has covered: a track that is
/// still open holds the mix back until it has audio for that span; an ended
/// track contributes what it has left, then silence. The master timeline
/// starts at 0 µs and follows the mixed samples. Confined to its guest instance.
///
/// Charged to a ``HostBudget``: each track when added, and the resampled
/// audio waiting to be mixed, checked before resampling (a submit whose
/// resampled audio would not fit is refused with `out-of-bounds` and
/// nothing is resampled).
final class AudioMix {
    let sampleRate: Int
    let channels: Int

    private final class Track {
        let resampler: AudioResampler
        var gain: Float = 1
        /// Resampled samples not mixed yet, one array per master channel.
        var pending: [[Float]]
        var ended = false
        /// The track's resampler and queues.
        let charge: HostCharge
        init(_ resampler: AudioResampler, channels: Int, charge: HostCharge) {
            self.resampler = resampler
            self.charge = charge
            pending = Array(repeating: [], count: channels)
        }
    }

    private var tracks: [UInt32: Track] = [:]
    private var mixedSamples: Int64 = 0
    private let budget: HostBudget
    /// The context itself.
    private let charge: HostCharge?
    /// Resampled audio waiting to be mixed, over all tracks.
    private let queued: HostCharge

    /// The most frames one `submit` may become once resampled: 2^26
    /// (about 23 minutes at 48 kHz), whatever the budget.
    static let maxResampledFrames = 1 << 26

    /// - Parameters:
    ///   - budget: what the mix is charged to; by default one of its own with no limit.
    ///   - charge: the context's own charge, released with it.
    init(sampleRate: Int, channels: Int, budget: HostBudget = HostBudget(limit: .max), charge: HostCharge? = nil) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.budget = budget
        self.charge = charge
        queued = budget.hold(0, for: "resampled audio waiting to be mixed (read-master-output)")
    }

    func addTrack(_ id: UInt32, by operation: String = "add-source-track") throws(AppABI.Failure) {
        guard tracks[id] == nil else { throw AppABI.Failure(.invalidArgument, "add-source-track: track \(id) is already in use") }
        let charge: HostCharge
        do {
            charge = try budget.charge(HostCosts.mixerTrack(channels: channels), for: "an audio-context track (its resampler)",
                                       by: operation, advice: "end tracks, or drop an audio-context, first")
        } catch {
            throw AppABI.Failure(.outOfBounds, error.description)
        }
        do {
            tracks[id] = Track(try AudioResampler(format: .f32Planar, sampleRate: sampleRate, channels: channels), channels: channels,
                               charge: charge)
        } catch {
            throw AppABI.Failure(error)
        }
    }

    private func liveTrack(_ id: UInt32, _ operation: String) throws(AppABI.Failure) -> Track {
        guard let track = tracks[id] else { throw AppABI.Failure(.notFound, "\(operation): no track \(id)") }
        guard !track.ended else { throw AppABI.Failure(.notFound, "\(operation): track \(id) has ended") }
        return track
    }

    func submit(_ id: UInt32, _ audio: AudioData, by operation: String = "submit-audio") throws(AppABI.Failure) {
        let track = try liveTrack(id, "submit-audio")
        let frames = HostCosts.resampledFrames(audio.frameCount, from: audio.sampleRate, to: sampleRate)
        let resampling = "\(audio.frameCount) frames at \(audio.sampleRate) Hz resampled to \(frames == .max ? "more" : "\(frames)") frames at \(sampleRate) Hz"
        guard frames <= Self.maxResampledFrames else {
            throw AppABI.Failure(.outOfBounds, "\(operation): \(resampling) is more than the \(Self.maxResampledFrames) frames one submit may become; submit less audio at a time")
        }
        // On its way into the queue the resampler's output is copied three
        // times, while the input is held.
        let bytes = HostCosts.sampleBytes(frames: frames, channels: channels)
        do {
            try queued.check(growingBy: bytes > Int.max / 8 ? .max : 4 * bytes + audio.buffer.size, by: operation,
                             for: "\(queued.purpose): \(resampling), and the copies made on the way,",
                             advice: holdUpAdvice(submitting: id))
        } catch {
            throw AppABI.Failure(.outOfBounds, error.description)
        }
        defer { settle() }
        do { append(try track.resampler.convert(audio), to: track) } catch { throw AppABI.Failure(error) }
    }

    /// What the guest can do when the queue is full: the open tracks that
    /// hold the mix back are the ones with the least audio.
    private func holdUpAdvice(submitting id: UInt32) -> String {
        let open = tracks.filter { !$0.value.ended }
        let least = open.values.map { $0.pending[0].count }.min() ?? 0
        let holding = open.filter { $0.key != id && $0.value.pending[0].count == least }.keys.sorted()
        guard !holding.isEmpty else { return "read the master output (read-master-output) first" }
        return "track\(holding.count == 1 ? "" : "s") \(holding.map(String.init).joined(separator: ", ")) "
            + "hold\(holding.count == 1 ? "s" : "") the mix back: submit audio to \(holding.count == 1 ? "it" : "them") or end \(holding.count == 1 ? "it" : "them"), then read the master output"
    }

    /// Charges the queue for the audio the tracks hold now.
    private func settle() {
        queued.set(tracks.values.reduce(0) { $0 + $1.pending.reduce(0) { $0 + $1.count * 4 } })
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
        defer { settle() }
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
        defer { settle() }
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
