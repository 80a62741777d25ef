/// A rational number `num/den`, used for time bases and frame rates.
public struct Rational: Sendable, Hashable, Codable, CustomStringConvertible {
    public var num: Int64
    public var den: Int64

    public init(_ num: Int64, _ den: Int64) {
        self.num = num
        self.den = den
    }

    /// 1/1000000: the time base of every timestamp in the WIT interfaces.
    public static let microseconds = Rational(1, 1_000_000)

    public var isValid: Bool { num != 0 && den > 0 }
    public var doubleValue: Double { Double(num) / Double(den) }
    public var inverted: Rational { Rational(den, num) }
    public var description: String { "\(num)/\(den)" }

    /// The same value with numerator and denominator divided by their
    /// greatest common divisor (60/2 is 30/1); 0/d is 0/1.
    public var reduced: Rational {
        var a = num.magnitude, b = den.magnitude
        while b != 0 { (a, b) = (b, a % b) }
        guard a > 1 else { return num == 0 ? Rational(0, 1) : self }
        return Rational(num / Int64(a), den / Int64(a))
    }
}

/// Exact conversions between stream ticks and microseconds.
///
/// Each conversion is computed from the tick count alone with 128-bit
/// intermediate products, rounding to nearest (ties away from zero), so a
/// timestamp never accumulates error: frame 2 589 410 of a 24-hour stream at
/// 30000/1001 fps converts to the same microsecond as the exact rational.
public enum MediaTime {
    /// `ticks * timeBase` expressed in microseconds.
    public static func microseconds(ticks: Int64, timeBase: Rational) -> Int64 {
        let (scaled, overflow) = timeBase.num.multipliedReportingOverflow(by: 1_000_000)
        if !overflow { return rescale(ticks, multiplier: scaled, divisor: timeBase.den) }
        // A numerator past 9.2e12: scale in two steps (exact until the result saturates).
        return rescale(rescale(ticks, multiplier: timeBase.num, divisor: timeBase.den), multiplier: 1_000_000, divisor: 1)
    }

    /// Microseconds expressed as ticks of `timeBase`, rounded to nearest.
    public static func ticks(microseconds us: Int64, timeBase: Rational) -> Int64 {
        let (scaled, overflow) = timeBase.num.multipliedReportingOverflow(by: 1_000_000)
        if !overflow { return rescale(us, multiplier: timeBase.den, divisor: scaled) }
        return rescale(rescale(us, multiplier: timeBase.den, divisor: timeBase.num), multiplier: 1, divisor: 1_000_000)
    }

    /// `a + b`, saturating at the Int64 range: timestamps from files are
    /// untrusted, and a corrupt one must not trap.
    public static func add(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }

    /// `a - b`, saturating at the Int64 range.
    public static func subtract(_ a: Int64, _ b: Int64) -> Int64 {
        let (difference, overflow) = a.subtractingReportingOverflow(b)
        return overflow ? (b < 0 ? .max : .min) : difference
    }

    /// `value * multiplier / divisor` rounded to nearest, ties away from zero,
    /// without overflow in the intermediate product. Saturates at the Int64 range.
    public static func rescale(_ value: Int64, multiplier: Int64, divisor: Int64) -> Int64 {
        precondition(divisor != 0, "division by zero")
        var negative = (value < 0) != (multiplier < 0)
        if divisor < 0 { negative.toggle() }
        let a = value.magnitude, b = multiplier.magnitude, c = divisor.magnitude
        let product = a.multipliedFullWidth(by: b)
        // Round: add c/2 to the 128-bit product before dividing.
        let (lowSum, carry) = product.low.addingReportingOverflow(c / 2)
        let high = product.high + (carry ? 1 : 0)
        guard high < c else { return negative ? .min : .max }
        let (quotient, _) = c.dividingFullWidth((high: high, low: lowSum))
        guard quotient <= UInt64(Int64.max) else { return negative ? .min : .max }
        return negative ? -Int64(quotient) : Int64(quotient)
    }
}
