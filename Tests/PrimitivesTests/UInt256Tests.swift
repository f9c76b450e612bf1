import Testing
import BigInt
import PropertyBased
import Primitives

/// `UInt256` against attaswift/BigInt as the oracle.
@Suite struct UInt256Tests {
    static let modulus = BigUInt(1) << 256
    static let edges: [UInt256] = [
        .zero, .one, 2, 3, .max, UInt256.max &- .one, UInt256.one << 255, (UInt256.one << 255) &- .one,
        (UInt256.one << 255) &+ .one, UInt256(UInt64.max), UInt256.one << 64, UInt256.one << 128, UInt256.one << 192,
        UInt256(w0: 0, w1: .max, w2: 0, w3: .max), 255, 256, 31, 32,
    ]

    /// Random words of every width (random limbs shifted right by 0…255 bits), with edge values mixed in.
    static let word = zip(Gen.uint64(), Gen.uint64(), Gen.uint64(), Gen.uint64(), Gen.int(in: 0...300)).map {
        (a: UInt64, b: UInt64, c: UInt64, d: UInt64, shift: Int) -> UInt256 in
        shift > 255 ? edges[shift % edges.count] : UInt256(w0: a, w1: b, w2: c, w3: d) >> shift
    }

    static func big(_ x: UInt256) -> BigUInt { BigUInt(words: [UInt(x.w0), UInt(x.w1), UInt(x.w2), UInt(x.w3)]) }
    static func signed(_ x: UInt256) -> BigInt { x.isNegative ? BigInt(big(x)) - BigInt(modulus) : BigInt(big(x)) }
    static func word(_ b: BigUInt) -> UInt256 {
        let r = b % modulus
        let w = r.words.map(UInt64.init) + [0, 0, 0, 0]
        return UInt256(w0: w[0], w1: w[1], w2: w[2], w3: w[3])
    }
    static func word(_ b: BigInt) -> UInt256 {
        let m = BigInt(modulus)
        return word(BigUInt(((b % m) + m) % m))
    }

    enum Op: String, CaseIterable, Sendable {
        case add, sub, mul, div, mod, sdiv, smod, exp, signextend, byte, shl, shr, sar, and, or, xor
    }

    @Test(arguments: Op.allCases)
    func binaryOpMatchesBigInt(_ op: Op) async {
        await propertyCheck(count: 1500, input: Self.word, Self.word) { a, b in
            let (A, B) = (Self.big(a), Self.big(b))
            let got: UInt256, want: UInt256
            switch op {
            case .add: (got, want) = (a &+ b, Self.word(A + B))
            case .sub: (got, want) = (a &- b, Self.word(BigInt(A) - BigInt(B)))
            case .mul: (got, want) = (a &* b, Self.word(A * B))
            case .div: (got, want) = (a.dividedOrZero(by: b), b.isZero ? .zero : Self.word(A / B))
            case .mod: (got, want) = (a.remainderOrZero(dividingBy: b), b.isZero ? .zero : Self.word(A % B))
            case .sdiv:
                got = a.signedDividedOrZero(by: b)
                want = b.isZero ? .zero : Self.word(Self.signed(a) / Self.signed(b))  // truncates toward zero
            case .smod:
                got = a.signedRemainderOrZero(dividingBy: b)
                want = b.isZero ? .zero : Self.word(Self.signed(a) % Self.signed(b))  // sign of the dividend
            case .exp:
                got = a.power(b)
                want = Self.word(A.power(B, modulus: Self.modulus))
            case .signextend:
                let k = b.uint64.map { $0 % 40 } ?? 40
                got = a.signExtended(fromByte: UInt256(k))
                if k < 31 {
                    let bits = Int(k + 1) * 8
                    let low = A % (BigUInt(1) << bits)
                    want = low >= (BigUInt(1) << (bits - 1)) ? Self.word(low + Self.modulus - (BigUInt(1) << bits)) : Self.word(low)
                } else { want = a }
            case .byte:
                let i = (b.uint64 ?? 40) % 40
                got = a.byte(at: UInt256(i))
                want = i < 32 ? Self.word((A >> (8 * (31 - Int(i)))) & 0xff) : .zero
            case .shl:
                let s = b.uint64.map { $0 % 300 } ?? 1000
                got = a.shiftedLeft(by: UInt256(s))
                want = s < 256 ? Self.word(A << Int(s)) : .zero
            case .shr:
                let s = b.uint64.map { $0 % 300 } ?? 1000
                got = a.shiftedRight(by: UInt256(s))
                want = s < 256 ? Self.word(A >> Int(s)) : .zero
            case .sar:
                let s = b.uint64.map { $0 % 300 } ?? 1000
                got = a.arithmeticShiftedRight(by: UInt256(s))
                let sa = Self.signed(a)
                if s >= 256 { want = sa < 0 ? .max : .zero }
                else if sa >= 0 { want = Self.word(sa >> Int(s)) }
                else { want = Self.word(-((-sa - 1) >> Int(s)) - 1) }  // floor division by 2^s
            case .and: (got, want) = (a & b, Self.word(A & B))
            case .or: (got, want) = (a | b, Self.word(A | B))
            case .xor: (got, want) = (a ^ b, Self.word(A ^ B))
            }
            #expect(got == want, "\(op.rawValue)(\(a), \(b))")
        }
    }

