import Testing
import EVM
import ChainTypes
import Primitives
import TestSupport

/// ECADD (0x06), ECMUL (0x07), ECPAIRING (0x08): known answers, invalid inputs, gas, fuzz.
@Suite struct BN254PrecompileTests {
    static let add = PrecompiledContract.bn256Add
    static let mul = PrecompiledContract.bn256ScalarMul
    static let pairing = PrecompiledContract.bn256Pairing

    static let p = BN254.Fp.modulus.bigEndianBytes
    static func word(_ v: UInt256) -> [UInt8] { v.bigEndianBytes }

    // MARK: Known answers (go-ethereum testdata; see BN254Vectors.swift)

    @Test(arguments: BN254Vectors.add)
    func addVector(_ v: BN254Vector) {
        #expect(Self.add.execute(bn254Hex(v.input)).map { Hex.encode($0, prefix: false) } == v.expected)
    }

    @Test(arguments: BN254Vectors.scalarMul)
    func scalarMulVector(_ v: BN254Vector) {
        #expect(Self.mul.execute(bn254Hex(v.input)).map { Hex.encode($0, prefix: false) } == v.expected)
    }

    @Test(arguments: BN254Vectors.pairing)
    func pairingVector(_ v: BN254Vector) {
        #expect(bn254Hex(v.input).count % 192 == 0)
        #expect(Self.pairing.execute(bn254Hex(v.input)).map { Hex.encode($0, prefix: false) } == v.expected)
    }

    /// The G2 points in the vectors: P2 doubled by our code is geth's two_point_match_3 point.
    @Test func g2DoublingMatchesVector() {
        let doubled = BN254.G2Jacobian(BN254Random.g2).doubled.affine
        #expect(Hex.encode(BN254Precompile.encodeG2(doubled), prefix: false) == BN254Vectors.g2Doubled)
        #expect(Hex.encode(BN254Precompile.encodeG2(BN254Random.g2.negated), prefix: false) == BN254Vectors.g2Negated)
    }

    // MARK: Input handling (EIP-196)

    @Test func addPaddingAndTruncation() {
        let g1 = bn254Hex(BN254Vectors.g1)
        let twoG1 = BN254Vectors.add[12].expected            // cdetrio11: G1 + G1
        // Short input is right-padded: G1 alone is G1 + O.
        #expect(Self.add.execute(g1) == g1)
        // Surplus bytes are ignored, even garbage.
        #expect(Self.add.execute(g1 + g1 + [0xff, 0xff, 0xff]).map { Hex.encode($0, prefix: false) } == twoG1)
        // A truncated second point that pads back to a valid one: the first k·G1 whose y ends in
        // a zero byte, sent without that byte.
        var point = BN254.G1Jacobian(BN254Random.g1)
        var encoded = BN254Precompile.encodeG1(point.affine)
        while encoded[63] != 0 {
            point = point.adding(BN254Random.g1)
            encoded = BN254Precompile.encodeG1(point.affine)
        }
        let sum = BN254Precompile.encodeG1(point.adding(BN254Random.g1).affine)
        #expect(Self.add.execute(g1 + Array(encoded.dropLast())) == sum)
        #expect(Self.add.execute(g1 + Array(encoded.dropLast(2))) == nil)   // y·2⁸ off the curve (almost surely)
        // P + (−P) = O.
        let negG1 = Self.word(1) + Self.word(BN254.Fp.modulus &- UInt256(2))
        #expect(Self.add.execute(g1 + negG1) == [UInt8](repeating: 0, count: 64))
    }

    @Test func addRejectsInvalidPoints() {
        let g1 = bn254Hex(BN254Vectors.g1)
        // Not on the curve.
        #expect(Self.add.execute(Self.word(1) + Self.word(3)) == nil)
        #expect(Self.add.execute(g1 + Self.word(1) + Self.word(3)) == nil)
        #expect(Self.add.execute(Self.word(0) + Self.word(1)) == nil)
        // Valid modulo p but written ≥ p (EIP-196: "would be valid if the numbers were taken mod p").
        let yPlusP = Self.word(UInt256(2) &+ BN254.Fp.modulus)
        #expect(Self.add.execute(Self.word(1) + yPlusP) == nil)
        #expect(Self.add.execute(g1 + Self.word(1) + yPlusP) == nil)
        let xPlusP = Self.word(UInt256(1) &+ BN254.Fp.modulus)
        #expect(Self.add.execute(xPlusP + Self.word(2)) == nil)
        // (p, 0) is not the point at infinity.
        #expect(Self.add.execute(Self.p + Self.word(0)) == nil)
        #expect(Self.add.execute(Self.word(0) + Self.p) == nil)
    }

