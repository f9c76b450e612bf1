import Primitives
public import Storage
public import Trie

/// Why a state operation failed.
public enum StateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Reading or writing the store failed.
    case storage(StorageError)
    /// The state trie is missing a node or holds a malformed one.
    case trie(TrieError)
    /// A stored record does not decode (the data directory is damaged).
    case corruptRecord(table: String, reason: String)
    /// No state is recorded for this block (not committed, unwound, or never existed).
    case unknownBlock(UInt64)
    /// Blocks must be committed in order: the next block is `expected`.
    case outOfOrder(got: UInt64, expected: UInt64)
    /// Unwinding can only go back to a committed block at or below the head.
    case cannotUnwind(to: UInt64, head: UInt64)

    public var description: String {
        switch self {
        case .storage(let e): "state: \(e)"
        case .trie(let e): "state: \(e)"
        case .corruptRecord(let table, let reason): "state: corrupt record in \(table): \(reason)"
        case .unknownBlock(let n): "state: no state recorded for block \(n)"
        case .outOfOrder(let got, let expected): "state: block \(got) committed out of order (next is \(expected))"
        case .cannotUnwind(let to, let head): "state: cannot unwind to block \(to) from head \(head)"
        }
    }
}
