internal import CLMDB

/// The ``StorageWriter`` handed to the body of ``LMDBStore/write(_:)``: one
/// LMDB write transaction, which sees its own writes.
///
/// Thread-safety: none, and none needed — it lives on the writer's thread for
/// the duration of the body (lmdb.h: "A transaction and its cursors must only
/// be used by a single thread"). Using it after `write(_:)` returns is a
/// programmer error and traps.
///
/// Once LMDB rejects a `put` or `delete` (for example `MDB_MAP_FULL`) the
/// transaction is unusable; the writer remembers that error, rethrows it from
/// every later call, and `write(_:)` aborts and throws it even if the body
/// swallowed it. Errors found before calling LMDB (unknown table, invalid key)
/// leave the batch usable.
final class LMDBWriter: StorageWriter {
    private let env: LMDBEnvironment
    private var txn: OpaquePointer?
    /// The first error LMDB returned for a write; the transaction must be aborted.
    private(set) var failure: StorageError?

    init(_ env: LMDBEnvironment, _ txn: OpaquePointer) {
        self.env = env
        self.txn = txn
    }

    /// Detaches the writer from its transaction (before commit or abort).
    func end() { txn = nil }

    @inline(__always)
    private func live() throws(StorageError) -> OpaquePointer {
        guard let txn else {
            preconditionFailure("a StorageWriter was used after its write(_:) call returned")
        }
        if let failure { throw failure }
        return txn
    }

    func get(_ table: Table, _ key: [UInt8]) throws(StorageError) -> [UInt8]? {
        let dbi = try env.dbi(table)
        try env.checkKey(key)
        return try LMDBAccess.get(env, live(), dbi, key)
    }

    func scan(_ table: Table, from start: [UInt8], _ body: (_ key: [UInt8], _ value: [UInt8]) -> Bool) throws(StorageError) {
        let dbi = try env.dbi(table)
        try LMDBAccess.checkScanStart(env, start)
        var cursor = try LMDBCursor(env, live(), dbi)
        defer { cursor.close() }
        while let entry = try cursor.next(from: start), body(entry.key, entry.value) {}
    }

    func put(_ table: Table, _ key: [UInt8], _ value: [UInt8]) throws(StorageError) {
        let dbi = try env.dbi(table)
        try env.checkKey(key)
        let txn = try live()
        let rc = key.withUnsafeBytes { rawKey -> Int32 in
            value.withUnsafeBytes { rawValue -> Int32 in
                var mdbKey = MDB_val(mv_size: rawKey.count, mv_data: UnsafeMutableRawPointer(mutating: rawKey.baseAddress))
                var mdbValue = MDB_val(mv_size: rawValue.count, mv_data: UnsafeMutableRawPointer(mutating: rawValue.baseAddress))
                return mdb_put(txn, dbi, &mdbKey, &mdbValue, 0)
            }
        }
        guard rc == 0 else { throw fail(rc) }
    }

    func delete(_ table: Table, _ key: [UInt8]) throws(StorageError) {
        let dbi = try env.dbi(table)
        try env.checkKey(key)
        let txn = try live()
        let rc = key.withUnsafeBytes { raw -> Int32 in
            var mdbKey = MDB_val(mv_size: raw.count, mv_data: UnsafeMutableRawPointer(mutating: raw.baseAddress))
            return mdb_del(txn, dbi, &mdbKey, nil)
        }
        guard rc == 0 || rc == MDB_NOTFOUND else { throw fail(rc) }
    }

    private func fail(_ rc: Int32) -> StorageError {
        let error = env.error(rc)
        failure = error
        return error
    }
}
