import Foundation
import Storage
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// What only the on-disk engine promises: persistence, one owner per data
/// directory, schema and damage checks, map limits, crash safety
/// (`LMDBCrashTests.swift`). Serialized: the crash test forks, and a forked
/// child briefly holds copies of every open `LOCK` descriptor.
@Suite(.serialized) struct LMDBStoreTests {
    static let accounts = Tables.accounts

    @Test func dataSurvivesCloseAndReopen() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/data"
        do {
            let store = try LMDBStore(path: path)
            try store.write { batch in
                for i in 0..<1000 { try batch.put(Self.accounts, bigEndian(UInt64(i)), Array(repeating: UInt8(i % 251), count: 100)) }
                try batch.put(Tables.headers, [1], [2, 3])
            }
        }
        // The store was released above; if its deinit had not closed the
        // environment and unlocked the directory, this open would throw.
        let reopened = try LMDBStore(path: path)
        let snapshot = try reopened.snapshot()
        let all = try entries(snapshot, Self.accounts)
        #expect(all.count == 1000)
        #expect(all.enumerated().allSatisfy { i, entry in
            entry.0 == bigEndian(UInt64(i)) && entry.1 == Array(repeating: UInt8(i % 251), count: 100)
        })
        #expect(try snapshot.get(Tables.headers, [1]) == [2, 3])
    }

    @Test func createsTheDataDirectoryPrivately() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/nested/chain/data"
        _ = try LMDBStore(path: path, mapSize: 1 << 20)
        var status = stat()
        #expect(stat(path, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o700)
        #expect(FileManager.default.fileExists(atPath: path + "/data.mdb"))
        #expect(FileManager.default.fileExists(atPath: path + "/LOCK"))

        let file = directory.path + "/plain-file"
        #expect(FileManager.default.createFile(atPath: file, contents: Data()))
        let error = #expect(throws: StorageError.self) { try LMDBStore(path: file) }
        #expect(error == .cannotOpen(path: file, reason: "not a directory"))
    }

    @Test func aSecondOpenInThisProcessIsRefusedWithOurPid() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/data"
        var first: LMDBStore? = try LMDBStore(path: path)
        #expect(throws: StorageError.dataDirectoryInUse(path: path, pid: getpid())) {
            try LMDBStore(path: path)
        }
        #expect(throws: StorageError.dataDirectoryInUse(path: path, pid: getpid())) {
            try LMDBStore(path: path, readOnly: true)
        }
        #expect(first != nil)
        first = nil
        _ = try LMDBStore(path: path)
    }

    @Test(.enabled(if: Python.path != nil, "needs python3 on PATH"))
    func aDataDirectoryHeldByAnotherProcessIsRefusedWithItsPid() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path
        // The child takes the same kind of lock (flock) on LOCK, writes its pid
        // there as the store does, reports the pid, and holds the lock until its
        // stdin closes.
        let script = """
        import fcntl, os, sys
        f = open(sys.argv[1], "a+")
        fcntl.flock(f, fcntl.LOCK_EX)
        f.seek(0); f.truncate(); f.write("%d\\n" % os.getpid()); f.flush()
        print(os.getpid(), flush=True)
        sys.stdin.read()
        """
        let child = Process()
        child.executableURL = URL(fileURLWithPath: try #require(Python.path))
        child.arguments = ["-c", script, path + "/LOCK"]
        let input = Pipe(), output = Pipe()
        child.standardInput = input
        child.standardOutput = output
        try child.run()
        defer {
            try? input.fileHandleForWriting.close()
            child.waitUntilExit()
        }

        var reported = Data()
        while !reported.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            reported.append(chunk)
        }
        let holder = try #require(Int32(String(decoding: reported, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(holder != getpid())

        let error = #expect(throws: StorageError.self) { try LMDBStore(path: path) }
        #expect(error == .dataDirectoryInUse(path: path, pid: holder))
        #expect(error?.description == "data directory \(path) in use by pid \(holder)")

        // Once the holder exits the directory is free.
        try input.fileHandleForWriting.close()
        child.waitUntilExit()
        _ = try LMDBStore(path: path)
    }

    @Test func aNewerSchemaIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path
        do {
            let store = try LMDBStore(path: path)
            try store.write { try $0.put(Tables.meta, SchemaVersion.key, [0, 0, 0, 2]) }
        }
        let newer = StorageError.newerSchema(found: 2, supported: SchemaVersion.current)
        #expect(throws: newer) { try LMDBStore(path: path) }
        // A refused open releases everything it took: the same error again, not "in use".
        #expect(throws: newer) { try LMDBStore(path: path) }
        #expect(throws: newer) { try LMDBStore(path: path, readOnly: true) }
    }

    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        /// 64 KiB of random bytes: no LMDB meta page (MDB_INVALID).
        case randomBytes
        /// Cut inside the first meta page.
        case truncatedHeader
        /// Valid meta pages, but the file ends before the pages they point to
        /// (LMDB alone would SIGBUS on the first read).
        case truncatedAfterHeader
        var testDescription: String { rawValue }
    }

    @Test(arguments: Damage.allCases)
    func aDamagedDataFileIsReportedAsCorrupt(_ damage: Damage) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path
        let dataFile = path + "/data.mdb"
        do {
            let store = try LMDBStore(path: path, mapSize: 1 << 26)
            try store.write { batch in
                for i in 0..<2000 { try batch.put(Self.accounts, bigEndian(UInt64(i)), Array(repeating: 7, count: 200)) }
            }
        }
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: dataFile))
        switch damage {
        case .randomBytes:
            try handle.truncate(atOffset: 0)
            try handle.write(contentsOf: Data((0..<65536).map { _ in UInt8.random(in: 0...255) }))
        case .truncatedHeader:
            try handle.truncate(atOffset: 100)
        case .truncatedAfterHeader:
            try handle.truncate(atOffset: 3 * 4096)
        }
        try handle.close()

        let error = #expect(throws: StorageError.self) { try LMDBStore(path: path) }
        guard case .corrupt(let reportedPath, let reason)? = error else {
            Issue.record("expected .corrupt, got \(String(describing: error))")
            return
        }
        #expect(reportedPath == path)
        #expect(!reason.isEmpty)
        // Refusing released the lock and the environment: a second attempt says the same.
        let again = #expect(throws: StorageError.self) { try LMDBStore(path: path) }
        #expect(again == error)
    }

    @Test func aFullMapIsReportedAndTheStoreStaysUsable() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let mapSize = 128 * 1024
        let store = try LMDBStore(path: directory.path, mapSize: mapSize)
        try store.write { try $0.put(Self.accounts, [1], [1]) }

        let error = #expect(throws: StorageError.self) {
            try store.write { batch in
                for i in 0..<400 { try batch.put(Self.accounts, bigEndian(UInt64(i + 10)), Array(repeating: 9, count: 1024)) }
            }
        }
        guard case .mapFull(let reported)? = error else {
            Issue.record("expected .mapFull, got \(String(describing: error))")
            return
        }
        #expect(reported >= mapSize)

        // A body that swallows the error still gets the batch aborted and the error thrown.
        #expect(throws: StorageError.mapFull(mapSize: reported)) {
            try store.write { batch in
                for i in 0..<400 { try? batch.put(Self.accounts, bigEndian(UInt64(i + 10)), Array(repeating: 9, count: 1024)) }
                try? batch.put(Self.accounts, [2], [2])
            }
        }

        #expect(try keys(store.snapshot(), Self.accounts) == [[1]])
        try store.write { try $0.put(Self.accounts, [3], [3]) }
        #expect(try keys(store.snapshot(), Self.accounts) == [[1], [3]])
    }

    @Test func readOnlyOpenReadsButDoesNotWrite() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/data"
        #expect(throws: StorageError.self) { try LMDBStore(path: path, readOnly: true) }
        #expect(!FileManager.default.fileExists(atPath: path), "a read-only open creates nothing")
        do {
            let store = try LMDBStore(path: path)
            try store.write { try $0.put(Self.accounts, [1], [1]) }
        }
        let reader = try LMDBStore(path: path, readOnly: true)
        #expect(try reader.get(Self.accounts, [1]) == [1])
        #expect(throws: StorageError.self) { try reader.write { try $0.put(Self.accounts, [2], [2]) } }
    }

    @Test func aSnapshotKeepsTheEnvironmentOpenAfterTheStoreIsReleased() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path
        var store: LMDBStore? = try LMDBStore(path: path)
        try store?.write { try $0.put(Self.accounts, [1], [1]) }
        var snapshot = try store?.snapshot()
        store = nil
        #expect(try snapshot?.get(Self.accounts, [1]) == [1])
        // The live snapshot still owns the directory …
        #expect(throws: StorageError.dataDirectoryInUse(path: path, pid: getpid())) { try LMDBStore(path: path) }
        // … until it goes.
        snapshot = nil
        #expect(try LMDBStore(path: path).get(Self.accounts, [1]) == [1])
    }
}

/// Finds `python3` on PATH.
enum Python {
    static let path: String? = {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return directories.lazy
            .map { "\($0)/python3" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }()
}
