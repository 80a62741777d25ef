/// The import table guests are linked against: every `wasi:media`
/// interface this host implements. Which of them a guest may use is decided
/// per instance by its grants.
public enum GuestHost {
    /// The host modules of the filter worlds: `types`, and `wasi:logging`,
    /// which needs no grant.
    public static let standard = HostImports([TypesHost.module(), LoggingHost.module()])

    /// The interfaces of the package, as `grant=` names them.
    public static let interfaceNames: [String] = [
        "types", "codec", "container", "capture", "playback", "audio-mixer", "clock",
    ]
}
