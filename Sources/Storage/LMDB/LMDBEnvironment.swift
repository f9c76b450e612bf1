internal import CLMDB
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// One open LMDB environment: the `MDB_env`, the handles of every table in
/// ``Tables/all``, and the data-directory lock that makes it the only
/// environment on that directory.
///
/// Lifecycle: fully opened by `init` (tables created, schema checked) or not at
/// all. ``LMDBStore`` and every live snapshot hold a strong reference, so the
/// environment closes (and the directory unlocks) in `deinit` only after the
/// last snapshot has aborted its read transaction.
///
/// `@unchecked Sendable`: after `init` every stored property is immutable, and
/// lmdb.h says "The library is fully thread-aware and supports concurrent
/// read/write access from multiple processes and threads." The table handles
/// are opened once, in a transaction committed before any other transaction
/// begins, as `mdb_dbi_open` requires ("The database handle will be private to
/// the current transaction until the transaction is successfully committed";
/// "This function must not be called from multiple concurrent transactions in
/// the same process").
final class LMDBEnvironment: @unchecked Sendable {
    let handle: OpaquePointer
    /// The data directory, as the caller named it (used in error messages).
    let path: String
    let readOnly: Bool
    /// `mdb_env_get_maxkeysize`: 511 bytes for Debian's build.
    let maxKeySize: Int

    /// Table handles, in the order of ``Tables/all``, found by a linear search:
    /// the names are short inline strings, so it needs no hashing and measured
    /// as fast as a dictionary (≈1.3 M random `get`/s on a 1 M-entry table).
    private let tables: [Table]
    private let handles: [MDB_dbi]
    private let lock: DataDirectoryLock

    /// Reader slots (`mdb_env_set_maxreaders`): how many snapshots may be open at once.
    static let maxReaders: UInt32 = 256

    init(path: String, mapSize: Int, readOnly: Bool) throws(StorageError) {
        precondition(mapSize > 0, "LMDBStore mapSize must be positive")
        if readOnly {
            try Self.requireDirectory(path)
        } else {
            try Self.makeDirectory(path)
        }
        let lock = try DataDirectoryLock(directory: path)

        var created: OpaquePointer?
        let rc = mdb_env_create(&created)
        guard rc == 0, let env = created else {
            throw Self.error(rc, path: path, env: nil)
        }
        do throws(StorageError) {
            try Self.check(mdb_env_set_maxdbs(env, MDB_dbi(Tables.all.count)), path: path, env: env)
            try Self.check(mdb_env_set_mapsize(env, mapSize), path: path, env: env)
            try Self.check(mdb_env_set_maxreaders(env, Self.maxReaders), path: path, env: env)
            let flags = UInt32(MDB_NOTLS) | (readOnly ? UInt32(MDB_RDONLY) : 0)
            let opened = mdb_env_open(env, path, flags, 0o600)
            guard opened == 0 else {
                switch opened {
                case ENOENT, EACCES, EROFS, ENOTDIR, EPERM:
                    throw .cannotOpen(path: path, reason: systemMessage(opened))
                default:
                    throw Self.error(opened, path: path, env: env)
                }
            }
            try Self.checkFileLength(env, path: path)
            // Clear reader slots left by processes that died holding a snapshot.
            var dead: Int32 = 0
            _ = mdb_reader_check(env, &dead)
            handles = try Self.openTables(env, path: path, readOnly: readOnly)
        } catch {
            // lmdb.h, mdb_env_open: "If this function fails, mdb_env_close() must be called".
            mdb_env_close(env)
            throw error
        }
        handle = env
        self.path = path
        self.readOnly = readOnly
        maxKeySize = Int(mdb_env_get_maxkeysize(env))
        tables = Tables.all
        self.lock = lock
    }

    deinit {
        mdb_env_close(handle)
        // `lock` is released after this, when the stored properties are destroyed.
    }

    // MARK: Per-call helpers (hot path)

