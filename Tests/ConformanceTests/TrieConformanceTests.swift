import Testing
import Primitives
import Trie
import TestSupport

/// ethereum/tests `TrieTests`: all five files, plain and secure, ordered and any-order.
@Suite(.enabled(if: Vectors.has("ethereum-tests/TrieTests"), Comment(rawValue: Vectors.skipReason("ethereum-tests/TrieTests"))))
struct TrieConformanceTests {
    /// A `0x` string is hex; anything else is its ASCII bytes (vectors README, "TrieTests").
    static func bytes(_ text: String) throws -> [UInt8] {
        text.hasPrefix("0x") ? try Hex.decode(text) : Array(text.utf8)
    }

    static let files = ["trietest.json", "trieanyorder.json", "trietest_secureTrie.json",
                        "trieanyorder_secureTrie.json", "hex_encoded_securetrie_test.json"]

    @Test(arguments: files)
    func rootsMatch(file: String) throws {
        guard let json = try Vectors.json("ethereum-tests/TrieTests/" + file) as? [String: [String: Any]] else {
            throw VectorError.malformed(file)
        }
        let secure = file.contains("secure")
        var suite = ConformanceSuite("TrieTests/\(file)")
        for (name, test) in json.sorted(by: { $0.key < $1.key }) {
            suite.check(name) {
                var ops: [(key: [UInt8], value: [UInt8]?)] = []
                if let list = test["in"] as? [[Any]] {
                    for pair in list {
                        guard pair.count == 2, let k = pair[0] as? String else { throw VectorError.malformed(name) }
                        ops.append((try Self.bytes(k), try (pair[1] as? String).map(Self.bytes)))
                    }
                } else if let map = test["in"] as? [String: Any] {
                    for (k, v) in map { ops.append((try Self.bytes(k), try (v as? String).map(Self.bytes))) }
                } else {
                    throw VectorError.malformed(name)
                }
                guard let rootHex = test["root"] as? String else { throw VectorError.malformed(name) }
                let expected = try Hash32(hex: rootHex)
                let trie = MerklePatriciaTrie()
                for (key, value) in ops {
                    let k = secure ? Keccak256.hash(key).bytes : key
                    if let value { try trie.update(k, value) } else { try trie.delete(k) }
                }
                let got = trie.rootHash()
                guard got == expected else { throw Mismatch("root", got: got, expected: expected) }
                // Committed nodes reload into a trie with the same root and contents.
                let committed = trie.commit()
                let reloaded = MerklePatriciaTrie(rootHash: committed.root,
                                                  source: InMemoryNodeSource(Dictionary(committed.nodes.map { ($0.hash, $0.rlp) },
                                                                                        uniquingKeysWith: { a, _ in a })))
                var final: [[UInt8]: [UInt8]] = [:]
                for (key, value) in ops { final[secure ? Keccak256.hash(key).bytes : key] = (value?.isEmpty ?? true) ? nil : value }
                for (k, v) in final {
                    let loaded = try reloaded.get(k)
                    guard loaded == v else { throw Mismatch("reloaded value", got: loaded ?? [], expected: v) }
                }
                // The one-pass builder agrees with the trie.
                var builder = HashBuilder()
                for (k, v) in final { builder.add(key: k, value: v) }
                let built = builder.root()
                guard built == expected else { throw Mismatch("HashBuilder root", got: built, expected: expected) }
            }
        }
        suite.finish()
        #expect(suite.failed == 0)
        #expect(suite.passed == json.count && suite.passed > 0)
    }
}