    @Test func modularOpsMatchBigInt() async {
        await propertyCheck(count: 3000, input: Self.word, Self.word, Self.word) { a, b, m in
            let (A, B, M) = (Self.big(a), Self.big(b), Self.big(m))
            #expect(UInt256.addMod(a, b, m) == (m.isZero ? .zero : Self.word((A + B) % M)), "addmod(\(a), \(b), \(m))")
            #expect(UInt256.mulMod(a, b, m) == (m.isZero ? .zero : Self.word((A * B) % M)), "mulmod(\(a), \(b), \(m))")
        }
    }

    // MARK: Division through reciprocals (Möller–Granlund) and its corner cases

    /// Limb values that sit on the corners of the division: top bits set or clear,
    /// all ones, one more or less than a power of two.
    static let edgeLimbs: [UInt64] = [
        0, 1, 2, .max, .max - 1, 1 << 63, (1 << 63) + 1, (1 << 63) - 1, 1 << 32, (1 << 32) - 1, 0x3064_4e72_e131_a029,
    ]
    /// A limb that is an edge value or random (half and half).
    static let limb = zip(Gen.uint64(), Gen.int(in: 0...21)).map { (x: UInt64, i: Int) -> UInt64 in
        i < edgeLimbs.count ? edgeLimbs[i] : x
    }
    /// A divisor of 1…4 limbs whose limbs are edge values or random; never zero.
    static let divisor = zip(limb, limb, limb, limb, Gen.int(in: 1...4)).map {
        (a: UInt64, b: UInt64, c: UInt64, d: UInt64, n: Int) -> UInt256 in
        let w = UInt256(w0: a, w1: n > 1 ? b : 0, w2: n > 2 ? c : 0, w3: n > 3 ? d : 0)
        return w.isZero ? .one : w
    }

    @Test func reciprocalOfOneLimbMatchesHardwareDivision() async {
        let normalized = zip(Self.limb, Gen.uint64()).map { (x: UInt64, y: UInt64) in (x | y) | (1 << 63) }
        await propertyCheck(count: 5000, input: normalized) { d in
            // ⌊(2¹²⁸ − 1) / d⌋ − 2⁶⁴ = ⌊((2⁶⁴ − 1 − d)·2⁶⁴ + 2⁶⁴ − 1) / d⌋
            #expect(LimbDivision.reciprocal(d) == d.dividingFullWidth((~d, .max)).quotient, "d = \(d)")
        }
        for d: UInt64 in [1 << 63, (1 << 63) + 1, .max, .max - 1, 0xc000_0000_0000_0000, 0x8000_0000_ffff_ffff] {
            #expect(LimbDivision.reciprocal(d) == d.dividingFullWidth((~d, .max)).quotient, "d = \(d)")
        }
    }

    @Test func reciprocalOfTwoLimbsMatchesBigInt() async {
        let top = Self.limb.map { $0 | 1 << 63 }
        await propertyCheck(count: 3000, input: top, Self.limb) { d1, d0 in
            let d = BigUInt(d1) << 64 + BigUInt(d0)
            let want = ((BigUInt(1) << 192) - 1) / d - (BigUInt(1) << 64)
            #expect(BigUInt(LimbDivision.reciprocal(d1, d0)) == want, "d = \(d1), \(d0)")
        }
    }

