package import Primitives

/// A short Weierstrass curve y² = x³ + b (a = 0) over one of the BN254 fields.
package protocol BN254Curve: Sendable {
    associatedtype Field: BN254Field
    /// The constant b.
    static var b: Field { get }
}

extension BN254 {
    /// G1's curve: y² = x³ + 3 over Fp. Its point group has prime order r.
    package enum G1Curve: BN254Curve {
        package static let b = Fp(3)
    }

    /// G2's curve, the D-type sextic twist y² = x³ + 3/ξ over Fp2.
    package enum G2Curve: BN254Curve {
        package static let b: Fp2 = Fp2(Fp(3), .zero) * Fp2.xi.inverse
    }

    package typealias G1Affine = AffinePoint<G1Curve>
    package typealias G2Affine = AffinePoint<G2Curve>
    package typealias G1Jacobian = JacobianPoint<G1Curve>
    package typealias G2Jacobian = JacobianPoint<G2Curve>

    /// An affine point, or the point at infinity (`isInfinity`, with x = y = 0 as EIP-196 encodes it).
    ///
    /// Holds whatever it was built from: decoders check ``isOnCurve`` before handing one out.
    package struct AffinePoint<C: BN254Curve>: Equatable, Sendable {
        package var x: C.Field
        package var y: C.Field
        package var isInfinity: Bool

        @inline(__always)
        package init(x: C.Field, y: C.Field) { self.x = x; self.y = y; self.isInfinity = false }

        package static var infinity: AffinePoint { AffinePoint(x: .zero, y: .zero, isInfinity: true) }

        @inline(__always)
        private init(x: C.Field, y: C.Field, isInfinity: Bool) { self.x = x; self.y = y; self.isInfinity = isInfinity }

        /// y² == x³ + b, or the point at infinity.
        package var isOnCurve: Bool {
            isInfinity || y.squared == x.squared * x + C.b
        }

        package var negated: AffinePoint {
            isInfinity ? self : AffinePoint(x: x, y: -y)
        }
    }

