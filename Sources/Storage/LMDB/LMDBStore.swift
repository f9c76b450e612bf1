internal import CLMDB
internal import Synchronization
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The on-disk ``KeyValueStore``: one LMDB environment in a data directory,
/// with every table of ``Tables/all``.
///
/// ## Guarantees
/// - **ACID, crash-safe, no recovery step.** A batch is durable when
///   ``write(_:)`` returns; a process killed at any point (even mid-commit)
///   leaves the last committed batch intact and nothing of the next one.
/// - **One owner per data directory.** Opening takes an exclusive `flock` on
///   `<path>/LOCK` (holding the owner's pid); a second open from any process,
///   including this one, throws ``StorageError/dataDirectoryInUse(path:pid:)``.
/// - **Schema.** A new directory gets ``SchemaVersion/current``; a newer one is
///   refused with ``StorageError/newerSchema(found:supported:)``.
/// - **Damage is an error, not a crash.** A `data.mdb` that is not an LMDB file
///   or is truncated throws ``StorageError/corrupt(path:reason:)``. (LMDB does
///   not checksum pages: arbitrary damage *inside* a well-formed file is not
///   always detectable.)
///
/// ## Thread-safety
/// The store is `Sendable`. Writers are serialized by a lock: ``write(_:)``
/// begins, runs and commits its transaction on the calling thread, so the body
/// must be synchronous and must not call ``write(_:)`` again (that deadlocks).
/// Snapshots may be taken and used from any task; see ``snapshot()``.
///
/// ## Lifecycle
/// Opened by `init`; the environment closes and the directory unlocks when the
/// store *and* every snapshot it handed out have been released.
public final class LMDBStore: KeyValueStore {
    /// The default map size: 1 TiB of address space. The file is sparse and
    /// grows with the data; the map size only caps it.
    public static let defaultMapSize = 1 << 40

    private let env: LMDBEnvironment
    /// Serializes write transactions (lmdb.h, `MDB_NOTLS`: "Such an application
    /// must also serialize the write transactions in an OS thread").
    private let writers = Mutex<Void>(())

    /// The data directory this store owns.
    public var path: String { env.path }

    /// The largest key the tables accept (`mdb_env_get_maxkeysize`).
    public var maxKeySize: Int { env.maxKeySize }

    /// How much of the memory map the data file uses: `used` bytes (pages up to the last
    /// one written, times the page size) of `mapSize`. Nil if LMDB cannot say.
    public var mapUsage: (used: Int, mapSize: Int)? {
        var info = MDB_envinfo()
        var stat = MDB_stat()
        guard mdb_env_info(env.handle, &info) == 0, mdb_env_stat(env.handle, &stat) == 0 else { return nil }
        let (pages, o1) = info.me_last_pgno.addingReportingOverflow(1)
        let (used, o2) = pages.multipliedReportingOverflow(by: Int(stat.ms_psize))
        guard !o1, !o2 else { return nil }
        return (used, info.me_mapsize)
    }

    /// Opens (or creates, mode 0700) the data directory at `path`.
    ///
    /// - Parameters:
    ///   - mapSize: the most bytes the data file may hold; a write beyond it
    ///     throws ``StorageError/mapFull(mapSize:)`` and the store stays usable.
    ///   - readOnly: open an existing directory without writing to it;
    ///     ``write(_:)`` then throws.
    /// - Throws: ``StorageError/dataDirectoryInUse(path:pid:)``,
    ///   ``StorageError/newerSchema(found:supported:)``,
    ///   ``StorageError/corrupt(path:reason:)``, ``StorageError/cannotOpen(path:reason:)``,
    ///   or ``StorageError/engine(code:message:)``.
    public init(path: String, mapSize: Int = LMDBStore.defaultMapSize, readOnly: Bool = false) throws(StorageError) {
        env = try LMDBEnvironment(path: path, mapSize: mapSize, readOnly: readOnly)
    }

    /// A read transaction on the current committed state. Safe to use from any
    /// task, one call at a time (calls from several tasks are serialized); it
    /// holds one of 256 reader slots until released.
    public func snapshot() throws(StorageError) -> any ReadSnapshot {
        try LMDBSnapshot(env)
    }

    /// Runs `body` in one LMDB write transaction on the calling thread and
    /// commits it when `body` returns; if `body` throws, aborts and rethrows.
    /// If LMDB rejected a write inside the batch, aborts and throws that
    /// ``StorageError`` (for example ``StorageError/mapFull(mapSize:)``) even
    /// if `body` caught it.
    public func write<R>(_ body: (any StorageWriter) throws -> R) throws -> R {
        guard !env.readOnly else {
            throw StorageError.engine(code: EACCES, message: "the store at \(env.path) was opened read-only")
        }
        return try writers.withLock { _ in
            var begun: OpaquePointer?
            let rc = mdb_txn_begin(env.handle, nil, 0, &begun)
            guard rc == 0, let txn = begun else { throw env.error(rc) }
            let writer = LMDBWriter(env, txn)
            let result: R
            do {
                result = try body(writer)
            } catch {
                writer.end()
                mdb_txn_abort(txn)
                throw error
            }
            writer.end()
            if let failure = writer.failure {
                mdb_txn_abort(txn)
                throw failure
            }
            // mdb_txn_commit frees the transaction whether or not it succeeds.
            let committed = mdb_txn_commit(txn)
            guard committed == 0 else { throw env.error(committed) }
            return result
        }
    }
}
