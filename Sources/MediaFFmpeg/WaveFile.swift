public import MediaCore

/// WAV files read through FFmpeg and written losslessly: how a test or a
/// debugging command feeds audio in and checks what came out.
///
/// Every error names the file and says what was wrong. Paths are local
/// files, never URLs. Thread-safe (no state).
public enum WaveFile {
    /// Reads every sample of the WAV file at `path` (any WAV FFmpeg reads:
    /// 8-, 16-, 24- or 32-bit integer, 32- or 64-bit float, compressed
    /// codecs such as ADPCM; any channel count up to 255).
    ///
    /// The result keeps the file's own sample format where this host has
    /// it: 16-bit files give `s16-interleaved`, bit for bit. Every other
    /// file gives `f32-planar`, exact for 8- and 24-bit integers and 32-bit
    /// floats; 32-bit integers and 64-bit floats are rounded to float.
    /// The timestamp is 0.
    /// - Throws: `notFound` when there is no such file; `invalidData` when it
    ///   is not a WAV file, holds no audio, or its samples do not decode.
    public static func read(_ path: String) throws(MediaError) -> AudioData {
        let operation = "read wav"
        _ = try LocalFile.size(path, operation: operation)
        let demuxer: Demuxer
        do throws(MediaError) {
            demuxer = try Demuxer(url: "file:" + path)
        } catch {
            var e = error
            e.file = path
            e.operation = operation
            if e.code == .invalidData { e.message = "not a WAV file (empty, truncated, or another format)" }
            throw e
        }
        guard demuxer.formatName == "wav" else {
            throw MediaError(.invalidData, operation: operation, message: "not a WAV file: FFmpeg reads it as \(demuxer.formatName)",
                             container: demuxer.formatName, file: path)
        }
        guard let track = demuxer.tracks.first(where: { $0.kind == .audio }) else {
            throw MediaError(.invalidData, operation: operation, message: "the file holds no audio track", container: "wav", file: path)
        }
        let p = track.parameters
        var runs: [AudioData] = []
        do throws(MediaError) {
            let decoder = try AudioDecoder(parameters: p, threadCount: 1)
            while let chunk = try demuxer.readChunk(trackId: track.id) {
                try decoder.decode(chunk)
                runs += decoder.takeDecodedAudio()
            }
            try decoder.flush()
            runs += decoder.takeDecodedAudio()
            return try joined(runs, sampleRate: p.sampleRate, channels: p.channels, emptyIsS16: p.codecName == "pcm_s16le")
        } catch {
            var e = error
            e.file = path
            e.operation = operation
            if e.cause != nil { e.code = .invalidData; e.message = "the \(p.codecName) samples do not decode (the file is truncated or corrupt)" }
            throw e
        }
    }

    /// Writes `audio` to `path` as a WAV file (created or truncated; the
    /// directory must exist), keeping its samples exactly: `s16-interleaved`
    /// as 16-bit PCM, `f32-planar` as 32-bit IEEE float. More than two
    /// channels use WAVE_FORMAT_EXTENSIBLE with no speaker positions
    /// assigned (the channel count is all ``AudioData`` knows). The same
    /// audio always gives the same bytes.
    /// - Throws: `invalidArgument` when the data would pass WAV's 4 GiB limit;
    ///   `notFound` when the directory does not exist; `io` when writing fails.
    public static func write(_ audio: AudioData, to path: String) throws(MediaError) {
        let bytes = try encode(audio)
        try LocalFile.write(bytes, to: path, operation: "write wav")
    }

    /// The WAV file's bytes for `audio` (see ``write(_:to:)``).
    public static func encode(_ audio: AudioData) throws(MediaError) -> [UInt8] {
        let isFloat = audio.format == .f32Planar
        let bytesPerSample = audio.format.bytesPerSample
        let dataSize = audio.frameCount * audio.channels * bytesPerSample
        let extensible = audio.channels > 2
        // fmt: 16 bytes for PCM, 18 (with an empty extension) for float, 40 when extensible.
        let fmtSize = extensible ? 40 : (isFloat ? 18 : 16)
        let factSize = isFloat ? 12 : 0
        let riffSize = 4 + (8 + fmtSize) + factSize + (8 + dataSize)
        guard riffSize <= Int(UInt32.max) else {
            throw MediaError(.invalidArgument, operation: "write wav",
                             message: "\(dataSize) bytes of samples pass the 4 GiB a WAV file can hold")
        }
        let formatTag: UInt16 = isFloat ? 3 : 1
        var out: [UInt8] = []
        out.reserveCapacity(8 + riffSize)
        out += Array("RIFF".utf8); out.appendLE(UInt32(riffSize)); out += Array("WAVE".utf8)
        out += Array("fmt ".utf8); out.appendLE(UInt32(fmtSize))
        out.appendLE(extensible ? 0xFFFE : formatTag)
        out.appendLE(UInt16(audio.channels))
        out.appendLE(UInt32(audio.sampleRate))
        out.appendLE(UInt32(audio.sampleRate * audio.channels * bytesPerSample))   // bytes per second
        out.appendLE(UInt16(audio.channels * bytesPerSample))                      // block align
        out.appendLE(UInt16(bytesPerSample * 8))
        if extensible {
            out.appendLE(UInt16(22))                       // extension size
            out.appendLE(UInt16(bytesPerSample * 8))       // valid bits
            out.appendLE(UInt32(0))                        // channel mask: no speaker positions
            out.appendLE(formatTag)                        // sub-format GUID: tag-0000-0010-8000-00AA00389B71
            out += [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
        } else if isFloat {
            out.appendLE(UInt16(0))
        }
        if isFloat {
            out += Array("fact".utf8); out.appendLE(UInt32(4)); out.appendLE(UInt32(audio.frameCount))
        }
        out += Array("data".utf8); out.appendLE(UInt32(dataSize))
        appendSamples(audio, to: &out)
        return out
    }

    // MARK: - Samples

    /// Appends the samples interleaved, little-endian.
    private static func appendSamples(_ audio: AudioData, to out: inout [UInt8]) {
        let frames = audio.frameCount, channels = audio.channels
        audio.buffer.withUnsafeBytes { raw in
            switch audio.format {
            case .s16Interleaved:
                let samples = raw.bindMemory(to: Int16.self)
                for i in 0..<(frames * channels) { out.appendLE(UInt16(bitPattern: samples[i])) }
            case .f32Planar:
                let samples = raw.bindMemory(to: Float.self)
                for i in 0..<frames {
                    for c in 0..<channels { out.appendLE(samples[c * frames + i].bitPattern) }
                }
            }
        }
    }

    /// Decoded runs as one: in `s16-interleaved` when every run is (or, with
    /// no run, when the file is 16-bit), else `f32-planar`.
    private static func joined(_ runs: [AudioData], sampleRate: Int, channels: Int, emptyIsS16: Bool) throws(MediaError) -> AudioData {
        let rate = runs.first?.sampleRate ?? sampleRate
        let count = runs.first?.channels ?? channels
        if runs.isEmpty ? emptyIsS16 : runs.allSatisfy({ $0.format == .s16Interleaved }) {
            return try AudioData(bytes: runs.flatMap(\.buffer.bytes), format: .s16Interleaved, sampleRate: rate,
                                 channels: count, timestampUs: 0)
        }
        let planar = (0..<count).map { c in runs.flatMap { $0.samples(channel: c) } }
        return try AudioData(planar: planar, sampleRate: rate, timestampUs: 0)
    }
}

extension [UInt8] {
    mutating func appendLE(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value))
        append(UInt8(truncatingIfNeeded: value >> 8))
    }

    mutating func appendLE(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }
}
