import Storage
import TestSupport
import Testing

/// The behaviour every ``KeyValueStore`` engine must share.
@Suite struct KeyValueStoreTests {
    static let accounts = Tables.accounts
    static let code = Tables.code

    @Test(arguments: Engine.allCases)
    func putGetDelete(_ engine: Engine) throws {
        try withStore(engine) { store in
            try store.write { batch in
                try batch.put(Self.accounts, [1, 2, 3], [0xAA])
                try batch.put(Self.code, [1, 2, 3], [0xBB, 0xCC])
            }
            #expect(try store.get(Self.accounts, [1, 2, 3]) == [0xAA])
            #expect(try store.get(Self.code, [1, 2, 3]) == [0xBB, 0xCC])

            try store.write { batch in try batch.delete(Self.accounts, [1, 2, 3]) }
            #expect(try store.get(Self.accounts, [1, 2, 3]) == nil)
            #expect(try store.get(Self.code, [1, 2, 3]) == [0xBB, 0xCC], "delete touches one table only")
        }
    }

    @Test(arguments: Engine.allCases)
    func overwriteReplacesTheValue(_ engine: Engine) throws {
        try withStore(engine) { store in
            try store.write { try $0.put(Self.accounts, [7], Array(repeating: 1, count: 3000)) }
            try store.write { try $0.put(Self.accounts, [7], [2]) }
            #expect(try store.get(Self.accounts, [7]) == [2])
            try store.write { batch in
                try batch.put(Self.accounts, [7], [3])
                try batch.put(Self.accounts, [7], [4])
            }
            #expect(try store.get(Self.accounts, [7]) == [4])
            #expect(try keys(store.snapshot(), Self.accounts) == [[7]])
        }
    }

    @Test(arguments: Engine.allCases)
    func absentKeysAndEmptyValues(_ engine: Engine) throws {
        try withStore(engine) { store in
            #expect(try store.get(Self.accounts, [9]) == nil)
            // Deleting an absent key is not an error and does not spoil the batch.
            try store.write { batch in
                try batch.delete(Self.accounts, [9])
                try batch.put(Self.accounts, [10], [])
            }
            #expect(try store.get(Self.accounts, [9]) == nil)
            #expect(try store.get(Self.accounts, [10]) == [], "an empty value is stored, not absent")
            #expect(try store.get(Self.accounts, [10, 0]) == nil)
        }
    }