    @Test func scalarMulInputHandling() {
        let g1 = bn254Hex(BN254Vectors.g1)
        let zeros = [UInt8](repeating: 0, count: 64)
        #expect(Self.mul.execute([]) == zeros)
        #expect(Self.mul.execute(g1) == zeros)                        // scalar padded to 0
        // A one-byte scalar 0x02 is right-padded: k = 2·2²⁴⁸.
        let k = UInt256(2) << 248
        let expected = BN254Precompile.encodeG1(BN254.G1Jacobian(BN254Random.g1).multiplied(by: k).affine)
        #expect(Self.mul.execute(g1 + [0x02]) == expected)
        #expect(Self.mul.execute(g1 + Self.word(k) + [0x01, 0x02]) == expected)   // surplus ignored
        // Scalar = r gives O; r + 1 gives the point back (scalars above the group order are fine).
        #expect(Self.mul.execute(g1 + Self.word(BN254.groupOrder)) == zeros)
        #expect(Self.mul.execute(g1 + Self.word(BN254.groupOrder &+ UInt256.one)) == g1)
        #expect(Self.mul.execute(zeros + Self.word(UInt256.max)) == zeros)        // O·k = O
        // Invalid points.
        #expect(Self.mul.execute(Self.word(1) + Self.word(3) + Self.word(1)) == nil)
        #expect(Self.mul.execute(Self.word(1) + Self.word(UInt256(2) &+ BN254.Fp.modulus) + Self.word(1)) == nil)
        #expect(Self.mul.execute(Self.word(1) + Self.word(3) + Self.word(0)) == nil)  // even with k = 0
    }

    // MARK: Pairing input handling (EIP-197)

    static var g2Words: [UInt8] { bn254Hex(BN254Vectors.g2) }

    @Test func pairingLengths() {
        let good = bn254Hex(BN254Vectors.g1 + BN254Vectors.g2)
        #expect(Self.pairing.execute([]) == Self.word(1))
        #expect(Self.pairing.execute(Array(good.dropLast())) == nil)      // 191
        #expect(Self.pairing.execute(good + [0]) == nil)                  // 193
        #expect(Self.pairing.execute([0]) == nil)
        #expect(Self.pairing.execute([UInt8](repeating: 0, count: 64)) == nil)
        #expect(Self.pairing.execute([UInt8](repeating: 0, count: 192)) == Self.word(1))
        #expect(Self.pairing.execute([UInt8](repeating: 0, count: 384)) == Self.word(1))
    }

    @Test func pairingRejectsInvalidPoints() {
        let g1 = bn254Hex(BN254Vectors.g1)
        let g2 = Self.g2Words
        let zeroG1 = [UInt8](repeating: 0, count: 64)
        let zeroG2 = [UInt8](repeating: 0, count: 128)
        // Infinity on one side: the pair contributes 1.
        #expect(Self.pairing.execute(zeroG1 + g2) == Self.word(1))
        #expect(Self.pairing.execute(g1 + zeroG2) == Self.word(1))
        // But the other side must still be valid.
        #expect(Self.pairing.execute(Self.word(1) + Self.word(3) + zeroG2) == nil)
        var badG2 = g2; badG2[127] ^= 1
        #expect(Self.pairing.execute(zeroG1 + badG2) == nil)
        // G1 off the curve, or a coordinate ≥ p.
        #expect(Self.pairing.execute(Self.word(1) + Self.word(3) + g2) == nil)
        #expect(Self.pairing.execute(Self.word(1) + Self.word(UInt256(2) &+ BN254.Fp.modulus) + g2) == nil)
        // G2 coordinates ≥ p, one at a time: each word + p.
        for i in 0..<4 {
            var words = g2
            let w = UInt256(bigEndianBytes: g2[(32 * i)..<(32 * i + 32)]) ?? .zero
            words.replaceSubrange((32 * i)..<(32 * i + 32), with: Self.word(w &+ BN254.Fp.modulus))
            #expect(Self.pairing.execute(g1 + words) == nil)
        }
        // G2 with real and imaginary parts swapped (the wrong order) is not on the twist.
        let swapped = Array(g2[32..<64] + g2[0..<32] + g2[96..<128] + g2[64..<96])
        #expect(Self.pairing.execute(g1 + swapped) == nil)
        // A bad pair after good ones still fails the whole call.
        #expect(Self.pairing.execute(g1 + g2 + g1 + badG2) == nil)
    }