    /// A point in Jacobian coordinates (X, Y, Z) ↦ (X/Z², Y/Z³); Z = 0 is the point at infinity.
    ///
    /// The formulas are complete for this group: addition detects P = Q (doubles) and P = −Q
    /// (infinity). A plain value; nothing allocates.
    package struct JacobianPoint<C: BN254Curve>: Sendable {
        package var x: C.Field
        package var y: C.Field
        package var z: C.Field

        @inline(__always)
        package init(x: C.Field, y: C.Field, z: C.Field) { self.x = x; self.y = y; self.z = z }

        @inline(__always)
        package init(_ p: AffinePoint<C>) {
            if p.isInfinity { self = .infinity } else { self.init(x: p.x, y: p.y, z: .one) }
        }

        package static var infinity: JacobianPoint { JacobianPoint(x: .one, y: .one, z: .zero) }

        @inline(__always)
        package var isInfinity: Bool { z.isZero }

        /// The affine form (one field inversion).
        package var affine: AffinePoint<C> {
            if isInfinity { return .infinity }
            let zInv = z.inverse
            let zInv2 = zInv.squared
            return AffinePoint(x: x * zInv2, y: y * zInv2 * zInv)
        }

        package var negated: JacobianPoint { JacobianPoint(x: x, y: -y, z: z) }

        /// 2·self. With A = X², B = Y², C = B², D = 2((X + B)² − A − C) = 4XY², E = 3A:
        /// X' = E² − 2D, Y' = E(D − X') − 8C, Z' = 2YZ (the affine tangent rule with λ = E/Z').
        @inline(__always)
        package var doubled: JacobianPoint {
            if isInfinity { return self }
            let a = x.squared
            let b = y.squared
            let c = b.squared
            let d = ((x + b).squared - a - c).doubled
            let e = a.doubled + a
            let x3 = e.squared - d.doubled
            let y3 = e * (d - x3) - c.doubled.doubled.doubled
            let z3 = (y * z).doubled
            return JacobianPoint(x: x3, y: y3, z: z3)
        }

        /// self + other. U₁ = X₁Z₂², U₂ = X₂Z₁², S₁ = Y₁Z₂³, S₂ = Y₂Z₁³, H = U₂ − U₁, R = S₂ − S₁:
        /// X₃ = R² − H³ − 2U₁H², Y₃ = R(U₁H² − X₃) − S₁H³, Z₃ = Z₁Z₂H.
        package static func + (p: JacobianPoint, q: JacobianPoint) -> JacobianPoint {
            if p.isInfinity { return q }
            if q.isInfinity { return p }
            let z1z1 = p.z.squared
            let z2z2 = q.z.squared
            let u1 = p.x * z2z2
            let u2 = q.x * z1z1
            let s1 = p.y * z2z2 * q.z
            let s2 = q.y * z1z1 * p.z
            let h = u2 - u1
            let r = s2 - s1
            if h.isZero {
                return r.isZero ? p.doubled : .infinity
            }
            let hh = h.squared
            let hhh = hh * h
            let v = u1 * hh
            let x3 = r.squared - hhh - v.doubled
            let y3 = r * (v - x3) - s1 * hhh
            let z3 = p.z * q.z * h
            return JacobianPoint(x: x3, y: y3, z: z3)
        }

        /// self + q for an affine q (the same formulas with Z₂ = 1).
        @inline(__always)
        package func adding(_ q: AffinePoint<C>) -> JacobianPoint {
            if q.isInfinity { return self }
            if isInfinity { return JacobianPoint(q) }
            let z1z1 = z.squared
            let u2 = q.x * z1z1
            let s2 = q.y * z1z1 * z
            let h = u2 - x
            let r = s2 - y
            if h.isZero {
                return r.isZero ? doubled : .infinity
            }
            let hh = h.squared
            let hhh = hh * h
            let v = x * hh
            let x3 = r.squared - hhh - v.doubled
            let y3 = r * (v - x3) - y * hhh
            let z3 = z * h
            return JacobianPoint(x: x3, y: y3, z: z3)
        }

        /// k·self for any 256-bit k, by a fixed 4-bit window (15 precomputed multiples).
        package func multiplied(by k: UInt256) -> JacobianPoint {
            if k.isZero || isInfinity { return .infinity }
            // table[i] = (i + 1)·self, on the stack (a homogeneous tuple viewed as 15 elements).
            var table = (self, self, self, self, self, self, self, self,
                         self, self, self, self, self, self, self)
            return withUnsafeMutablePointer(to: &table) { tuple -> JacobianPoint in
                tuple.withMemoryRebound(to: JacobianPoint.self, capacity: 15) { t -> JacobianPoint in
                    t[1] = self.doubled
                    for i in 2..<15 { t[i] = t[i - 1] + self }
                    var acc = JacobianPoint.infinity
                    var nibble = (k.bitWidth + 3) / 4 - 1
                    while nibble >= 0 {
                        if !acc.isInfinity {
                            acc = acc.doubled.doubled.doubled.doubled
                        }
                        let limb = k[limb: nibble >> 4]
                        let digit = Int((limb >> UInt64((nibble & 15) * 4)) & 0xF)
                        if digit != 0 { acc = acc + t[digit - 1] }
                        nibble -= 1
                    }
                    return acc
                }
            }
        }

        /// k·p for an affine p and k in non-adjacent form (least significant digit first, top
        /// digit 1): one doubling per digit and a mixed addition of ±p per non-zero digit.
        package static func multiple(of p: AffinePoint<C>, naf digits: [Int8]) -> JacobianPoint {
            if digits.isEmpty || p.isInfinity { return .infinity }
            let negated = p.negated
            var acc = JacobianPoint(p)
            var i = digits.count - 2
            while i >= 0 {
                acc = acc.doubled
                if digits[i] > 0 { acc = acc.adding(p) } else if digits[i] < 0 { acc = acc.adding(negated) }
                i -= 1
            }
            return acc
        }

        /// Whether self and other are the same point (projective comparison, no inversion).
        package func isEqual(to other: JacobianPoint) -> Bool {
            if isInfinity || other.isInfinity { return isInfinity && other.isInfinity }
            let z1z1 = z.squared
            let z2z2 = other.z.squared
            return x * z2z2 == other.x * z1z1 && y * z2z2 * other.z == other.y * z1z1 * z
        }
    }
}

extension BN254.AffinePoint where C == BN254.G2Curve {
    /// The twisted Frobenius ψ = (untwist)⁻¹ ∘ π_p ∘ (untwist):
    /// (x, y) ↦ (x̄·ξ^((p−1)/3), ȳ·ξ^((p−1)/2)), since w^(2(p−1)) = γ₂ and w^(3(p−1)) = γ₃.
    package var frobenius: Self {
        if isInfinity { return self }
        return Self(x: x.conjugate * BN254.Frobenius.gamma2, y: y.conjugate * BN254.Frobenius.gamma3)
    }

    /// Membership of the order-r subgroup G2 (for a point already on the twist).
    ///
    /// ψ satisfies ψ² − tψ + p = 0 on the whole twist. If ψ(Q) = (t − 1)·Q then
    /// 0 = ((t − 1)² − t(t − 1) + p)·Q = (p + 1 − t)·Q = r·Q, so Q ∈ G2; conversely ψ acts on G2
    /// as multiplication by p ≡ t − 1 (mod r). So the test ψ(Q) == 6u²·Q is exact, and costs a
    /// 127-bit instead of a 254-bit scalar multiplication (signed digits, mixed additions).
    package var isInG2: Bool {
        if isInfinity { return true }
        let lhs = BN254.G2Jacobian(frobenius)
        let rhs = BN254.G2Jacobian.multiple(of: self, naf: BN254.traceMinusOneNAF)
        return lhs.isEqual(to: rhs)
    }
}
