/// What pulls WASI imports into a guest, and what to use instead.
///
/// No world imports WASI, so a guest importing any of it cannot run here;
/// the import's name alone (`fd_write`) rarely tells a Swift programmer
/// which line of theirs caused it. The SDK keeps Swift itself off WASI
/// (`print` goes to the host's log, random numbers come from a fixed-seed
/// generator); what still reaches it is the C library, called from C code
/// in the package or declared with `@_extern(c)`.
enum WASIImport: CaseIterable {
    case standardOutput
    case streamsAndFiles
    case standardInput
    case clock
    case sleep
    case entropy
    case environment
    case arguments
    case exit
    case threads
    case other

    /// The import modules of WASI preview 1 (and its older name).
    static let modules: Set<String> = ["wasi_snapshot_preview1", "wasi_unstable"]

    /// What a WASI function named `field` is used for.
    init(field: String) {
        switch field {
        case "fd_write": self = .standardOutput
        case "fd_read": self = .standardInput
        case "clock_time_get", "clock_res_get": self = .clock
        case "poll_oneoff": self = .sleep
        case "random_get": self = .entropy
        case "environ_get", "environ_sizes_get": self = .environment
        case "args_get", "args_sizes_get": self = .arguments
        case "proc_exit", "proc_raise": self = .exit
        case "sched_yield", "thread-spawn": self = .threads
        case _ where field.hasPrefix("fd_") || field.hasPrefix("path_"): self = .streamsAndFiles
        default: self = .other
        }
    }

    /// The constructs that import these functions, and what a guest does instead.
    var explanation: String {
        switch self {
        case .standardOutput:
            "pulled in by writing to standard output or error through the C library (`printf`, `puts`, `putchar`, "
                + "`fwrite`, from C code or `@_extern(c)`); a guest has no terminal: use Swift's `print` or the SDK's "
                + "`log(_:_:)`, which go to the host's log"
        case .streamsAndFiles:
            "pulled in by C's stdio streams and files (`FILE *`, `fopen`, `open`, directories; writing to stdout brings "
                + "`fd_seek`, `fd_close` and `fd_fdstat_get` along); a media-app reads and writes media through the container "
                + "interface (`Demuxer`, `Muxer`), inside the directories it is granted"
        case .standardInput:
            "pulled in by reading standard input (`readLine`, `getchar`, `scanf`); a guest has no terminal to read from"
        case .clock:
            "pulled in by a wall or CPU clock (`time`, `clock`, `clock_gettime`, `gettimeofday`); a media-app has "
                + "`MediaClock`, and a filter gets its frames' timestamps"
        case .sleep:
            "pulled in by sleeping or polling (`sleep`, `usleep`, `nanosleep`, `poll`); a media-app waits with `MediaClock.wait(untilUs:)`"
        case .entropy:
            "pulled in by entropy (`getentropy`, `getrandom`, or an `arc4random_buf` the SDK's does not replace); "
                + "the SDK's fixed-seed generator serves `Int.random(in:)`, `Dictionary` and `Set`"
        case .environment:
            "pulled in by the environment (`getenv`, `environ`); a filter takes its settings through `configure`'s properties"
        case .arguments:
            "pulled in by command-line arguments (`CommandLine.arguments`, a C `main(argc, argv)`); a media-app gets its "
                + "arguments in `run(_:)`"
        case .exit:
            "pulled in by `exit` or `raise`; return from `run`, or throw a `GuestError`"
        case .threads:
            "pulled in by threads or yielding (`sched_yield`, `pthread_create`); a guest has one thread"
        case .other:
            "WASI functions: something in the guest calls the C library's system interface"
        }
    }
}
