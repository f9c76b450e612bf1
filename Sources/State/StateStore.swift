public import Primitives
public import Storage
import Trie
import ChainTypes

/// Commits state changes to a store block by block, unwinds blocks, and serves
/// reads of the latest or a past block's state.
///
/// Each ``commit(_:block:)`` is one atomic write batch holding the flat account
/// and storage rows, new code, new trie nodes, the block's change set (every
/// overwritten row's previous value) and the block's state root — so a crash
/// leaves either the whole block or none of it. ``unwind(to:)`` replays change
/// sets backwards. Trie nodes are never deleted, so every committed root stays
/// readable (``reader(atBlock:)``).
///
/// Thread-safe as far as the store is: commits are serialized by the store's
/// single writer; readers work on their own snapshots.
public final class StateStore: Sendable {
    public let store: any KeyValueStore

    public init(store: any KeyValueStore) { self.store = store }

    /// The last committed block and its state root, or nil before genesis.
    public func head() throws(StateError) -> (block: UInt64, root: Hash32)? {
        let snapshot: any ReadSnapshot
        do { snapshot = try store.snapshot() } catch { throw .storage(error) }
        return try Self.head(in: snapshot)
    }

    static func head(in reader: any StorageReader) throws(StateError) -> (block: UInt64, root: Hash32)? {
        let bytes: [UInt8]?
        do { bytes = try reader.get(Tables.meta, StateKeys.head) } catch { throw .storage(error) }
        guard let bytes else { return nil }
        guard let block = StateKeys.readBlockNumber(bytes) else {
            throw .corruptRecord(table: "meta", reason: "state head of \(bytes.count) bytes")
        }
        return (block, try root(of: block, in: reader))
    }

    static func root(of block: UInt64, in reader: any StorageReader) throws(StateError) -> Hash32 {
        let bytes: [UInt8]?
        do { bytes = try reader.get(Tables.stateRoots, StateKeys.blockNumber(block)) } catch { throw .storage(error) }
        guard let bytes else { throw .unknownBlock(block) }
        guard let root = Hash32(bytes) else { throw .corruptRecord(table: "state_roots", reason: "root of \(bytes.count) bytes") }
        return root
    }

    /// The latest committed state (flat tables), or the empty state before genesis.
    public func latest() throws(StateError) -> any StateReader {
        let snapshot: any ReadSnapshot
        do { snapshot = try store.snapshot() } catch { throw .storage(error) }
        guard let head = try Self.head(in: snapshot) else { return EmptyStateReader() }
        return FlatStateReader(snapshot: snapshot, stateRoot: head.root)
    }

    /// The state after `block` (flat tables for the head, the trie for earlier blocks).
    public func reader(atBlock block: UInt64) throws(StateError) -> any StateReader {
        let snapshot: any ReadSnapshot
        do { snapshot = try store.snapshot() } catch { throw .storage(error) }
        guard let head = try Self.head(in: snapshot), block <= head.block else { throw .unknownBlock(block) }
        if block == head.block { return FlatStateReader(snapshot: snapshot, stateRoot: head.root) }
        return TrieStateReader(snapshot: snapshot, stateRoot: try Self.root(of: block, in: snapshot))
    }

    /// The state root `changes` would give on top of the latest state, writing nothing.
    public func computeRoot(_ changes: StateChanges) throws(StateError) -> Hash32 {
        let snapshot: any ReadSnapshot
        do { snapshot = try store.snapshot() } catch { throw .storage(error) }
        let base = try Self.head(in: snapshot)?.root ?? .emptyTrieRoot
        return try Self.apply(changes, block: nil, baseRoot: base, reader: snapshot, writer: nil)
    }

    /// The state root `changes` would give on top of the committed root `baseRoot` (any
    /// block's, read through its trie), writing nothing.
    public func computeRoot(_ changes: StateChanges, on baseRoot: Hash32) throws(StateError) -> Hash32 {
        let snapshot: any ReadSnapshot
        do { snapshot = try store.snapshot() } catch { throw .storage(error) }
        return try Self.apply(changes, block: nil, baseRoot: baseRoot, reader: snapshot, writer: nil, detached: true)
    }

    /// Commits `changes` as block `block` (the genesis is block 0; then each next
    /// block in order) and returns the new state root.
    @discardableResult
    public func commit(_ changes: StateChanges, block: UInt64) throws(StateError) -> Hash32 {
        try write { w in try Self.commit(changes, block: block, in: w) }
    }

    /// Runs one write batch, reporting every failure as a ``StateError``.
    private func write<T>(_ body: (any StorageWriter) throws -> T) throws(StateError) -> T {
        do {
            return try store.write(body)
        } catch let e as StateError {
            throw e
        } catch let e as StorageError {
            throw .storage(e)
        } catch {
            throw .corruptRecord(table: "", reason: "\(error)")
        }
    }

