import Testing
import ChainTypes
import EVM
import Primitives
import TestSupport

/// ECRECOVER (0x01), Yellow Paper appendix E: `hash ‖ v ‖ r ‖ s`, v ∈ {27, 28} as a
/// whole 256-bit word, r and s in [1, n − 1], no EIP-2 low-s rule; every refusal is an
/// empty output with success (never nil), and gas is 3,000 whatever happens.
@Suite struct PrecompileECRecoverTests {
    let ecrecover = PrecompiledContract.ecrecover

    /// A signature made here, by the labelled test key "A".
    struct Signed {
        let hash: Hash32
        let signature: Secp256k1.RecoverableSignature
        let signer: Address
        var v: UInt64 { UInt64(signature.recoveryID) + 27 }

        init(message: String = "cloister precompile 0x01") {
            let key = TestKeys.key("A")
            hash = Keccak256.hash(Array(message.utf8))
            signature = key.sign(hash: hash)
            signer = key.address
        }

        func input(v: [UInt8]? = nil, r: UInt256? = nil, s: UInt256? = nil) -> [UInt8] {
            hash.bytes + (v ?? PrecompileFixture.word(UInt256(self.v)))
                + PrecompileFixture.word(r ?? signature.r) + PrecompileFixture.word(s ?? signature.s)
        }
    }

    static func expectedOutput(_ address: Address) -> [UInt8] { [UInt8](repeating: 0, count: 12) + address.bytes }

    // go-ethereum's ECRECOVER benchmark input, core/vm/contracts_test.go (BenchmarkPrecompiledEcrecover).
    @Test func publishedVector() throws {
        let input = try PrecompileFixture.bytes("""
            38d18acb67d25c8bb9942764b62f18e17054f66a817bd4295423adf9ed98873e
            000000000000000000000000000000000000000000000000000000000000001b
            38d18acb67d25c8bb9942764b62f18e17054f66a817bd4295423adf9ed98873e
            789d1dd423d25f0772d2748d60f7e4b81bb14d086eba8e8e8efb6dcff8a4ae02
            """)
        #expect(ecrecover.execute(input) == (try PrecompileFixture.bytes(
            "000000000000000000000000ceaccac640adf55b2028469bd36ba501f28b699d")))
    }

    @Test func recoversOurOwnSignature() {
        let signed = Signed()
        #expect(ecrecover.execute(signed.input()) == Self.expectedOutput(signed.signer))
        // Bytes after the first 128 are ignored.
        #expect(ecrecover.execute(signed.input() + [1, 2, 3]) == Self.expectedOutput(signed.signer))
    }

    @Test func highSIsAcceptedWithoutEIP2() {
        // (r, n − s) with the other parity is the same signature in its high-s form;
        // the precompile recovers the same signer (EIP-2 binds transactions only).
        let signed = Signed()
        let highS = Secp256k1.order &- signed.signature.s
        let flippedV = PrecompileFixture.word(signed.v == 27 ? 28 : 27)
        #expect(highS > Secp256k1.halfOrder)
        #expect(ecrecover.execute(signed.input(v: flippedV, s: highS)) == Self.expectedOutput(signed.signer))
    }

    @Test func wrongVGivesEmptySuccess() {
        let signed = Signed()
        var vHighByte = PrecompileFixture.word(UInt256(signed.v))
        vHighByte[0] = 1                      // 2²⁴⁸ + 27: low byte right, word wrong
        var vMiddleByte = PrecompileFixture.word(UInt256(signed.v))
        vMiddleByte[30] = 1                   // 256 + 27
        for v in [PrecompileFixture.word(0), PrecompileFixture.word(1), PrecompileFixture.word(26),
                  PrecompileFixture.word(29), PrecompileFixture.word(UInt256.max), vHighByte, vMiddleByte] {
            #expect(ecrecover.execute(signed.input(v: v)) == [])
        }
    }

    @Test func outOfRangeROrSGivesEmptySuccess() {
        let signed = Signed()
        let n = Secp256k1.order
        for (r, s) in [(UInt256.zero, signed.signature.s), (signed.signature.r, .zero),
                       (n, signed.signature.s), (signed.signature.r, n),
                       (UInt256.max, signed.signature.s), (signed.signature.r, .max)] {
            #expect(ecrecover.execute(signed.input(r: r, s: s)) == [])
        }
    }

    @Test func unrecoverablePointGivesEmptySuccess() {
        // x = 5 is not on secp256k1: 5³ + 7 = 132 is not a square mod p (Euler's criterion).
        let signed = Signed()
        #expect(ecrecover.execute(signed.input(r: UInt256(5))) == [])
    }

    @Test func shortInputIsZeroPadded() {
        let signed = Signed()
        #expect(ecrecover.execute([]) == [])
        #expect(ecrecover.execute(Array(signed.input().prefix(64))) == [])   // r = s = 0
        // A signature whose s happens to end in zero bytes would still recover from a
        // truncated input; simulate it by checking that the padded form equals the explicit one.
        let explicit = Array(signed.input().prefix(100)) + [UInt8](repeating: 0, count: 28)
        #expect(ecrecover.execute(Array(signed.input().prefix(100))) == ecrecover.execute(explicit))
    }

    @Test func priceIsFlat() {
        let signed = Signed()
        for fork in Fork.allCases {
            for input in [[], signed.input(), [UInt8](repeating: 0xff, count: 1000)] {
                #expect(ecrecover.gasCost(input, fork) == 3_000)
            }
        }
    }
}
