public import Primitives
public import ChainTypes
public import Storage

/// Where a confidential chain keeps its encrypted side: each block's section, the
/// encrypted state root after each block (with the nearest section at or below it), and the encrypted trie's nodes. Everything is
/// keyed by block hash or node hash, so side branches and reorgs need no unwinding.
public enum ConfidentialStore {
    /// The encrypted state root after block `hash`; the empty trie's root when none is
    /// recorded (genesis, or a chain without a confidential module).
    public static func encStateRoot(after hash: Hash32, in reader: any StorageReader) throws -> Hash32 {
        try record(hash, in: reader)?.root ?? .emptyTrieRoot
    }

    /// The nearest block at or below `hash` (on its own ancestry) that has a section; nil when none has.
    public static func nearestSection(atOrBelow hash: Hash32, in reader: any StorageReader) throws -> Hash32? {
        try record(hash, in: reader)?.nearestSection
    }

    /// `root (32) ‖ nearest section block (32, zero when none)`.
    private static func record(_ hash: Hash32, in reader: any StorageReader) throws -> (root: Hash32, nearestSection: Hash32?)? {
        guard let bytes = try reader.get(Tables.encStateRoots, hash.bytes) else { return nil }
        guard bytes.count == 64, let root = Hash32(Array(bytes[0..<32])), let nearest = Hash32(Array(bytes[32..<64])) else {
            throw ConfidentialStoreError("an encrypted state record of \(bytes.count) bytes")
        }
        return (root, nearest == .zero ? nil : nearest)
    }

    /// The section of block `hash`, if it has one.
    public static func section(of hash: Hash32, in reader: any StorageReader) throws -> ConfidentialSection? {
        guard let bytes = try reader.get(Tables.sections, hash.bytes) else { return nil }
        return try ConfidentialSection(rlp: bytes)
    }

    /// Stores what a block did to the encrypted state.
    static func write(_ update: EncryptedStateUpdate, block hash: Hash32, parent: Hash32, in w: any StorageWriter) throws {
        if let section = update.section { try w.put(Tables.sections, hash.bytes, section.rlp) }
        let nearest = update.section != nil ? hash : (try nearestSection(atOrBelow: parent, in: w) ?? .zero)
        try w.put(Tables.encStateRoots, hash.bytes, update.root.bytes + nearest.bytes)
        for node in update.nodes { try w.put(Tables.encTrieNodes, node.hash.bytes, node.rlp) }
    }
}

/// A stored confidential record does not decode.
public struct ConfidentialStoreError: Error, Sendable, CustomStringConvertible {
    public let reason: String
    init(_ reason: String) { self.reason = reason }
    public var description: String { "confidential store: \(reason)" }
}
