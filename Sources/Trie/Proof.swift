public import Primitives

extension MerklePatriciaTrie {
    /// The Merkle proof for `key`: the RLP of every node on the path from the root,
    /// root first, as `eth_getProof` returns them (nodes inlined in their parent are
    /// not listed separately). It proves presence or absence.
    public func proof(_ key: [UInt8]) throws(TrieError) -> [[UInt8]] {
        _ = rootHash()  // every node on the path gets its reference
        let path = Nibbles.of(key)
        var out: [[UInt8]] = []
        var node = root
        var i = 0
        var isRoot = true
        while true {
            if case .hash(let h) = node { node = try resolve(h) }
            if case .empty = node { return out }
            let encoded = NodeCodec.encode(node, emit: nil)
            if isRoot || encoded.count >= 32 { out.append(encoded) }
            isRoot = false
            switch node {
            case .leaf, .empty, .hash:
                return out
            case .extension(let ext):
                guard path.count - i >= ext.path.count, path[i..<(i + ext.path.count)] == ext.path[...] else { return out }
                i += ext.path.count
                node = ext.child
            case .branch(let branch):
                guard i < path.count else { return out }
                node = branch.children[Int(path[i])]
                i += 1
            }
        }
    }

    /// Checks a proof against `root` and returns the value it proves for `key`
    /// (nil when it proves absence). Throws ``TrieError/invalidProof(_:)`` when a
    /// node is missing or the nodes do not chain from the root.
    public static func verifyProof(root: Hash32, key: [UInt8], proof: [[UInt8]]) throws(TrieError) -> [UInt8]? {
        var byHash: [Hash32: [UInt8]] = [:]
        for node in proof { byHash[Keccak256.hash(node)] = node }
        guard byHash[root] != nil || root == .emptyTrieRoot else { throw .invalidProof("no node hashes to the root") }
        let trie = MerklePatriciaTrie(rootHash: root, source: InMemoryNodeSource(byHash))
        do {
            return try trie.get(key)
        } catch .missingNode(let h) {
            throw .invalidProof("missing node \(h)")
        }
    }
}
