import MediaCore

/// Integer helpers shared by the clock types: nothing here rounds except
/// `MediaTime.rescale`, which rounds once per value.
enum ClockArithmetic {
    /// `num/den` in lowest terms with a positive denominator (`den` must not be 0).
    static func reduced(_ value: Rational) -> Rational {
        var num = value.num, den = value.den
        if den < 0 { num = -num; den = -den }
        var a = num.magnitude, b = den.magnitude
        while b != 0 { (a, b) = (b, a % b) }
        guard a > 1 else { return Rational(num, den) }
        return Rational(num / Int64(a), den / Int64(a))
    }

    /// `a + b`, clamped to the Int64 range instead of trapping.
    static func add(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard overflow else { return sum }
        return b > 0 ? .max : .min
    }
}

/// Counts of ticks per time base plus whole microseconds: the state of the
/// driven sources. Time is computed from the counts each time it is read,
/// one rounding per time base, so it never drifts however small the steps.
struct TickLedger: Sendable {
    /// Ticks per time base in lowest terms (1/44100 for samples at 44.1 kHz,
    /// 1001/30000 for frames at 29.97 fps).
    private(set) var ticks: [Rational: Int64] = [:]
    /// Durations given directly in µs.
    private(set) var wholeUs: Int64 = 0

    /// Adds `count` ticks of `timeBase` (both positive; the caller checks).
    mutating func add(_ count: Int64, timeBase: Rational) {
        let key = ClockArithmetic.reduced(timeBase)
        ticks[key] = ClockArithmetic.add(ticks[key] ?? 0, count)
    }

    mutating func add(us: Int64) {
        wholeUs = ClockArithmetic.add(wholeUs, us)
    }

    /// The total in µs: exact to the nearest µs for each time base.
    var microseconds: Int64 {
        ticks.reduce(wholeUs) { total, entry in
            ClockArithmetic.add(total, MediaTime.microseconds(ticks: entry.value, timeBase: entry.key))
        }
    }
}
