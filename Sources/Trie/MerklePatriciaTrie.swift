public import Primitives

/// # Trie
///
/// Ethereum's hexary Merkle Patricia Trie (Yellow Paper appendix D): leaves,
/// extensions and branches, hex-prefix paths, children inlined when their RLP is
/// under 32 bytes, and the root as Keccak-256 of the root node's RLP.
///
/// A trie starts from a root hash and a ``TrieNodeSource``; nodes are loaded
/// lazily as paths need them and updated in memory. ``rootHash()`` hashes only
/// what changed since the last call; ``commit()`` also returns the new nodes
/// (hash → RLP) for the caller to store. Deleting collapses branches and
/// extensions back to canonical form, so the root depends only on the contents,
/// never on the order of updates.
///
/// Not thread-safe: one trie is used by one task at a time (like go-ethereum's
/// `Trie`). Build separate tries for parallel work.
public final class MerklePatriciaTrie {
    var root: Node
    let source: any TrieNodeSource

    /// A trie over the nodes of `source`, starting at `rootHash` (the empty root for a new trie).
    public init(rootHash: Hash32 = .emptyTrieRoot, source: any TrieNodeSource = EmptyNodeSource()) {
        self.root = rootHash == .emptyTrieRoot ? .empty : .hash(rootHash)
        self.source = source
    }

    // MARK: Reads

    /// The value stored under `key`, or nil.
    public func get(_ key: [UInt8]) throws(TrieError) -> [UInt8]? {
        let path = Nibbles.of(key)
        var node = root
        var i = 0
        while true {
            switch node {
            case .empty:
                return nil
            case .hash(let h):
                node = try resolve(h)
            case .leaf(let leaf):
                return leaf.path[...] == path[i...] ? leaf.value : nil
            case .extension(let ext):
                guard path.count - i >= ext.path.count, path[i..<(i + ext.path.count)] == ext.path[...] else { return nil }
                i += ext.path.count
                node = ext.child
            case .branch(let branch):
                if i == path.count { return branch.value }
                node = branch.children[Int(path[i])]
                i += 1
            }
        }
    }

    // MARK: Writes

    /// Stores `value` under `key`; an empty value deletes the key (as go-ethereum's `Update`).
    public func update(_ key: [UInt8], _ value: [UInt8]) throws(TrieError) {
        if value.isEmpty { try delete(key); return }
        root = try insert(root, Nibbles.of(key)[...], value)
    }

    /// Removes `key` (absent keys are not an error).
    public func delete(_ key: [UInt8]) throws(TrieError) {
        root = try remove(root, Nibbles.of(key)[...])
    }

    private func insert(_ node: Node, _ path: ArraySlice<UInt8>, _ value: [UInt8]) throws(TrieError) -> Node {
        switch node {
        case .empty:
            return .leaf(LeafNode(path: Array(path), value: value))
        case .hash(let h):
            return try insert(try resolve(h), path, value)
        case .leaf(let leaf):
            let common = Nibbles.commonPrefixLength(leaf.path[...], path)
            if common == leaf.path.count && common == path.count {
                leaf.value = value
                leaf.invalidate()
                return node
            }
            let branch = BranchNode()
            // Existing leaf goes below the branch (or becomes its value).
            if common == leaf.path.count {
                branch.value = leaf.value
            } else {
                branch.children[Int(leaf.path[common])] = .leaf(LeafNode(path: Array(leaf.path[(common + 1)...]), value: leaf.value))
            }
            return place(value, at: path, below: branch, splitAt: common)
        case .extension(let ext):
            let common = Nibbles.commonPrefixLength(ext.path[...], path)
            if common == ext.path.count {
                ext.child = try insert(ext.child, path.dropFirst(common), value)
                ext.invalidate()
                return node
            }
            // Split the extension at the first differing nibble.
            let branch = BranchNode()
            let extRest = ext.path[(common + 1)...]
            branch.children[Int(ext.path[common])] = extRest.isEmpty
                ? ext.child
                : .extension(ExtensionNode(path: Array(extRest), child: ext.child))
            return place(value, at: path, below: branch, splitAt: common)
        case .branch(let branch):
            branch.invalidate()
            guard let first = path.first else {
                branch.value = value
                return node
            }
            branch.children[Int(first)] = try insert(branch.children[Int(first)], path.dropFirst(), value)
            return node
        }
    }

    /// Finishes a split: puts the new value into `branch` (as a leaf under its next
    /// nibble, or as the branch's value when the path ends there) and puts the
    /// shared `common` nibbles, if any, in an extension above the branch.
    private func place(_ value: [UInt8], at path: ArraySlice<UInt8>, below branch: BranchNode, splitAt common: Int) -> Node {
        let rest = path.dropFirst(common)
        if let first = rest.first {
            branch.children[Int(first)] = .leaf(LeafNode(path: Array(rest.dropFirst()), value: value))
        } else {
            branch.value = value
        }
        return common == 0 ? .branch(branch) : .extension(ExtensionNode(path: Array(path.prefix(common)), child: .branch(branch)))
    }

