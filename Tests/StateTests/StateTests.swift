import Foundation
import Testing
import Primitives
import Storage
import Trie
import ChainTypes
import State
import TestSupport

/// Both storage engines run every state test.
enum Engine: String, CaseIterable, Sendable {
    case inMemory, lmdb

    func make() throws -> any KeyValueStore {
        switch self {
        case .inMemory: return InMemoryStore()
        case .lmdb:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cloister-state-\(UUID().uuidString)")
            return try LMDBStore(path: dir.path, mapSize: 1 << 30)
        }
    }
}

@Suite struct StateDBTests {
    let a = TestKeys.address("A"), b = TestKeys.address("B"), c = TestKeys.address("C")

    @Test func journalRevertsEveryKindOfChange() throws {
        let db = StateDB(base: EmptyStateReader())
        try db.addBalance(a, 100)
        try db.setStorage(a, slot: 1, 5)
        let snap = db.snapshot()
        try db.addBalance(a, 50)
        try db.setNonce(a, 7)
        try db.setCode(a, [0x60, 0x00])
        try db.setStorage(a, slot: 1, 6)
        try db.setStorage(a, slot: 2, 9)
        try db.createAccount(b)
        try db.destroyAccount(a)
        #expect(try db.exists(a) == false)
        db.revert(to: snap)
        #expect(try db.balance(a) == 100)
        #expect(try db.nonce(a) == 0)
        #expect(try db.code(a) == [])
        #expect(try db.storage(a, slot: 1) == 5)
        #expect(try db.storage(a, slot: 2) == 0)
        #expect(try db.exists(b) == false)
    }

    @Test func originalStorageIsTheValueAtTransactionStart() throws {
        let db = StateDB(base: EmptyStateReader())
        try db.setStorage(a, slot: 1, 5)
        try db.finalizeTransaction(deleteEmptyTouched: true)
        try db.setStorage(a, slot: 1, 6)
        try db.setStorage(a, slot: 1, 7)
        #expect(try db.originalStorage(a, slot: 1) == 5)
        #expect(try db.storage(a, slot: 1) == 7)
        try db.finalizeTransaction(deleteEmptyTouched: true)
        #expect(try db.originalStorage(a, slot: 1) == 7)
    }

    /// A committed state where A has slots 1 = 5 and 2 = 8.
    func committedState() throws -> any StateReader {
        let states = StateStore(store: InMemoryStore())
        let genesis = Genesis(config: ChainConfig(chainID: 1337),
                              alloc: [a: GenesisAccount(balance: 1, code: [0x00], storage: [1: 5, 2: 8])])
        try states.commit(StateChanges(genesis: genesis), block: 0)
        return try states.latest()
    }

    /// Reads keep the committed value in the overlay; only writes reach `changes()`,
    /// and a reverted write leaves the committed value (not a written zero) behind.
    @Test func committedReadsAreCachedAndOnlyWritesAreChanges() throws {
        let db = StateDB(base: try committedState())
        #expect(try db.storage(a, slot: 1) == 5)
        #expect(try db.originalStorage(a, slot: 2) == 8)
        #expect(try db.storage(a, slot: 3) == 0)
        let snap = db.snapshot()
        try db.setStorage(a, slot: 1, 6)
        try db.setStorage(a, slot: 3, 1)
        #expect(try db.originalStorage(a, slot: 1) == 5)
        db.revert(to: snap)
        #expect(try db.storage(a, slot: 1) == 5)
        #expect(try db.storage(a, slot: 3) == 0)
        #expect(db.changes().accounts.first { $0.address == a }?.storage ?? [:] == [:])
        try db.setStorage(a, slot: 2, 9)
        try db.finalizeTransaction(deleteEmptyTouched: true)
        let change = db.changes().accounts.first { $0.address == a }
        #expect(change?.storage == [2: 9])
        #expect(change?.storageWiped == false)
        #expect(try db.originalStorage(a, slot: 2) == 9)
    }

