import Testing
import EVM
import Primitives
import TestSupport

/// The groups G1, G2 and the optimal ate pairing.
@Suite struct BN254PairingTests {
    typealias Fp = BN254.Fp
    typealias Fp2 = BN254.Fp2
    typealias Fp12 = BN254.Fp12
    let g1 = BN254Random.g1
    let g2 = BN254Random.g2

    @Test func generatorsHaveOrderR() {
        #expect(g1.isOnCurve)
        #expect(!g2.isInfinity)
        #expect(g2.isOnCurve)
        #expect(BN254.G1Jacobian(g1).multiplied(by: BN254.groupOrder).isInfinity)
        #expect(BN254.G2Jacobian(g2).multiplied(by: BN254.groupOrder).isInfinity)
        #expect(!BN254.G2Jacobian(g2).multiplied(by: BN254.groupOrder &- UInt256.one).isInfinity)
        #expect(g2.isInG2)
        #expect(BN254.traceMinusOne == (Fp.modulus &+ UInt256.one) &- BN254.groupOrder &- UInt256.one)
    }

    /// Scalar multiplication against repeated addition, and group laws.
    @Test func scalarMultiplication() {
        var acc1 = BN254.G1Jacobian.infinity
        var acc2 = BN254.G2Jacobian.infinity
        for k in 0..<40 {
            #expect(BN254.G1Jacobian(g1).multiplied(by: UInt256(k)).isEqual(to: acc1))
            #expect(BN254.G2Jacobian(g2).multiplied(by: UInt256(k)).isEqual(to: acc2))
            acc1 = acc1.adding(g1)
            acc2 = acc2 + BN254.G2Jacobian(g2)
        }
        var g = SeededGenerator(seed: 0xB254_0101)
        for _ in 0..<10 {
            let a = BN254Random.uint256(&g), b = BN254Random.uint256(&g) >> 1, c = a >> 1
            let pa = BN254.G1Jacobian(g1).multiplied(by: c)
            let pb = BN254.G1Jacobian(g1).multiplied(by: b)
            #expect((pa + pb).isEqual(to: BN254.G1Jacobian(g1).multiplied(by: c &+ b)))
            #expect((pa + pa).isEqual(to: pa.doubled))
            #expect((pa + pa.negated).isInfinity)
            #expect(pa.affine.isOnCurve)
            // (k + r)·P = k·P: scalars are used modulo the group order.
            let k = a >> 2
            #expect(BN254.G1Jacobian(g1).multiplied(by: k &+ BN254.groupOrder)
                .isEqual(to: BN254.G1Jacobian(g1).multiplied(by: k)))
        }
    }

    /// The fast G2 test ψ(Q) == 6u²·Q agrees with r·Q == O on points inside and outside G2.
    @Test func subgroupCheckAgreesWithOrder() {
        var g = SeededGenerator(seed: 0xB254_0102)
        for _ in 0..<8 {
            let q = BN254Random.twistPoint(&g)
            #expect(q.isOnCurve)
            let byOrder = BN254.G2Jacobian(q).multiplied(by: BN254.groupOrder).isInfinity
            #expect(q.isInG2 == byOrder)
            #expect(!q.isInG2)
            // Clearing the cofactor 2p − r lands in G2.
            let cofactor = Fp.modulus &+ Fp.modulus &- BN254.groupOrder
            let cleared = BN254.G2Jacobian(q).multiplied(by: cofactor).affine
            #expect(cleared.isInG2)
            #expect(BN254.G2Jacobian(cleared).multiplied(by: BN254.groupOrder).isInfinity)
            let k = BN254Random.uint256(&g)
            #expect(BN254.G2Jacobian(g2).multiplied(by: k).affine.isInG2)
            #expect(BN254.G2Jacobian.multiple(of: q, naf: BN254.traceMinusOneNAF)
                .isEqual(to: BN254.G2Jacobian(q).multiplied(by: BN254.traceMinusOne)))
        }
    }

    /// The hard part (computed from f^u, f^(u²), f^(u³)) equals the plain exponentiation of the
    /// easy part's result by h = (p⁴ − p² + 1)/r, a 761-bit number written h2·2⁵¹² + h1·2²⁵⁶ + h0
    /// (limbs printed by Python from p and r as EIP-197 states them).
    @Test func finalExponentiationMatchesDefinition() {
        let h0 = UInt256(w0: 0xe81bb482ccdf42b1, w1: 0x5abf5cc4f49c36d4, w2: 0xf1154e7e1da014fd, w3: 0xdcc7b44c87cdbacf)
        let h1 = UInt256(w0: 0xaaa441e3954bcf8a, w1: 0x6b887d56d5095f23, w2: 0x79581e16f3fd90c6, w3: 0x3b1b1355d189227d)
        let h2 = UInt256(w0: 0x4e529a5861876f6b, w1: 0x6c0eb522d5b12278, w2: 0x331ec15183177faf, w3: 0x01baaa710b0759ad)
        var g = SeededGenerator(seed: 0xB254_0103)
        let f = BN254Random.fp12(&g)
        var m = f.conjugate * f.inverse               // f^(p⁶ − 1)
        m = m.frobenius.frobenius * m                 // ·^(p² + 1)
        // m is now in the cyclotomic subgroup: m^(p⁴ − p² + 1) = 1.
        #expect(m.frobenius.frobenius.frobenius.frobenius * m.frobenius.frobenius.inverse * m == .one)
        var expected = m.power(h2)
        for _ in 0..<256 { expected = expected.squared }
        expected = expected * m.power(h1)
        for _ in 0..<256 { expected = expected.squared }
        expected = expected * m.power(h0)
        let result = BN254.finalExponentiation(f)
        #expect(result == expected)
        #expect(result.power(BN254.groupOrder) == .one)
    }

    @Test func bilinearity() {
        var g = SeededGenerator(seed: 0xB254_0104)
        let base = BN254.pairing(g1, g2)
        #expect(base != .one)                                     // non-degenerate
        #expect(base.power(BN254.groupOrder) == .one)             // in GT
        for _ in 0..<3 {
            let a = BN254Random.smallScalar(&g), b = BN254Random.smallScalar(&g)
            let p = BN254.G1Jacobian(g1).multiplied(by: UInt256(a)).affine
            let q = BN254.G2Jacobian(g2).multiplied(by: UInt256(b)).affine
            let ab = UInt256(a).multipliedFullWidth(by: UInt256(b)).low
            #expect(BN254.pairing(p, q) == base.power(ab))
            // e(aP, Q) = e(P, aQ)
            let qa = BN254.G2Jacobian(g2).multiplied(by: UInt256(a)).affine
            let pb = BN254.G1Jacobian(g1).multiplied(by: UInt256(b)).affine
            #expect(BN254.pairing(p, BN254Random.g2) == BN254.pairing(g1, qa))
            #expect(BN254.pairing(pb, qa) == BN254.pairing(p, q))
        }
    }

    /// e(P, Q)·e(−P, Q) = 1 and e(aP, bQ)·e(−abP, Q) = 1 through the precompile's product check.
    @Test func productCheck() {
        var g = SeededGenerator(seed: 0xB254_0105)
        for _ in 0..<3 {
            let a = BN254Random.uint256(&g) >> 3, b = BN254Random.uint256(&g) >> 3
            let p = BN254.G1Jacobian(g1).multiplied(by: a).affine
            let q = BN254.G2Jacobian(g2).multiplied(by: b).affine
            #expect(BN254.pairingCheck([(p, q), (p.negated, q)]))
            #expect(BN254.pairingCheck([(p, q), (p, q.negated)]))
            #expect(!BN254.pairingCheck([(p, q), (p, q)]))
            let ab = UInt256.mulMod(a, b, BN254.groupOrder)
            let pab = BN254.G1Jacobian(g1).multiplied(by: ab).affine
            #expect(BN254.pairingCheck([(p, q), (pab.negated, g2)]))
            #expect(!BN254.pairingCheck([(p, q), (pab, g2)]))
            // Infinity on either side contributes 1.
            #expect(BN254.pairingCheck([(p, q), (.infinity, q), (p, .infinity), (p.negated, q)]))
        }
        #expect(BN254.pairingCheck([]))
    }
}