    /// The handle of `table`, or ``StorageError/unknownTable(_:)``.
    @inline(__always)
    func dbi(_ table: Table) throws(StorageError) -> MDB_dbi {
        for index in tables.indices where tables[index] == table {
            return handles[index]
        }
        throw .unknownTable(table.name)
    }

    /// Throws ``StorageError/invalidKey(length:)`` unless `1 ≤ key.count ≤ maxKeySize`.
    @inline(__always)
    func checkKey(_ key: [UInt8]) throws(StorageError) {
        guard !key.isEmpty, key.count <= maxKeySize else { throw .invalidKey(length: key.count) }
    }

    /// The ``StorageError`` for an LMDB return code.
    func error(_ rc: Int32) -> StorageError {
        Self.error(rc, path: path, env: handle)
    }

    // MARK: Error mapping

    static func error(_ rc: Int32, path: String, env: OpaquePointer?) -> StorageError {
        switch rc {
        case MDB_INVALID, MDB_CORRUPTED, MDB_VERSION_MISMATCH, MDB_PAGE_NOTFOUND:
            return .corrupt(path: path, reason: lmdbMessage(rc))
        case MDB_MAP_FULL:
            var info = MDB_envinfo()
            if let env, mdb_env_info(env, &info) == 0 {
                return .mapFull(mapSize: info.me_mapsize)
            }
            return .mapFull(mapSize: 0)
        default:
            return .engine(code: rc, message: lmdbMessage(rc))
        }
    }

    private static func check(_ rc: Int32, path: String, env: OpaquePointer) throws(StorageError) {
        guard rc == 0 else { throw error(rc, path: path, env: env) }
    }

    // MARK: Opening

    /// Refuses a `data.mdb` shorter than the pages its meta page claims. LMDB
    /// does not check this, and touching a mapped page past the end of the file
    /// raises SIGBUS instead of returning an error.
    private static func checkFileLength(_ env: OpaquePointer, path: String) throws(StorageError) {
        var info = MDB_envinfo()
        var pageStat = MDB_stat()
        try check(mdb_env_info(env, &info), path: path, env: env)
        try check(mdb_env_stat(env, &pageStat), path: path, env: env)
        var fd: mdb_filehandle_t = -1
        try check(mdb_env_get_fd(env, &fd), path: path, env: env)
        var fileStatus = stat()
        guard fstat(fd, &fileStatus) == 0 else {
            throw .cannotOpen(path: path, reason: systemMessage(errno))
        }
        let (pages, overflow1) = info.me_last_pgno.addingReportingOverflow(1)
        let (required, overflow2) = pages.multipliedReportingOverflow(by: Int(pageStat.ms_psize))
        guard !overflow1, !overflow2, Int(fileStatus.st_size) >= required else {
            throw .corrupt(
                path: path,
                reason: "data.mdb is \(fileStatus.st_size) bytes but its header needs \(pages) pages of \(pageStat.ms_psize) bytes (truncated file)"
            )
        }
    }

    /// Checks or writes the schema version, then opens (creating when
    /// writable) every table of ``Tables/all``, all in one transaction.
    private static func openTables(_ env: OpaquePointer, path: String, readOnly: Bool) throws(StorageError) -> [MDB_dbi] {
        var begun: OpaquePointer?
        try check(mdb_txn_begin(env, nil, readOnly ? UInt32(MDB_RDONLY) : 0, &begun), path: path, env: env)
        guard let txn = begun else { throw .engine(code: 0, message: "mdb_txn_begin returned no transaction") }
        let handles: [MDB_dbi]
        do throws(StorageError) {
            let createFlag = readOnly ? 0 : UInt32(MDB_CREATE)
            func open(_ table: Table) throws(StorageError) -> MDB_dbi {
                var dbi: MDB_dbi = 0
                let rc = mdb_dbi_open(txn, table.name, createFlag, &dbi)
                if rc == MDB_NOTFOUND {
                    throw .corrupt(path: path, reason: "table \(table.name) is missing (opened read-only)")
                }
                try check(rc, path: path, env: env)
                return dbi
            }
            // The version first: a newer layout is refused before anything else is read.
            try checkSchema(txn, meta: open(Tables.meta), path: path, env: env, readOnly: readOnly)
            var opened: [MDB_dbi] = []
            opened.reserveCapacity(Tables.all.count)
            for table in Tables.all { opened.append(try open(table)) }
            handles = opened
        } catch {
            mdb_txn_abort(txn)
            throw error
        }
        // mdb_txn_commit frees the transaction whether or not it succeeds.
        try check(mdb_txn_commit(txn), path: path, env: env)
        return handles
    }