    /// Points on the twist but outside G2 are invalid (EIP-197: the order must be checked).
    @Test func pairingRejectsPointsOutsideG2() {
        var g = SeededGenerator(seed: 0xB254_0201)
        let g1 = bn254Hex(BN254Vectors.g1)
        for _ in 0..<4 {
            let q = BN254Random.twistPoint(&g)
            #expect(q.isOnCurve && !q.isInG2)
            #expect(BN254Precompile.decodeG2(BN254Precompile.encodeG2(q), at: 0) == nil)
            #expect(Self.pairing.execute(g1 + BN254Precompile.encodeG2(q)) == nil)
            #expect(Self.pairing.execute([UInt8](repeating: 0, count: 64) + BN254Precompile.encodeG2(q)) == nil)
        }
    }

    // MARK: Gas

    @Test func gasByFork() {
        let input192 = [UInt8](repeating: 0, count: 192)
        for fork in Fork.allCases where fork >= .byzantium {
            let istanbul = fork >= .istanbul
            #expect(Self.add.gasCost([], fork) == (istanbul ? 150 : 500))
            #expect(Self.mul.gasCost([], fork) == (istanbul ? 6_000 : 40_000))
            #expect(Self.pairing.gasCost([], fork) == (istanbul ? 45_000 : 100_000))
            #expect(Self.pairing.gasCost(input192, fork) == (istanbul ? 79_000 : 180_000))
            #expect(Self.pairing.gasCost(input192 + input192, fork) == (istanbul ? 113_000 : 260_000))
            // Length not a multiple of 192: priced by whole pairs, then the call fails.
            #expect(Self.pairing.gasCost(input192 + [0], fork) == (istanbul ? 79_000 : 180_000))
        }
        #expect(Self.add.address == Address([UInt8](repeating: 0, count: 19) + [6]))
        #expect(Self.mul.address == Address([UInt8](repeating: 0, count: 19) + [7]))
        #expect(Self.pairing.address == Address([UInt8](repeating: 0, count: 19) + [8]))
    }

    // MARK: Fuzz

    /// 21,000 random and mutated inputs, each fed to all three contracts: nothing traps, outputs
    /// have the fixed lengths, and valid pairing outputs are 0 or 1.
    @Test func fuzzNeverTraps() {
        var g = SeededGenerator(seed: 0xB254_F022)
        let seeds: [[UInt8]] = (BN254Vectors.add + BN254Vectors.scalarMul + BN254Vectors.pairing).map { bn254Hex($0.input) }
        let special: [[UInt8]] = [Self.p, Self.word(BN254.groupOrder), Self.word(.max), Self.word(0), Self.word(1)]
        var valid = [0, 0, 0]
        for round in 0..<21_000 {
            var input: [UInt8]
            switch round % 4 {
            case 0:
                // Random bytes, random length (biased to the interesting sizes).
                let lengths = [0, 1, 31, 32, 63, 64, 96, 127, 128, 129, 191, 192, 193, 384]
                let n = g.next() % 2 == 0 ? lengths[Int(g.next() % UInt64(lengths.count))] : Int(g.next() % 420)
                input = g.bytes(n)
            case 1:
                // Words that are special values, in any slot.
                input = []
                for _ in 0..<Int(g.next() % 7) { input += special[Int(g.next() % UInt64(special.count))] }
            default:
                // A known vector with a few bytes flipped, set, cut or appended.
                input = seeds[Int(g.next() % UInt64(seeds.count))]
                for _ in 0..<Int(1 + g.next() % 3) {
                    switch g.next() % 5 {
                    case 0 where !input.isEmpty: input[Int(g.next() % UInt64(input.count))] ^= UInt8(1 << (g.next() % 8))
                    case 1 where !input.isEmpty: input[Int(g.next() % UInt64(input.count))] = UInt8(truncatingIfNeeded: g.next())
                    case 2 where !input.isEmpty: input.removeLast(Int(g.next() % UInt64(min(input.count, 40))) + 1)
                    case 3: input += g.bytes(Int(g.next() % 40))
                    default: if input.count >= 32 { input.replaceSubrange(0..<32, with: special[Int(g.next() % 5)]) }
                    }
                }
            }
            if let out = Self.add.execute(input) { #expect(out.count == 64); valid[0] += 1 }
            if let out = Self.mul.execute(input) { #expect(out.count == 64); valid[1] += 1 }
            if let out = Self.pairing.execute(input) {
                #expect(out.count == 32 && out[0..<31].allSatisfy { $0 == 0 } && out[31] <= 1)
                valid[2] += 1
            }
        }
        print("BN254 fuzz: 21000 inputs; valid add \(valid[0]), mul \(valid[1]), pairing \(valid[2])")
    }
}
