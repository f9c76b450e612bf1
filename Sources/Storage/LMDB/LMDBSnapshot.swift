internal import CLMDB
internal import Synchronization

/// A read-only LMDB transaction: the committed state at the moment
/// ``LMDBStore/snapshot()`` was called, unaffected by later writes.
///
/// Thread-safety: usable from any task or thread; calls on one snapshot are
/// serialized by an internal lock held only for the duration of each LMDB call
/// (a `scan` callback runs outside it, so it may call back into the snapshot).
///
/// Lifecycle: the read transaction is aborted in `deinit`, when the last
/// reference goes. The snapshot keeps its environment open, so it stays valid
/// even after its ``LMDBStore`` is released. Keep it short-lived: LMDB cannot
/// reuse pages that a live snapshot still sees.
///
/// `@unchecked Sendable` because of the raw `MDB_txn` pointer. The environment
/// is opened with `MDB_NOTLS`, for which lmdb.h says "A read-only transaction
/// may span threads if the user synchronizes its use"; every use of `txn`
/// below happens inside `serial`.
final class LMDBSnapshot: ReadSnapshot, @unchecked Sendable {
    private let env: LMDBEnvironment
    private let txn: OpaquePointer
    private let serial = Mutex<Void>(())

    init(_ env: LMDBEnvironment) throws(StorageError) {
        var begun: OpaquePointer?
        let rc = mdb_txn_begin(env.handle, nil, UInt32(MDB_RDONLY), &begun)
        guard rc == 0, let begun else { throw env.error(rc) }
        self.env = env
        txn = begun
    }

    deinit {
        mdb_txn_abort(txn)
    }

    func get(_ table: Table, _ key: [UInt8]) throws(StorageError) -> [UInt8]? {
        let dbi = try env.dbi(table)
        try env.checkKey(key)
        return try serial.withLock { _ throws(StorageError) -> [UInt8]? in
            try LMDBAccess.get(env, txn, dbi, key)
        }
    }

    func scan(_ table: Table, from start: [UInt8], _ body: (_ key: [UInt8], _ value: [UInt8]) -> Bool) throws(StorageError) {
        let dbi = try env.dbi(table)
        try LMDBAccess.checkScanStart(env, start)
        var cursor = try serial.withLock { _ throws(StorageError) -> LMDBCursor in
            try LMDBCursor(env, txn, dbi)
        }
        defer { serial.withLock { _ in cursor.close() } }
        while let entry = try serial.withLock({ _ throws(StorageError) in try cursor.next(from: start) }),
              body(entry.key, entry.value) {}
    }
}