    private func remove(_ node: Node, _ path: ArraySlice<UInt8>) throws(TrieError) -> Node {
        switch node {
        case .empty:
            return .empty
        case .hash(let h):
            let resolved = try resolve(h)
            let result = try remove(resolved, path)
            // Nothing removed: keep the compact hash reference.
            if case .hash = result { return result }
            return isUnchanged(resolved, result) ? node : result
        case .leaf(let leaf):
            return leaf.path[...] == path ? .empty : node
        case .extension(let ext):
            let n = ext.path.count
            guard path.count >= n, path.prefix(n).elementsEqual(ext.path) else { return node }
            let child = try remove(ext.child, path.dropFirst(n))
            if isUnchanged(ext.child, child) { return node }
            switch child {
            case .empty:
                return .empty
            case .leaf(let leaf):
                return .leaf(LeafNode(path: ext.path + leaf.path, value: leaf.value))
            case .extension(let inner):
                return .extension(ExtensionNode(path: ext.path + inner.path, child: inner.child))
            default:
                ext.child = child
                ext.invalidate()
                return node
            }
        case .branch(let branch):
            if let first = path.first {
                let i = Int(first)
                let child = try remove(branch.children[i], path.dropFirst())
                if isUnchanged(branch.children[i], child) { return node }
                branch.children[i] = child
            } else {
                if branch.value == nil { return node }
                branch.value = nil
            }
            branch.invalidate()
            return try collapse(branch)
        }
    }

    /// Restores canonical form after a removal from `branch`.
    private func collapse(_ branch: BranchNode) throws(TrieError) -> Node {
        let occupied = branch.occupied
        if occupied.count >= 2 || (occupied.count == 1 && branch.value != nil) { return .branch(branch) }
        if occupied.isEmpty {
            guard let value = branch.value else { return .empty }
            return .leaf(LeafNode(path: [], value: value))
        }
        // One child and no value: merge the branch's nibble into the child.
        let nibble = UInt8(occupied[0])
        var child = branch.children[occupied[0]]
        if case .hash(let h) = child { child = try resolve(h) }
        switch child {
        case .leaf(let leaf):
            return .leaf(LeafNode(path: [nibble] + leaf.path, value: leaf.value))
        case .extension(let ext):
            return .extension(ExtensionNode(path: [nibble] + ext.path, child: ext.child))
        default:
            return .extension(ExtensionNode(path: [nibble], child: child))
        }
    }

    private func isUnchanged(_ before: Node, _ after: Node) -> Bool {
        switch (before, after) {
        case (.empty, .empty): return true
        case (.hash(let a), .hash(let b)): return a == b
        case (.leaf(let a), .leaf(let b)): return a === b && a.cached != nil
        case (.extension(let a), .extension(let b)): return a === b && a.cached != nil
        case (.branch(let a), .branch(let b)): return a === b && a.cached != nil
        default: return false
        }
    }

    func resolve(_ hash: Hash32) throws(TrieError) -> Node {
        guard let bytes = try source.trieNode(hash) else { throw .missingNode(hash) }
        let node = try NodeCodec.decode(bytes)
        // A node loaded by hash is clean and already stored: never re-hash or re-emit it.
        node.object?.cached = .hashed(hash)
        node.object?.persisted = true
        return node
    }

    // MARK: Hashing

    /// The root hash, hashing only nodes changed since the last call.
    public func rootHash() -> Hash32 {
        rootHash(emit: nil)
    }

    /// Hashes the trie and returns the root with every node created or changed
    /// since the last commit (hash → RLP), for the caller to store. Nodes under 32
    /// bytes live inside their parents and are not returned, except a short root,
    /// which is returned under its hash so the root can always be loaded.
    public func commit() -> (root: Hash32, nodes: [(hash: Hash32, rlp: [UInt8])]) {
        var nodes: [(hash: Hash32, rlp: [UInt8])] = []
        let root = rootHash { nodes.append(($0, $1)) }
        return (root, nodes)
    }

    private func rootHash(emit: ((Hash32, [UInt8]) -> Void)?) -> Hash32 {
        switch NodeCodec.reference(of: root, emit: emit) {
        case nil:
            return .emptyTrieRoot
        case .hashed(let h):
            return h
        case .inline(let bytes):
            let h = Keccak256.hash(bytes)
            emit?(h, bytes)
            return h
        }
    }
}
