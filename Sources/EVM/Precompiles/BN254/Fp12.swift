package import Primitives

extension BN254 {
    /// An element c0 + c1·w of Fp12 = Fp6[w]/(w² − v), the pairing's target field.
    ///
    /// Seen over Fp2 the basis is 1, w, w², w³, w⁴, w⁵ with w⁶ = ξ: c0 holds the coefficients of
    /// w⁰, w², w⁴ and c1 those of w¹, w³, w⁵. A plain value, `Sendable`; nothing allocates.
    package struct Fp12: Equatable, Sendable, BitwiseCopyable {
        package var c0: Fp6
        package var c1: Fp6

        @inline(__always)
        package init(_ c0: Fp6, _ c1: Fp6) { self.c0 = c0; self.c1 = c1 }

        package static let zero = Fp12(.zero, .zero)
        package static let one = Fp12(.one, .zero)

        @inline(__always)
        package var isZero: Bool { c0.isZero && c1.isZero }

        @inline(__always)
        package static func + (a: Fp12, b: Fp12) -> Fp12 { Fp12(a.c0 + b.c0, a.c1 + b.c1) }
        @inline(__always)
        package static func - (a: Fp12, b: Fp12) -> Fp12 { Fp12(a.c0 - b.c0, a.c1 - b.c1) }

        /// Karatsuba: (a0 + a1 w)(b0 + b1 w) = (a0b0 + v·a1b1) + ((a0 + a1)(b0 + b1) − a0b0 − a1b1) w.
        @inline(__always)
        package static func * (a: Fp12, b: Fp12) -> Fp12 {
            let t0 = a.c0 * b.c0
            let t1 = a.c1 * b.c1
            let m = (a.c0 + a.c1) * (b.c0 + b.c1)
            return Fp12(t0 + t1.timesV, m - t0 - t1)
        }

        @inline(__always)
        package static func *= (a: inout Fp12, b: Fp12) { a = a * b }

        /// (a0 + a1 w)² = (a0 + a1)(a0 + v·a1) − t − v·t + 2t·w with t = a0·a1: two Fp6 products.
        @inline(__always)
        package var squared: Fp12 {
            let t = c0 * c1
            let m = (c0 + c1) * (c0 + c1.timesV)
            return Fp12(m - t - t.timesV, t + t)
        }

        /// self² for self in the cyclotomic subgroup (norm 1 over Fp6 and Fp4, as every value after
        /// the easy part of the final exponentiation is); wrong for other elements.
        ///
        /// Granger–Scott: over Fp4 = Fp2[s]/(s² − ξ) with s = w³, Fp12 = Fp4[w]/(w³ − s) and
        /// self = A0 + A1·w + A2·w² with A0 = c0.c0 + c1.c1·s, A1 = c1.c0 + c0.c2·s, A2 = c0.c1 + c1.c2·s.
        /// In that subgroup self² = (3A0² − 2Ā0) + (3s·A2² + 2Ā1)·w + (3A1² − 2Ā2)·w², with Ā the
        /// conjugate over Fp2. Nine Fp2 squarings instead of twelve Fp2 products.
        @inline(__always)
        package var cyclotomicSquared: Fp12 {
            let (a0, a1) = Fp12.fp4Squared(c0.c0, c1.c1)
            let (b0, b1) = Fp12.fp4Squared(c1.c0, c0.c2)
            let (d0, d1) = Fp12.fp4Squared(c0.c1, c1.c2)
            let sd = d1.timesXi
            let x0 = (a0 - c0.c0).doubled + a0         // 3A0² − 2Ā0
            let y0 = (a1 + c1.c1).doubled + a1
            let x1 = (sd + c1.c0).doubled + sd         // 3s·A2² + 2Ā1
            let y1 = (d0 - c0.c2).doubled + d0
            let x2 = (b0 - c0.c1).doubled + b0         // 3A1² − 2Ā2
            let y2 = (b1 + c1.c2).doubled + b1
            return Fp12(Fp6(x0, x2, y1), Fp6(x1, y0, y2))
        }

        /// (x + y·s)² = (x² + ξy²) + ((x + y)² − x² − y²)·s.
        @inline(__always)
        private static func fp4Squared(_ x: Fp2, _ y: Fp2) -> (Fp2, Fp2) {
            let xx = x.squared
            let yy = y.squared
            return (xx + yy.timesXi, (x + y).squared - xx - yy)
        }

        /// self^e for self in the cyclotomic subgroup, e a 64-bit exponent.
        package func cyclotomicPower(_ e: UInt64) -> Fp12 {
            guard e != 0 else { return .one }
            var result = self
            var i = 62 - e.leadingZeroBitCount
            while i >= 0 {
                result = result.cyclotomicSquared
                if (e >> UInt64(i)) & 1 == 1 { result = result * self }
                i -= 1
            }
            return result
        }

        /// self^e for self in the cyclotomic subgroup, e given in non-adjacent form (least
        /// significant digit first, top digit 1); a digit −1 multiplies by the conjugate, which
        /// is the inverse there.
        package func cyclotomicPower(naf digits: [Int8]) -> Fp12 {
            guard digits.count > 0 else { return .one }
            let inverse = conjugate
            var result = self
            var i = digits.count - 2
            while i >= 0 {
                result = result.cyclotomicSquared
                if digits[i] > 0 { result = result * self } else if digits[i] < 0 { result = result * inverse }
                i -= 1
            }
            return result
        }

        /// self · (a0 + (b0 + b1·v)·w), the shape of every Miller-loop line (a0 the w⁰
        /// coefficient, b0 the w¹ and b1 the w³ coefficient). Thirteen Fp2 products.
        @inline(__always)
        package func multipliedByLine(_ a0: Fp2, _ b0: Fp2, _ b1: Fp2) -> Fp12 {
            let t0 = c0 * a0
            let t1 = c1.multiplied(by: b0, b1)
            let m = (c0 + c1).multiplied(by: a0 + b0, b1)
            return Fp12(t0 + t1.timesV, m - t0 - t1)
        }

        /// x^(p⁶): c0 − c1·w. On the cyclotomic subgroup (every value after the easy part of the
        /// final exponentiation) this is the inverse.
        @inline(__always)
        package var conjugate: Fp12 { Fp12(c0, -c1) }

        /// (c0 − c1 w) / (c0² − v·c1²); zero for zero.
        package var inverse: Fp12 {
            let norm = c0.squared - c1.squared.timesV
            let t = norm.inverse
            return Fp12(c0 * t, -(c1 * t))
        }

        /// The Frobenius map x ↦ xᵖ: each Fp2 coefficient of wᵏ is conjugated and multiplied
        /// by γₖ = w^(k(p−1)) = ξ^(k(p−1)/6).
        package var frobenius: Fp12 {
            let g = Frobenius.self
            return Fp12(Fp6(c0.c0.conjugate, c0.c1.conjugate * g.gamma2, c0.c2.conjugate * g.gamma4),
                        Fp6(c1.c0.conjugate * g.gamma1, c1.c1.conjugate * g.gamma3, c1.c2.conjugate * g.gamma5))
        }

        /// self^e by square-and-multiply, for any element.
        package func power(_ e: UInt256) -> Fp12 {
            var result = Fp12.one
            var i = e.bitWidth - 1
            while i >= 0 {
                result = result.squared
                if e.bit(i) { result = result * self }
                i -= 1
            }
            return result
        }
    }

    /// The constants of the Frobenius maps, computed once (thread-safe lazy statics).
    package enum Frobenius {
        /// γₖ = ξ^(k(p−1)/6) for k = 1…5.
        package static let gamma1: Fp2 = {
            let (q, _) = (Fp.modulus &- UInt256.one).quotientAndRemainder(dividingBy: UInt256(6))
            return Fp2.xi.power(q)
        }()
        package static let gamma2: Fp2 = gamma1 * gamma1
        package static let gamma3: Fp2 = gamma2 * gamma1
        package static let gamma4: Fp2 = gamma3 * gamma1
        package static let gamma5: Fp2 = gamma4 * gamma1
    }
}
