public import Primitives
public import Storage

/// Why a trie operation failed.
public enum TrieError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A node the path needs is not in the node source (pruned state, or a bad root).
    case missingNode(Hash32)
    /// A stored or proof node is not a valid trie node.
    case malformedNode(String)
    /// Reading nodes from storage failed.
    case storage(StorageError)
    /// A Merkle proof does not lead from the root to the key.
    case invalidProof(String)

    public var description: String {
        switch self {
        case .missingNode(let h): "trie: missing node \(h)"
        case .malformedNode(let why): "trie: malformed node: \(why)"
        case .storage(let e): "trie: \(e)"
        case .invalidProof(let why): "trie: invalid proof: \(why)"
        }
    }
}