    /// EIP-2200's original value is the one at the transaction's start even when the
    /// account's storage is wiped later in that transaction; the next transaction sees zero.
    @Test func originalsSurviveAWipeInTheSameTransaction() throws {
        let db = StateDB(base: try committedState())
        try db.setStorage(a, slot: 1, 7)
        try db.createAccount(a)
        #expect(try db.storage(a, slot: 1) == 0)
        #expect(try db.storage(a, slot: 2) == 0)
        #expect(try db.originalStorage(a, slot: 1) == 5)
        try db.setStorage(a, slot: 1, 4)
        #expect(try db.originalStorage(a, slot: 1) == 5)
        try db.finalizeTransaction(deleteEmptyTouched: true)
        #expect(try db.originalStorage(a, slot: 1) == 4)
        #expect(try db.originalStorage(a, slot: 2) == 0)
        let change = db.changes().accounts.first { $0.address == a }
        #expect(change?.storage == [1: 4])
        #expect(change?.storageWiped == true)
    }

    @Test func touchedEmptyAccountsAreDeletedFromSpuriousDragon() throws {
        for deleteEmpty in [true, false] {
            let db = StateDB(base: EmptyStateReader())
            try db.addBalance(a, 0)   // creates an empty account
            db.touch(a)
            try db.addBalance(b, 1)
            db.touch(b)
            try db.finalizeTransaction(deleteEmptyTouched: deleteEmpty)
            #expect(try db.exists(a) == !deleteEmpty)
            #expect(try db.exists(b))
        }
    }
}

@Suite struct StateStoreTests {
    let a = TestKeys.address("A"), b = TestKeys.address("B"), c = TestKeys.address("C")

    /// Applies a block's worth of changes through a StateDB and commits them.
    @discardableResult
    func commitBlock(_ states: StateStore, _ block: UInt64, _ body: (StateDB) throws -> Void) throws -> Hash32 {
        let db = StateDB(base: try states.latest())
        try body(db)
        try db.finalizeTransaction(deleteEmptyTouched: true)
        let predicted = try states.computeRoot(db.changes())
        let root = try states.commit(db.changes(), block: block)
        #expect(root == predicted, "computeRoot agrees with commit")
        return root
    }