    /// Commits `changes` as block `block` inside a write batch the caller owns, so
    /// the state and other records (the genesis header, a block's receipts) land
    /// atomically together. Returns the new state root.
    public static func commit(_ changes: StateChanges, block: UInt64, in w: any StorageWriter) throws(StateError) -> Hash32 {
        let head = try Self.head(in: w)
        let expected = head.map { $0.block + 1 } ?? 0
        guard block == expected else { throw StateError.outOfOrder(got: block, expected: expected) }
        let root = try Self.apply(changes, block: block, baseRoot: head?.root ?? .emptyTrieRoot, reader: w, writer: w)
        try storageOperation { () throws(StorageError) in
            try w.put(Tables.stateRoots, StateKeys.blockNumber(block), root.bytes)
            try w.put(Tables.meta, StateKeys.head, StateKeys.blockNumber(block))
        }
        return root
    }

    /// Applies changes to the tries (and, with a writer, to the flat tables, code,
    /// nodes and change sets of `block`) and returns the new root.
    ///
    /// `detached` applies on top of a root that is not the flat state's (a side branch):
    /// previous values come from the trie and only trie nodes and code are written.
    static func apply(_ changes: StateChanges, block: UInt64?, baseRoot: Hash32,
                      reader: any StorageReader, writer: (any StorageWriter)?,
                      detached: Bool = false) throws(StateError) -> Hash32 {
        if baseRoot == .emptyTrieRoot, let block, !detached {
            return try applyFresh(changes, block: block, writer: writer)
        }
        let nodes = StorageNodeSource(reader)
        let accountTrie = SecureTrie(rootHash: baseRoot, source: nodes)
        let flat: any StateReader = detached
            ? TrieStateReader(snapshot: reader, stateRoot: baseRoot)
            : FlatStateReader(snapshot: reader, stateRoot: baseRoot)
        let flatWriter = detached ? nil : writer
        func storage(_ body: () throws(StorageError) -> Void) throws(StateError) {
            do { try body() } catch { throw .storage(error) }
        }
        for change in changes.accounts {
            let address = change.address
            let before = try flat.account(address)
            if let w = writer, let block {
                try storage { () throws(StorageError) in
                    try w.put(Tables.accountChanges, StateKeys.accountChange(block, address), before?.rlpEncoded ?? [])
                }
            }
            // Storage: start from the old root unless wiped (then clear the old rows).
            var storageRoot = change.storageWiped ? Hash32.emptyTrieRoot : (before?.storageRoot ?? .emptyTrieRoot)
            if change.storageWiped, let w = writer, let block, let before, before.storageRoot != .emptyTrieRoot {
                var old: [([UInt8], [UInt8])] = []
                try storage { () throws(StorageError) in
                    try w.scan(Tables.storage, from: address.bytes) { key, value in
                        guard key.count == 52, key.starts(with: address.bytes) else { return false }
                        old.append((key, value))
                        return true
                    }
                }
                for (key, value) in old {
                    try storage { () throws(StorageError) in
                        try w.put(Tables.storageChanges, StateKeys.blockNumber(block) + key, value)
                        try w.delete(Tables.storage, key)
                    }
                }
            }
            if change.account != nil && !change.storage.isEmpty {
                let trie = SecureTrie(rootHash: storageRoot, source: nodes)
                for slot in change.storage.keys.sorted() {
                    let value = change.storage[slot]!
                    do {
                        try trie.update(slot.bigEndianBytes, StorageSlotEncoding.value(value))
                    } catch { throw .trie(error) }
                    if let w = writer, let block {
                        let key = StateKeys.storage(address, slot)
                        try storage { () throws(StorageError) in
                            let previous = try w.get(Tables.storage, key)
                            if !change.storageWiped || before == nil {
                                try w.put(Tables.storageChanges, StateKeys.storageChange(block, address, slot), previous ?? [])
                            }
                            if value.isZero { try w.delete(Tables.storage, key) } else { try w.put(Tables.storage, key, value.minimalBigEndianBytes) }
                        }
                    }
                }
                let committed = trie.commit()
                storageRoot = committed.root
                if let w = writer { try storage { () throws(StorageError) in for n in committed.nodes { try w.put(Tables.trieNodes, n.hash.bytes, n.rlp) } } }
            }
            guard var account = change.account else {
                do { try accountTrie.delete(address.bytes) } catch { throw .trie(error) }
                if let w = flatWriter { try storage { () throws(StorageError) in try w.delete(Tables.accounts, address.bytes) } }
                continue
            }
            account.storageRoot = storageRoot
            do { try accountTrie.update(address.bytes, account.rlpEncoded) } catch { throw .trie(error) }
            if let w = writer {
                try storage { () throws(StorageError) in
                    if !detached { try w.put(Tables.accounts, address.bytes, account.rlpEncoded) }
                    if let code = change.code, !code.isEmpty { try w.put(Tables.code, account.codeHash.bytes, code) }
                }
            }
        }
        let committed = accountTrie.commit()
        if let w = writer { try storage { () throws(StorageError) in for n in committed.nodes { try w.put(Tables.trieNodes, n.hash.bytes, n.rlp) } } }
        return committed.root
    }

