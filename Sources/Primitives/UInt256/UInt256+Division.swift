/// Multi-limb division in base 2⁶⁴: Knuth's Algorithm D (TAOCP vol. 2, §4.3.1)
/// with each quotient limb estimated by a 3-by-2 division through a precomputed
/// reciprocal of the divisor's top two limbs, and one-limb divisors by 2-by-1
/// divisions through a reciprocal (Möller and Granlund, "Improved division by
/// invariant integers", IEEE Trans. Computers 60(2), 2011, algorithms 2–6).
///
/// The reciprocal is computed once per division (the one hardware 128-by-64
/// divide), so the inner loop is multiplications, additions and rarely taken
/// corrections. A four-limb modulus (MULMOD and ADDMOD in elliptic-curve code)
/// has its own path with every limb in a register; the general path works on
/// limbs in a stack buffer, least significant first. Nothing here allocates.
@usableFromInline
package enum LimbDivision {
    /// The reciprocal of a normalized limb (`d ≥ 2⁶³`): ⌊(2¹²⁸ − 1) / d⌋ − 2⁶⁴,
    /// i.e. ⌊((2⁶⁴ − 1 − d)·2⁶⁴ + 2⁶⁴ − 1) / d⌋. One hardware divide: on the machines
    /// measured it beat the paper's table-free Newton iteration (algorithm 3) by ~10 %.
    @inline(__always)
    package static func reciprocal(_ d: UInt64) -> UInt64 {
        d.dividingFullWidth((~d, .max)).quotient
    }

    /// The reciprocal of a normalized two-limb divisor (`d1 ≥ 2⁶³`):
    /// ⌊(2¹⁹² − 1) / (d1·2⁶⁴ + d0)⌋ − 2⁶⁴ (Möller–Granlund algorithm 6).
    @inline(__always)
    package static func reciprocal(_ d1: UInt64, _ d0: UInt64) -> UInt64 {
        var v = reciprocal(d1)
        var p = d1 &* v &+ d0
        if p < d0 {
            v &-= 1
            if p >= d1 {
                v &-= 1
                p &-= d1
            }
            p &-= d1
        }
        let (t1, t0) = v.multipliedFullWidth(by: d0)
        p &+= t1
        if p < t1 {
            v &-= 1
            if p > d1 || (p == d1 && t0 >= d0) { v &-= 1 }
        }
        return v
    }

    /// ⌊(u1·2⁶⁴ + u0) / d⌋ and the remainder, for a normalized `d` with reciprocal
    /// `v` and `u1 < d` (Möller–Granlund algorithm 4).
    @inline(__always)
    package static func divide(_ u1: UInt64, _ u0: UInt64, by d: UInt64, reciprocal v: UInt64)
        -> (quotient: UInt64, remainder: UInt64)
    {
        let (ph, pl) = v.multipliedFullWidth(by: u1)
        let (q0, c) = pl.addingReportingOverflow(u0)
        var q1 = ph &+ u1 &+ (c ? 1 : 0) &+ 1
        var r = u0 &- q1 &* d
        // The likely correction, without a branch (it goes either way at random).
        let mask: UInt64 = r > q0 ? .max : 0
        q1 &+= mask
        r &+= d & mask
        if r >= d {
            q1 &+= 1
            r &-= d
        }
        return (q1, r)
    }

    /// ⌊(u2·2¹²⁸ + u1·2⁶⁴ + u0) / (d1·2⁶⁴ + d0)⌋ and the two-limb remainder, for a
    /// normalized divisor with reciprocal `v` and `(u2, u1) < (d1, d0)`
    /// (Möller–Granlund algorithm 5).
    @inline(__always)
    package static func divide(_ u2: UInt64, _ u1: UInt64, _ u0: UInt64, by d1: UInt64, _ d0: UInt64, reciprocal v: UInt64)
        -> (quotient: UInt64, r1: UInt64, r0: UInt64)
    {
        let (ph, pl) = v.multipliedFullWidth(by: u2)
        let (q0, c) = pl.addingReportingOverflow(u1)
        var q1 = ph &+ u2 &+ (c ? 1 : 0)
        // (r1, r0) = (u1 − q1·d1, u0) − q1·d0 − (d1, d0), modulo 2¹²⁸.
        var r1 = u1 &- q1 &* d1
        let (t1, t0) = d0.multipliedFullWidth(by: q1)
        var (r0, b) = u0.subtractingReportingOverflow(t0)
        r1 = r1 &- t1 &- (b ? 1 : 0)
        (r0, b) = r0.subtractingReportingOverflow(d0)
        r1 = r1 &- d1 &- (b ? 1 : 0)
        // The likely correction, without a branch (it goes either way at random).
        let mask: UInt64 = r1 >= q0 ? .max : 0
        q1 = q1 &+ 1 &+ mask
        let (s0, carry) = r0.addingReportingOverflow(d0 & mask)
        r0 = s0
        r1 = r1 &+ (d1 & mask) &+ (carry ? 1 : 0)
        if r1 > d1 || (r1 == d1 && r0 >= d0) {
            q1 &+= 1
            (r0, b) = r0.subtractingReportingOverflow(d0)
            r1 = r1 &- d1 &- (b ? 1 : 0)
        }
        return (q1, r1, r0)
    }

    /// `x − q·d − borrow` for one limb of a multiply-and-subtract; `borrow` becomes
    /// the amount to take from the next limb (never more than 2⁶⁴ − 1).
    @inline(__always)
    static func subtractProduct(_ x: UInt64, _ q: UInt64, _ d: UInt64, _ borrow: inout UInt64) -> UInt64 {
        let (ph, pl) = q.multipliedFullWidth(by: d)
        let (p, c) = pl.addingReportingOverflow(borrow)
        let (r, b) = x.subtractingReportingOverflow(p)
        borrow = ph &+ (c ? 1 : 0) &+ (b ? 1 : 0)
        return r
    }

    /// Number of limbs up to and including the most significant non-zero one.
    @inline(__always)
    static func significantLimbs(_ p: UnsafePointer<UInt64>, _ n: Int) -> Int {
        var k = n
        while k > 0 && p[k - 1] == 0 { k -= 1 }
        return k
    }

    /// Number of limbs up to and including the most significant non-zero one (1 for zero).
    @inline(__always)
    static func significantLimbs(_ x: UInt256) -> Int {
        x.w3 != 0 ? 4 : x.w2 != 0 ? 3 : x.w1 != 0 ? 2 : 1
    }

    /// Divides the `un` limbs at `u` by `m` (non-zero, `n` significant limbs,
    /// `un ≥ n`) in place and returns the remainder. `u` must have room for
    /// `un + 1` limbs and `d` for `n`; the quotient's `un − n + 1` limbs go to `q`
    /// when given.
    @inline(__always)
    static func divide(_ u: UnsafeMutablePointer<UInt64>, _ un: Int, by m: UInt256, _ n: Int,
                       scratch d: UnsafeMutablePointer<UInt64>, quotient q: UnsafeMutablePointer<UInt64>?) -> UInt256 {
        // D1: shift divisor and dividend left so the divisor's top bit is set.
        // `(x >> 1) >> (63 − s)` is `x >> (64 − s)` without the undefined shift by 64 when s = 0.
        let s = UInt64(m[limb: n - 1].leadingZeroBitCount)
        let t = 63 &- s
        d[0] = m.w0 &<< s
        for i in 1..<n { d[i] = (m[limb: i] &<< s) | ((m[limb: i - 1] &>> 1) &>> t) }
        u[un] = (u[un - 1] &>> 1) &>> t
        var i = un - 1
        while i > 0 {
            u[i] = (u[i] &<< s) | ((u[i - 1] &>> 1) &>> t)
            i -= 1
        }
        u[0] = u[0] &<< s

        if n == 1 {
            let d0 = d[0], v = reciprocal(d0)
            var r = u[un]  // < 2^s ≤ d0
            var j = un - 1
            while j >= 0 {
                let (qj, rj) = divide(r, u[j], by: d0, reciprocal: v)
                q?[j] = qj
                r = rj
                j -= 1
            }
            return UInt256(r &>> s)
        }

        // D2–D7: one quotient limb per step, most significant first. The invariant
        // u[j+1 ..< j+n+1] < d keeps (u2, u1) ≤ (d1, d0) at every step.
        let d1 = d[n - 1], d0 = d[n - 2]
        let v = reciprocal(d1, d0)
        var j = un - n
        while j >= 0 {
            let u2 = u[j + n], u1 = u[j + n - 1], u0 = u[j + n - 2]
            let w = u + j
            var qj: UInt64
            if u2 == d1 && u1 == d0 {
                // The estimate would be 2⁶⁴, and the quotient limb is exactly 2⁶⁴ − 1
                // (the top two limbs equal the divisor's, which is normalized).
                qj = .max
                var borrow: UInt64 = 0
                for i in 0..<n { w[i] = subtractProduct(w[i], qj, d[i], &borrow) }
            } else {
                // The 3-by-2 quotient is exact or one too big (as after Knuth's test in step D3);
                // its remainder stands for the top two limbs, the rest is subtracted here.
                let (q3, r1, r0) = divide(u2, u1, u0, by: d1, d0, reciprocal: v)
                qj = q3
                var borrow: UInt64 = 0
                for i in 0..<(n - 2) { w[i] = subtractProduct(w[i], qj, d[i], &borrow) }
                let (x0, b0) = r0.subtractingReportingOverflow(borrow)
                let (x1, b1) = r1.subtractingReportingOverflow(b0 ? 1 : 0)
                w[n - 2] = x0
                w[n - 1] = x1
                if b1 {
                    // D6: one too big; add the divisor back (the carry out cancels the borrow).
                    qj &-= 1
                    var carry = false
                    for i in 0..<n {
                        let (s1, c1) = w[i].addingReportingOverflow(d[i])
                        let (s2, c2) = s1.addingReportingOverflow(carry ? 1 : 0)
                        w[i] = s2
                        carry = c1 || c2
                    }
                }
            }
            q?[j] = qj
            j -= 1
        }

        // D8: the remainder is in u[0 ..< n]; shift it back.
        var r = UInt256.zero
        for i in 0..<(n - 1) { r[limb: i] = (u[i] &>> s) | ((u[i + 1] &<< 1) &<< t) }
        r[limb: n - 1] = u[n - 1] &>> s
        return r
    }

    /// Quotient and remainder of `a` by `b`, for `a ≥ b` with `a` of two limbs or more.
    @usableFromInline
    static func quotientAndRemainder(_ a: UInt256, _ b: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 13) { buffer in
            let u = buffer.baseAddress!, d = u + 5, q = u + 9
            u[0] = a.w0; u[1] = a.w1; u[2] = a.w2; u[3] = a.w3
            q[0] = 0; q[1] = 0; q[2] = 0; q[3] = 0
            let un = significantLimbs(a), n = significantLimbs(b)
            let r = divide(u, un, by: b, n, scratch: d, quotient: q)
            return (UInt256(w0: q[0], w1: q[1], w2: q[2], w3: q[3]), r)
        }
    }

    /// One step of Algorithm D for a normalized four-limb divisor `d3…d0` with
    /// `v = reciprocal(d3, d2)`: reduces the five limbs `u4, u3…u0` (whose top four
    /// are below the divisor) modulo the divisor, leaving the remainder in `u3…u0`.
    @inline(__always)
    static func reduce(_ u4: UInt64, _ u3: inout UInt64, _ u2: inout UInt64, _ u1: inout UInt64, _ u0: inout UInt64,
                       _ d3: UInt64, _ d2: UInt64, _ d1: UInt64, _ d0: UInt64, reciprocal v: UInt64) {
        var borrow: UInt64 = 0
        if u4 == d3 && u3 == d2 {
            // The quotient limb is exactly 2⁶⁴ − 1 (see `divide`).
            u0 = subtractProduct(u0, .max, d0, &borrow)
            u1 = subtractProduct(u1, .max, d1, &borrow)
            u2 = subtractProduct(u2, .max, d2, &borrow)
            u3 = subtractProduct(u3, .max, d3, &borrow)
            return
        }
        let (q, r1, r0) = divide(u4, u3, u2, by: d3, d2, reciprocal: v)
        u0 = subtractProduct(u0, q, d0, &borrow)
        u1 = subtractProduct(u1, q, d1, &borrow)
        let (x2, b2) = r0.subtractingReportingOverflow(borrow)
        let (x3, b3) = r1.subtractingReportingOverflow(b2 ? 1 : 0)
        u2 = x2
        u3 = x3
        if b3 {
            // The quotient limb was one too big: add the divisor back.
            var c: Bool, c1: Bool, c2: Bool
            (u0, c) = u0.addingReportingOverflow(d0)
            (u1, c1) = u1.addingReportingOverflow(d1)
            (u1, c2) = u1.addingReportingOverflow(c ? 1 : 0)
            c = c1 || c2
            (u2, c1) = u2.addingReportingOverflow(d2)
            (u2, c2) = u2.addingReportingOverflow(c ? 1 : 0)
            c = c1 || c2
            u3 = u3 &+ d3 &+ (c ? 1 : 0)
        }
    }

    /// The eight limbs `p7…p0` modulo `m`, which has a non-zero top limb, all in
    /// registers: at most five steps of ``reduce(_:_:_:_:_:_:_:_:_:reciprocal:)``.
    @inline(__always)
    static func remainderByFourLimbs(_ p7: UInt64, _ p6: UInt64, _ p5: UInt64, _ p4: UInt64,
                                     _ p3: UInt64, _ p2: UInt64, _ p1: UInt64, _ p0: UInt64,
                                     modulus m: UInt256) -> UInt256 {
        let s = UInt64(m.w3.leadingZeroBitCount), t = 63 &- s
        // `(x >> 1) >> (63 − s)` is `x >> (64 − s)`, and zero when s = 0.
        @inline(__always) func join(_ hi: UInt64, _ lo: UInt64) -> UInt64 { (hi &<< s) | ((lo &>> 1) &>> t) }
        let d3 = join(m.w3, m.w2), d2 = join(m.w2, m.w1), d1 = join(m.w1, m.w0), d0 = m.w0 &<< s
        let v = reciprocal(d3, d2)
        let u8 = (p7 &>> 1) &>> t
        var u7 = join(p7, p6), u6 = join(p6, p5), u5 = join(p5, p4)
        var u4 = join(p4, p3), u3 = join(p3, p2), u2 = join(p2, p1)
        var u1 = join(p1, p0), u0 = p0 &<< s
        // A step is skipped when its quotient limb is plainly zero: a zero top limb and the
        // next two below the divisor's (short dividends: ADDMOD's 257-bit sum, small products).
        @inline(__always) func step(_ u4: UInt64, _ u3: inout UInt64, _ u2: inout UInt64, _ u1: inout UInt64, _ u0: inout UInt64) {
            if u4 != 0 || u3 > d3 || (u3 == d3 && u2 >= d2) {
                reduce(u4, &u3, &u2, &u1, &u0, d3, d2, d1, d0, reciprocal: v)
            }
        }
        step(u8, &u7, &u6, &u5, &u4)
        step(u7, &u6, &u5, &u4, &u3)
        step(u6, &u5, &u4, &u3, &u2)
        step(u5, &u4, &u3, &u2, &u1)
        step(u4, &u3, &u2, &u1, &u0)
        return UInt256(w0: (u0 &>> s) | ((u1 &<< 1) &<< t), w1: (u1 &>> s) | ((u2 &<< 1) &<< t),
                       w2: (u2 &>> s) | ((u3 &<< 1) &<< t), w3: u3 &>> s)
    }

    /// `(high·2²⁵⁶ + low) mod m` for a non-zero `m`.
    @usableFromInline
    static func remainder(high: UInt256, low: UInt256, modulus m: UInt256) -> UInt256 {
        if m.w3 != 0 {
            return remainderByFourLimbs(high.w3, high.w2, high.w1, high.w0, low.w3, low.w2, low.w1, low.w0, modulus: m)
        }
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 13) { buffer in
            let u = buffer.baseAddress!, d = u + 9
            u[0] = low.w0; u[1] = low.w1; u[2] = low.w2; u[3] = low.w3
            u[4] = high.w0; u[5] = high.w1; u[6] = high.w2; u[7] = high.w3
            let un = significantLimbs(u, 8), n = significantLimbs(m)
            if un < n { return low }  // high is zero and low < m
            return divide(u, un, by: m, n, scratch: d, quotient: nil)
        }
    }

    /// `(a × b) mod m` over the exact 512-bit product, for a non-zero `m`.
    @usableFromInline
    static func mulMod(_ a: UInt256, _ b: UInt256, _ m: UInt256) -> UInt256 {
        let p = UInt256.productLimbs(a, b)
        let high = UInt256(w0: p.4, w1: p.5, w2: p.6, w3: p.7), low = UInt256(w0: p.0, w1: p.1, w2: p.2, w3: p.3)
        if high.isZero && low < m { return low }
        return remainder(high: high, low: low, modulus: m)
    }

    /// `(a + b) mod m` over the exact 257-bit sum, for a non-zero `m`.
    @usableFromInline
    static func addMod(_ a: UInt256, _ b: UInt256, _ m: UInt256) -> UInt256 {
        let (sum, carry) = a.addingReportingOverflow(b)
        if a < m && b < m {
            // The sum is below 2m: at most one subtraction.
            let (reduced, borrow) = sum.subtractingReportingOverflow(m)
            return carry || !borrow ? reduced : sum
        }
        return remainder(high: carry ? .one : .zero, low: sum, modulus: m)
    }
}

extension UInt256 {
    /// Unsigned quotient and remainder; `divisor` must not be zero.
    @inlinable
    public func quotientAndRemainder(dividingBy divisor: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        precondition(!divisor.isZero, "UInt256 division by zero")
        if self < divisor { return (.zero, self) }
        if (w1 | w2 | w3) == 0 {  // then the divisor fits in one limb too
            return (UInt256(w0 / divisor.w0), UInt256(w0 % divisor.w0))
        }
        return LimbDivision.quotientAndRemainder(self, divisor)
    }
}
