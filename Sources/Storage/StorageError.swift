/// Why a storage operation failed.
public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another process holds the data directory's lock.
    case dataDirectoryInUse(path: String, pid: Int32?)
    /// The data directory was written by a newer Cloister with a layout this build cannot read.
    case newerSchema(found: UInt32, supported: UInt32)
    /// The data file is damaged or is not an LMDB environment.
    case corrupt(path: String, reason: String)
    /// The memory map is full: reopen with a larger map size.
    case mapFull(mapSize: Int)
    /// The table is not one of ``Tables/all`` (or was not opened by this store).
    case unknownTable(String)
    /// A key longer than the engine accepts (LMDB: 511 bytes) or empty.
    case invalidKey(length: Int)
    /// The path cannot be created or opened.
    case cannotOpen(path: String, reason: String)
    /// Any other engine error, with the engine's code and message.
    case engine(code: Int32, message: String)

    public var description: String {
        switch self {
        case .dataDirectoryInUse(let path, let pid):
            "data directory \(path) in use by \(pid.map { "pid \($0)" } ?? "another process")"
        case .newerSchema(let found, let supported):
            "data directory has schema version \(found), newer than this build supports (\(supported)); upgrade Cloister"
        case .corrupt(let path, let reason): "data directory \(path) is corrupt: \(reason)"
        case .mapFull(let size): "storage map full at \(size) bytes: restart with a larger --map-size"
        case .unknownTable(let name): "unknown table \(name)"
        case .invalidKey(let length): "invalid key length \(length)"
        case .cannotOpen(let path, let reason): "cannot open \(path): \(reason)"
        case .engine(let code, let message): "storage error \(code): \(message)"
        }
    }
}
