import Testing
import MediaCore
import MediaTestWatchdog

/// Reference for `ticks * num / den` seconds in microseconds, rounded to
/// nearest with ties away from zero, computed without any 128-bit help:
/// the tick count is split as `q * den + r` so every product stays small.
/// Valid for `num * 1_000_000 * den` below about 9e18 (all time bases used here).
private func referenceMicroseconds(ticks: Int64, num: Int64, den: Int64) -> Int64 {
    precondition(num > 0 && den > 0)
    let scale = num * 1_000_000                 // microseconds per tick, times den
    let m = ticks.magnitude
    let q = m / UInt64(den), r = m % UInt64(den)
    // m * scale / den = q * scale + r * scale / den; r * scale < den * scale fits.
    let whole = q * UInt64(scale)
    let part = r * UInt64(scale)
    let rounded = (2 * part + UInt64(den)) / (2 * UInt64(den))   // half up on the magnitude
    let magnitude = Int64(whole + rounded)
    return ticks < 0 ? -magnitude : magnitude
}

@Suite("MediaTime", .watchdog)
struct MediaTimeTests {
    static let ntscTick = Rational(1, 30000)
    /// Last frame of a 24-hour stream at 30000/1001 fps (24 h = 2 589 410.59 frames).
    static let lastFrameOf24h: Int64 = 2_589_410

    @Test func referenceItselfIsRight() {
        // Hand-checked values, so the reference cannot be wrong in the same way as the code.
        #expect(referenceMicroseconds(ticks: 1001, num: 1, den: 30000) == 33_367)      // 33 366.67
        #expect(referenceMicroseconds(ticks: 2002, num: 1, den: 30000) == 66_733)      // 66 733.33
        #expect(referenceMicroseconds(ticks: 3003, num: 1, den: 30000) == 100_100)     // exact
        #expect(referenceMicroseconds(ticks: 1, num: 1, den: 2_000_000) == 1)          // 0.5 -> 1
        #expect(referenceMicroseconds(ticks: -1, num: 1, den: 2_000_000) == -1)        // -0.5 -> -1
    }

