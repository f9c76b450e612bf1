import EVM
import Primitives
import TestSupport

/// Random field elements, curve points and a square root for the BN254 tests.
enum BN254Random {
    typealias Fp = BN254.Fp
    typealias Fp2 = BN254.Fp2

    static func uint256(_ g: inout SeededGenerator) -> UInt256 {
        UInt256(w0: g.next(), w1: g.next(), w2: g.next(), w3: g.next())
    }

    /// Uniform in [0, p): rejection sampling on 254-bit values.
    static func fp(_ g: inout SeededGenerator) -> Fp {
        while true {
            var v = uint256(&g)
            v.w3 &= (1 << 62) - 1
            if let x = Fp(canonical: v) { return x }
        }
    }

    static func fp2(_ g: inout SeededGenerator) -> Fp2 { Fp2(fp(&g), fp(&g)) }
    static func fp6(_ g: inout SeededGenerator) -> BN254.Fp6 { BN254.Fp6(fp2(&g), fp2(&g), fp2(&g)) }
    static func fp12(_ g: inout SeededGenerator) -> BN254.Fp12 { BN254.Fp12(fp6(&g), fp6(&g)) }

    /// p ≡ 3 (mod 4), so √a = a^((p+1)/4) when a is a square.
    static func sqrt(_ a: Fp) -> Fp? {
        let e = (Fp.modulus &+ UInt256.one) >> 2
        let r = a.power(e)
        return r.squared == a ? r : nil
    }

    /// √a in Fp2 by the norm method: with α = √(a0² + a1²), x0 = √((a0 ± α)/2), x1 = a1/(2x0).
    static func sqrt(_ a: Fp2) -> Fp2? {
        if a.isZero { return a }
        guard let alpha = sqrt(a.c0.squared + a.c1.squared) else { return nil }
        let half = Fp(2).inverse
        for candidate in [(a.c0 + alpha) * half, (a.c0 - alpha) * half] {
            if let x0 = sqrt(candidate), !x0.isZero {
                let x = Fp2(x0, a.c1 * (x0.doubled).inverse)
                if x.squared == a { return x }
            }
        }
        if a.c1.isZero, let y = sqrt(-a.c0) { return Fp2(.zero, y) }   // a0 < 0 real: √a = i·√(−a0)
        return nil
    }

    /// A random point on the twist, almost surely outside G2 (the twist has order r·(2p − r)).
    static func twistPoint(_ g: inout SeededGenerator) -> BN254.G2Affine {
        while true {
            let x = fp2(&g)
            if let y = sqrt(x.squared * x + BN254.G2Curve.b) {
                return BN254.G2Affine(x: x, y: y)
            }
        }
    }

    static let g1 = BN254.G1Affine(x: Fp(1), y: Fp(2))
    /// The EIP-197 generator P2.
    static let g2: BN254.G2Affine = {
        let bytes = (try? Hex.decode(BN254Vectors.g2)) ?? []
        return BN254Precompile.decodeG2(bytes, at: 0) ?? .infinity
    }()

    /// A small random scalar in [1, 2⁶⁴).
    static func smallScalar(_ g: inout SeededGenerator) -> UInt64 { max(1, g.next() >> UInt64(g.next() % 40)) }
}

func bn254Hex(_ s: String) -> [UInt8] { (try? Hex.decode(s)) ?? [0xde, 0xad] }
