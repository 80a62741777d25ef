import MediaCore

/// Validation and exact representation of clock rates.
///
/// A rate is kept as a fraction in lowest terms so `now()` is exact over any
/// span. A `Double` (WIT's `f32`) is turned into the closest fraction with a
/// denominator up to 1 000 000 (continued fractions): 0.5 → 1/2,
/// `Float(0.1)` → 1/10, 1.001 → 1001/1000.
enum ClockRate {
    /// Rates outside 1/1 000 000 ... 1 000 000 are refused.
    static let limit: Int64 = 1_000_000
    static let operation = "set clock rate"

    static func validated(_ rate: Double) throws(MediaError) -> Rational {
        guard rate.isFinite else {
            throw MediaError(.invalidArgument, operation: operation,
                             message: "rate \(rate) is not a finite number")
        }
        try checkSign(isNegative: rate < 0, isZero: rate == 0, shown: "\(rate)")
        guard rate >= 1 / Double(limit), rate <= Double(limit) else { throw outOfRange("\(rate)") }
        return fraction(approximating: rate, maxDenominator: limit)
    }

    static func validated(_ rate: Rational) throws(MediaError) -> Rational {
        guard rate.den != 0 else {
            throw MediaError(.invalidArgument, operation: operation,
                             message: "rate \(rate) has a zero denominator")
        }
        let value = ClockArithmetic.reduced(rate)
        try checkSign(isNegative: value.num < 0, isZero: value.num == 0, shown: "\(rate)")
        // limit * num >= den and num <= limit * den, without overflow (an overflow means "holds").
        let (scaledNum, bigNum) = value.num.multipliedReportingOverflow(by: limit)
        let (scaledDen, bigDen) = value.den.multipliedReportingOverflow(by: limit)
        guard bigNum || scaledNum >= value.den, bigDen || value.num <= scaledDen else {
            throw outOfRange("\(rate)")
        }
        return value
    }

    private static func checkSign(isNegative: Bool, isZero: Bool, shown: String) throws(MediaError) {
        if isNegative {
            throw MediaError(.unsupported, operation: operation,
                             message: "rate \(shown) is negative: reverse playback is not supported yet")
        }
        if isZero {
            throw MediaError(.invalidArgument, operation: operation,
                             message: "rate \(shown) would stop the clock: use pause() to freeze it")
        }
    }

    private static func outOfRange(_ shown: String) -> MediaError {
        MediaError(.invalidArgument, operation: operation,
                   message: "rate \(shown) is outside 1/\(limit) ... \(limit)")
    }

    /// The last continued-fraction convergent of `x` (positive, finite, at most
    /// `maxDenominator`) whose denominator stays within `maxDenominator`, or the
    /// first one within 1e-12 relative error of `x`.
    static func fraction(approximating x: Double, maxDenominator: Int64) -> Rational {
        var (hPrev, h) = (Int64(0), Int64(1))   // numerators h(n-2), h(n-1)
        var (kPrev, k) = (Int64(1), Int64(0))   // denominators
        var remainder = x
        while true {
            let whole = remainder.rounded(.down)
            guard whole < 9e15 else { break }
            let a = Int64(whole)
            let (ah, o1) = a.multipliedReportingOverflow(by: h)
            let (ak, o2) = a.multipliedReportingOverflow(by: k)
            guard !o1, !o2 else { break }
            let (hNext, o3) = ah.addingReportingOverflow(hPrev)
            let (kNext, o4) = ak.addingReportingOverflow(kPrev)
            guard !o3, !o4, kNext <= maxDenominator else { break }
            (hPrev, h, kPrev, k) = (h, hNext, k, kNext)
            let fractional = remainder - whole
            if fractional == 0 || abs(Double(h) / Double(k) - x) <= x * 1e-12 { break }
            remainder = 1 / fractional
        }
        return Rational(h, k)
    }
}
