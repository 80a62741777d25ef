import Testing
import MediaCore
import MediaPipeline
import MediaTestWatchdog

/// Every test but the last drives a driven source by hand: waiters are
/// released inside `advance`/`consumed`/`presented`/`seek` before those
/// return, so `pendingWaitCount` right after a call is exact. Nothing sleeps.
@Suite("MediaClock", .watchdog)
struct ClockTests {
    /// A running clock at rate 1 on a manual source at 0 µs.
    private func runningClock() -> (MediaClock, ManualTimeSource) {
        let source = ManualTimeSource()
        let clock = MediaClock(timeSource: source)
        clock.start()
        return (clock, source)
    }

    // MARK: - Sources

    @Test func clockSourceUsesTheWitNames() {
        #expect(ClockSource.allCases.map(\.witName) == ["audio-playback", "video-surface", "system-monotonic"])
        #expect(ClockSource(witName: "video-surface") == .videoSurface)
        #expect(ClockSource(witName: "wall-clock") == nil)
        #expect(ClockSource.default == .systemMonotonic)
        #expect(MediaClock().timeSource is SystemMonotonicTimeSource)
        #expect(MediaClock(source: .audioPlayback).timeSource is AudioPlaybackTimeSource)
        #expect(MediaClock(source: .videoSurface).timeSource is VideoSurfaceTimeSource)
    }

    @Test func manualSourceNeverGoesBack() throws {
        let source = ManualTimeSource(us: 100)
        #expect(throws: MediaError.self) { try source.advance(byUs: -1) }
        #expect(throws: MediaError.self) { try source.set(us: 99) }
        try source.set(us: 100)
        try source.advance(byUs: 0)
        #expect(source.nowUs == 100)
    }

    // MARK: - Start, pause, rate, seek

    @Test func newClockIsPausedAtZero() throws {
        let source = ManualTimeSource(us: 5_000)
        let clock = MediaClock(timeSource: source)
        #expect(!clock.isRunning)
        #expect(clock.rate == Rational(1, 1))
        try source.advance(byUs: 1_000)
        #expect(clock.now() == 0)
    }

    @Test func startPauseResumeIsContinuous() throws {
        let source = ManualTimeSource(us: 1_000)
        let clock = MediaClock(timeSource: source)
        clock.start()
        #expect(clock.isRunning)
        #expect(clock.now() == 0)
        try source.advance(byUs: 500)
        #expect(clock.now() == 500)
        clock.pause()
        #expect(!clock.isRunning)
        try source.advance(byUs: 10_000)
        #expect(clock.now() == 500)
        clock.pause()                        // no effect when paused
        clock.start()
        clock.start()                        // no effect when running
        #expect(clock.now() == 500)
        try source.advance(byUs: 250)
        #expect(clock.now() == 750)
    }

    @Test(arguments: [(2.0, Rational(2, 1), Int64(20_000)), (0.5, Rational(1, 2), Int64(5_000))])
    func rateScalesTheAdvance(rate: Double, exact: Rational, afterTenMs: Int64) throws {
        let (clock, source) = runningClock()
        try clock.setRate(rate)
        #expect(clock.rate == exact)
        try source.advance(byUs: 10_000)
        #expect(clock.now() == afterTenMs)
        try source.advance(byUs: 1)
        #expect(clock.now() == afterTenMs + (rate == 2 ? 2 : 1))   // 5 000.5 rounds away from zero
    }

    @Test func rateChangeMidwayKeepsNowContinuous() throws {
        let (clock, source) = runningClock()
        try source.advance(byUs: 1_000)
        try clock.setRate(2.0)
        #expect(clock.now() == 1_000)
        try source.advance(byUs: 1_000)
        #expect(clock.now() == 3_000)
        try clock.setRate(0.5)
        #expect(clock.now() == 3_000)
        try source.advance(byUs: 3)
        #expect(clock.now() == 3_002)          // 1.5 rounds to 2
        try clock.setRate(Rational(3, 1))
        #expect(clock.now() == 3_002)
        try source.advance(byUs: 100)
        #expect(clock.now() == 3_302)
        clock.pause()
        try clock.setRate(1.0)                 // allowed while paused
        try source.advance(byUs: 100)
        #expect(clock.now() == 3_302)
        clock.start()
        try source.advance(byUs: 100)
        #expect(clock.now() == 3_402)
    }

