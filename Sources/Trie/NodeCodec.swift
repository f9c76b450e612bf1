import Primitives

/// RLP encoding and decoding of trie nodes.
///
/// - leaf: `[hexPrefix(path, leaf), value]`
/// - extension: `[hexPrefix(path, extension), childReference]`
/// - branch: `[ref0, …, ref15, value]` (empty slots and no value as `0x80`)
///
/// A child reference is the child's RLP inline when shorter than 32 bytes, else
/// the 32-byte hash as an RLP string.
enum NodeCodec {
    /// The reference a parent stores for `node`, computing (and caching) it when the
    /// node changed. Each newly hashed node (RLP ≥ 32 bytes) is reported to `emit`.
    static func reference(of node: Node, emit: ((Hash32, [UInt8]) -> Void)?) -> NodeReference? {
        guard let object = node.object else {
            if case .hash(let h) = node { return .hashed(h) }
            return nil
        }
        if let c = object.cached, emit == nil || object.persisted { return c }
        let r = finish(encode(node, emit: emit), emit: emit)
        object.cached = r
        if emit != nil { object.persisted = true }
        return r
    }

    /// The node's own RLP, with its children by reference (computed as needed).
    static func encode(_ node: Node, emit: ((Hash32, [UInt8]) -> Void)?) -> [UInt8] {
        switch node {
        case .empty, .hash:
            return [0x80]
        case .leaf(let leaf):
            var e = RLPEncoder(capacity: leaf.value.count + leaf.path.count / 2 + 8)
            e.appendList { e in
                e.appendBytes(Nibbles.compact(leaf.path[...], isLeaf: true))
                e.appendBytes(leaf.value)
            }
            return e.bytes
        case .extension(let ext):
            let childRef = reference(of: ext.child, emit: emit)
            var e = RLPEncoder(capacity: 40 + ext.path.count / 2)
            e.appendList { e in
                e.appendBytes(Nibbles.compact(ext.path[...], isLeaf: false))
                append(childRef, to: &e)
            }
            return e.bytes
        case .branch(let branch):
            var refs = [NodeReference?]()
            refs.reserveCapacity(16)
            for child in branch.children { refs.append(reference(of: child, emit: emit)) }
            var e = RLPEncoder(capacity: 532)
            e.appendList { e in
                for r in refs { append(r, to: &e) }
                e.appendBytes(branch.value ?? [])
            }
            return e.bytes
        }
    }

    static func append(_ ref: NodeReference?, to e: inout RLPEncoder) {
        switch ref {
        case nil: e.appendBytes([])
        case .inline(let bytes): e.appendEncoded(bytes)
        case .hashed(let h): e.append(h)
        }
    }

    static func finish(_ encoded: [UInt8], emit: ((Hash32, [UInt8]) -> Void)?) -> NodeReference {
        if encoded.count < 32 { return .inline(encoded) }
        let h = Keccak256.hash(encoded)
        emit?(h, encoded)
        return .hashed(h)
    }

    /// Decodes a node's RLP (a stored node, or an inline child).
    static func decode(_ bytes: [UInt8]) throws(TrieError) -> Node {
        do {
            var reader = RLPReader(bytes)
            let node = try decode(from: &reader)
            try reader.finish()
            return node
        } catch let error as TrieError {
            throw error
        } catch {
            throw .malformedNode("\(error)")
        }
    }

    private static func decode(from reader: inout RLPReader) throws -> Node {
        var items = try reader.readList()
        var count = 0
        var probe = items
        while !probe.isAtEnd { _ = try probe.readEncodedItem(); count += 1 }
        switch count {
        case 2:
            let (path, isLeaf) = try Nibbles.decodeCompact(try items.readBytes())
            if isLeaf {
                return .leaf(LeafNode(path: path, value: Array(try items.readBytes())))
            }
            guard !path.isEmpty else { throw TrieError.malformedNode("extension with an empty path") }
            let child = try decodeChild(from: &items)
            if case .empty = child { throw TrieError.malformedNode("extension without a child") }
            return .extension(ExtensionNode(path: path, child: child))
        case 17:
            let branch = BranchNode()
            for i in 0..<16 { branch.children[i] = try decodeChild(from: &items) }
            let value = try items.readBytes()
            branch.value = value.isEmpty ? nil : Array(value)
            return .branch(branch)
        default:
            throw TrieError.malformedNode("a node has 2 or 17 items, not \(count)")
        }
    }

    private static func decodeChild(from reader: inout RLPReader) throws -> Node {
        if try reader.nextIsList() {
            let encoded = Array(try reader.readEncodedItem())
            guard encoded.count < 32 else { throw TrieError.malformedNode("inline child of \(encoded.count) bytes") }
            return try decode(encoded)
        }
        let bytes = try reader.readBytes()
        switch bytes.count {
        case 0: return .empty
        case 32: return .hash(Hash32(bytes)!)
        default: throw TrieError.malformedNode("child reference of \(bytes.count) bytes")
        }
    }
}
