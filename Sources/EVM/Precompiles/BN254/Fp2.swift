package import Primitives

extension BN254 {
    /// An element c0 + c1·i of Fp2 = Fp[i]/(i² + 1).
    ///
    /// EIP-197 encodes it imaginary part first: (c1, c0). A plain value, `Sendable`.
    package struct Fp2: BN254Field, CustomStringConvertible {
        package var c0: Fp
        package var c1: Fp

        @inline(__always)
        package init(_ c0: Fp, _ c1: Fp) { self.c0 = c0; self.c1 = c1 }

        package static let zero = Fp2(.zero, .zero)
        package static let one = Fp2(.one, .zero)
        /// ξ = 9 + i, the non-residue that defines Fp6 (v³ = ξ) and the twist (b' = 3/ξ).
        package static let xi = Fp2(Fp(9), Fp(1))

        package var description: String { "(\(c0) + \(c1)·i)" }

        @inline(__always)
        package var isZero: Bool { c0.isZero && c1.isZero }

        @inline(__always)
        package static func + (a: Fp2, b: Fp2) -> Fp2 { Fp2(a.c0 + b.c0, a.c1 + b.c1) }
        @inline(__always)
        package static func - (a: Fp2, b: Fp2) -> Fp2 { Fp2(a.c0 - b.c0, a.c1 - b.c1) }
        @inline(__always)
        package static prefix func - (a: Fp2) -> Fp2 { Fp2(-a.c0, -a.c1) }

        /// Karatsuba: three Fp products.
        @inline(__always)
        package static func * (a: Fp2, b: Fp2) -> Fp2 {
            let v0 = a.c0 * b.c0
            let v1 = a.c1 * b.c1
            let m = (a.c0 + a.c1) * (b.c0 + b.c1)
            return Fp2(v0 - v1, m - v0 - v1)
        }

        @inline(__always)
        package static func * (a: Fp2, k: Fp) -> Fp2 { Fp2(a.c0 * k, a.c1 * k) }

        @inline(__always)
        package static func += (a: inout Fp2, b: Fp2) { a = a + b }
        @inline(__always)
        package static func -= (a: inout Fp2, b: Fp2) { a = a - b }
        @inline(__always)
        package static func *= (a: inout Fp2, b: Fp2) { a = a * b }

        /// (c0 + c1·i)² = (c0 + c1)(c0 − c1) + 2·c0·c1·i: two Fp products.
        @inline(__always)
        package var squared: Fp2 {
            let m = c0 * c1
            return Fp2((c0 + c1) * (c0 - c1), m + m)
        }

        @inline(__always)
        package var doubled: Fp2 { Fp2(c0.doubled, c1.doubled) }

        /// The Frobenius map x ↦ xᵖ, which on Fp2 is conjugation c0 − c1·i.
        @inline(__always)
        package var conjugate: Fp2 { Fp2(c0, -c1) }

        /// self·ξ = (9·c0 − c1) + (c0 + 9·c1)·i, with additions only.
        @inline(__always)
        package var timesXi: Fp2 {
            let nine0 = c0.doubled.doubled.doubled + c0
            let nine1 = c1.doubled.doubled.doubled + c1
            return Fp2(nine0 - c1, c0 + nine1)
        }

        /// (c0 − c1·i) / (c0² + c1²); zero for zero.
        package var inverse: Fp2 {
            let norm = c0.squared + c1.squared
            let t = norm.inverse
            return Fp2(c0 * t, -(c1 * t))
        }

        /// self^e by square-and-multiply.
        package func power(_ e: UInt256) -> Fp2 {
            var result = Fp2.one
            var i = e.bitWidth - 1
            while i >= 0 {
                result = result.squared
                if e.bit(i) { result = result * self }
                i -= 1
            }
            return result
        }
    }
}