    @Test func seekWhileRunningJumpsAndKeepsRunning() throws {
        let (clock, source) = runningClock()
        try source.advance(byUs: 700)
        clock.seek(toUs: 60_000_000)
        #expect(clock.now() == 60_000_000)
        #expect(clock.isRunning)
        try source.advance(byUs: 40)
        #expect(clock.now() == 60_000_040)
        clock.seek(toUs: 10)                   // backward
        #expect(clock.now() == 10)
        try clock.setRate(2.0)
        clock.seek(toUs: 1_000)
        try source.advance(byUs: 5)
        #expect(clock.now() == 1_010)          // the rate survives a seek
    }

    @Test func seekWhilePausedStaysPaused() throws {
        let (clock, source) = runningClock()
        try source.advance(byUs: 300)
        clock.pause()
        clock.seek(toUs: 5_000)
        #expect(clock.now() == 5_000)
        #expect(!clock.isRunning)
        try source.advance(byUs: 1_000)
        #expect(clock.now() == 5_000)
        clock.start()
        try source.advance(byUs: 100)
        #expect(clock.now() == 5_100)
    }

    @Test func invalidRatesAreRefusedAndNamed() throws {
        let (clock, source) = runningClock()
        try clock.setRate(2.0)
        let cases: [(attempt: () throws -> Void, code: MediaError.Code, shown: String)] = [
            ({ try clock.setRate(-1.0) }, .unsupported, "-1.0"),
            ({ try clock.setRate(0.0) }, .invalidArgument, "0.0"),
            ({ try clock.setRate(.nan) }, .invalidArgument, "nan"),
            ({ try clock.setRate(.infinity) }, .invalidArgument, "inf"),
            ({ try clock.setRate(2e6) }, .invalidArgument, "2000000.0"),
            ({ try clock.setRate(Rational(-1, 2)) }, .unsupported, "-1/2"),
            ({ try clock.setRate(Rational(0, 1)) }, .invalidArgument, "0/1"),
            ({ try clock.setRate(Rational(1, 0)) }, .invalidArgument, "1/0"),
        ]
        for (attempt, code, shown) in cases {
            let error = #expect(throws: MediaError.self) { try attempt() }
            #expect(error?.code == code, "rate \(shown)")
            #expect(error?.operation == "set clock rate")
            #expect(error?.message.contains("rate \(shown) ") == true, "\(String(describing: error))")
        }
        #expect(clock.rate == Rational(2, 1))
        try source.advance(byUs: 10)
        #expect(clock.now() == 20)
    }

    // MARK: - Exactness over 24 hours

    @Test func twentyFourHoursOfNtscFramesAreExact() throws {
        let (clock, source) = runningClock()
        let frameDuration = Rational(1001, 30000)
        let lastFrame: Int64 = 2_589_410                // 24 h = 2 589 410.59 frames
        var frames = Array(Int64(1)...3_000)
        frames += Array(stride(from: Int64(3_001), to: lastFrame - 3_000, by: 9_973))
        frames += Array((lastFrame - 3_000)...lastFrame)
        var mismatches: [Int64] = []
        for frame in frames {
            let sourceUs = MediaTime.microseconds(ticks: frame, timeBase: frameDuration)
            try source.set(us: sourceUs)
            if clock.now() != sourceUs { mismatches.append(frame) }
        }
        #expect(mismatches.isEmpty, "first frames off: \(mismatches.prefix(5))")
        #expect(clock.now() == 86_399_980_333)
    }

    @Test func twentyFourHoursAtFractionalRatesAreExact() throws {
        let day: Int64 = 86_400_000_000
        let cases: [(rate: Rational?, double: Double?, expected: Int64)] = [
            (Rational(1001, 1000), nil, 86_486_400_000),
            (nil, Double(Float(0.1)), 8_640_000_000),          // f32 0.1 is 0.100000001490116...
            (nil, Double(Float(1.0 / 3.0)), 28_800_000_000),
            (nil, 1.001, 86_486_400_000),
            (Rational(30000, 30030), nil, 86_313_686_314),     // 86 313 686 313.69
        ]
        for (rate, double, expected) in cases {
            let (clock, source) = runningClock()
            if let rate { try clock.setRate(rate) }
            if let double { try clock.setRate(double) }
            for _ in 0..<24 { try source.advance(byUs: day / 24) }
            #expect(clock.now() == expected, "rate \(clock.rate)")
        }
    }

