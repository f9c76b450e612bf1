import Foundation
import Testing
import ChainTypes
import EVM
import Primitives

/// BLAKE2F (0x09): every test vector of EIP-152 ("Test Cases", vectors 0–8), the
/// price (one gas per round), and a two-block BLAKE2b-512 hash built from `F`.
@Suite struct PrecompileBlake2FTests {
    let blake2f = PrecompiledContract.blake2f

    /// The common body of EIP-152's vectors: h = BLAKE2b-512's IV with the parameter
    /// block mixed in, m = "abc", t = 3.
    static let body = """
        48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5\
        d182e6ad7f520e511f6c3e2b8c68059b6bbd41fbabd9831f79217e1319cde05b\
        6162630000000000000000000000000000000000000000000000000000000000\
        0000000000000000000000000000000000000000000000000000000000000000\
        0000000000000000000000000000000000000000000000000000000000000000\
        0000000000000000000000000000000000000000000000000000000000000000\
        03000000000000000000000000000000
        """

    // EIP-152 vectors 0–3: wrong lengths and a bad final-block flag are invalid input.
    @Test func invalidVectors() throws {
        #expect(blake2f.execute([]) == nil)                                          // vector 0
        #expect(blake2f.execute(try PrecompileFixture.bytes("00000c" + Self.body + "01")) == nil)     // 1: 212 bytes
        #expect(blake2f.execute(try PrecompileFixture.bytes("000000000c" + Self.body + "01")) == nil) // 2: 214 bytes
        #expect(blake2f.execute(try PrecompileFixture.bytes("0000000c" + Self.body + "02")) == nil)   // 3: f = 2
    }

    @Test(arguments: [
        // EIP-152 vectors 4–7: (rounds, f, expected h).
        ("00000000", "01", "08c9bcf367e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d282e6ad7f520e511f6c3e2b8c68059b9442be0454267ce079217e1319cde05b"),
        ("0000000c", "01", "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"),
        ("0000000c", "00", "75ab69d3190a562c51aef8d88f1c2775876944407270c42c9844252c26d2875298743e7f6d5ea2f2d3e8d226039cd31b4e426ac4f2d3d666a610c2116fde4735"),
        ("00000001", "01", "b63a380cb2897d521994a85234ee2c181b5f844d2c624c002677e9703449d2fba551b3a8333bcdf5f2f7e08993d53923de3d64fcc68c034e717b9293fed7a421"),
    ])
    func validVectors(rounds: String, flag: String, expected: String) throws {
        let input = try PrecompileFixture.bytes(rounds + Self.body + flag)
        #expect(input.count == 213)
        #expect(blake2f.execute(input) == (try PrecompileFixture.bytes(expected)))
        #expect(blake2f.gasCost(input, .istanbul) == UInt64(rounds, radix: 16))
    }

    // EIP-152 vector 8: 2³² − 1 rounds. Minutes of work even optimised, so it runs only
    // when CLOISTER_SLOW_TESTS=1 (e.g. `swift test -c release`); its price is always checked.
    @Test func vector8MaximumRounds() throws {
        let input = try PrecompileFixture.bytes("ffffffff" + Self.body + "01")
        #expect(blake2f.gasCost(input, .cancun) == 4_294_967_295)
        guard ProcessInfo.processInfo.environment["CLOISTER_SLOW_TESTS"] == "1" else { return }
        #expect(blake2f.execute(input) == (try PrecompileFixture.bytes(
            "fc59093aafa9ab43daae0e914c57635c5402d8e3d2130eb9b3cc181de7f0ecf9b22bf99a7815ce16419e200e01846e6b5df8cc7703041bbceb571de6631d2615")))
    }

    @Test func priceIsRoundsAndZeroForWrongLength() throws {
        #expect(blake2f.gasCost([], .istanbul) == 0)
        #expect(blake2f.gasCost([0, 0, 1, 0], .istanbul) == 0)
        var input = [UInt8](repeating: 0, count: 213)
        input[0] = 0x01; input[3] = 0x02
        #expect(blake2f.gasCost(input, .istanbul) == 0x0100_0002)
    }

    // BLAKE2b-512 of 200 × "a" (two blocks) by chaining F as RFC 7693 §3.3 does;
    // the digest was computed with Python's hashlib.blake2b, an independent implementation.
    @Test func twoBlockHashMatchesBLAKE2b() throws {
        let iv: [UInt64] = [0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
                            0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179]
        var h = iv
        h[0] ^= 0x0101_0040                  // digest length 64, no key, fanout 1, depth 1
        let message = [UInt8](repeating: 0x61, count: 200)
        func littleEndian(_ x: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: x >> (8 * $0)) } }
        func call(block: ArraySlice<UInt8>, counter: UInt64, final: Bool) throws -> [UInt64] {
            let m = Array(block) + [UInt8](repeating: 0, count: 128 - block.count)
            let input = [0, 0, 0, 12] + h.flatMap(littleEndian) + m + littleEndian(counter) + littleEndian(0) + [final ? 1 : 0]
            let out = try #require(blake2f.execute(input))
            return (0..<8).map { i in (0..<8).reduce(UInt64(0)) { $0 | UInt64(out[8 * i + $1]) << (8 * $1) } }
        }
        h = try call(block: message[0..<128], counter: 128, final: false)
        h = try call(block: message[128..<200], counter: 200, final: true)
        #expect(h.flatMap(littleEndian) == (try PrecompileFixture.bytes(
            "932355851d75f09c18646a9da87c25e055bc57f113121ad1ec63d45e7a1d62ab9133f8b7d1d7de9e0afa784eb6a8a11d78683013d0a672611f17668d9577d209")))
    }
}
