/// Multi-limb division (Knuth, TAOCP vol. 2, §4.3.1, Algorithm D) in base 2⁶⁴.
///
/// Works on caller-provided limb buffers (least significant first) so the
/// 256- and 512-bit callers can keep every temporary on the stack.
@usableFromInline
enum LimbDivision {
    /// Divides `u` (`un` limbs) by `v` (`vn` limbs, `v[vn-1] != 0`, `un ≥ vn`).
    /// Writes `un - vn + 1` quotient limbs to `q` (if given) and `vn` remainder limbs to `r`.
    /// `scratch` must hold `un + 1 + vn` limbs.
    @usableFromInline
    static func divide(
        _ u: UnsafePointer<UInt64>, _ un: Int,
        _ v: UnsafePointer<UInt64>, _ vn: Int,
        quotient q: UnsafeMutablePointer<UInt64>?,
        remainder r: UnsafeMutablePointer<UInt64>,
        scratch: UnsafeMutablePointer<UInt64>
    ) {
        if vn == 1 {
            let d = v[0]
            var rem: UInt64 = 0
            for j in stride(from: un - 1, through: 0, by: -1) {
                let (qj, rj) = d.dividingFullWidth((rem, u[j]))
                q?[j] = qj
                rem = rj
            }
            r[0] = rem
            return
        }
        // D1: normalize so the divisor's top bit is set.
        let s = UInt64(v[vn - 1].leadingZeroBitCount)
        let un1 = scratch             // un + 1 limbs
        let vn1 = scratch + (un + 1)  // vn limbs
        if s == 0 {
            for i in 0..<vn { vn1[i] = v[i] }
            for i in 0..<un { un1[i] = u[i] }
            un1[un] = 0
        } else {
            for i in stride(from: vn - 1, to: 0, by: -1) { vn1[i] = (v[i] << s) | (v[i - 1] >> (64 - s)) }
            vn1[0] = v[0] << s
            un1[un] = u[un - 1] >> (64 - s)
            for i in stride(from: un - 1, to: 0, by: -1) { un1[i] = (u[i] << s) | (u[i - 1] >> (64 - s)) }
            un1[0] = u[0] << s
        }
        let vTop = vn1[vn - 1], vNext = vn1[vn - 2]
        // D2–D7: one quotient limb per step, most significant first.
        for j in stride(from: un - vn, through: 0, by: -1) {
            let u2 = un1[j + vn], u1 = un1[j + vn - 1], u0 = un1[j + vn - 2]
            var qhat: UInt64, rhat: UInt64
            var rhatOverflow = false
            if u2 >= vTop {
                // u2 == vTop (the invariant keeps u2 ≤ vTop): the 2-by-1 quotient is ≥ 2⁶⁴.
                qhat = .max
                (rhat, rhatOverflow) = u1.addingReportingOverflow(vTop)
            } else {
                (qhat, rhat) = vTop.dividingFullWidth((u2, u1))
            }
            // D3: at most two corrections make qhat exact or one too big.
            while !rhatOverflow {
                let (ph, pl) = qhat.multipliedFullWidth(by: vNext)
                guard ph > rhat || (ph == rhat && pl > u0) else { break }
                qhat -= 1
                (rhat, rhatOverflow) = rhat.addingReportingOverflow(vTop)
            }
            // D4: multiply and subtract.
            var borrow: UInt64 = 0, carry: UInt64 = 0
            for i in 0..<vn {
                let (ph, pl) = qhat.multipliedFullWidth(by: vn1[i])
                let (p, c1) = pl.addingReportingOverflow(carry)
                carry = ph &+ (c1 ? 1 : 0)
                let (t1, b1) = un1[i + j].subtractingReportingOverflow(p)
                let (t2, b2) = t1.subtractingReportingOverflow(borrow)
                un1[i + j] = t2
                borrow = (b1 || b2) ? 1 : 0
            }
            let (t1, b1) = un1[j + vn].subtractingReportingOverflow(carry)
            let (t2, b2) = t1.subtractingReportingOverflow(borrow)
            un1[j + vn] = t2
            // D5/D6: the rare add-back when qhat was still one too big.
            if b1 || b2 {
                qhat -= 1
                var c: UInt64 = 0
                for i in 0..<vn {
                    let (s1, c1) = un1[i + j].addingReportingOverflow(vn1[i])
                    let (s2, c2) = s1.addingReportingOverflow(c)
                    un1[i + j] = s2
                    c = (c1 || c2) ? 1 : 0
                }
                un1[j + vn] &+= c
            }
            q?[j] = qhat
        }
        // D8: unnormalize the remainder.
        if s == 0 {
            for i in 0..<vn { r[i] = un1[i] }
        } else {
            for i in 0..<vn { r[i] = (un1[i] >> s) | (un1[i + 1] << (64 - s)) }
        }
    }

