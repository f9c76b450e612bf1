import Testing
import PropertyBased
import Primitives
import Trie
import TestSupport

@Suite struct TrieTests {
    /// Random key/value sets with shared prefixes (short keys over a small alphabet),
    /// so branches, extensions, prefix keys and inline nodes all occur.
    static func randomEntries(_ rng: inout SeededGenerator, count: Int) -> [[UInt8]: [UInt8]] {
        var out: [[UInt8]: [UInt8]] = [:]
        for _ in 0..<count {
            let key = (0..<Int.random(in: 1...5, using: &rng)).map { _ in UInt8.random(in: 0...3, using: &rng) * 0x11 }
            out[key] = rng.bytes(Int.random(in: 1...40, using: &rng))
        }
        return out
    }

    @Test func rootIsIndependentOfInsertionOrder() async {
        await propertyCheck(count: 200, input: Gen.uint64(), Gen.int(in: 1...60)) { seed, count in
            var rng = SeededGenerator(seed: seed)
            let entries = Self.randomEntries(&rng, count: count)
            let a = MerklePatriciaTrie(), b = MerklePatriciaTrie()
            for (k, v) in entries { try? a.update(k, v) }
            for (k, v) in entries.shuffled(using: &rng) { try? b.update(k, v) }
            // Noise that is removed again must not change the root either.
            for k in entries.keys.shuffled(using: &rng).prefix(5) { try? b.delete(k); try? b.update(k, entries[k]!) }
            #expect(a.rootHash() == b.rootHash())
            var builder = HashBuilder()
            for (k, v) in entries { builder.add(key: k, value: v) }
            // The emitted nodes are a complete trie: a fresh trie over them reads every key.
            var emitted: [Hash32: [UInt8]] = [:]
            let root = builder.root { emitted[$0] = $1 }
            #expect(root == a.rootHash())
            let reloaded = MerklePatriciaTrie(rootHash: root, source: InMemoryNodeSource(emitted))
            for (k, v) in entries { #expect((try? reloaded.get(k)) == v) }
        }
    }

    @Test func deletingEverythingGivesTheEmptyRoot() async {
        await propertyCheck(count: 200, input: Gen.uint64(), Gen.int(in: 1...60)) { seed, count in
            var rng = SeededGenerator(seed: seed)
            let entries = Self.randomEntries(&rng, count: count)
            let trie = MerklePatriciaTrie()
            for (k, v) in entries { try? trie.update(k, v) }
            _ = trie.rootHash()
            for k in entries.keys.shuffled(using: &rng) { try? trie.delete(k) }
            #expect(trie.rootHash() == .emptyTrieRoot)
        }
    }

    /// Deleting half the keys gives the root of a trie built from the other half only:
    /// branch/extension collapse restores canonical form.
    @Test func deletesCollapseToCanonicalForm() throws {
        var rng = SeededGenerator(seed: 42)
        for _ in 0..<100 {
            let entries = Self.randomEntries(&rng, count: 40)
            let keys = Array(entries.keys).shuffled(using: &rng)
            let keep = Set(keys.prefix(keys.count / 2))
            let full = MerklePatriciaTrie(), half = MerklePatriciaTrie()
            for (k, v) in entries {
                try full.update(k, v)
                if keep.contains(k) { try half.update(k, v) }
            }
            // Delete through committed, reloaded nodes too (collapse must resolve hashes).
            let committed = full.commit()
            let store = InMemoryNodeSource(Dictionary(committed.nodes.map { ($0.hash, $0.rlp) }, uniquingKeysWith: { a, _ in a }))
            let reloaded = MerklePatriciaTrie(rootHash: committed.root, source: store)
            for k in keys where !keep.contains(k) { try full.delete(k); try reloaded.delete(k) }
            #expect(full.rootHash() == half.rootHash())
            #expect(reloaded.rootHash() == half.rootHash())
        }
    }

    @Test func commitReturnsOnlyChangedNodes() throws {
        let trie = MerklePatriciaTrie()
        for i in 0..<500 { try trie.update(Keccak256.hash([UInt8(i & 0xff), UInt8(i >> 8)]).bytes, [UInt8](repeating: 7, count: 40)) }
        let first = trie.commit()
        #expect(first.nodes.count > 500)
        let second = trie.commit()
        #expect(second.root == first.root && second.nodes.isEmpty)
        try trie.update(Keccak256.hash([1, 0]).bytes, [9, 9])
        let third = trie.commit()
        #expect(third.root != first.root)
        #expect(third.nodes.count >= 1 && third.nodes.count <= 5, "only the path to one leaf changed")
    }

    @Test func proofsProveValuesAndAbsence() throws {
        var rng = SeededGenerator(seed: 7)
        let trie = SecureTrie()
        var keys: [[UInt8]] = []
        for _ in 0..<300 {
            let k = rng.bytes(20)
            keys.append(k)
            try trie.update(k, rng.bytes(Int.random(in: 1...80, using: &rng)))
        }
        let root = trie.rootHash()
        for k in keys.prefix(50) {
            let hashed = Keccak256.hash(k).bytes
            let proof = try trie.proof(k)
            #expect(try MerklePatriciaTrie.verifyProof(root: root, key: hashed, proof: proof) == (try trie.get(k)))
        }
        let absent = Keccak256.hash([0xde, 0xad]).bytes
        let absenceProof = try trie.trie.proof(absent)
        #expect(try MerklePatriciaTrie.verifyProof(root: root, key: absent, proof: absenceProof) == nil)
        // A proof missing a node, or with a tampered node, does not verify.
        let hashed = Keccak256.hash(keys[0]).bytes
        var proof = try trie.trie.proof(hashed)
        #expect(proof.count >= 2)
        proof.removeLast()
        #expect(throws: TrieError.self) { try MerklePatriciaTrie.verifyProof(root: root, key: hashed, proof: proof) }
        var tampered = try trie.trie.proof(hashed)
        tampered[tampered.count - 1][tampered[tampered.count - 1].count - 1] ^= 1
        #expect(throws: TrieError.self) { try MerklePatriciaTrie.verifyProof(root: root, key: hashed, proof: tampered) }
    }

    @Test func orderedRootMatchesTrieOfIndices() throws {
        var rng = SeededGenerator(seed: 99)
        for n in [0, 1, 2, 16, 127, 128, 129, 300, 1000] {
            let items = (0..<n).map { _ in rng.bytes(Int.random(in: 1...120, using: &rng)) }
            let trie = MerklePatriciaTrie()
            for (i, item) in items.enumerated() { try trie.update(UInt64(i).rlpEncoded, item) }
            #expect(OrderedRoot.compute(items) == trie.rootHash(), "n = \(n)")
        }
        #expect(OrderedRoot.compute([]) == .emptyTrieRoot)
    }

    @Test func malformedStoredNodesAreTypedErrors() {
        let bad: [[UInt8]] = [[0xc0], [0xc3, 0x80, 0x80, 0x80], [0x82, 1, 2], [0xc2, 0x00, 0x80], [0xc3, 0x10, 0x81, 0x99]]
        for bytes in bad {
            let h = Keccak256.hash(bytes)
            let trie = MerklePatriciaTrie(rootHash: h, source: InMemoryNodeSource([h: bytes]))
            #expect(throws: TrieError.self, "\(Hex.encode(bytes))") { try trie.get([1, 2, 3]) }
        }
        let missing = MerklePatriciaTrie(rootHash: Keccak256.hash([1]))
        #expect(throws: TrieError.missingNode(Keccak256.hash([1]))) { try missing.get([1]) }
    }

    @Test func hexPrefixRoundTrip() throws {
        for path in [[], [1], [1, 2], [0xf, 0, 0xa], [0, 0, 0, 0]] as [[UInt8]] {
            for leaf in [true, false] {
                let (back, isLeaf) = try Nibbles.decodeCompact(Nibbles.compact(path[...], isLeaf: leaf)[...])
                #expect(back == path && isLeaf == leaf)
            }
        }
        #expect(Nibbles.compact([1, 2, 3, 4, 5][...], isLeaf: false) == [0x11, 0x23, 0x45])
        #expect(Nibbles.compact([0, 0xf, 1, 0xc, 0xb, 8][...], isLeaf: true) == [0x20, 0x0f, 0x1c, 0xb8])
    }
}