    @Test func audioPlaybackSourceIsExactAfter24HoursAt44100() throws {
        let audio = AudioPlaybackTimeSource()
        let clock = MediaClock(timeSource: audio)
        clock.start()
        try audio.consumed(samples: 1024, sampleRate: 44_100)
        #expect(clock.now() == 23_220)                             // 23 219.95 µs
        for _ in 1..<50_000 { try audio.consumed(samples: 1024, sampleRate: 44_100) }
        #expect(clock.now() == 1_160_997_732)                      // 51 200 000 samples: 1 160 997 732.43
        let total = 44_100 * 3_600 * 24
        var left = total - 50_000 * 1024
        while left > 0 {
            let chunk = min(left, 1024 * 100_000)
            try audio.consumed(samples: chunk, sampleRate: 44_100)
            left -= chunk
        }
        #expect(audio.samplesConsumed(sampleRate: 44_100) == Int64(total))
        #expect(clock.now() == 86_400_000_000)
        #expect(throws: MediaError.self) { try audio.consumed(samples: 1, sampleRate: 0) }
    }

    @Test func videoSurfaceSourceIsExactAtNtsc() throws {
        let video = VideoSurfaceTimeSource()
        let clock = MediaClock(timeSource: video)
        clock.start()
        let ntsc = Rational(30000, 1001)
        for _ in 0..<3 { try video.presented(frameRate: ntsc) }
        #expect(clock.now() == 100_100)
        try video.presented(frames: 2_589_410 - 3, frameRate: ntsc)
        #expect(clock.now() == 86_399_980_333)
        try video.presented(frameDurationUs: 40_000)
        #expect(clock.now() == 86_400_020_333)
        #expect(throws: MediaError.self) { try video.presented(frames: 1, frameRate: Rational(0, 1)) }
    }

    // MARK: - Waiting

    @Test func waitOnADueTargetReturnsAtOnce() async throws {
        let (clock, source) = runningClock()
        try source.advance(byUs: 1_500)
        #expect(await clock.wait(untilUs: 1_500) == .reached(lateUs: 0))
        #expect(await clock.wait(untilUs: 1_000) == .reached(lateUs: 500))
        #expect(clock.pendingWaitCount == 0)
    }

    @Test func advanceWakesAWaiterExactlyAtItsTarget() async throws {
        let (clock, source) = runningClock()
        let (finished, sink) = AsyncStream.makeStream(of: (String, ClockWaitResult).self)
        let early = Task { _ = sink.yield(("1000", await clock.wait(untilUs: 1_000))) }
        let late = Task { _ = sink.yield(("2000", await clock.wait(untilUs: 2_000))) }
        await clock.waitForPendingWaits(count: 2)

        try source.advance(byUs: 999)
        #expect(clock.pendingWaitCount == 2)
        try source.advance(byUs: 1)
        #expect(clock.pendingWaitCount == 1)
        var order = finished.makeAsyncIterator()
        let first = await order.next()
        #expect(first?.0 == "1000")
        #expect(first?.1 == .reached(lateUs: 0))

        try source.advance(byUs: 999)
        #expect(clock.pendingWaitCount == 1)
        try source.advance(byUs: 5)
        let second = await order.next()
        #expect(second?.0 == "2000")
        #expect(second?.1 == .reached(lateUs: 4))
        #expect(clock.pendingWaitCount == 0)
        await early.value
        await late.value
    }

    @Test func audioConsumptionWakesAWaiter() async throws {
        let audio = AudioPlaybackTimeSource()
        let clock = MediaClock(timeSource: audio)
        clock.start()
        let waiter = Task { await clock.wait(untilUs: 1_000_000) }
        await clock.waitForPendingWaits(count: 1)
        try audio.consumed(samples: 44_099, sampleRate: 44_100)
        #expect(clock.pendingWaitCount == 1)
        try audio.consumed(samples: 1, sampleRate: 44_100)
        #expect(await waiter.value == .reached(lateUs: 0))
    }

