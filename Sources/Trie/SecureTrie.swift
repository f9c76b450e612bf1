public import Primitives

/// A trie keyed by Keccak-256 of the key, as Ethereum's state and storage tries are.
///
/// Hashing the keys bounds path length at 64 nibbles and keeps an attacker from
/// building deep paths. Same guarantees and thread-safety as ``MerklePatriciaTrie``.
public final class SecureTrie {
    public let trie: MerklePatriciaTrie

    public init(rootHash: Hash32 = .emptyTrieRoot, source: any TrieNodeSource = EmptyNodeSource()) {
        trie = MerklePatriciaTrie(rootHash: rootHash, source: source)
    }

    public func get(_ key: [UInt8]) throws(TrieError) -> [UInt8]? { try trie.get(Keccak256.hash(key).bytes) }
    public func update(_ key: [UInt8], _ value: [UInt8]) throws(TrieError) { try trie.update(Keccak256.hash(key).bytes, value) }
    public func delete(_ key: [UInt8]) throws(TrieError) { try trie.delete(Keccak256.hash(key).bytes) }
    public func rootHash() -> Hash32 { trie.rootHash() }
    public func commit() -> (root: Hash32, nodes: [(hash: Hash32, rlp: [UInt8])]) { trie.commit() }
    public func proof(_ key: [UInt8]) throws(TrieError) -> [[UInt8]] { try trie.proof(Keccak256.hash(key).bytes) }
}