    /// A state built from nothing (a genesis): no previous rows to read or record,
    /// so the tries are built in one pass from sorted keys (``HashBuilder``) instead
    /// of node by node. Gives exactly the root ``apply`` gives.
    private static func applyFresh(_ changes: StateChanges, block: UInt64,
                                   writer: (any StorageWriter)?) throws(StateError) -> Hash32 {
        var accounts = HashBuilder()
        var nodes: [(Hash32, [UInt8])] = []
        let emit: ((Hash32, [UInt8]) -> Void)? = writer == nil ? nil : { nodes.append(($0, $1)) }
        for change in changes.accounts {
            guard var account = change.account else { continue }
            let slots = change.storage.filter { !$0.value.isZero }
            if !slots.isEmpty {
                var storage = HashBuilder()
                for (slot, value) in slots {
                    storage.add(key: Keccak256.hash(slot.bigEndianBytes).bytes, value: StorageSlotEncoding.value(value))
                }
                account.storageRoot = storage.root(emit: emit)
            } else {
                account.storageRoot = .emptyTrieRoot
            }
            let encoded = account.rlpEncoded
            accounts.add(key: Keccak256.hash(change.address.bytes).bytes, value: encoded)
            guard let w = writer else { continue }
            try storageOperation { () throws(StorageError) in
                try w.put(Tables.accounts, change.address.bytes, encoded)
                try w.put(Tables.accountChanges, StateKeys.accountChange(block, change.address), [])
                for slot in slots.keys.sorted() {
                    try w.put(Tables.storage, StateKeys.storage(change.address, slot), slots[slot]!.minimalBigEndianBytes)
                    try w.put(Tables.storageChanges, StateKeys.storageChange(block, change.address, slot), [])
                }
                if let code = change.code, !code.isEmpty { try w.put(Tables.code, account.codeHash.bytes, code) }
            }
        }
        let root = accounts.root(emit: emit)
        if let w = writer {
            // Sorted keys make the B-tree inserts sequential.
            nodes.sort { $0.0 < $1.0 }
            try storageOperation { () throws(StorageError) in
                for (hash, rlp) in nodes { try w.put(Tables.trieNodes, hash.bytes, rlp) }
            }
        }
        return root
    }

    /// Reverts the flat state to the end of `block` by replaying change sets
    /// backwards, and makes `block` the head. Trie nodes stay (roots are content addressed).
    public func unwind(to block: UInt64) throws(StateError) {
        try write { w in try Self.unwind(to: block, in: w) }
    }

    /// ``unwind(to:)`` inside a write batch the caller owns (a reorg unwinds and
    /// re-applies in one batch).
    public static func unwind(to block: UInt64, in w: any StorageWriter) throws(StateError) {
        guard let head = try Self.head(in: w), block <= head.block else {
            throw StateError.cannotUnwind(to: block, head: try Self.head(in: w)?.block ?? 0)
        }
        _ = try Self.root(of: block, in: w)
        var n = head.block
        while n > block {
            try Self.revertBlock(n, in: w)
            n -= 1
        }
        try storageOperation { () throws(StorageError) in try w.put(Tables.meta, StateKeys.head, StateKeys.blockNumber(block)) }
    }

    /// Writes the trie nodes and code of `changes` applied on top of `baseRoot` (any
    /// committed root, not necessarily the head's) and returns the new root. The flat
    /// state, change sets and head are untouched: this records a side branch's state so
    /// it stays readable (``TrieStateReader``) and can be built on.
    public static func commitDetached(_ changes: StateChanges, baseRoot: Hash32, in w: any StorageWriter) throws(StateError) -> Hash32 {
        try apply(changes, block: nil, baseRoot: baseRoot, reader: w, writer: w, detached: true)
    }

    /// The last committed block and root as seen inside `reader` (a snapshot or a batch).
    public static func committedHead(in reader: any StorageReader) throws(StateError) -> (block: UInt64, root: Hash32)? {
        try head(in: reader)
    }

    private static func revertBlock(_ n: UInt64, in w: any StorageWriter) throws(StateError) {
        let prefix = StateKeys.blockNumber(n)
        try storageOperation { () throws(StorageError) in
            // Each change-set row `block ‖ flat key` holds the flat row's value before the block.
            for (changes, flat) in [(Tables.accountChanges, Tables.accounts), (Tables.storageChanges, Tables.storage)] {
                var rows: [([UInt8], [UInt8])] = []
                try w.scan(changes, from: prefix) { key, value in
                    guard key.starts(with: prefix) else { return false }
                    rows.append((key, value))
                    return true
                }
                for (key, previous) in rows {
                    let flatKey = Array(key.dropFirst(prefix.count))
                    if previous.isEmpty { try w.delete(flat, flatKey) } else { try w.put(flat, flatKey, previous) }
                    try w.delete(changes, key)
                }
            }
            try w.delete(Tables.stateRoots, prefix)
        }
    }
}

/// Runs a storage call, reporting its failure as a ``StateError``.
func storageOperation<T>(_ body: () throws(StorageError) -> T) throws(StateError) -> T {
    do { return try body() } catch { throw .storage(error) }
}
