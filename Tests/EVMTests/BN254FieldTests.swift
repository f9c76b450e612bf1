import Testing
import EVM
import Primitives
import TestSupport

/// Field laws of the BN254 tower on random elements, and the Montgomery form.
@Suite struct BN254FieldTests {
    typealias Fp = BN254.Fp
    typealias Fp2 = BN254.Fp2
    typealias Fp6 = BN254.Fp6
    typealias Fp12 = BN254.Fp12

    @Test func montgomeryRoundTrip() {
        var g = SeededGenerator(seed: 0xB254_0001)
        for _ in 0..<500 {
            var v = BN254Random.uint256(&g)
            v.w3 &= (1 << 62) - 1
            if let x = Fp(canonical: v) {
                #expect(x.canonical == v)
            } else {
                #expect(v >= Fp.modulus)
            }
        }
        #expect(Fp(canonical: Fp.modulus) == nil)
        #expect(Fp(canonical: Fp.modulus &- UInt256.one)?.canonical == Fp.modulus &- UInt256.one)
        #expect(Fp(canonical: .max) == nil)
        #expect(Fp(canonical: .zero)?.isZero == true)
        #expect(Fp.one.canonical == UInt256.one)
        #expect(Fp(7).canonical == UInt256(7))
    }

    /// The product agrees with UInt256.mulMod (a 512-bit reference), on random and edge values.
    @Test func multiplicationMatchesMulMod() {
        var g = SeededGenerator(seed: 0xB254_0002)
        let pMinus1 = Fp.modulus &- UInt256.one
        var samples = [UInt256.zero, .one, pMinus1, pMinus1 &- UInt256.one, Fp.modulus >> 1]
        for _ in 0..<300 { samples.append(BN254Random.fp(&g).canonical) }
        for (i, a) in samples.enumerated() {
            let b = samples[(i * 7 + 3) % samples.count]
            guard let x = Fp(canonical: a), let y = Fp(canonical: b) else { Issue.record("sample ≥ p"); continue }
            #expect((x * y).canonical == UInt256.mulMod(a, b, Fp.modulus))
            #expect((x + y).canonical == UInt256.addMod(a, b, Fp.modulus))
            #expect(((x - y) + y) == x)
        }
    }

