import Testing
import ChainTypes
import EVM
import Primitives
import TestSupport

/// MODEXP (0x05): EIP-198's worked examples, both gas schedules on hand-computed
/// inputs (EIP-198 to Istanbul, EIP-2565 from Berlin), saturation on absurd lengths,
/// and results checked against a plain square-and-multiply over `UInt256`.
@Suite struct PrecompileModExpTests {
    let modexp = PrecompiledContract.modexp
    typealias F = PrecompileFixture

    static let secp256k1P = "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f"
    static let secp256k1PMinus1 = "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e"

    // MARK: EIP-198's examples ("Specification"), with the prices it states

    @Test func fermatExample() throws {
        // 3^(p−1) mod p = 1; "the gas cost would be mult_complexity(32) * 255 / 20 = 13056".
        let input = F.modexpInput(baseLength: 1, exponentLength: 32, modulusLength: 32,
                                  body: try [0x03] + F.bytes(Self.secp256k1PMinus1) + F.bytes(Self.secp256k1P))
        #expect(modexp.execute(input) == F.word(1))
        #expect(modexp.gasCost(input, .byzantium) == 13_056)
        #expect(modexp.gasCost(input, .istanbul) == 13_056)
        // EIP-2565: ⌈32/8⌉² = 16; 16 · 255 / 3 = 1360.
        #expect(modexp.gasCost(input, .berlin) == 1_360)
        #expect(modexp.gasCost(input, .cancun) == 1_360)
    }

    @Test func zeroLengthBaseExample() throws {
        // "would be parsed as a base of 0 … and so would return 0"; same prices as above.
        let input = F.modexpInput(baseLength: 0, exponentLength: 32, modulusLength: 32,
                                  body: try F.bytes(Self.secp256k1PMinus1) + F.bytes(Self.secp256k1P))
        #expect(modexp.execute(input) == F.word(0))
        #expect(modexp.gasCost(input, .byzantium) == 13_056)
        #expect(modexp.gasCost(input, .berlin) == 1_360)
    }

    @Test func hugeModulusLengthExample() throws {
        // Msize = 2²⁵⁶ − 1: "It would then immediately fail, as it's not possible to provide enough gas".
        let input = F.modexpInput(baseLength: 0, exponentLength: 32, modulusLength: .max,
                                  body: try F.bytes("fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe"
                                                    + "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd"))
        #expect(modexp.gasCost(input, .byzantium) == .max)
        #expect(modexp.gasCost(input, .berlin) == .max)
        #expect(modexp.execute(input) == nil)       // refused without allocating
    }

    @Test func extraBytesIgnoredAndMissingBytesZero() throws {
        // "Would parse as a base of 3, an exponent of 65535, and a modulus of 2**255,
        // and it would ignore the remaining 0x07 byte" — and the short form right-pads.
        let expected = try F.bytes("3b01b01ac41f2d6e917c6d6a221ce793802469026d9ab7578fa2e79e4da6aaab") // Python: pow(3, 65535, 2**255)
        let full = F.modexpInput(baseLength: 1, exponentLength: 2, modulusLength: 32,
                                 body: try [0x03, 0xff, 0xff] + F.bytes("80" + String(repeating: "00", count: 31)) + [0x07])
        let short = F.modexpInput(baseLength: 1, exponentLength: 2, modulusLength: 32, body: [0x03, 0xff, 0xff, 0x80])
        #expect(modexp.execute(full) == expected)
        #expect(modexp.execute(short) == expected)
        // Prices: mult_complexity(32) = 1024, adjusted length ⌊log₂ 65535⌋ = 15.
        #expect(modexp.gasCost(full, .byzantium) == 1024 * 15 / 20)   // 768
        #expect(modexp.gasCost(full, .berlin) == 200)                  // 16 · 15 / 3 = 80 → floor 200
    }

    // MARK: Prices, hand-computed from the two EIPs' formulas