    @Test func seekPastTheTargetWakesTheWaiter() async throws {
        let (clock, source) = runningClock()
        let waiter = Task { await clock.wait(untilUs: 10_000) }
        let beyond = Task { await clock.wait(untilUs: 90_000) }
        await clock.waitForPendingWaits(count: 2)
        try source.advance(byUs: 100)
        clock.seek(toUs: 50_000)
        #expect(await waiter.value == .reached(lateUs: 40_000))
        #expect(clock.pendingWaitCount == 1)
        clock.seek(toUs: 0)                                     // backward: still waiting
        #expect(clock.pendingWaitCount == 1)
        clock.pause()
        clock.seek(toUs: 90_000)                                // seeking a paused clock releases too
        #expect(await beyond.value == .reached(lateUs: 0))
    }

    @Test func pausedClockKeepsItsWaiter() async throws {
        let (clock, source) = runningClock()
        let waiter = Task { await clock.wait(untilUs: 1_000) }
        await clock.waitForPendingWaits(count: 1)
        try source.advance(byUs: 400)
        clock.pause()
        try source.advance(byUs: 1_000_000)
        #expect(clock.pendingWaitCount == 1)
        #expect(clock.now() == 400)
        clock.start()
        try source.advance(byUs: 599)
        #expect(clock.pendingWaitCount == 1)
        try source.advance(byUs: 1)
        #expect(await waiter.value == .reached(lateUs: 0))
    }

    @Test func rateChangeWhileWaitingMovesTheWakeUp() async throws {
        let (clock, source) = runningClock()
        let waiter = Task { await clock.wait(untilUs: 1_000) }
        await clock.waitForPendingWaits(count: 1)
        try source.advance(byUs: 500)
        try clock.setRate(2.0)
        try source.advance(byUs: 249)
        #expect(clock.pendingWaitCount == 1)
        try source.advance(byUs: 1)
        #expect(await waiter.value == .reached(lateUs: 0))
    }

    @Test func cancellingTheWaitingTaskEndsTheWait() async throws {
        let (clock, source) = runningClock()
        let waiter = Task { await clock.wait(untilUs: 1_000) }
        let other = Task { await clock.wait(untilUs: 1_000) }
        await clock.waitForPendingWaits(count: 2)
        waiter.cancel()
        #expect(await waiter.value == .cancelled)
        #expect(clock.pendingWaitCount == 1)
        try source.advance(byUs: 1_000)
        #expect(await other.value == .reached(lateUs: 0))

        let alreadyCancelled = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await clock.wait(untilUs: 1_000_000)
        }
        #expect(await alreadyCancelled.value == .cancelled)
        #expect(clock.pendingWaitCount == 0)
    }

    @Test func unscheduleAllReleasesEveryWaiter() async throws {
        let (clock, source) = runningClock()
        let waiters = (1...3).map { n in Task { await clock.wait(untilUs: Int64(n) * 1_000) } }
        await clock.waitForPendingWaits(count: 3)
        clock.unscheduleAll()
        for waiter in waiters { #expect(await waiter.value == .unscheduled) }
        #expect(clock.pendingWaitCount == 0)
        let next = Task { await clock.wait(untilUs: 10) }       // later waits wait normally
        await clock.waitForPendingWaits(count: 1)
        try source.advance(byUs: 10)
        #expect(await next.value == .reached(lateUs: 0))
    }

    // MARK: - The one real-time test

    @Test(.timeLimit(.minutes(1)))
    func systemMonotonicClockIsMonotonicAndWaitsReturn() async throws {
        let clock = MediaClock(source: .systemMonotonic)
        clock.start()
        var previous = clock.now()
        for _ in 0..<1_000 {
            let now = clock.now()
            #expect(now >= previous)
            previous = now
        }
        let target = clock.now() + 2_000
        let result = await clock.wait(untilUs: target)
        guard case .reached(let lateUs) = result else {
            Issue.record("wait ended with \(result)")
            return
        }
        #expect(lateUs >= 0)
        #expect(clock.now() >= target)

        try clock.setRate(2.0)                                   // 4 ms of clock in ~2 ms
        let doubled = await clock.wait(untilUs: clock.now() + 4_000)
        #expect(doubled != .cancelled && doubled != .unscheduled)
        #expect(clock.pendingWaitCount == 0)
    }
}
