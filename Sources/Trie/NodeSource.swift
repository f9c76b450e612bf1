public import Primitives
public import Storage

/// Where a trie finds the nodes it holds only by hash.
///
/// Implementations return the node's RLP for a hash, or nil when it is unknown.
public protocol TrieNodeSource {
    func trieNode(_ hash: Hash32) throws(TrieError) -> [UInt8]?
}

/// A source with no nodes: for tries built from scratch in memory.
public struct EmptyNodeSource: TrieNodeSource, Sendable {
    public init() {}
    public func trieNode(_ hash: Hash32) throws(TrieError) -> [UInt8]? { nil }
}

/// Nodes held in a dictionary (tests, proofs, scratch tries).
public struct InMemoryNodeSource: TrieNodeSource, Sendable {
    public var nodes: [Hash32: [UInt8]]
    public init(_ nodes: [Hash32: [UInt8]] = [:]) { self.nodes = nodes }
    public func trieNode(_ hash: Hash32) throws(TrieError) -> [UInt8]? { nodes[hash] }
}

/// Nodes stored in a table (``Tables/trieNodes`` unless told) of a storage snapshot or write batch.
public struct StorageNodeSource: TrieNodeSource {
    public let reader: any StorageReader
    public let table: Table
    public init(_ reader: any StorageReader, table: Table = Tables.trieNodes) { self.reader = reader; self.table = table }
    public func trieNode(_ hash: Hash32) throws(TrieError) -> [UInt8]? {
        do { return try reader.get(table, hash.bytes) } catch { throw .storage(error) }
    }
}