    @Test func twoByOneAndThreeByTwoMatchBigInt() async {
        let top = Self.limb.map { $0 | 1 << 63 }
        await propertyCheck(count: 3000, input: top, Self.limb, Self.limb, Self.limb, Self.limb) { d1, d0, u2, u1, u0 in
            // 2-by-1: (u2 mod d1, u1) / d1
            let v1 = LimbDivision.reciprocal(d1)
            let high = u2 % d1
            let (q, r) = LimbDivision.divide(high, u1, by: d1, reciprocal: v1)
            let n = BigUInt(high) << 64 + BigUInt(u1)
            #expect(BigUInt(q) == n / BigUInt(d1) && BigUInt(r) == n % BigUInt(d1), "\(high), \(u1) / \(d1)")
            // 3-by-2: needs (u2, u1) < (d1, d0); fold the top into range.
            let d = BigUInt(d1) << 64 + BigUInt(d0)
            var top = (BigUInt(u2) << 64 + BigUInt(u1)) % d
            if top == d { top -= 1 }
            let t2 = UInt64(top >> 64), t1 = UInt64(top & BigUInt(UInt64.max))
            let (q3, r1, r0) = LimbDivision.divide(t2, t1, u0, by: d1, d0, reciprocal: LimbDivision.reciprocal(d1, d0))
            let u = top << 64 + BigUInt(u0)
            #expect(BigUInt(q3) == u / d && BigUInt(r1) << 64 + BigUInt(r0) == u % d, "\(t2), \(t1), \(u0) / \(d1), \(d0)")
        }
    }

    /// Dividends built as q·d + r with r at the edges (0, 1, d − 1), so quotient
    /// limbs of 2⁶⁴ − 1 and the add-back step both occur; divisors of every
    /// length with all-ones or single-bit limbs.
    @Test func divisionCornerCasesMatchBigInt() async {
        await propertyCheck(count: 6000, input: Self.divisor, Self.word, Gen.int(in: 0...3)) { d, qWord, rKind in
            let D = Self.big(d)
            let r: BigUInt = rKind == 0 ? 0 : rKind == 1 ? 1 % D : rKind == 2 ? D - 1 : Self.big(qWord) % D
            let A = (Self.big(qWord) * D + r) % Self.modulus
            let a = Self.word(A)
            let (q, rem) = a.quotientAndRemainder(dividingBy: d)
            #expect(Self.big(q) == A / D && Self.big(rem) == A % D, "\(a) / \(d)")
            // The same divisor under a 512-bit dividend (MULMOD) and a 257-bit one (ADDMOD).
            let P = A * Self.big(qWord)
            #expect(Self.big(UInt256.mulMod(a, qWord, d)) == P % D, "mulmod(\(a), \(qWord), \(d))")
            #expect(Self.big(UInt256.addMod(a, qWord, d)) == (A + Self.big(qWord)) % D, "addmod(\(a), \(qWord), \(d))")
        }
    }

    @Test func divisionEdgeValues() {
        let values: [UInt256] = Self.edges + [
            UInt256(w0: .max, w1: .max, w2: .max, w3: 1), UInt256(w0: 0, w1: 0, w2: 0, w3: .max),
            UInt256(w0: 1, w1: 0, w2: 0, w3: 1 << 63), UInt256(w0: .max, w1: 0, w2: .max, w3: 0),
            UInt256(w0: 0, w1: 1, w2: 0, w3: 0), UInt256(w0: .max, w1: .max, w2: 0, w3: 0),
            UInt256(w0: 0x3c20_8c16_d87c_fd47, w1: 0x9781_6a91_6871_ca8d, w2: 0xb850_45b6_8181_585d, w3: 0x3064_4e72_e131_a029),
        ]
        for a in values {
            for b in values where !b.isZero {
                let (A, B) = (Self.big(a), Self.big(b))
                let (q, r) = a.quotientAndRemainder(dividingBy: b)
                #expect(Self.big(q) == A / B && Self.big(r) == A % B, "\(a) / \(b)")
                for c in values {
                    let C = Self.big(c)
                    #expect(Self.big(UInt256.mulMod(a, c, b)) == (A * C) % B, "mulmod(\(a), \(c), \(b))")
                    #expect(Self.big(UInt256.addMod(a, c, b)) == (A + C) % B, "addmod(\(a), \(c), \(b))")
                }
            }
        }
    }

