public import Primitives

/// Builds a trie root in one pass from a complete set of keys, without building
/// node objects: entries are sorted, and each subtree is encoded and hashed as
/// soon as its key range is known (the shape follows from the sorted keys).
///
/// Used for ordered roots (transactions, receipts) and for committing a fresh
/// state (genesis), where it is several times faster than inserting into a
/// ``MerklePatriciaTrie``. Gives exactly the same root as the trie for the same
/// contents; a later ``add(key:value:)`` for a key replaces the earlier value.
public struct HashBuilder {
    private var entries: [(path: [UInt8], value: [UInt8])] = []

    public init() {}

    /// Adds a key (any order; empty values are skipped, as a trie deletes them).
    public mutating func add(key: [UInt8], value: [UInt8]) {
        guard !value.isEmpty else { return }
        entries.append((Nibbles.of(key), value))
    }

    /// The root hash. Every node of 32 bytes or more is reported to `emit` (hash, RLP)
    /// so a caller can store the trie; the root node is always reported, whatever its size.
    public func root(emit: ((Hash32, [UInt8]) -> Void)? = nil) -> Hash32 {
        var sorted = entries
        // Stable sort keeps insertion order among equal keys; the last one wins below.
        sorted = sorted.enumerated().sorted {
            $0.element.path == $1.element.path ? $0.offset < $1.offset : $0.element.path.lexicographicallyPrecedes($1.element.path)
        }.map(\.element)
        var unique: [(path: [UInt8], value: [UInt8])] = []
        unique.reserveCapacity(sorted.count)
        for e in sorted {
            if let last = unique.last, last.path == e.path { unique[unique.count - 1] = e } else { unique.append(e) }
        }
        guard !unique.isEmpty else { return .emptyTrieRoot }
        let encoded = Self.encode(unique, 0..<unique.count, depth: 0, emit: emit)
        let h = Keccak256.hash(encoded)
        emit?(h, encoded)  // the root node is stored whatever its size
        return h
    }

    /// RLP of the node holding `range` (sorted, unique, sharing `depth` leading nibbles).
    private static func encode(_ e: [(path: [UInt8], value: [UInt8])], _ range: Range<Int>, depth: Int,
                               emit: ((Hash32, [UInt8]) -> Void)?) -> [UInt8] {
        var enc = RLPEncoder(capacity: 128)
        if range.count == 1 {
            let only = e[range.lowerBound]
            enc.appendList { l in
                l.appendBytes(Nibbles.compact(only.path[depth...], isLeaf: true))
                l.appendBytes(only.value)
            }
            return enc.bytes
        }
        let first = e[range.lowerBound].path, last = e[range.upperBound - 1].path
        let common = Nibbles.commonPrefixLength(first[depth...], last[depth...])
        if common > 0 {
            let child = encode(e, range, depth: depth + common, emit: emit)
            enc.appendList { l in
                l.appendBytes(Nibbles.compact(first[depth..<(depth + common)], isLeaf: false))
                NodeCodec.append(NodeCodec.finish(child, emit: emit), to: &l)
            }
            return enc.bytes
        }
        // Branch: at most one key ends here (sorted first); the rest split by nibble.
        var i = range.lowerBound
        var value: [UInt8] = []
        if e[i].path.count == depth { value = e[i].value; i += 1 }
        var refs: [NodeReference?] = Array(repeating: nil, count: 16)
        while i < range.upperBound {
            let nibble = e[i].path[depth]
            var j = i + 1
            while j < range.upperBound && e[j].path[depth] == nibble { j += 1 }
            refs[Int(nibble)] = NodeCodec.finish(encode(e, i..<j, depth: depth + 1, emit: emit), emit: emit)
            i = j
        }
        enc = RLPEncoder(capacity: 532)
        enc.appendList { l in
            for r in refs { NodeCodec.append(r, to: &l) }
            l.appendBytes(value)
        }
        return enc.bytes
    }
}