    /// Number of limbs up to and including the most significant non-zero one.
    @inlinable @inline(__always)
    static func significantLimbs(_ p: UnsafePointer<UInt64>, _ n: Int) -> Int {
        var k = n
        while k > 0 && p[k - 1] == 0 { k -= 1 }
        return k
    }
}

extension UInt256 {
    /// Unsigned quotient and remainder; `divisor` must not be zero.
    @inlinable
    public func quotientAndRemainder(dividingBy divisor: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        precondition(!divisor.isZero, "UInt256 division by zero")
        if self < divisor { return (.zero, self) }
        if (w1 | w2 | w3 | divisor.w1 | divisor.w2 | divisor.w3) == 0 {
            return (UInt256(w0 / divisor.w0), UInt256(w0 % divisor.w0))
        }
        var a = self, d = divisor
        var q = UInt256.zero, r = UInt256.zero
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 9) { scratch in
            withUnsafePointer(to: &a) { ap in
                withUnsafePointer(to: &d) { dp in
                    ap.withMemoryRebound(to: UInt64.self, capacity: 4) { u in
                        dp.withMemoryRebound(to: UInt64.self, capacity: 4) { v in
                            withUnsafeMutablePointer(to: &q) { qp in
                                withUnsafeMutablePointer(to: &r) { rp in
                                    qp.withMemoryRebound(to: UInt64.self, capacity: 4) { qq in
                                        rp.withMemoryRebound(to: UInt64.self, capacity: 4) { rr in
                                            let un = LimbDivision.significantLimbs(u, 4)
                                            let vn = LimbDivision.significantLimbs(v, 4)
                                            LimbDivision.divide(u, un, v, vn, quotient: qq, remainder: rr,
                                                                scratch: scratch.baseAddress!)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (q, r)
    }

    /// The remainder of the 512-bit number `high·2²⁵⁶ + low` divided by `modulus` (non-zero).
    @inlinable
    static func remainder(high: UInt256, low: UInt256, modulus: UInt256) -> UInt256 {
        if high.isZero { return low.quotientAndRemainder(dividingBy: modulus).remainder }
        var wide = (low, high)
        var m = modulus
        var r = UInt256.zero
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 13) { scratch in
            withUnsafePointer(to: &wide) { wp in
                withUnsafePointer(to: &m) { mp in
                    wp.withMemoryRebound(to: UInt64.self, capacity: 8) { u in
                        mp.withMemoryRebound(to: UInt64.self, capacity: 4) { v in
                            withUnsafeMutablePointer(to: &r) { rp in
                                rp.withMemoryRebound(to: UInt64.self, capacity: 4) { rr in
                                    let un = LimbDivision.significantLimbs(u, 8)
                                    let vn = LimbDivision.significantLimbs(v, 4)
                                    LimbDivision.divide(u, un, v, vn, quotient: nil, remainder: rr,
                                                        scratch: scratch.baseAddress!)
                                }
                            }
                        }
                    }
                }
            }
        }
        return r
    }
}
