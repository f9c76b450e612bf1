extension BN254 {
    /// An element c0 + c1·v + c2·v² of Fp6 = Fp2[v]/(v³ − ξ), ξ = 9 + i.
    ///
    /// A plain value, `Sendable`; nothing allocates.
    package struct Fp6: Equatable, Sendable, BitwiseCopyable {
        package var c0: Fp2
        package var c1: Fp2
        package var c2: Fp2

        @inline(__always)
        package init(_ c0: Fp2, _ c1: Fp2, _ c2: Fp2) { self.c0 = c0; self.c1 = c1; self.c2 = c2 }

        package static let zero = Fp6(.zero, .zero, .zero)
        package static let one = Fp6(.one, .zero, .zero)

        @inline(__always)
        package var isZero: Bool { c0.isZero && c1.isZero && c2.isZero }

        @inline(__always)
        package static func + (a: Fp6, b: Fp6) -> Fp6 { Fp6(a.c0 + b.c0, a.c1 + b.c1, a.c2 + b.c2) }
        @inline(__always)
        package static func - (a: Fp6, b: Fp6) -> Fp6 { Fp6(a.c0 - b.c0, a.c1 - b.c1, a.c2 - b.c2) }
        @inline(__always)
        package static prefix func - (a: Fp6) -> Fp6 { Fp6(-a.c0, -a.c1, -a.c2) }

        /// Karatsuba over the cubic extension: six Fp2 products.
        ///
        /// With tₖ = aₖbₖ and v³ = ξ:
        /// c0 = t0 + ξ·((a1 + a2)(b1 + b2) − t1 − t2),
        /// c1 = (a0 + a1)(b0 + b1) − t0 − t1 + ξ·t2,
        /// c2 = (a0 + a2)(b0 + b2) − t0 − t2 + t1.
        @inline(__always)
        package static func * (a: Fp6, b: Fp6) -> Fp6 {
            let t0 = a.c0 * b.c0
            let t1 = a.c1 * b.c1
            let t2 = a.c2 * b.c2
            let c0 = ((a.c1 + a.c2) * (b.c1 + b.c2) - t1 - t2).timesXi + t0
            let c1 = (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1 + t2.timesXi
            let c2 = (a.c0 + a.c2) * (b.c0 + b.c2) - t0 - t2 + t1
            return Fp6(c0, c1, c2)
        }

        /// Each coefficient times an Fp2 scalar.
        @inline(__always)
        package static func * (a: Fp6, k: Fp2) -> Fp6 { Fp6(a.c0 * k, a.c1 * k, a.c2 * k) }

        /// self·(d0 + d1·v): the shape of a line's w-part. Five Fp2 products.
        @inline(__always)
        package func multiplied(by d0: Fp2, _ d1: Fp2) -> Fp6 {
            let t0 = c0 * d0
            let t1 = c1 * d1
            let n0 = (c2 * d1).timesXi + t0
            let n1 = (c0 + c1) * (d0 + d1) - t0 - t1
            let n2 = c2 * d0 + t1
            return Fp6(n0, n1, n2)
        }

        /// self·v = ξ·c2 + c0·v + c1·v².
        @inline(__always)
        package var timesV: Fp6 { Fp6(c2.timesXi, c0, c1) }

        /// Chung–Hasan style squaring (the product formula with a = b, shared terms reused).
        @inline(__always)
        package var squared: Fp6 {
            let s0 = c0.squared
            let ab = c0 * c1
            let s1 = ab + ab
            let s2 = (c0 - c1 + c2).squared
            let bc = c1 * c2
            let s3 = bc + bc
            let s4 = c2.squared
            // (c0 + c1 v + c2 v²)² = s0 + (s1 + ξ s4) v ... collected:
            // v⁰: c0² + 2ξ c1c2, v¹: 2c0c1 + ξ c2², v²: c1² + 2c0c2,
            // and s2 = c0² + c1² + c2² − 2c0c1 + 2c0c2 − 2c1c2, so c1² + 2c0c2 = s1 + s2 + s3 − s0 − s4.
            return Fp6(s3.timesXi + s0, s4.timesXi + s1, s1 + s2 + s3 - s0 - s4)
        }

        @inline(__always)
        package var doubled: Fp6 { self + self }

        /// The inverse; zero for zero.
        ///
        /// With A = a0² − ξ a1 a2, B = ξ a2² − a0 a1, C = a1² − a0 a2 one has
        /// a·(A + Bv + Cv²) = a0 A + ξ(a1 C + a2 B) ∈ Fp2.
        package var inverse: Fp6 {
            let a = c0.squared - (c1 * c2).timesXi
            let b = c2.squared.timesXi - c0 * c1
            let c = c1.squared - c0 * c2
            let norm = c0 * a + (c1 * c + c2 * b).timesXi
            let t = norm.inverse
            return Fp6(a * t, b * t, c * t)
        }
    }
}
