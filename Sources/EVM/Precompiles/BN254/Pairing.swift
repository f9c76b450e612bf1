import Primitives

extension BN254 {
    /// Whether Π e(Pᵢ, Qᵢ) == 1 for the optimal ate pairing e: G1 × G2 → GT (EIP-197).
    ///
    /// The points must already be validated (on their curves, Qᵢ in G2); pairs with a point at
    /// infinity contribute 1 and are skipped. An empty list gives true. Pure and thread-safe.
    package static func pairingCheck(_ pairs: [(G1Affine, G2Affine)]) -> Bool {
        let live = pairs.filter { !$0.0.isInfinity && !$0.1.isInfinity }
        if live.isEmpty { return true }
        return finalExponentiation(millerLoop(live)) == .one
    }

    /// e(P, Q) itself, in GT ⊂ Fp12 (for tests: bilinearity, non-degeneracy).
    package static func pairing(_ p: G1Affine, _ q: G2Affine) -> Fp12 {
        if p.isInfinity || q.isInfinity { return .one }
        return finalExponentiation(millerLoop([(p, q)]))
    }

    /// 6u + 2 in non-adjacent form: 22 non-zero digits instead of 37 bits set.
    package static let loopCountNAF: [Int8] = nonAdjacentForm(UInt256(6) &* UInt256(u) &+ UInt256(2))

    /// u in non-adjacent form: 24 non-zero digits instead of 28 bits set.
    package static let uNAF: [Int8] = nonAdjacentForm(UInt256(u))

    /// The product of the Miller functions f_{6u+2,Qᵢ}(Pᵢ), each times the two Frobenius lines
    /// l_{T,ψ(Q)} and l_{T',−ψ²(Q)}. One squaring of f per bit is shared by all pairs.
    ///
    /// Lines are evaluated at the untwisted point: on E the line through untwisted points has
    /// slope λ'·w (λ' the slope on the twist), so at P = (xP, yP) it is
    /// yP − λ'·xP·w + (λ'·x_T − y_T)·w³, an element with only w⁰, w¹, w³ coefficients. The
    /// formulas below scale it by an Fp2 factor, which the final exponentiation removes.
    /// No point may be the point at infinity (``pairingCheck(_:)`` drops those pairs first).
    package static func millerLoop(_ pairs: [(G1Affine, G2Affine)]) -> Fp12 {
        let n = pairs.count
        var ts = pairs.map { G2Jacobian($0.1) }
        let qs = pairs.map { $0.1 }
        let negQs = pairs.map { $0.1.negated }
        let negXP = pairs.map { -$0.0.x }
        let yP = pairs.map { $0.0.y }
        let naf = loopCountNAF

        var f = Fp12.one
        var i = naf.count - 2
        while i >= 0 {
            if i != naf.count - 2 { f = f.squared }
            for j in 0..<n {
                let line = doublingStep(&ts[j])
                f = f.multipliedByLine(line.a * yP[j], line.b * negXP[j], line.c)
            }
            let digit = naf[i]
            if digit != 0 {
                for j in 0..<n {
                    let q = digit > 0 ? qs[j] : negQs[j]
                    let line = additionStep(&ts[j], q)
                    f = f.multipliedByLine(line.a * yP[j], line.b * negXP[j], line.c)
                }
            }
            i -= 1
        }
        for j in 0..<n {
            let q1 = qs[j].frobenius
            let q2 = q1.frobenius.negated
            var line = additionStep(&ts[j], q1)
            f = f.multipliedByLine(line.a * yP[j], line.b * negXP[j], line.c)
            line = additionStep(&ts[j], q2)
            f = f.multipliedByLine(line.a * yP[j], line.b * negXP[j], line.c)
        }
        return f
    }

    /// A line's coefficients before the point P is plugged in:
    /// line(P) = a·yP + (b·(−xP))·w + c·w³.
    package struct LineCoefficients {
        package var a: Fp2
        package var b: Fp2
        package var c: Fp2
    }