    @Test func comparisonsMatchBigInt() async {
        await propertyCheck(count: 3000, input: Self.word, Self.word) { a, b in
            #expect((a < b) == (Self.big(a) < Self.big(b)))
            #expect((a > b) == (Self.big(a) > Self.big(b)))
            #expect(a.signedLessThan(b) == (Self.signed(a) < Self.signed(b)))
            #expect(a.signedGreaterThan(b) == (Self.signed(a) > Self.signed(b)))
            #expect((a == b) == (Self.big(a) == Self.big(b)))
        }
    }

    @Test func fullWidthProductMatchesBigInt() async {
        await propertyCheck(count: 2000, input: Self.word, Self.word) { a, b in
            let (high, low) = a.multipliedFullWidth(by: b)
            #expect(Self.big(high) << 256 + Self.big(low) == Self.big(a) * Self.big(b))
        }
    }

    @Test func textAndBytesRoundTrip() async throws {
        await propertyCheck(count: 2000, input: Self.word) { a in
            #expect(a.description == String(Self.big(a)))
            #expect((try? UInt256(decimal: a.description)) == a)
            #expect((try? UInt256(hex: a.hexQuantity)) == a)
            #expect(UInt256(bigEndianBytes: a.bigEndianBytes) == a)
            #expect(UInt256(bigEndianBytes: a.minimalBigEndianBytes) == a)
            #expect(a.minimalBigEndianBytes.first != 0)
            #expect(a.byteWidth == a.minimalBigEndianBytes.count)
        }
    }

    @Test func parsingRejectsOverflowAndJunk() throws {
        let max = "115792089237316195423570985008687907853269984665640564039457584007913129639935"
        #expect(try UInt256(decimal: max) == .max)
        #expect(throws: UInt256ParseError.overflow) {
            try UInt256(decimal: "115792089237316195423570985008687907853269984665640564039457584007913129639936")
        }
        #expect(try UInt256(hex: "0x" + String(repeating: "f", count: 64)) == .max)
        #expect(throws: UInt256ParseError.overflow) { try UInt256(hex: "0x1" + String(repeating: "0", count: 64)) }
        #expect(try UInt256(hex: "0x" + String(repeating: "0", count: 70) + "1") == .one)
        #expect(throws: UInt256ParseError.empty) { try UInt256(hex: "0x") }
        #expect(throws: UInt256ParseError.invalidCharacter(offset: 1)) { try UInt256(decimal: "1a") }
        #expect(throws: UInt256ParseError.invalidCharacter(offset: 0)) { try UInt256(decimal: "-1") }
        #expect(try UInt256(parsing: "0x10") == 16)
        #expect(try UInt256(parsing: "10") == 10)
        #expect(UInt256(bigEndianBytes: [UInt8](repeating: 1, count: 33)) == nil)
        #expect(UInt256.zero.hexQuantity == "0x0")
        #expect(UInt256(4096).hexQuantity == "0x1000")
    }

    @Test func evmEdgeCases() {
        let minSigned = UInt256.one << 255
        let minusOne = UInt256.max
        #expect(minSigned.signedDividedOrZero(by: minusOne) == minSigned)   // overflow wraps
        #expect(minSigned.signedRemainderOrZero(dividingBy: minusOne) == .zero)
        #expect(UInt256(7).signedRemainderOrZero(dividingBy: UInt256(3).negated) == 1)
        #expect(UInt256(7).negated.signedRemainderOrZero(dividingBy: 3) == UInt256(1).negated)
        #expect(UInt256.addMod(.max, .max, .max) == .zero)
        #expect(UInt256.addMod(.max, 2, 3) == 2)  // 2^256 + 1 ≡ 2 (mod 3)
        #expect(UInt256.mulMod(.max, .max, 12) == 9)
        #expect(UInt256(2).power(255) == minSigned)
        #expect(UInt256(2).power(256) == .zero)
        #expect(UInt256.zero.power(.zero) == .one)
        #expect(UInt256(0xff).signExtended(fromByte: 0) == .max)
        #expect(UInt256(0x7f).signExtended(fromByte: 0) == 0x7f)
        #expect(minSigned.arithmeticShiftedRight(by: 255) == .max)
        #expect(minSigned.arithmeticShiftedRight(by: 1000) == .max)
        #expect(UInt256.max.byte(at: 31) == 0xff)
        #expect(UInt256(0x1234).byte(at: 30) == 0x12)
        #expect(UInt256(1).shiftedLeft(by: 256) == .zero)
        #expect(UInt256(1).shiftedLeft(by: UInt256.one << 128) == .zero)
    }
}
