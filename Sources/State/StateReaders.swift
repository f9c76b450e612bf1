public import Primitives
public import Storage
import Trie
public import ChainTypes

/// The latest committed state, read from the flat tables: one lookup per read.
public struct FlatStateReader: StateReader {
    let snapshot: any StorageReader
    public let stateRoot: Hash32

    public init(snapshot: any StorageReader, stateRoot: Hash32) { self.snapshot = snapshot; self.stateRoot = stateRoot }

    public func account(_ address: Address) throws(StateError) -> Account? {
        let bytes: [UInt8]?
        do { bytes = try snapshot.get(Tables.accounts, address.bytes) } catch { throw .storage(error) }
        guard let bytes else { return nil }
        do { return try Account(rlp: bytes) } catch { throw .corruptRecord(table: "accounts", reason: "\(error)") }
    }

    public func storage(_ address: Address, slot: UInt256) throws(StateError) -> UInt256 {
        let bytes: [UInt8]?
        do { bytes = try snapshot.get(Tables.storage, StateKeys.storage(address, slot)) } catch { throw .storage(error) }
        guard let bytes else { return .zero }
        return try UInt256(flatValue: bytes)
    }

    public func code(_ hash: Hash32) throws(StateError) -> [UInt8]? {
        if hash == .emptyKeccak { return [] }
        do { return try snapshot.get(Tables.code, hash.bytes) } catch { throw .storage(error) }
    }
}

/// A past block's state, read through its state trie (trie nodes are content
/// addressed and kept, so any committed root stays readable).
public struct TrieStateReader: StateReader {
    let snapshot: any StorageReader
    public let stateRoot: Hash32

    public init(snapshot: any StorageReader, stateRoot: Hash32) { self.snapshot = snapshot; self.stateRoot = stateRoot }

    public func account(_ address: Address) throws(StateError) -> Account? {
        let trie = SecureTrie(rootHash: stateRoot, source: StorageNodeSource(snapshot))
        let bytes: [UInt8]?
        do { bytes = try trie.get(address.bytes) } catch { throw .trie(error) }
        guard let bytes else { return nil }
        do { return try Account(rlp: bytes) } catch { throw .corruptRecord(table: "trie_nodes", reason: "\(error)") }
    }

    public func storage(_ address: Address, slot: UInt256) throws(StateError) -> UInt256 {
        guard let account = try account(address), account.storageRoot != .emptyTrieRoot else { return .zero }
        let trie = SecureTrie(rootHash: account.storageRoot, source: StorageNodeSource(snapshot))
        let bytes: [UInt8]?
        do { bytes = try trie.get(slot.bigEndianBytes) } catch { throw .trie(error) }
        guard let bytes else { return .zero }
        do {
            var r = RLPReader(bytes)
            let v = try r.readUInt256()
            try r.finish()
            return v
        } catch { throw .corruptRecord(table: "trie_nodes", reason: "storage value: \(error)") }
    }

    public func code(_ hash: Hash32) throws(StateError) -> [UInt8]? {
        if hash == .emptyKeccak { return [] }
        do { return try snapshot.get(Tables.code, hash.bytes) } catch { throw .storage(error) }
    }
}
