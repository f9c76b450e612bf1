/// The EVM's arithmetic, comparison and bit semantics over 256-bit words
/// (Yellow Paper appendix H; shifts per EIP-145). All are total: none traps,
/// division by zero gives zero, and none allocates.
extension UInt256 {
    /// `DIV`: unsigned quotient, zero when `divisor` is zero.
    @inlinable
    public func dividedOrZero(by divisor: UInt256) -> UInt256 {
        divisor.isZero ? .zero : quotientAndRemainder(dividingBy: divisor).quotient
    }

    /// `MOD`: unsigned remainder, zero when `divisor` is zero.
    @inlinable
    public func remainderOrZero(dividingBy divisor: UInt256) -> UInt256 {
        divisor.isZero ? .zero : quotientAndRemainder(dividingBy: divisor).remainder
    }

    /// `SDIV`: two's-complement quotient truncated toward zero; zero for a zero
    /// divisor; −2²⁵⁵ / −1 wraps to −2²⁵⁵.
    @inlinable
    public func signedDividedOrZero(by divisor: UInt256) -> UInt256 {
        if divisor.isZero { return .zero }
        let q = magnitude.quotientAndRemainder(dividingBy: divisor.magnitude).quotient
        return isNegative != divisor.isNegative ? q.negated : q
    }

    /// `SMOD`: two's-complement remainder taking the dividend's sign; zero for a zero divisor.
    @inlinable
    public func signedRemainderOrZero(dividingBy divisor: UInt256) -> UInt256 {
        if divisor.isZero { return .zero }
        let r = magnitude.quotientAndRemainder(dividingBy: divisor.magnitude).remainder
        return isNegative ? r.negated : r
    }

    /// `ADDMOD`: (a + b) mod m over the exact 257-bit sum; zero when `m` is zero.
    @inlinable
    public static func addMod(_ a: UInt256, _ b: UInt256, _ m: UInt256) -> UInt256 {
        if m.isZero { return .zero }
        return LimbDivision.addMod(a, b, m)
    }

    /// `MULMOD`: (a × b) mod m over the exact 512-bit product; zero when `m` is zero.
    @inlinable
    public static func mulMod(_ a: UInt256, _ b: UInt256, _ m: UInt256) -> UInt256 {
        if m.isZero { return .zero }
        return LimbDivision.mulMod(a, b, m)
    }

    /// `EXP`: self raised to `exponent`, modulo 2²⁵⁶ (square-and-multiply).
    @inlinable
    public func power(_ exponent: UInt256) -> UInt256 {
        var result = UInt256.one
        var base = self
        let bits = exponent.bitWidth
        var i = 0
        while i < bits {
            if exponent.bit(i) { result = result &* base }
            i += 1
            if i < bits { base = base &* base }
        }
        return result
    }

    /// `SIGNEXTEND`: extends the sign of byte `byteIndex` (0 = least significant)
    /// through the word; unchanged when `byteIndex ≥ 31`.
    @inlinable
    public func signExtended(fromByte byteIndex: UInt256) -> UInt256 {
        guard let k = byteIndex.uint64, k < 31 else { return self }
        let signBit = Int(k) * 8 + 7
        let mask = (UInt256.one << (signBit + 1)) &- .one
        return bit(signBit) ? self | ~mask : self & mask
    }

    /// `BYTE`: byte `index` counted from the most significant end, zero when `index ≥ 32`.
    @inlinable
    public func byte(at index: UInt256) -> UInt256 {
        guard let i = index.uint64, i < 32 else { return .zero }
        let limb = self[limb: 3 - Int(i) / 8]
        let shift = UInt64(7 - Int(i) % 8) * 8
        return UInt256((limb >> shift) & 0xff)
    }

    /// `SHL`: self shifted left by `shift` bits; zero when `shift ≥ 256`.
    @inlinable
    public func shiftedLeft(by shift: UInt256) -> UInt256 {
        guard let s = shift.uint64, s < 256 else { return .zero }
        return self << Int(s)
    }

    /// `SHR`: logical right shift; zero when `shift ≥ 256`.
    @inlinable
    public func shiftedRight(by shift: UInt256) -> UInt256 {
        guard let s = shift.uint64, s < 256 else { return .zero }
        return self >> Int(s)
    }

    /// `SAR`: arithmetic right shift; all ones or zero (by sign) when `shift ≥ 256`.
    @inlinable
    public func arithmeticShiftedRight(by shift: UInt256) -> UInt256 {
        let negative = isNegative
        guard let s = shift.uint64, s < 256 else { return negative ? .max : .zero }
        if s == 0 { return self }
        let logical = self >> Int(s)
        return negative ? logical | ~(UInt256.max >> Int(s)) : logical
    }

    /// `SLT`: two's-complement less-than.
    @inlinable
    public func signedLessThan(_ other: UInt256) -> Bool {
        let a = isNegative, b = other.isNegative
        return a != b ? a : self < other
    }

    /// `SGT`: two's-complement greater-than.
    @inlinable
    public func signedGreaterThan(_ other: UInt256) -> Bool { other.signedLessThan(self) }
}
