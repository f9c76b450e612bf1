public import Primitives
public import ChainTypes
public import Storage

/// Where a confidential chain keeps its encrypted side: each block's section, the
/// encrypted state root after each block, and the encrypted trie's nodes. Everything is
/// keyed by block hash or node hash, so side branches and reorgs need no unwinding.
public enum ConfidentialStore {
    /// The encrypted state root after block `hash`; the empty trie's root when none is
    /// recorded (genesis, or a chain without a confidential module).
    public static func encStateRoot(after hash: Hash32, in reader: any StorageReader) throws -> Hash32 {
        guard let bytes = try reader.get(Tables.encStateRoots, hash.bytes) else { return .emptyTrieRoot }
        guard let root = Hash32(bytes) else { throw ConfidentialStoreError("an encrypted state root of \(bytes.count) bytes") }
        return root
    }

    /// The section of block `hash`, if it has one.
    public static func section(of hash: Hash32, in reader: any StorageReader) throws -> ConfidentialSection? {
        guard let bytes = try reader.get(Tables.sections, hash.bytes) else { return nil }
        return try ConfidentialSection(rlp: bytes)
    }

    /// Stores what a block did to the encrypted state.
    static func write(_ update: EncryptedStateUpdate, block hash: Hash32, in w: any StorageWriter) throws {
        if let section = update.section { try w.put(Tables.sections, hash.bytes, section.rlp) }
        try w.put(Tables.encStateRoots, hash.bytes, update.root.bytes)
        for node in update.nodes { try w.put(Tables.encTrieNodes, node.hash.bytes, node.rlp) }
    }
}

/// A stored confidential record does not decode.
public struct ConfidentialStoreError: Error, Sendable, CustomStringConvertible {
    public let reason: String
    init(_ reason: String) { self.reason = reason }
    public var description: String { "confidential store: \(reason)" }
}
