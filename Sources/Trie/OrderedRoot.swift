public import Primitives

/// The root of a list trie: keys are `rlp(index)`, values the items' encodings.
/// This is how transaction, receipt and withdrawal roots are formed.
public enum OrderedRoot {
    /// The root of `items`, where item `i` is stored under `rlp(i)`.
    public static func compute(_ items: [[UInt8]]) -> Hash32 {
        if items.isEmpty { return .emptyTrieRoot }
        var builder = HashBuilder()
        // rlp(i) sorts as: 0x80 (i = 0) after 0x01…0x7f, so order the keys first.
        let keyed = items.indices.map { (key: UInt64($0).rlpEncoded, index: $0) }
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }
        for entry in keyed { builder.add(key: entry.key, value: items[entry.index]) }
        return builder.root()
    }
}