    @Test(arguments: Engine.allCases)
    func genesisCommitMatchesTheGenesisRoot(engine: Engine) throws {
        let states = StateStore(store: try engine.make())
        var alloc: [Address: GenesisAccount] = [:]
        for i in 0..<50 {
            let address = Address(Keccak256.hash([UInt8(i)]).bytes.suffix(20))!
            alloc[address] = GenesisAccount(balance: UInt256(UInt64(i) * 1_000_000), nonce: UInt64(i % 3),
                                            code: i % 5 == 0 ? [0x60, UInt8(i), 0x00] : [],
                                            storage: i % 7 == 0 ? [1: UInt256(UInt64(i)), 2: 0, UInt256.max: 3] : [:])
        }
        let genesis = Genesis(config: ChainConfig(chainID: 1337), alloc: alloc)
        let root = try states.commit(StateChanges(genesis: genesis), block: 0)
        #expect(root == genesis.stateRoot())
        let latest = try states.latest()
        #expect(latest.stateRoot == root)
        for (address, account) in alloc {
            #expect(try latest.account(address) == account.stateAccount)
            for (slot, value) in account.storage { #expect(try latest.storage(address, slot: slot) == value) }
            #expect(try latest.code(account.stateAccount.codeHash) == account.code)
        }
    }

    /// The one-pass genesis path and the node-by-node block path agree: half the
    /// accounts as genesis plus the other half as block 1 give the full genesis root.
    @Test(arguments: Engine.allCases)
    func freshAndIncrementalCommitsAgree(engine: Engine) throws {
        var alloc: [Address: GenesisAccount] = [:]
        for i in 0..<200 {
            let address = Address(Keccak256.hash([UInt8(i), 7]).bytes.suffix(20))!
            alloc[address] = GenesisAccount(balance: UInt256(UInt64(i + 1)), storage: i % 4 == 0 ? [UInt256(UInt64(i)): 1, 5: 2] : [:])
        }
        let full = Genesis(config: ChainConfig(chainID: 1), alloc: alloc)
        let keys = alloc.keys.sorted()
        let firstHalf = Dictionary(uniqueKeysWithValues: keys.prefix(100).map { ($0, alloc[$0]!) })
        let states = StateStore(store: try engine.make())
        try states.commit(StateChanges(genesis: Genesis(config: full.config, alloc: firstHalf)), block: 0)
        let db = StateDB(base: try states.latest())
        for address in keys.dropFirst(100) {
            let a = alloc[address]!
            try db.addBalance(address, a.balance)
            for (slot, value) in a.storage { try db.setStorage(address, slot: slot, value) }
        }
        let root = try states.commit(db.changes(), block: 1)
        #expect(root == full.stateRoot())
    }

    /// Apply three blocks, unwind two: the root and every read equal those after the first.
    @Test(arguments: Engine.allCases)
    func unwindRestoresEarlierState(engine: Engine) throws {
        let states = StateStore(store: try engine.make())
        let genesis = Genesis(config: ChainConfig(chainID: 1337),
                              alloc: [a: GenesisAccount(balance: 1000), b: GenesisAccount(balance: 5, storage: [1: 1, 2: 2])])
        try states.commit(StateChanges(genesis: genesis), block: 0)
        let root1 = try commitBlock(states, 1) { db in
            try db.subtractBalance(a, 10); try db.addBalance(b, 10); try db.setNonce(a, 1)
            try db.setStorage(b, slot: 1, 11)
        }
        let snapshotAt1: [(Address, Account?)] = try [a, b, c].map { ($0, try states.latest().account($0)) }
        try commitBlock(states, 2) { db in
            try db.setStorage(b, slot: 2, 0)       // delete a slot
            try db.setStorage(b, slot: 3, 33)      // add a slot
            try db.setCode(c, [0x60, 0x01])        // a new contract
            try db.setStorage(c, slot: 9, 99)
        }
        let root3 = try commitBlock(states, 3) { db in
            try db.destroyAccount(b)               // storage wiped
            try db.addBalance(a, 1)
        }
        #expect(try states.head()?.block == 3)
        #expect(try states.head()?.root == root3)
        // Historical reads through the trie.
        let past = try states.reader(atBlock: 1)
        #expect(past.stateRoot == root1)
        #expect(try past.storage(b, slot: 1) == 11)
        #expect(try past.storage(b, slot: 2) == 2)
        #expect(try past.account(c) == nil)
        #expect(throws: StateError.unknownBlock(4)) { try states.reader(atBlock: 4) }

        try states.unwind(to: 1)
        #expect(try states.head()?.block == 1)
        #expect(try states.head()?.root == root1)
        let latest = try states.latest()
        for (address, account) in snapshotAt1 { #expect(try latest.account(address) == account) }
        #expect(try latest.storage(b, slot: 1) == 11)
        #expect(try latest.storage(b, slot: 2) == 2)
        #expect(try latest.storage(b, slot: 3) == 0)
        #expect(try latest.storage(c, slot: 9) == 0)
        // Building block 2 again on the unwound state works and is deterministic.
        let again = try commitBlock(states, 2) { db in try db.addBalance(c, 1) }
        #expect(try states.head()?.root == again)
        #expect(throws: StateError.outOfOrder(got: 5, expected: 3)) { try states.commit(StateChanges(accounts: []), block: 5) }
        #expect(throws: StateError.cannotUnwind(to: 7, head: 2)) { try states.unwind(to: 7) }
    }

    /// Storage wiped and rewritten in one block (account re-created) keeps only the new slots.
    @Test(arguments: Engine.allCases)
    func recreatedAccountStartsWithEmptyStorage(engine: Engine) throws {
        let states = StateStore(store: try engine.make())
        try states.commit(StateChanges(genesis: Genesis(config: ChainConfig(chainID: 1),
                                                        alloc: [a: GenesisAccount(balance: 1, storage: [1: 1, 2: 2])])), block: 0)
        try commitBlock(states, 1) { db in
            try db.createAccount(a)
            try db.setStorage(a, slot: 3, 3)
        }
        let latest = try states.latest()
        #expect(try latest.storage(a, slot: 1) == 0)
        #expect(try latest.storage(a, slot: 3) == 3)
        let expected = SecureTrie()
        try expected.update(UInt256(3).bigEndianBytes, UInt256(3).rlpEncoded)
        #expect(try latest.account(a)?.storageRoot == expected.rootHash())
        #expect(try latest.account(a)?.balance == 1, "balance survives re-creation")
        try states.unwind(to: 0)
        #expect(try states.latest().storage(a, slot: 2) == 2)
    }
}
