import Testing
import ChainTypes
import EVM
import Primitives

/// SHA-256 (0x02), RIPEMD-160 (0x03) and identity (0x04): known digests and the
/// Yellow Paper's linear prices (appendix E, `G_sha256` 60 + 12/word,
/// `G_ripemd160` 600 + 120/word, `G_identity` 15 + 3/word).
@Suite struct PrecompileHashTests {
    // FIPS 180-2, appendix B.1 ("abc"), and the well-known digest of the empty string.
    @Test func sha256KnownDigests() throws {
        let sha = PrecompiledContract.sha256
        #expect(sha.execute([]) == (try PrecompileFixture.bytes(
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")))
        #expect(sha.execute(Array("abc".utf8)) == (try PrecompileFixture.bytes(
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")))
    }

    // The RIPEMD-160 authors' test vectors (Dobbertin, Bosselaers, Preneel, "RIPEMD-160:
    // A Strengthened Version of RIPEMD", appendix: "" and "abc"); the precompile pads
    // the 20-byte digest on the left to a 32-byte word.
    @Test func ripemd160KnownDigestsLeftPadded() throws {
        let ripemd = PrecompiledContract.ripemd160
        let pad = [UInt8](repeating: 0, count: 12)
        #expect(ripemd.execute([]) == (try pad + PrecompileFixture.bytes("9c1185a5c5e9fc54612808977ee8f548b2258d31")))
        #expect(ripemd.execute(Array("abc".utf8)) == (try pad + PrecompileFixture.bytes("8eb208f7e05d987a9b044a8e98c6b087f15a0bfc")))
    }

    @Test func identityReturnsItsInput() {
        let identity = PrecompiledContract.identity
        #expect(identity.execute([]) == [])
        let data: [UInt8] = (0..<100).map { UInt8($0) }
        #expect(identity.execute(data) == data)
    }

    @Test(arguments: [
        // (input length, SHA-256, RIPEMD-160, identity): words = ⌈len / 32⌉.
        (0, 60, 600, 15), (1, 72, 720, 18), (32, 72, 720, 18), (33, 84, 840, 21), (64, 84, 840, 21),
        (1024, 60 + 12 * 32, 600 + 120 * 32, 15 + 3 * 32),
    ])
    func linearPrices(length: Int, sha: Int, ripemd: Int, identity: Int) {
        let input = [UInt8](repeating: 0xab, count: length)
        for fork in Fork.allCases {
            #expect(PrecompiledContract.sha256.gasCost(input, fork) == UInt64(sha))
            #expect(PrecompiledContract.ripemd160.gasCost(input, fork) == UInt64(ripemd))
            #expect(PrecompiledContract.identity.gasCost(input, fork) == UInt64(identity))
        }
    }

    @Test func outputsHaveFixedWidth() {
        for length in [0, 1, 31, 32, 55, 56, 63, 64, 65, 127, 128, 1000] {
            let input = [UInt8](repeating: 0x61, count: length)
            #expect(PrecompiledContract.sha256.execute(input)?.count == 32)
            let r = PrecompiledContract.ripemd160.execute(input)
            #expect(r?.count == 32)
            #expect(r?.prefix(12).allSatisfy { $0 == 0 } == true)
        }
    }
}