    private static func checkSchema(
        _ txn: OpaquePointer, meta: MDB_dbi, path: String, env: OpaquePointer, readOnly: Bool
    ) throws(StorageError) {
        var value = MDB_val()
        let rc = SchemaVersion.key.withUnsafeBytes { raw -> Int32 in
            var key = MDB_val(mv_size: raw.count, mv_data: UnsafeMutableRawPointer(mutating: raw.baseAddress))
            return mdb_get(txn, meta, &key, &value)
        }
        switch rc {
        case 0:
            let stored = UnsafeRawBufferPointer(start: value.mv_data, count: value.mv_size)
            guard let found = SchemaVersion.decode(stored) else {
                throw .corrupt(path: path, reason: "schema version record has \(stored.count) bytes, expected 4")
            }
            if found > SchemaVersion.current {
                throw .newerSchema(found: found, supported: SchemaVersion.current)
            }
            if found < SchemaVersion.current {
                throw .corrupt(path: path, reason: "schema version \(found) predates this build (\(SchemaVersion.current)) and no migration exists")
            }
        case MDB_NOTFOUND:
            guard !readOnly else {
                throw .corrupt(path: path, reason: "no schema version record (opened read-only)")
            }
            let encoded = SchemaVersion.encoded
            let put = SchemaVersion.key.withUnsafeBytes { rawKey -> Int32 in
                encoded.withUnsafeBytes { rawValue -> Int32 in
                    var key = MDB_val(mv_size: rawKey.count, mv_data: UnsafeMutableRawPointer(mutating: rawKey.baseAddress))
                    var data = MDB_val(mv_size: rawValue.count, mv_data: UnsafeMutableRawPointer(mutating: rawValue.baseAddress))
                    return mdb_put(txn, meta, &key, &data, 0)
                }
            }
            try check(put, path: path, env: env)
        default:
            throw error(rc, path: path, env: env)
        }
    }

    private static func requireDirectory(_ path: String) throws(StorageError) {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw .cannotOpen(path: path, reason: systemMessage(errno))
        }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            throw .cannotOpen(path: path, reason: "not a directory")
        }
    }

    /// `mkdir -p` with mode 0700 for every directory it creates.
    private static func makeDirectory(_ path: String) throws(StorageError) {
        var status = stat()
        if stat(path, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw .cannotOpen(path: path, reason: "not a directory")
            }
            return
        }
        var parent = path
        while parent.count > 1, parent.hasSuffix("/") { parent.removeLast() }
        if let slash = parent.lastIndex(of: "/") {
            let prefix = String(parent[..<slash])
            if !prefix.isEmpty { try makeDirectory(prefix) }
        }
        guard mkdir(path, 0o700) == 0 || errno == EEXIST else {
            throw .cannotOpen(path: path, reason: systemMessage(errno))
        }
    }
}

/// `mdb_strerror(rc)` as a Swift string.
func lmdbMessage(_ rc: Int32) -> String {
    guard let message = mdb_strerror(rc) else { return "LMDB error \(rc)" }
    return String(cString: message)
}

extension SchemaVersion {
    /// ``current`` as 4 bytes big-endian, as stored under ``key``.
    static var encoded: [UInt8] {
        withUnsafeBytes(of: current.bigEndian) { Array($0) }
    }

    /// A stored version record: exactly 4 bytes big-endian.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> UInt32? {
        guard bytes.count == 4 else { return nil }
        return bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }
}