    @Test(arguments: Engine.allCases)
    func scanVisitsKeysInByteOrderFromTheStartKeyAndStopsEarly(_ engine: Engine) throws {
        var rng = SeededGenerator(seed: 0x5107_A6E)
        let alphabet: [UInt8] = [0x00, 0x01, 0x7F, 0x80, 0xFF]
        func randomKey(_ lengths: ClosedRange<Int>, _ rng: inout SeededGenerator) -> [UInt8] {
            (0..<Int.random(in: lengths, using: &rng)).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] }
        }
        var reference: [[UInt8]: [UInt8]] = [:]
        for _ in 0..<400 {
            // Short keys over a few byte values, so prefixes, 0x00 and 0xFF all occur.
            let key = randomKey(1...4, &rng)
            reference[key] = rng.bytes(Int.random(in: 0...40, using: &rng))
        }
        let sorted = reference.keys.sorted { $0.lexicographicallyPrecedes($1) }

        try withStore(engine) { store in
            try store.write { batch in
                for (key, value) in reference.shuffled(using: &rng) { try batch.put(Self.accounts, key, value) }
                try batch.put(Self.code, [0x00], [1])  // another table must not leak into the scan
            }
            let snapshot = try store.snapshot()

            let all = try entries(snapshot, Self.accounts)
            #expect(all.map(\.0) == sorted)
            #expect(all.allSatisfy { reference[$0.0] == $0.1 })

            for _ in 0..<50 {
                let start = randomKey(0...5, &rng)
                let expected = sorted.filter { !$0.lexicographicallyPrecedes(start) }
                #expect(try keys(snapshot, Self.accounts, from: start) == expected, "start \(start)")
            }

            // [0x01] sorts before [0x01, 0x00], which sorts before [0x02].
            var visited: [[UInt8]] = []
            try snapshot.scan(Self.accounts, from: [0x01]) { key, _ in
                visited.append(key)
                return visited.count < 3
            }
            #expect(visited == Array(sorted.filter { !$0.lexicographicallyPrecedes([0x01]) }.prefix(3)))

            #expect(try keys(snapshot, Self.accounts, from: [0xFF, 0xFF, 0xFF, 0xFF, 0x00]).isEmpty)
            #expect(try keys(snapshot, Tables.receipts).isEmpty, "an empty table scans to nothing")
        }
    }

    @Test(arguments: Engine.allCases)
    func aThrowingBatchLeavesNothing(_ engine: Engine) throws {
        try withStore(engine) { store in
            try store.write { try $0.put(Self.accounts, [1], [1]) }
            #expect(throws: Planned()) {
                try store.write { batch in
                    try batch.put(Self.accounts, [1], [0xFF])
                    try batch.put(Self.accounts, [2], [2])
                    try batch.delete(Self.accounts, [1])
                    try batch.put(Self.code, [3], [3])
                    throw Planned()
                }
            }
            #expect(try entries(store.snapshot(), Self.accounts).map { $0.0 + $0.1 } == [[1, 1]])
            #expect(try store.get(Self.code, [3]) == nil)

            let returned = try store.write { batch in
                try batch.put(Self.accounts, [2], [2])
                return 42
            }
            #expect(returned == 42)
            #expect(try store.get(Self.accounts, [2]) == [2])
        }
    }

    @Test(arguments: Engine.allCases)
    func aBatchSeesItsOwnWrites(_ engine: Engine) throws {
        try withStore(engine) { store in
            try store.write { batch in
                try batch.put(Self.accounts, [5], [5])
                try batch.put(Self.accounts, [3], [3])
                try batch.put(Self.accounts, [4], [4])
                try batch.delete(Self.accounts, [4])
                #expect(try batch.get(Self.accounts, [5]) == [5])
                #expect(try batch.get(Self.accounts, [4]) == nil)
                #expect(try keys(batch, Self.accounts) == [[3], [5]])
                #expect(try store.get(Self.accounts, [5]) == nil, "uncommitted writes are invisible outside the batch")
            }
            #expect(try keys(store.snapshot(), Self.accounts) == [[3], [5]])
        }
    }

    @Test(arguments: Engine.allCases)
    func snapshotsAreIsolatedFromLaterWrites(_ engine: Engine) throws {
        try withStore(engine) { store in
            try store.write { batch in
                try batch.put(Self.accounts, [1], [1])
                try batch.put(Self.accounts, [2], [2])
            }
            let before = try store.snapshot()
            try store.write { batch in
                try batch.put(Self.accounts, [1], [0x11])
                try batch.delete(Self.accounts, [2])
                try batch.put(Self.accounts, [3], [3])
            }
            #expect(try before.get(Self.accounts, [1]) == [1])
            #expect(try before.get(Self.accounts, [2]) == [2])
            #expect(try before.get(Self.accounts, [3]) == nil)
            #expect(try keys(before, Self.accounts) == [[1], [2]])

            let after = try store.snapshot()
            #expect(try after.get(Self.accounts, [1]) == [0x11])
            #expect(try after.get(Self.accounts, [2]) == nil)
            #expect(try keys(after, Self.accounts) == [[1], [3]])
        }
    }

    @Test(arguments: Engine.allCases)
    func oneSnapshotServesManyTasksWhileAWriterRuns(_ engine: Engine) async throws {
        try await withStore(engine) { store in
            let count = 300
            try store.write { batch in
                for i in 0..<count { try batch.put(Self.accounts, bigEndian(UInt64(i)), bigEndian(UInt64(i * 3))) }
            }
            let snapshot = try store.snapshot()
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for reader in 0..<4 {
                    group.addTask {
                        var ok = true
                        for i in stride(from: reader, to: count, by: 2) {
                            ok = try ok && snapshot.get(Self.accounts, bigEndian(UInt64(i))) == bigEndian(UInt64(i * 3))
                        }
                        // A scan whose callback reads the same snapshot.
                        var seen = 0
                        try snapshot.scan(Self.accounts, from: []) { key, value in
                            seen += 1
                            ok = ok && (try? snapshot.get(Self.accounts, key)) == value
                            return true
                        }
                        return ok && seen == count
                    }
                }
                group.addTask {
                    for i in 0..<20 {
                        try store.write { try $0.put(Self.accounts, bigEndian(UInt64(i)), [0]) }
                    }
                    return true
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results == Array(repeating: true, count: 5))
            #expect(try store.get(Self.accounts, bigEndian(0)) == [0])
        }
    }

    @Test(arguments: Engine.allCases)
    func concurrentWritersAreSerialized(_ engine: Engine) async throws {
        try await withStore(engine) { store in
            let counter: [UInt8] = Array("counter".utf8)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        for _ in 0..<25 {
                            try store.write { batch in
                                let current = try integer(bigEndian: batch.get(Tables.meta, counter)) ?? 0
                                try batch.put(Tables.meta, counter, bigEndian(current + 1))
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try integer(bigEndian: store.get(Tables.meta, counter)) == 200)
        }
    }

    @Test(arguments: Engine.allCases)
    func unknownTablesAreRefused(_ engine: Engine) throws {
        try withStore(engine) { store in
            let nope = Table("nope")
            #expect(throws: StorageError.unknownTable("nope")) { try store.get(nope, [1]) }
            #expect(throws: StorageError.unknownTable("nope")) { try store.snapshot().scan(nope, from: []) { _, _ in true } }
            #expect(throws: StorageError.unknownTable("nope")) { try store.write { try $0.put(nope, [1], [1]) } }
            #expect(throws: StorageError.unknownTable("nope")) { try store.write { try $0.delete(nope, [1]) } }
        }
    }

    @Test(arguments: Engine.allCases)
    func invalidKeysAreRefusedAndTheBatchStaysUsable(_ engine: Engine) throws {
        try withStore(engine) { store in
            let longest = [UInt8](repeating: 0xAB, count: 511)
            #expect(throws: StorageError.invalidKey(length: 0)) { try store.get(Self.accounts, []) }
            #expect(throws: StorageError.invalidKey(length: 512)) { try store.get(Self.accounts, longest + [0]) }
            #expect(throws: StorageError.invalidKey(length: 512)) {
                try store.snapshot().scan(Self.accounts, from: longest + [0]) { _, _ in true }
            }
            try store.write { batch in
                #expect(throws: StorageError.invalidKey(length: 0)) { try batch.put(Self.accounts, [], [1]) }
                #expect(throws: StorageError.invalidKey(length: 600)) { try batch.put(Self.accounts, Array(repeating: 1, count: 600), [1]) }
                #expect(throws: StorageError.invalidKey(length: 0)) { try batch.delete(Self.accounts, []) }
                try batch.put(Self.accounts, longest, [1])
            }
            #expect(try store.get(Self.accounts, longest) == [1])
        }
    }

    @Test(arguments: Engine.allCases)
    func aNewStoreRecordsTheSchemaVersion(_ engine: Engine) throws {
        try withStore(engine) { store in
            let stored = try store.get(Tables.meta, SchemaVersion.key)
            #expect(stored?.count == 4)
            #expect(integer(bigEndian: stored) == UInt64(SchemaVersion.current))
        }
    }
}
