extension ElementRegistry {
    /// The elements this host ships, GStreamer's names for them
    /// (Elements/GStreamer/GStreamerNames.swift), and what comes closest to
    /// the GStreamer elements it has no counterpart for.
    public static let standard: ElementRegistry = {
        var registry = ElementRegistry(standardElements)
        registry.registerGStreamerNames()
        return registry
    }()

    /// Every element this host ships, by role (the folders of Elements/).
    static let standardElements: [any ElementFactory] = [
        // Sources
        VideoTestSrc.factory, AudioTestSrc.factory, FileSrc.factory, URISrc.factory, MultiFileSrc.factory, FakeSrc.factory, URIDecodeBin.factory,
        // Codecs
        Encode.factory, Decode.factory, DecodeBin.factory, PNGEnc.factory,
        // Containers
        Mux.factory, Demux.factory, Parse.factory, RawVideoParse.factory, Timestamper.factory,
        // Conversion
        VideoConvert.factory, VideoScale.factory, VideoRate.factory, AudioConvert.factory, AudioResample.factory,
        // Mixing
        AudioMixer.factory,
        // Editing
        Trim.factory, Concat.factory,
        // Sinks
        FileSink.factory, MultiFileSink.factory, FakeSink.factory,
        // Plumbing
        Tee.factory, Queue.factory, Identity.factory, CapsFilter.factory, ProgressReport.factory,
        // Security
        SFrameEncrypt.factory, SFrameDecrypt.factory,
    ]
}
