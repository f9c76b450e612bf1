internal import Synchronization

/// A ``KeyValueStore`` held in memory, with the same semantics as
/// ``LMDBStore``: ordered scans, atomic batches, isolated snapshots, the same
/// key-length rules (1…511 bytes) and errors, and the schema version record in
/// ``Tables/meta``. For tests and scratch state; nothing is persisted.
///
/// ## Thread-safety
/// `Sendable`. Writers are serialized by a lock held for the whole
/// ``write(_:)`` call (the body must not call ``write(_:)`` again); snapshots
/// and the committed state are guarded by their own locks, held only briefly.
///
/// ## Cost
/// Snapshots are O(1) copy-on-write copies. A batch's first write to a table
/// copies that table once (O(n)) while an older version is still shared with
/// the committed state or a snapshot. Scans sort a table's keys once after
/// each change of its key set.
public final class InMemoryStore: KeyValueStore {
    private let committed: Mutex<[Table: MemoryTable]>
    private let writers = Mutex<Void>(())

    /// An empty store with the given tables (by default ``Tables/all``), whose
    /// ``Tables/meta`` table (if present) holds ``SchemaVersion/current``.
    public init(tables: [Table] = Tables.all) {
        var initial: [Table: MemoryTable] = [:]
        for table in tables { initial[table] = MemoryTable() }
        initial[Tables.meta]?.put(SchemaVersion.key, SchemaVersion.encoded)
        committed = Mutex(initial)
    }

    /// An O(1) copy of the committed tables, usable from any task.
    public func snapshot() throws(StorageError) -> any ReadSnapshot {
        InMemorySnapshot(committed.withLock { $0 })
    }

    /// Runs `body` against a private copy of the tables and publishes the copy
    /// when `body` returns; if `body` throws, the copy is dropped and the error
    /// rethrown.
    public func write<R>(_ body: (any StorageWriter) throws -> R) throws -> R {
        try writers.withLock { _ in
            let writer = InMemoryWriter(committed.withLock { $0 })
            defer { writer.end() }
            let result = try body(writer)
            let tables = writer.take()
            committed.withLock { $0 = tables }
            return result
        }
    }
}

/// A snapshot of an ``InMemoryStore``: the tables as they were when taken.
/// Usable from any task (a lock guards the lazily sorted key lists); lives as
/// long as it is referenced.
final class InMemorySnapshot: ReadSnapshot {
    private let tables: Mutex<[Table: MemoryTable]>

    init(_ tables: [Table: MemoryTable]) {
        self.tables = Mutex(tables)
    }

    func get(_ table: Table, _ key: [UInt8]) throws(StorageError) -> [UInt8]? {
        try tables.withLock { tables throws(StorageError) -> [UInt8]? in
            guard let stored = tables[table] else { throw .unknownTable(table.name) }
            try MemoryKeyRules.check(key)
            return stored[key]
        }
    }

    func scan(_ table: Table, from start: [UInt8], _ body: (_ key: [UInt8], _ value: [UInt8]) -> Bool) throws(StorageError) {
        // Take the sorted keys and the entries under the lock, visit them outside
        // it, so `body` may call back into this snapshot.
        let (keys, stored) = try tables.withLock { tables throws(StorageError) in
            guard tables[table] != nil else { throw .unknownTable(table.name) }
            try MemoryKeyRules.checkScanStart(start)
            let keys = tables[table]?.orderedKeys() ?? []
            return (keys, tables[table] ?? MemoryTable())
        }
        var index = MemoryTable.firstIndex(in: keys, notBelow: start)
        while index < keys.count, let value = stored[keys[index]], body(keys[index], value) {
            index += 1
        }
    }
}

/// The ``StorageWriter`` handed to ``InMemoryStore/write(_:)``'s body: a
/// private copy of the tables that sees its own writes. Confined to the
/// writing thread; using it after `write(_:)` returns traps.
final class InMemoryWriter: StorageWriter {
    private var tables: [Table: MemoryTable]
    private var live = true

    init(_ tables: [Table: MemoryTable]) {
        self.tables = tables
    }

    func end() { live = false; tables = [:] }

    /// The batch's tables, leaving the writer empty (so publishing them does not copy).
    func take() -> [Table: MemoryTable] {
        defer { tables = [:] }
        return tables
    }

    @inline(__always)
    private func checkLive() {
        precondition(live, "a StorageWriter was used after its write(_:) call returned")
    }

    func get(_ table: Table, _ key: [UInt8]) throws(StorageError) -> [UInt8]? {
        checkLive()
        guard let stored = tables[table] else { throw .unknownTable(table.name) }
        try MemoryKeyRules.check(key)
        return stored[key]
    }

    func scan(_ table: Table, from start: [UInt8], _ body: (_ key: [UInt8], _ value: [UInt8]) -> Bool) throws(StorageError) {
        checkLive()
        guard tables[table] != nil else { throw .unknownTable(table.name) }
        try MemoryKeyRules.checkScanStart(start)
        let keys = tables[table]?.orderedKeys() ?? []
        var index = MemoryTable.firstIndex(in: keys, notBelow: start)
        // Values are read live, so an entry deleted by `body` is not visited.
        while index < keys.count {
            if let value = tables[table]?[keys[index]] {
                guard body(keys[index], value) else { return }
            }
            index += 1
        }
    }

    func put(_ table: Table, _ key: [UInt8], _ value: [UInt8]) throws(StorageError) {
        checkLive()
        guard tables[table] != nil else { throw .unknownTable(table.name) }
        try MemoryKeyRules.check(key)
        tables[table]?.put(key, value)
    }

    func delete(_ table: Table, _ key: [UInt8]) throws(StorageError) {
        checkLive()
        guard tables[table] != nil else { throw .unknownTable(table.name) }
        try MemoryKeyRules.check(key)
        tables[table]?.delete(key)
    }
}