    /// T ← 2T, returning the tangent at T.
    ///
    /// With Z' = 2YZ the slope is λ' = 3X²/Z'; scaling the line by Z'·Z² gives
    /// a = Z'Z², b = 3X²Z², c = 3X³ − 2Y².
    @inline(__always)
    static func doublingStep(_ t: inout G2Jacobian) -> LineCoefficients {
        let xx = t.x.squared
        let yy = t.y.squared
        let yyyy = yy.squared
        let zz = t.z.squared
        let d = ((t.x + yy).squared - xx - yyyy).doubled      // 4XY²
        let e = xx.doubled + xx                                // 3X²
        let x3 = e.squared - d.doubled
        let y3 = e * (d - x3) - yyyy.doubled.doubled.doubled
        let z3 = (t.y * t.z).doubled
        let line = LineCoefficients(a: z3 * zz, b: e * zz, c: e * t.x - yy.doubled)
        t = G2Jacobian(x: x3, y: y3, z: z3)
        return line
    }

    /// T ← T + Q for an affine Q, returning the line through T and Q.
    ///
    /// With H = x_Q Z² − X, R = y_Q Z³ − Y the slope is λ' = R/(ZH); scaling the line through Q
    /// by Z' = ZH gives a = Z', b = R, c = R·x_Q − y_Q·Z'. In the Miller loop H ≠ 0 always: in
    /// the main loop T = kQ with 2 ≤ k ≤ 6u + 3 ≪ r and Q of prime order r; in the last two
    /// steps T = (6u + 2)Q meets ψ(Q) = pQ, then (6u + 2 + p)Q meets −ψ²(Q) = −p²Q, and
    /// 6u + 2 ≢ ±p, 6u + 2 + p ≢ ±p² (mod r).
    @inline(__always)
    static func additionStep(_ t: inout G2Jacobian, _ q: G2Affine) -> LineCoefficients {
        let zz = t.z.squared
        let h = q.x * zz - t.x
        let r = q.y * zz * t.z - t.y
        let hh = h.squared
        let hhh = hh * h
        let v = t.x * hh
        let x3 = r.squared - hhh - v.doubled
        let y3 = r * (v - x3) - t.y * hhh
        let z3 = t.z * h
        t = G2Jacobian(x: x3, y: y3, z: z3)
        return LineCoefficients(a: z3, b: r, c: r * q.x - q.y * z3)
    }

    /// f^((p¹² − 1)/r).
    ///
    /// Easy part: f^((p⁶ − 1)(p² + 1)), after which f is in the cyclotomic subgroup (inverse =
    /// conjugate). Hard part: (p⁴ − p² + 1)/r = λ₀ + λ₁p + λ₂p² + p³ with
    /// λ₂ = 6u² + 1, λ₁ = −36u³ − 18u² − 12u + 1, λ₀ = −36u³ − 30u² − 18u − 2
    /// (an identity of the BN polynomials p(u), r(u)), computed from f^u, f^(u²), f^(u³).
    package static func finalExponentiation(_ f: Fp12) -> Fp12 {
        // Easy part.
        var m = f.conjugate * f.inverse          // f^(p⁶ − 1)
        m = m.frobenius.frobenius * m            // ·^(p² + 1)

        // Hard part; m is now in the cyclotomic subgroup.
        let a = m.cyclotomicPower(naf: uNAF)    // m^u
        let b = a.cyclotomicPower(naf: uNAF)    // m^(u²)
        let c = b.cyclotomicPower(naf: uNAF)    // m^(u³)
        let b2 = b.cyclotomicSquared
        let b6 = b2.cyclotomicSquared * b2      // m^(6u²)
        // s = c⁶·b³·a², t = s⁶ = m^(36u³ + 18u² + 12u)
        let c2 = c.cyclotomicSquared
        let c6 = c2.cyclotomicSquared * c2
        let s = c6 * b2 * b * a.cyclotomicSquared
        let s2 = s.cyclotomicSquared
        let t = s2.cyclotomicSquared * s2
        let f2 = b6 * m                         // m^λ₂
        let f1 = t.conjugate * m                // m^λ₁
        // m^(−λ₀) = t · (b⁶·a³·m)²
        let k = b6 * a.cyclotomicSquared * a * m
        let f0 = (t * k.cyclotomicSquared).conjugate   // m^λ₀
        return f0 * f1.frobenius * f2.frobenius.frobenius * m.frobenius.frobenius.frobenius
    }
}
