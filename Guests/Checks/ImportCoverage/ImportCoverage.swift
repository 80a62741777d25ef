import WasiMediaApp

/// Calls every import wrapper of the SDK once, so that the linked module
/// imports every function of docs/guest-abi.md and
/// `scripts/check-guest.py --all-imports` can compare each core type with
/// the page. Built by `scripts/build-guests.sh`; never meant to run.
struct ImportCoverage: MediaApp {
    mutating func run(_ arguments: [String]) throws(GuestError) {
        do {
            try touchEverything(arguments.count)
        } catch {
            throw GuestError("coverage", error)
        }
    }

    private func touchEverything(_ n: Int) throws(MediaError) {
        // types
        let buffer = MediaBuffer(size: n)
        _ = buffer.size
        let bytes = try buffer.read()
        try buffer.write(bytes)
        let copy = buffer.duplicate()
        // codec
        let vec = VideoEncoderConfig(codec: .h264, width: 2, height: 2, framerate: 1)
        let aec = AudioEncoderConfig(codec: .opus, sampleRate: 48_000, channels: 1)
        let vdc = VideoDecoderConfig(codec: .h264, description: [1])
        let adc = AudioDecoderConfig(codec: .aac, sampleRate: 8_000, channels: 1)
        _ = queryVideoEncoderSupport(vec)
        _ = queryAudioEncoderSupport(aec)
        _ = queryVideoDecoderSupport(vdc)
        _ = queryAudioDecoderSupport(adc)
        let frame = VideoFrame(buffer: copy, format: .rgba8888, width: 1, height: 1, timestampUs: 0)
        let videoEncoder = VideoEncoder(vec)
        try videoEncoder.encode(frame)
        let chunks = try videoEncoder.encodedChunks()
        try videoEncoder.flush()
        _ = videoEncoder.decoderConfig
        let videoDecoder = VideoDecoder(vdc)
        for chunk in chunks { try videoDecoder.decode(chunk) }
        let frames = try videoDecoder.decodedFrames()
        try videoDecoder.flush()
        videoDecoder.reset()
        let audio = AudioData(buffer: buffer, format: .f32Planar, sampleRate: 8_000, channels: 1, timestampUs: 0)
        let audioEncoder = AudioEncoder(aec)
        try audioEncoder.encode(audio)
        let audioChunks = try audioEncoder.encodedChunks()
        try audioEncoder.flush()
        _ = audioEncoder.decoderConfig
        let audioDecoder = AudioDecoder(adc)
        for chunk in audioChunks { try audioDecoder.decode(chunk) }
        let runs = try audioDecoder.decodedAudio()
        try audioDecoder.flush()
        audioDecoder.reset()
        // container
        let muxer = n > 1 ? try Muxer.create(path: "x", format: .mp4) : Muxer(format: .webm)
        try muxer.addTrack(TrackInfo(id: 1, isVideo: true, videoConfig: vdc))
        for chunk in chunks { try muxer.writeChunk(trackID: 1, chunk) }
        _ = muxer.outputBytes()
        try muxer.finalize()
        let demuxer = n > 1 ? try Demuxer.open(path: "x") : Demuxer()
        try demuxer.appendBytes([0])
        demuxer.finishBytes()
        _ = demuxer.needsBytes
        _ = try demuxer.tracks()
        _ = try demuxer.readChunk(trackID: 1)
        _ = try demuxer.readNextChunk()
        try demuxer.seek(toTimestampUs: 0)
        // audio-mixer
        let context = AudioContext(masterSampleRate: 48_000, masterChannels: 2)
        try context.addSourceTrack(1)
        for run in runs { try context.submit(run, toTrack: 1) }
        try context.setGain(0.5, forTrack: 1)
        try context.endSourceTrack(1)
        let mixed = context.readMasterOutput()
        // playback
        _ = enumerateAudioOutputs()
        let player = n > 1 ? try AudioPlayer.open() : AudioPlayer(deviceID: "x")
        if let mixed { try player.enqueue(mixed) }
        player.connect(context)
        player.play()
        player.pause()
        try player.setSystemVolume(1)
        // capture
        _ = enumerateDevices()
        let constraints = CaptureConstraints(deviceID: "x", idealWidth: 1)
        let stream = n > 1 ? try MediaStream.open(constraints) : MediaStream(constraints)
        let captured = try stream.readVideoFrame()
        let heard = try stream.readAudioData()
        stream.stop()
        let broadcaster = n > 1
            ? try VirtualBroadcaster.create(name: "x", hasVideo: true, hasAudio: true)
            : VirtualBroadcaster(name: "x", hasVideo: true, hasAudio: true)
        for frame in frames { try broadcaster.write(frame) }
        if let captured { try broadcaster.write(captured) }
        if let heard { try broadcaster.write(heard) }
        broadcaster.stop()
        // clock
        let clock = MediaClock(source: .systemMonotonic)
        clock.start()
        clock.pause()
        try clock.setRate(1)
        clock.seek(toUs: 0)
        _ = clock.nowUs
        _ = try clock.wait(untilUs: 0)
        // logging
        log(.info, "every import linked", context: "coverage")
    }
}

@_cdecl("wasi_media_app")
func mediaApp() -> UnsafeMutableRawPointer { exportMediaApp(ImportCoverage.self) }
