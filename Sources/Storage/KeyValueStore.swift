
/// # Storage
///
/// Ordered key–value tables with consistent read snapshots and atomic write
/// batches, behind one protocol with two engines: ``LMDBStore`` (the data
/// directory; ACID, copy-on-write, crash-safe with no recovery step) and
/// ``InMemoryStore`` (tests, scratch state). The same test suite runs on both.
///
/// ## Rules every engine keeps
/// - One writer at a time: ``KeyValueStore/write(_:)`` runs its body inside one
///   write transaction that begins and commits (or aborts, if the body throws)
///   before the call returns — never across an `await`.
/// - Readers never block the writer and never see a half-written batch: a
///   ``ReadSnapshot`` shows the store as of its creation until it is released.
/// - Keys iterate in unsigned lexicographic byte order.
///
/// ## Errors
/// ``StorageError`` for every failure, with the data directory problems a
/// user must act on named plainly (in use by another process, newer schema,
/// corrupt file, map full).

/// A named table of a store (an LMDB named database).
public struct Table: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public init(_ name: String) { self.name = name }
    public var description: String { name }
}

/// Read access to the tables of a store at one point in time.
public protocol StorageReader {
    /// The value stored under `key`, or nil.
    func get(_ table: Table, _ key: [UInt8]) throws(StorageError) -> [UInt8]?

    /// Visits entries whose key is ≥ `start`, in key order, until `body` returns false.
    func scan(_ table: Table, from start: [UInt8], _ body: (_ key: [UInt8], _ value: [UInt8]) -> Bool) throws(StorageError)
}

/// Read and write access inside one atomic batch.
public protocol StorageWriter: StorageReader {
    /// Stores `value` under `key`, replacing any previous value.
    func put(_ table: Table, _ key: [UInt8], _ value: [UInt8]) throws(StorageError)

    /// Removes `key` if present (absent keys are not an error).
    func delete(_ table: Table, _ key: [UInt8]) throws(StorageError)
}

/// A consistent, read-only view of a store as of the moment it was taken.
///
/// Usable from any task (one call at a time per snapshot); released when the
/// last reference goes. Hold snapshots briefly: a live LMDB snapshot keeps the
/// pages it sees from being reused.
public protocol ReadSnapshot: StorageReader, AnyObject, Sendable {}

/// A store of named tables with snapshot reads and atomic batched writes.
public protocol KeyValueStore: AnyObject, Sendable {
    /// A snapshot of the current committed state.
    func snapshot() throws(StorageError) -> any ReadSnapshot

    /// Runs `body` in one write transaction and commits it atomically when `body`
    /// returns; if `body` throws, nothing it wrote is kept and the error is rethrown.
    /// Writers are serialized: concurrent callers wait their turn.
    func write<R>(_ body: (any StorageWriter) throws -> R) throws -> R
}

extension KeyValueStore {
    /// Convenience: reads one value from a fresh snapshot.
    public func get(_ table: Table, _ key: [UInt8]) throws(StorageError) -> [UInt8]? {
        try snapshot().get(table, key)
    }
}
