import Primitives

/// A trie node as held in memory: a resolved node, or a hash still in the source.
///
/// Resolved nodes are reference types so the trie can update them in place and
/// cache each node's reference (``NodeReference``) until it changes.
enum Node {
    case empty
    case leaf(LeafNode)
    case `extension`(ExtensionNode)
    case branch(BranchNode)
    /// Not loaded yet: fetch it from the node source when a path needs it.
    case hash(Hash32)
}

/// How a parent refers to a child: the child's own RLP when it is shorter than
/// 32 bytes, otherwise the Keccak-256 of that RLP (Yellow Paper, eq. 193).
enum NodeReference {
    case inline([UInt8])
    case hashed(Hash32)
}

/// A leaf: the rest of the key's path and the value.
final class LeafNode: TrieNodeObject {
    var path: [UInt8]
    var value: [UInt8]
    var cached: NodeReference?
    var persisted = false
    init(path: [UInt8], value: [UInt8]) { self.path = path; self.value = value }
}

/// An extension: a shared path segment leading to one child (always a branch when canonical).
final class ExtensionNode: TrieNodeObject {
    var path: [UInt8]
    var child: Node
    var cached: NodeReference?
    var persisted = false
    init(path: [UInt8], child: Node) { self.path = path; self.child = child }
}

/// A branch: sixteen children, one per nibble, and an optional value for a key ending here.
final class BranchNode: TrieNodeObject {
    var children: [Node]
    var value: [UInt8]?
    var cached: NodeReference?
    var persisted = false
    init(children: [Node] = Array(repeating: .empty, count: 16), value: [UInt8]? = nil) {
        self.children = children; self.value = value
    }

    /// Indices of the non-empty children.
    var occupied: [Int] { children.indices.filter { if case .empty = children[$0] { false } else { true } } }
}

/// What every resolved node keeps besides its contents.
protocol TrieNodeObject: AnyObject {
    /// The reference computed for the node's current contents (nil after a change).
    var cached: NodeReference? { get set }
    /// Whether the node, as it is now, has been handed out by a commit or loaded from the source.
    var persisted: Bool { get set }
}

extension TrieNodeObject {
    /// Marks the node changed: its reference must be recomputed and it must be committed again.
    func invalidate() { cached = nil; persisted = false }
}

extension Node {
    /// The node object behind a resolved node.
    var object: (any TrieNodeObject)? {
        switch self {
        case .leaf(let n): n
        case .extension(let n): n
        case .branch(let n): n
        case .empty, .hash: nil
        }
    }
}