    @Test(arguments: [
        // (Bsize, Esize, Msize, exponent head bytes, EIP-198 gas, EIP-2565 gas)
        // Everything zero: complexity 0 → 0 under EIP-198, the 200 floor under EIP-2565.
        (UInt64(0), UInt64(0), UInt64(0), "", UInt64(0), UInt64(200)),
        // 1-byte operands, exponent 0: complexity 1 · max(0, 1) / 20 = 0; 1 · 1 / 3 = 0 → 200.
        (1, 1, 1, "00", 0, 200),
        // x = 64: 64² = 4096; exponent 0x80 → adjusted 7: 4096·7/20 = 1433; ⌈64/8⌉² = 64: 64·7/3 = 149 → 200.
        (64, 1, 64, "80", 1433, 200),
        // x = 65 crosses into x²/4 + 96x − 3072 = 1056 + 6240 − 3072 = 4224; adjusted 1 → 211; 81·1/3 → 200.
        (65, 1, 1, "02", 211, 200),
        // x = 1024: 262144 + 98304 − 3072 = 357376; exponent 1 → adjusted 0 → ·1 /20 = 17868;
        //   EIP-2565: 128² = 16384 / 3 = 5461.
        (1, 1, 1024, "01", 17868, 5461),
        // x = 1025: 1050625/16 = 65664 + 492000 − 199680 = 357984 → /20 = 17899; ⌈1025/8⌉ = 129 → 16641/3 = 5547.
        (1025, 1, 1, "01", 17899, 5547),
        // Esize 33, head zero: adjusted = 8·(33−32) = 8; x = 32: 1024·8/20 = 409; 16·8/3 = 42 → 200.
        (32, 33, 32, String(repeating: "00", count: 32), 409, 200),
        // EIP-198's example exponent "\x00\x00\x01\x00…\x00, with one hundred bytes": its first
        //   32 bytes are 2²³², so by the EIP's own definition (and the Yellow Paper's ℓ_E′)
        //   adjusted = 8·68 + 232 = 776. (The EIP's prose says 253 → 797; that figure does
        //   not follow its definition — "1 -> 0, 2 -> 1, 256 -> 8" is ⌊log₂⌋.)
        //   x = 256: 65536/4 + 24576 − 3072 = 37888 → 37888·776/20 = 1470054; 32² = 1024 → 1024·776/3 = 264874.
        (256, 100, 256, "000001" + String(repeating: "00", count: 29), 1_470_054, 264_874),
        // x = 256, exponent of 64 bytes with top bit set: adjusted 8·32 + 255 = 511.
        //   37888·511/20 = 968038; 1024·511/3 = 174421.
        (256, 64, 256, "80" + String(repeating: "00", count: 31), 968_038, 174_421),
    ])
    func schedules(b: UInt64, e: UInt64, m: UInt64, head: String, eip198: UInt64, eip2565: UInt64) throws {
        let body = [UInt8](repeating: 0x01, count: Int(b)) + (try F.bytes(head))
        let input = F.modexpInput(baseLength: UInt256(b), exponentLength: UInt256(e), modulusLength: UInt256(m), body: body)
        for fork in F.forks(from: .byzantium, through: .istanbul) { #expect(modexp.gasCost(input, fork) == eip198) }
        for fork in F.forks(from: .berlin) { #expect(modexp.gasCost(input, fork) == eip2565) }
    }

    @Test func absurdLengthsSaturate() {
        let big = UInt256(UInt64.max) &+ 1                         // 2⁶⁴
        for (b, e, m) in [(UInt256.max, 1, 1), (1, UInt256.max, 1), (1, 1, UInt256.max),
                          (big, 0, 0), (0, 0, big), (UInt256.max, .max, .max)] as [(UInt256, UInt256, UInt256)] {
            let input = F.modexpInput(baseLength: b, exponentLength: e, modulusLength: m)
            #expect(modexp.gasCost(input, .byzantium) == .max)
            #expect(modexp.gasCost(input, .berlin) == .max)
        }
        // Esize = 2⁶⁴ with 1-byte operands is exact under EIP-198, 8·(2⁶⁴ − 32)/20 (Python),
        // and past 2⁶⁴ under EIP-2565 (/3), so that one saturates.
        let longExponent = F.modexpInput(baseLength: 1, exponentLength: big, modulusLength: 1)
        #expect(modexp.gasCost(longExponent, .byzantium) == 7_378_697_629_483_820_633)
        #expect(modexp.gasCost(longExponent, .berlin) == .max)
        // With no base and no modulus the complexity is zero, whatever the exponent length:
        // EIP-198 charges 0 and EIP-2565 its floor, and the output is empty.
        let emptyModulus = F.modexpInput(baseLength: 0, exponentLength: .max, modulusLength: 0)
        #expect(modexp.gasCost(emptyModulus, .byzantium) == 0)
        #expect(modexp.gasCost(emptyModulus, .berlin) == 200)
        #expect(modexp.execute(emptyModulus) == [])
    }

    @Test func refusalLimitCostsMoreThanAnyBlock() {
        // `execute` refuses only Msize > 2²⁰, which costs more than 3.4·10⁹ gas under
        // either schedule (Python from the EIPs: mult_complexity(2²⁰+1)//20 = 3461136254,
        // ⌈(2²⁰+1)/8⌉²//3 = 5726710443).
        let tooLong = UInt256(UInt64(1 << 20) + 1)
        let bigModulus = F.modexpInput(baseLength: 0, exponentLength: 0, modulusLength: tooLong)
        #expect(modexp.gasCost(bigModulus, .byzantium) == 3_461_136_254)
        #expect(modexp.gasCost(bigModulus, .berlin) == 5_726_710_443)
        #expect(modexp.execute(bigModulus) == nil)
        // The largest modulus allowed is computed (here it is past the input, hence zero).
        let atLimit = F.modexpInput(baseLength: 0, exponentLength: 0, modulusLength: UInt256(UInt64(1 << 20)))
        #expect(modexp.execute(atLimit) == [UInt8](repeating: 0, count: 1 << 20))
        // And a present 1 MiB modulus M = 2^(8·2²⁰ − 1) works: 3² mod M = 9.
        let modulus = [0x80] + [UInt8](repeating: 0, count: (1 << 20) - 1)
        let present = F.modexpInput(baseLength: 1, exponentLength: 1, modulusLength: UInt256(UInt64(1 << 20)),
                                    body: [3, 2] + modulus)
        #expect(modexp.execute(present) == [UInt8](repeating: 0, count: (1 << 20) - 1) + [9])
    }

    @Test func operandsPastTheInputLeaveAZeroModulus() {
        // Base or exponent running past the end puts the whole modulus in the zero
        // padding: the answer is Msize zero bytes, without reading the huge operand.
        for (b, e) in [(UInt256.max, UInt256.one), (.one, .max), (UInt256(UInt64(1) << 40), .one),
                       (.one, UInt256(UInt64(1) << 40)), (UInt256(5), UInt256(5))] as [(UInt256, UInt256)] {
            let input = F.modexpInput(baseLength: b, exponentLength: e, modulusLength: 4, body: [2, 3, 4, 5, 6, 7])
            #expect(modexp.execute(input) == [0, 0, 0, 0])
        }
    }

    // MARK: Results

    @Test func edgeCases() throws {
        func run(_ base: [UInt8], _ exponent: [UInt8], _ modulus: [UInt8]) -> [UInt8]? {
            modexp.execute(F.modexpInput(baseLength: UInt256(base.count), exponentLength: UInt256(exponent.count),
                                         modulusLength: UInt256(modulus.count), body: base + exponent + modulus))
        }
        #expect(run([2], [3], [0, 0]) == [0, 0])            // modulus 0 → all zeros, length kept
        #expect(run([2], [3], []) == [])                    // Msize 0 → empty
        #expect(run([2], [3], [1]) == [0])                  // anything mod 1 is 0
        #expect(run([0], [0], [0, 7]) == [0, 1])            // 0⁰ = 1
        #expect(run([], [], [0, 0, 5]) == [0, 0, 1])        // empty base and exponent: 0⁰ = 1
        #expect(run([0], [0], [1]) == [0])                  // 0⁰ mod 1 = 0
        #expect(run([9], [], [0x0a]) == [1])                // empty exponent is 0
        #expect(run([2], [10], [0x03, 0xe8]) == [0x00, 0x18]) // 1024 mod 1000 = 24
        #expect(run([0xff, 0xff], [2], [0x10, 0x00]) == [0x00, 0x01]) // base ≥ modulus, even modulus
    }

    @Test func longExponentsMatchReference() {
        // Exponents longer than 32 bytes, including zero tails (exponent = E·256ᵏ).
        var rng = SeededGenerator(seed: 0x5eed_0006)
        for tail in [0, 1, 2, 31, 32, 33, 100] {
            let base = rng.bytes(16), head = rng.bytes(3)
            var modulus = rng.bytes(16); modulus[15] |= 1
            let exponent = head + [UInt8](repeating: 0, count: tail)
            let input = F.modexpInput(baseLength: 16, exponentLength: UInt256(exponent.count), modulusLength: 16,
                                      body: base + exponent + modulus)
            let reference = Reference.power(base: UInt256(bigEndianBytes: base) ?? 0, exponentBytes: exponent,
                                            modulus: UInt256(bigEndianBytes: modulus) ?? 0)
            #expect(modexp.execute(input) == Array(reference.bigEndianBytes.suffix(16)))
        }
    }

    @Test func randomOperandsMatchReference() {
        var rng = SeededGenerator(seed: 0x5eed_0007)
        for _ in 0..<500 {
            let b = Int.random(in: 0...32, using: &rng), e = Int.random(in: 0...40, using: &rng)
            let m = Int.random(in: 1...32, using: &rng)
            let base = rng.bytes(b), exponent = rng.bytes(e), modulus = rng.bytes(m)
            let input = F.modexpInput(baseLength: UInt256(b), exponentLength: UInt256(e), modulusLength: UInt256(m),
                                      body: base + exponent + modulus)
            let mod = UInt256(bigEndianBytes: modulus) ?? 0
            let expected = mod.isZero ? UInt256.zero
                : Reference.power(base: UInt256(bigEndianBytes: base) ?? 0, exponentBytes: exponent, modulus: mod)
            #expect(modexp.execute(input) == Array(expected.bigEndianBytes.suffix(m)), "b=\(b) e=\(e) m=\(m)")
        }
    }
}

/// Left-to-right square-and-multiply over `UInt256.mulMod`: slow and obviously right,
/// for moduli of at most 32 bytes and exponents of any length.
enum Reference {
    static func power(base: UInt256, exponentBytes: [UInt8], modulus: UInt256) -> UInt256 {
        var result = UInt256.one.remainderOrZero(dividingBy: modulus)
        let b = base.remainderOrZero(dividingBy: modulus)
        for byte in exponentBytes {
            for bit in (0..<8).reversed() {
                result = UInt256.mulMod(result, result, modulus)
                if byte >> UInt8(bit) & 1 == 1 { result = UInt256.mulMod(result, b, modulus) }
            }
        }
        return result
    }
}
