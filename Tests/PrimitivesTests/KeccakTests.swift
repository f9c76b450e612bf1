import Testing
import Primitives
import TestSupport

@Suite struct KeccakTests {
    /// Expected digests from an independent Keccak implementation (pycryptodome's
    /// `keccak.new(digest_bits=256)`); inputs of n bytes are `i % 251` for i in 0..<n.
    static let patterned: [(Int, String)] = [
        (135, "0xcbdfd9dee5faad3818d6b06f95a219fd290b0e1706f6a82e5a595b9ce9faca62"),
        (136, "0x7ce759f1ab7f9ce437719970c26b0a66ff11fe3e38e17df89cf5d29c7d7f807e"),
        (137, "0xac73d4fae68b8453f764007c1a20ce95994187861f0c3227a3a8e99a73a3b1db"),
        (271, "0x27eceb59ebc3dc8a04a5b135be641591a7278540e4556a2ba9f408194e666ec3"),
        (272, "0x8e2476e65823b24d96ebe239f2c1534cdf763e689e2410c3b1cb0c74e6177bfc"),
        (273, "0x3f02f134370e4debb95140ef49ddd3aed8c65ff1ed83a43f1b269421f179c5f9"),
        (1000, "0xaf692982e84a5a9688359025660a7857cd28ee7c8d867cfa1677baf2e6d1f63b"),
    ]

    static func pattern(_ n: Int) -> [UInt8] { (0..<n).map { UInt8($0 % 251) } }

    @Test func knownDigests() {
        #expect(Keccak256.hash([]).description == "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
        #expect(Keccak256.hash(Array("abc".utf8)).description == "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")
        #expect(Keccak256.hash([UInt8](repeating: 0xa3, count: 200)).description == "0x3a57666b048777f2c953dc4456f45a2588e1cb6f2da760122d530ac2ce607d4a")
        #expect(Hash32.emptyTrieRoot.description == "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421")
        #expect(Hash32.emptyListHash.description == "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347")
    }

    @Test(arguments: patterned)
    func acrossRateBoundary(length: Int, expected: String) {
        #expect(Keccak256.hash(Self.pattern(length)).description == expected)
    }

    @Test func millionA() {
        #expect(Keccak256.hash([UInt8](repeating: 0x61, count: 1_000_000)).description
                == "0xfadae6b49f129bbb812be8407b7b2894f34aecf6dbd1f9b0f0c7e9853098fc96")
    }

    /// Feeding the same bytes in any split gives the one-shot digest, and
    /// `finalize()` does not disturb a stream that continues.
    @Test func incrementalMatchesOneShot() {
        var rng = SeededGenerator(seed: 0x6B656363616B)
        for _ in 0..<300 {
            let input = rng.bytes(Int.random(in: 0...700, using: &rng))
            var h = Keccak256()
            var i = 0
            while i < input.count {
                let n = Int.random(in: 0...(input.count - i), using: &rng)
                h.update(input[i..<(i + n)])
                _ = h.finalize()
                i += n
            }
            #expect(h.finalize() == Keccak256.hash(input))
        }
    }
}
