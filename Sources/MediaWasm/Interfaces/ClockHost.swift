internal import MediaCore
internal import MediaPipeline
#if canImport(Glibc)
internal import Glibc
#endif

/// The host side of `wasi:media/clock`: each `media-clock` is a
/// MediaPipeline ``MediaClock``.
///
/// `system-monotonic` clocks follow the OS monotonic clock; `wait-until`
/// blocks the guest's thread until the target (only the guest can change
/// its clock, so nothing else can end the wait early). `audio-playback`
/// and `video-surface` clocks are driven by an output; a guest's clock
/// has none on this host, so it stays where `seek` puts it, and
/// `wait-until` a time it has not reached is `invalid-state`.
public enum ClockHost {
    public static let interface = "clock"

    enum Clocks: InstanceStateKey {
        static func makeValue() -> HandleTable<MediaClock> { HandleTable(resourceName: "media-clock") }
    }

    /// `clock-source` by case index.
    static let sources: [ClockSource] = [.audioPlayback, .videoSurface, .systemMonotonic]

    /// The `wasi:media/clock@0.1.0-draft` host module.
    public static func module() -> HostModule {
        var module = HostModule(AppABI.module(interface))
        module.define("[constructor]media-clock", WasmSignature([.i32], [.i32])) { call in
            let source = sources[try AppABI.enumCase(call.u32(0), count: sources.count, what: "clock-source")]
            call.setResult(try call.state[Clocks.self].insert(MediaClock(source: source)))
        }
        module.define("[method]media-clock.start", WasmSignature([.i32])) { call in
            try call.state[Clocks.self].borrow(call.u32(0)).start()
        }
        module.define("[method]media-clock.pause", WasmSignature([.i32])) { call in
            try call.state[Clocks.self].borrow(call.u32(0)).pause()
        }
        module.define("[method]media-clock.set-rate", WasmSignature([.i32, .f32, .i32])) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(2), size: 16, alignment: 4)
            let clock = try call.state[Clocks.self].borrow(call.u32(0))
            let rate = call.f32(1)
            try AppABI.respond(instance, area: area) {
                try clock.setRate(Double(rate))
                try AppABI.storeOk(instance, area: area)
            }
        }
        module.define("[method]media-clock.seek", WasmSignature([.i32, .i64])) { call in
            try call.state[Clocks.self].borrow(call.u32(0)).seek(toUs: call.s64(1))
        }
        module.define("[method]media-clock.now", WasmSignature([.i32], [.i64])) { call in
            call.setResult(try call.state[Clocks.self].borrow(call.u32(0)).now())
        }
        module.define("[method]media-clock.wait-until", WasmSignature([.i32, .i64, .i32])) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(2), size: 24, alignment: 8)
            let clock = try call.state[Clocks.self].borrow(call.u32(0))
            let target = call.s64(1)
            try AppABI.respond(instance, area: area, payloadOffset: 8) {
                let late = try waitUntil(clock, target, deadline: instance.state.deadline, limit: instance.limits.timeLimit)
                let memory = try AppABI.memory(instance)
                try memory.store(UInt8(0), at: area)
                try memory.store(late, at: area + 8)
            }
        }
        module.define("[resource-drop]media-clock", WasmSignature([.i32])) { call in
            try call.state[Clocks.self].drop(call.u32(0))
        }
        return module
    }

    /// Blocks until `clock` reaches `target` (µs) and returns how late it was.
    ///
    /// Wakes at `deadline` (the guest call's time limit) if that comes first
    /// and throws ``HostLimitExceeded/timeLimit(_:)``, which traps the guest.
    static func waitUntil(_ clock: MediaClock, _ target: Int64,
                          deadline: ContinuousClock.Instant? = nil, limit: Duration? = nil) throws -> UInt64 {
        var now = clock.now()
        if now >= target { return UInt64(now - target) }
        guard clock.isRunning else {
            throw AppABI.Failure(.invalidState, "wait-until \(target) µs: the clock is paused at \(now) µs")
        }
        guard clock.timeSource.pacing == .realTime else {
            throw AppABI.Failure(.invalidState, "wait-until \(target) µs: nothing drives this clock's source on this host; it stays at \(now) µs")
        }
        let rate = max(clock.rate.doubleValue, 1e-6)
        while now < target {
            // Source time left, at most a second per sleep (a seek or rate change cannot happen meanwhile).
            var remaining = min(Double(target - now) / rate, 1_000_000)
            if let deadline {
                let left = deadline - ContinuousClock.now
                guard left > .zero else { throw HostLimitExceeded.timeLimit(limit ?? .zero) }
                remaining = min(remaining, left.inSeconds * 1e6)
            }
            var pause = timespec(tv_sec: Int(remaining / 1_000_000), tv_nsec: Int(remaining.truncatingRemainder(dividingBy: 1_000_000) * 1000))
            if pause.tv_sec == 0 && pause.tv_nsec < 1000 { pause.tv_nsec = 1000 }
            nanosleep(&pause, nil)
            now = clock.now()
        }
        return UInt64(now - target)
    }
}