    @Test func fpLaws() {
        var g = SeededGenerator(seed: 0xB254_0003)
        for _ in 0..<200 {
            let a = BN254Random.fp(&g), b = BN254Random.fp(&g), c = BN254Random.fp(&g)
            #expect(a * (b + c) == a * b + a * c)
            #expect((a * b) * c == a * (b * c))
            #expect(a + (-a) == .zero)
            #expect(a.squared == a * a)
            if !a.isZero { #expect(a * a.inverse == .one) }
        }
        #expect(Fp.zero.inverse == .zero)
        #expect(-Fp.zero == .zero)
    }

    @Test func fp2Laws() {
        var g = SeededGenerator(seed: 0xB254_0004)
        let i = Fp2(.zero, .one)
        #expect(i * i == -Fp2.one)
        for _ in 0..<200 {
            let a = BN254Random.fp2(&g), b = BN254Random.fp2(&g), c = BN254Random.fp2(&g)
            #expect(a * (b + c) == a * b + a * c)
            #expect((a * b) * c == a * (b * c))
            #expect(a.squared == a * a)
            #expect(a.timesXi == a * Fp2.xi)
            #expect(a * a.inverse == .one)
            #expect(a.conjugate == a.power(Fp.modulus))          // Frobenius on Fp2
        }
        #expect(Fp2.zero.inverse == .zero)
    }

    @Test func fp6Laws() {
        var g = SeededGenerator(seed: 0xB254_0005)
        let v = Fp6(.zero, .one, .zero)
        #expect(v * v * v == Fp6(Fp2.xi, .zero, .zero))
        for _ in 0..<100 {
            let a = BN254Random.fp6(&g), b = BN254Random.fp6(&g), c = BN254Random.fp6(&g)
            #expect(a * (b + c) == a * b + a * c)
            #expect((a * b) * c == a * (b * c))
            #expect(a.squared == a * a)
            #expect(a.timesV == a * v)
            #expect(a * a.inverse == .one)
            let d0 = BN254Random.fp2(&g), d1 = BN254Random.fp2(&g)
            #expect(a.multiplied(by: d0, d1) == a * Fp6(d0, d1, .zero))
        }
    }

    @Test func fp12Laws() {
        var g = SeededGenerator(seed: 0xB254_0006)
        let w = Fp12(.zero, .one)
        #expect(w * w == Fp12(Fp6(.zero, .one, .zero), .zero))            // w² = v
        for _ in 0..<50 {
            let a = BN254Random.fp12(&g), b = BN254Random.fp12(&g), c = BN254Random.fp12(&g)
            #expect(a * (b + c) == a * b + a * c)
            #expect((a * b) * c == a * (b * c))
            #expect(a.squared == a * a)
            #expect(a * a.inverse == .one)
            // a line a0 + (b0 + b1 v) w
            let l0 = BN254Random.fp2(&g), l1 = BN254Random.fp2(&g), l2 = BN254Random.fp2(&g)
            let line = Fp12(Fp6(l0, .zero, .zero), Fp6(l1, l2, .zero))
            #expect(a.multipliedByLine(l0, l1, l2) == a * line)
        }
        #expect(Fp12.zero.inverse == .zero)
    }

    /// The Frobenius map of Fp12 is x ↦ xᵖ, and has order 12.
    @Test func fp12Frobenius() {
        var g = SeededGenerator(seed: 0xB254_0007)
        let a = BN254Random.fp12(&g)
        #expect(a.frobenius == a.power(Fp.modulus))
        var x = a
        for _ in 0..<12 { x = x.frobenius }
        #expect(x == a)
        var y = a
        for _ in 0..<6 { y = y.frobenius }
        #expect(y == a.conjugate)
        let b = BN254Random.fp12(&g)
        #expect((a * b).frobenius == a.frobenius * b.frobenius)
    }

    /// The non-adjacent forms used by the pairing evaluate back to their numbers.
    @Test func nonAdjacentForms() {
        func value(_ digits: [Int8]) -> UInt256 {
            var v = UInt256.zero
            for d in digits.reversed() {
                v = v << 1
                v = d > 0 ? v &+ UInt256.one : (d < 0 ? v &- UInt256.one : v)
            }
            return v
        }
        let u = UInt256(BN254.u)
        #expect(value(BN254.uNAF) == u)
        #expect(value(BN254.loopCountNAF) == UInt256(6) &* u &+ UInt256(2))
        #expect(value(BN254.traceMinusOneNAF) == BN254.traceMinusOne)
        for digits in [BN254.uNAF, BN254.loopCountNAF, BN254.traceMinusOneNAF] {
            #expect(digits.last == 1)
            for i in 1..<digits.count { #expect(digits[i] == 0 || digits[i - 1] == 0) }
        }
        #expect(BN254.loopCountNAF.filter { $0 != 0 }.count == 22)
        #expect(BN254.uNAF.filter { $0 != 0 }.count == 24)
    }

    /// On the cyclotomic subgroup (reached by f^((p⁶ − 1)(p² + 1))) the Granger–Scott squaring
    /// agrees with the general one, and inverse = conjugate.
    @Test func cyclotomicSquaring() {
        var g = SeededGenerator(seed: 0xB254_0008)
        for _ in 0..<10 {
            let f = BN254Random.fp12(&g)
            var m = f.conjugate * f.inverse
            m = m.frobenius.frobenius * m
            #expect(m.cyclotomicSquared == m.squared)
            #expect(m.conjugate == m.inverse)
            #expect(m.cyclotomicPower(BN254.u) == m.power(UInt256(BN254.u)))
            #expect(m.cyclotomicPower(naf: BN254.uNAF) == m.power(UInt256(BN254.u)))
            #expect(m.cyclotomicPower(5) == m * m * m * m * m)
            #expect(m.cyclotomicPower(1) == m && m.cyclotomicPower(0) == .one)
        }
    }
}
