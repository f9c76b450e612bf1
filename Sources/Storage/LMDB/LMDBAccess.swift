internal import CLMDB

/// The LMDB calls shared by snapshots (read transactions) and write batches
/// (write transactions). Callers check the table and key first and serialize
/// the calls as their transaction requires.
enum LMDBAccess {
    /// One `mdb_get` and one copy of the value into a new array.
    @inline(__always)
    static func get(
        _ env: LMDBEnvironment, _ txn: OpaquePointer, _ dbi: MDB_dbi, _ key: [UInt8]
    ) throws(StorageError) -> [UInt8]? {
        var value = MDB_val()
        let rc = key.withUnsafeBytes { raw -> Int32 in
            var mdbKey = MDB_val(mv_size: raw.count, mv_data: UnsafeMutableRawPointer(mutating: raw.baseAddress))
            return mdb_get(txn, dbi, &mdbKey, &value)
        }
        switch rc {
        case 0:
            // The value points into the map; it stays valid until the transaction
            // ends or (in a write transaction) the next write, so copy it now.
            return Array(UnsafeRawBufferPointer(start: value.mv_data, count: value.mv_size))
        case MDB_NOTFOUND:
            return nil
        default:
            throw env.error(rc)
        }
    }

    /// Keys a scan may start from: empty (the first key) or a valid key length.
    static func checkScanStart(_ env: LMDBEnvironment, _ start: [UInt8]) throws(StorageError) {
        guard start.count <= env.maxKeySize else { throw .invalidKey(length: start.count) }
    }
}

/// A cursor over one table of one transaction, used by `scan`. The owner
/// calls ``close()`` exactly once, before the transaction ends.
struct LMDBCursor {
    private let env: LMDBEnvironment
    private let cursor: OpaquePointer
    private var started = false

    init(_ env: LMDBEnvironment, _ txn: OpaquePointer, _ dbi: MDB_dbi) throws(StorageError) {
        var opened: OpaquePointer?
        let rc = mdb_cursor_open(txn, dbi, &opened)
        guard rc == 0, let opened else { throw env.error(rc) }
        self.env = env
        cursor = opened
    }

    /// The first entry with key ≥ `start` (`MDB_SET_RANGE`, or `MDB_FIRST` for an
    /// empty start) on the first call, then the following one (`MDB_NEXT`);
    /// nil past the last entry.
    mutating func next(from start: [UInt8]) throws(StorageError) -> (key: [UInt8], value: [UInt8])? {
        var key = MDB_val()
        var value = MDB_val()
        let rc: Int32
        if started {
            rc = mdb_cursor_get(cursor, &key, &value, MDB_NEXT)
        } else if start.isEmpty {
            rc = mdb_cursor_get(cursor, &key, &value, MDB_FIRST)
        } else {
            rc = start.withUnsafeBytes { raw -> Int32 in
                key = MDB_val(mv_size: raw.count, mv_data: UnsafeMutableRawPointer(mutating: raw.baseAddress))
                // On success LMDB points `key` at the stored key, inside the map.
                return mdb_cursor_get(cursor, &key, &value, MDB_SET_RANGE)
            }
        }
        started = true
        switch rc {
        case 0:
            return (
                Array(UnsafeRawBufferPointer(start: key.mv_data, count: key.mv_size)),
                Array(UnsafeRawBufferPointer(start: value.mv_data, count: value.mv_size))
            )
        case MDB_NOTFOUND:
            return nil
        default:
            throw env.error(rc)
        }
    }

    func close() {
        mdb_cursor_close(cursor)
    }
}