    @Test func lastFrameOf24HoursIsExact() {
        let ticks = Self.lastFrameOf24h * 1001
        #expect(ticks == 2_591_999_410)
        // 2 591 999 410 * 1e6 / 30000 = 86 399 980 333.33...
        #expect(MediaTime.microseconds(ticks: ticks, timeBase: Self.ntscTick) == 86_399_980_333)
        #expect(MediaTime.microseconds(ticks: ticks, timeBase: Self.ntscTick)
                == referenceMicroseconds(ticks: ticks, num: 1, den: 30000))
        // Same instant expressed with one tick per frame.
        #expect(MediaTime.microseconds(ticks: Self.lastFrameOf24h, timeBase: Rational(1001, 30000)) == 86_399_980_333)
    }

    @Test func everyFrameNearTheStartAndEndAndASampleBetweenIsExact() {
        var frames: [Int64] = Array(0...2_000)
        frames += Array((Self.lastFrameOf24h - 2_000)...Self.lastFrameOf24h)
        frames += Array(stride(from: Int64(2_001), to: Self.lastFrameOf24h - 2_000, by: 997))
        var mismatches: [Int64] = []
        for n in frames {
            let ticks = n * 1001
            let expected = referenceMicroseconds(ticks: ticks, num: 1, den: 30000)
            if MediaTime.microseconds(ticks: ticks, timeBase: Self.ntscTick) != expected { mismatches.append(n) }
            if MediaTime.microseconds(ticks: n, timeBase: Rational(1001, 30000)) != expected { mismatches.append(n) }
            if MediaTime.microseconds(ticks: -ticks, timeBase: Self.ntscTick) != -expected { mismatches.append(-n) }
        }
        #expect(frames.count > 6_000)
        #expect(mismatches.isEmpty, "first mismatching frames: \(mismatches.prefix(10))")
    }

    @Test(arguments: [Rational(1, 90_000), Rational(1, 48_000), Rational(1, 44_100), Rational(1, 1_000), Rational(1001, 24_000)])
    func otherTimeBasesMatchTheReference(timeBase: Rational) {
        for ticks in stride(from: Int64(-1_000_003), through: 1_000_003, by: 7_919) + [0, 1, -1, 1_234_567_890_123] {
            #expect(MediaTime.microseconds(ticks: ticks, timeBase: timeBase)
                    == referenceMicroseconds(ticks: ticks, num: timeBase.num, den: timeBase.den), "ticks \(ticks)")
        }
    }

    @Test func tiesRoundAwayFromZero() {
        let halfMicro = Rational(1, 2_000_000)      // a tick is 0.5 µs
        let expected: [(Int64, Int64)] = [(1, 1), (3, 2), (5, 3), (7, 4), (-1, -1), (-3, -2), (-5, -3), (0, 0)]
        for (ticks, us) in expected {
            #expect(MediaTime.microseconds(ticks: ticks, timeBase: halfMicro) == us, "\(ticks) half-microseconds")
        }
        // Just below and above a half round to nearest.
        let third = Rational(1, 3_000_000)
        #expect(MediaTime.microseconds(ticks: 1, timeBase: third) == 0)
        #expect(MediaTime.microseconds(ticks: 2, timeBase: third) == 1)
        #expect(MediaTime.microseconds(ticks: -1, timeBase: third) == 0)
        #expect(MediaTime.microseconds(ticks: -2, timeBase: third) == -1)
        // rescale directly, including negative multipliers and divisors.
        #expect(MediaTime.rescale(5, multiplier: 1, divisor: 2) == 3)
        #expect(MediaTime.rescale(5, multiplier: -1, divisor: 2) == -3)
        #expect(MediaTime.rescale(5, multiplier: 1, divisor: -2) == -3)
        #expect(MediaTime.rescale(-5, multiplier: -1, divisor: -2) == -3)
        #expect(MediaTime.rescale(-5, multiplier: 1, divisor: -2) == 3)
        #expect(MediaTime.rescale(7, multiplier: 0, divisor: 3) == 0)
    }

    @Test func negativeTimesMirrorPositiveOnes() {
        for n in [Int64(1), 2, 3, 29, 30, 1_000, 123_457, Self.lastFrameOf24h] {
            let positive = MediaTime.microseconds(ticks: n * 1001, timeBase: Self.ntscTick)
            #expect(MediaTime.microseconds(ticks: -n * 1001, timeBase: Self.ntscTick) == -positive)
            #expect(MediaTime.ticks(microseconds: -positive, timeBase: Self.ntscTick) == -n * 1001)
        }
    }

    @Test(arguments: [Rational(1, 30_000), Rational(1, 90_000), Rational(1, 48_000), Rational(1001, 30_000), Rational(1, 1_000_000)])
    func ticksRoundTripThroughMicroseconds(timeBase: Rational) {
        // Every tick here is at least 1 µs, so µs -> ticks recovers the tick exactly.
        var failures: [Int64] = []
        for ticks in Array(Int64(-3_000)...3_000) + Array(stride(from: Int64(0), through: 7_776_000_000, by: 77_777_777)) {
            let us = MediaTime.microseconds(ticks: ticks, timeBase: timeBase)
            if MediaTime.ticks(microseconds: us, timeBase: timeBase) != ticks { failures.append(ticks) }
        }
        #expect(failures.isEmpty, "\(timeBase): \(failures.prefix(10))")
    }

    @Test func ticksFromMicrosecondsRoundToNearest() {
        // 33 367 µs is frame 1 at 30000/1001 (1001 ticks of 1/30000 s).
        #expect(MediaTime.ticks(microseconds: 33_367, timeBase: Self.ntscTick) == 1001)
        // 1 µs = 0.03 ticks -> 0; 17 µs = 0.51 ticks -> 1; 50 µs = 1.5 ticks -> 2 (tie away from zero).
        #expect(MediaTime.ticks(microseconds: 1, timeBase: Self.ntscTick) == 0)
        #expect(MediaTime.ticks(microseconds: 17, timeBase: Self.ntscTick) == 1)
        #expect(MediaTime.ticks(microseconds: 50, timeBase: Self.ntscTick) == 2)
        #expect(MediaTime.ticks(microseconds: -50, timeBase: Self.ntscTick) == -2)
        #expect(MediaTime.ticks(microseconds: 1_000_000, timeBase: .microseconds) == 1_000_000)
    }

    @Test func saturatesAtTheInt64Range() {
        #expect(MediaTime.microseconds(ticks: .max, timeBase: Rational(1, 1)) == .max)
        #expect(MediaTime.microseconds(ticks: .min, timeBase: Rational(1, 1)) == .min)
        #expect(MediaTime.microseconds(ticks: .max / 2, timeBase: Rational(90_000, 1)) == .max)
        #expect(MediaTime.microseconds(ticks: -(.max / 2), timeBase: Rational(90_000, 1)) == .min)
        #expect(MediaTime.ticks(microseconds: .max, timeBase: Rational(1, 1_000_000_000)) == .max)
        #expect(MediaTime.ticks(microseconds: .min, timeBase: Rational(1, 1_000_000_000)) == .min)
        #expect(MediaTime.rescale(.max, multiplier: .max, divisor: 1) == .max)
        #expect(MediaTime.rescale(.max, multiplier: .max, divisor: -1) == .min)
        #expect(MediaTime.rescale(.min, multiplier: -1, divisor: 1) == .max)     // 2^63 does not fit
        #expect(MediaTime.rescale(.min, multiplier: 1, divisor: 1) == .min)
        // Large but representable results are exact, not saturated.
        #expect(MediaTime.rescale(.max, multiplier: .max, divisor: .max) == .max)
        #expect(MediaTime.rescale(.max - 1, multiplier: 3, divisor: 3) == .max - 1)
        #expect(MediaTime.rescale(.max, multiplier: 1, divisor: 2) == Int64.max / 2 + 1)   // x.5 rounds up
        #expect(MediaTime.microseconds(ticks: 9_223_372_036_854, timeBase: Rational(1, 1)) == 9_223_372_036_854_000_000)
        #expect(MediaTime.microseconds(ticks: 9_223_372_036_855, timeBase: Rational(1, 1)) == .max)
    }

    @Test
    func hugeTimeBaseNumeratorsSaturateInsteadOfTrapping() {
        // 1 tick of 10^13 s is 10^19 µs, above Int64.max: must saturate, not trap.
        #expect(MediaTime.microseconds(ticks: 1, timeBase: Rational(10_000_000_000_000, 1)) == .max)
        #expect(MediaTime.microseconds(ticks: -1, timeBase: Rational(10_000_000_000_000, 1)) == .min)
        #expect(MediaTime.ticks(microseconds: 1, timeBase: Rational(10_000_000_000_000, 1)) == 0)
    }

    @Test func testPatternTimestampsUseTheSameExactConversion() throws {
        let rate = Rational(30_000, 1001)
        for n in [0, 1, 2, 3, 1_000, Int(Self.lastFrameOf24h)] {
            let frame = try TestPattern.videoFrame(index: n, width: 16, height: 16, frameRate: rate)
            #expect(frame.timestampUs == referenceMicroseconds(ticks: Int64(n) * 1001, num: 1, den: 30000))
        }
    }

    @Test func rationalBasics() {
        #expect(Rational.microseconds == Rational(1, 1_000_000))
        #expect(Rational(30_000, 1001).inverted == Rational(1001, 30_000))
        #expect(Rational(1, 2).doubleValue == 0.5)
        #expect(Rational(30_000, 1001).description == "30000/1001")
        #expect(Rational(1, 25).isValid)
        #expect(!Rational(0, 25).isValid)
        #expect(!Rational(1, 0).isValid)
        #expect(!Rational(1, -25).isValid)
    }
}
