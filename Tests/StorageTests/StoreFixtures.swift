import Foundation
import Storage
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The engines every behaviour test runs against.
enum Engine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case lmdb
    case inMemory

    var testDescription: String { rawValue }

    /// A fresh, empty store; an LMDB store lives in `directory`.
    func make(in directory: TemporaryDirectory) throws -> any KeyValueStore {
        switch self {
        case .lmdb: try LMDBStore(path: directory.path + "/data", mapSize: 1 << 30)
        case .inMemory: InMemoryStore()
        }
    }
}

/// Runs `body` with a fresh store of `engine`, then releases the store and
/// deletes its directory.
func withStore(_ engine: Engine, _ body: (any KeyValueStore) throws -> Void) throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try body(engine.make(in: directory))
}

/// Async variant of ``withStore(_:_:)``.
func withStore(_ engine: Engine, _ body: (any KeyValueStore) async throws -> Void) async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try await body(engine.make(in: directory))
}

/// A directory under the system temporary directory, removed by ``remove()``.
struct TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/cloister-storage-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ $0.baseAddress.flatMap(mkdtemp) }) else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        path = String(cString: made)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// An error a test body throws on purpose.
struct Planned: Error, Equatable {}

/// Every entry of `table`, in scan order.
func entries(_ reader: some StorageReader, _ table: Table, from start: [UInt8] = []) throws -> [([UInt8], [UInt8])] {
    var out: [([UInt8], [UInt8])] = []
    try reader.scan(table, from: start) { key, value in
        out.append((key, value))
        return true
    }
    return out
}

/// Every key of `table`, in scan order.
func keys(_ reader: some StorageReader, _ table: Table, from start: [UInt8] = []) throws -> [[UInt8]] {
    try entries(reader, table, from: start).map(\.0)
}

/// `value` as 8 bytes big-endian.
func bigEndian(_ value: UInt64) -> [UInt8] {
    withUnsafeBytes(of: value.bigEndian) { Array($0) }
}

/// 4 or 8 bytes big-endian as an integer; nil for any other length.
func integer(bigEndian bytes: [UInt8]?) -> UInt64? {
    guard let bytes, bytes.count == 4 || bytes.count == 8 else { return nil }
    return bytes.reduce(0) { $0 << 8 | UInt64($1) }
}
