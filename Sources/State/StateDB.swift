public import Primitives
public import ChainTypes

/// # State
///
/// World state for execution: ``StateDB`` is a journaled, in-memory overlay over
/// a committed state (a ``StateReader``); ``StateStore`` commits its changes to
/// the data directory — flat account and storage tables for O(1) reads, trie nodes
/// for roots and proofs, per-block change sets for unwinding — and serves reads
/// of the latest or a past block's state.

/// A journaled overlay over a committed state: what a block's transactions read and write.
///
/// Every write is recorded in a journal, so a call frame can take a ``snapshot()``
/// and ``revert(to:)`` it (nested calls, reverts, failed transactions). At the end
/// of each transaction ``finalizeTransaction(deleteEmptyTouched:)`` applies
/// EIP-161's removal of touched empty accounts and clears the journal. At the end
/// of a block ``changes()`` lists the net effect for ``StateStore/commit(_:block:)``.
///
/// Not thread-safe: one block's execution owns one `StateDB`.
public final class StateDB {
    let base: any StateReader
    private var objects: [Address: StateObject] = [:]
    private var journal: [JournalEntry] = []
    private var touched: Set<Address> = []
    /// Written addresses, each once (its object's `isDirty` is set).
    private var dirty: [Address] = []
    /// Counts finished transactions: a slot's recorded EIP-2200 "original" value
    /// belongs to the current transaction only if it carries this number.
    private var transactionNumber = 0
    /// The last object looked up: runs of storage operations mostly hit one account.
    /// (An address keeps its object for the overlay's lifetime, so this never goes stale.)
    private var lastAddress = Address.zero
    private var lastObject: StateObject?

    public init(base: any StateReader) { self.base = base }

    /// The root of the state underneath the overlay.
    public var baseStateRoot: Hash32 { base.stateRoot }

    private func object(_ address: Address) throws(StateError) -> StateObject {
        if let o = lastObject, lastAddress == address { return o }
        let o: StateObject
        if let existing = objects[address] {
            o = existing
        } else {
            o = StateObject(account: try base.account(address))
            objects[address] = o
        }
        lastAddress = address
        lastObject = o
        return o
    }

    private func markDirty(_ address: Address, _ o: StateObject) {
        if !o.isDirty {
            o.isDirty = true
            dirty.append(address)
        }
    }

    // MARK: Reads

    public func account(_ address: Address) throws(StateError) -> Account? { try object(address).account }
    public func exists(_ address: Address) throws(StateError) -> Bool { try object(address).account != nil }
    /// EIP-161 "empty": absent, or no nonce, no balance and no code.
    public func isEmpty(_ address: Address) throws(StateError) -> Bool { try object(address).account?.isEmpty ?? true }
    public func balance(_ address: Address) throws(StateError) -> UInt256 { try object(address).account?.balance ?? .zero }
    public func nonce(_ address: Address) throws(StateError) -> UInt64 { try object(address).account?.nonce ?? 0 }
    public func codeHash(_ address: Address) throws(StateError) -> Hash32? { try object(address).account?.codeHash }

    /// The account's code (empty for accounts without code and for absent accounts).
    public func code(_ address: Address) throws(StateError) -> [UInt8] {
        let o = try object(address)
        if let code = o.code { return code }
        guard let hash = o.account?.codeHash, hash != .emptyKeccak else { return [] }
        guard let code = try base.code(hash) else {
            throw .corruptRecord(table: "code", reason: "missing code \(hash) of \(address)")
        }
        o.code = code
        return code
    }

    /// The current value of a storage slot.
    public func storage(_ address: Address, slot: UInt256) throws(StateError) -> UInt256 {
        let o = try object(address)
        if let s = o.slots[slot] { return s.value }
        return try loadSlot(address, o, slot)
    }

    /// Reads a slot the overlay has not seen from the committed state and keeps it.
    private func loadSlot(_ address: Address, _ o: StateObject, _ slot: UInt256) throws(StateError) -> UInt256 {
        // An absent account has no committed storage; a wiped one no longer has it.
        let value = o.wiped || o.account == nil ? .zero : try base.storage(address, slot: slot)
        o.slots[slot] = StorageSlot(value: value)
        return value
    }

    /// The slot's value at the start of the current transaction (EIP-2200's "original value").
    public func originalStorage(_ address: Address, slot: UInt256) throws(StateError) -> UInt256 {
        let o = try object(address)
        if let s = o.slots[slot] { return s.original(inTransaction: transactionNumber) }
        return try loadSlot(address, o, slot)
    }

    // MARK: Writes

    private func setAccount(_ address: Address, _ o: StateObject, _ account: Account?) {
        journal.append(.account(address, previous: o.account))
        o.account = account
        markDirty(address, o)
    }

    /// Creates (or re-creates) an account: nonce 0, no code, empty storage; an
    /// existing balance is kept, as when value was sent to the address beforehand.
    public func createAccount(_ address: Address) throws(StateError) {
        let o = try object(address)
        let balance = o.account?.balance ?? .zero
        resetStorage(address, o)
        journal.append(.code(address, previous: o.code))
        o.code = nil
        setAccount(address, o, Account(balance: balance))
    }

    /// Removes the account and its storage (SELFDESTRUCT of a contract created in the same transaction).
    public func destroyAccount(_ address: Address) throws(StateError) {
        let o = try object(address)
        resetStorage(address, o)
        journal.append(.code(address, previous: o.code))
        o.code = nil
        setAccount(address, o, nil)
    }

    private func resetStorage(_ address: Address, _ o: StateObject) {
        journal.append(.storageReset(address, previousSlots: o.slots, previousWiped: o.wiped))
        // The slots are gone, but the values they had when this transaction began stay its EIP-2200 originals.
        let n = transactionNumber
        o.slots = o.slots.compactMapValues { $0.originalTransaction == n ? StorageSlot(wipedKeeping: $0) : nil }
        o.wiped = true
        markDirty(address, o)
    }

    /// Adds to the balance, creating the account if absent (even for a zero amount,
    /// which matters before EIP-161).
    public func addBalance(_ address: Address, _ amount: UInt256) throws(StateError) {
        let o = try object(address)
        var account = o.account ?? Account()
        account.balance = account.balance &+ amount
        setAccount(address, o, account)
    }

    /// Subtracts from the balance; the caller has checked it suffices.
    public func subtractBalance(_ address: Address, _ amount: UInt256) throws(StateError) {
        let o = try object(address)
        var account = o.account ?? Account()
        account.balance = account.balance &- amount
        setAccount(address, o, account)
    }

    public func setBalance(_ address: Address, _ balance: UInt256) throws(StateError) {
        let o = try object(address)
        var account = o.account ?? Account()
        account.balance = balance
        setAccount(address, o, account)
    }

    public func setNonce(_ address: Address, _ nonce: UInt64) throws(StateError) {
        let o = try object(address)
        var account = o.account ?? Account()
        account.nonce = nonce
        setAccount(address, o, account)
    }

    public func setCode(_ address: Address, _ code: [UInt8]) throws(StateError) {
        let o = try object(address)
        var account = o.account ?? Account()
        account.codeHash = code.isEmpty ? .emptyKeccak : Keccak256.hash(code)
        journal.append(.code(address, previous: o.code))
        o.code = code
        setAccount(address, o, account)
    }

    public func setStorage(_ address: Address, slot: UInt256, _ value: UInt256) throws(StateError) {
        let o = try object(address)
        if o.slots[slot] == nil { _ = try loadSlot(address, o, slot) }
        let previous = o.slots[slot]!.write(value, inTransaction: transactionNumber)
        journal.append(.storage(address, slot: slot, previous: previous.value, wasWritten: previous.written))
        markDirty(address, o)
        if o.account == nil { setAccount(address, o, Account()) }
    }

    /// Marks an address touched (EIP-161): if it is empty at the end of the
    /// transaction it is deleted.
    public func touch(_ address: Address) {
        if touched.insert(address).inserted { journal.append(.touched(address)) }
    }

    // MARK: Journal

    /// A point to return to with ``revert(to:)``.
    public func snapshot() -> Int { journal.count }

    /// Undoes every change made since `snapshot`.
    public func revert(to snapshot: Int) {
        while journal.count > snapshot {
            switch journal.removeLast() {
            case .account(let a, let previous): objects[a]?.account = previous
            case .storage(let a, let slot, let previous, let wasWritten):
                objects[a]?.slots[slot]?.restore(previous, written: wasWritten)
            case .code(let a, let previous): objects[a]?.code = previous
            case .storageReset(let a, let slots, let wiped):
                objects[a]?.slots = slots
                objects[a]?.wiped = wiped
            case .touched(let a): touched.remove(a)
            }
        }
    }

    /// Ends a transaction: deletes touched accounts that are empty (EIP-161, from
    /// Spurious Dragon, when `deleteEmptyTouched`), and forgets the journal.
    public func finalizeTransaction(deleteEmptyTouched: Bool) throws(StateError) {
        if deleteEmptyTouched {
            for address in touched.sorted() where try object(address).account?.isEmpty == true {
                try destroyAccount(address)
            }
        }
        journal.removeAll(keepingCapacity: true)
        touched.removeAll(keepingCapacity: true)
        transactionNumber += 1
    }

    /// The net effect on every written address, sorted by address. Storage roots
    /// in the returned accounts are stale; ``StateStore`` recomputes them.
    public func changes() -> StateChanges {
        var out: [AccountChange] = []
        out.reserveCapacity(dirty.count)
        for address in dirty.sorted() {
            guard let o = objects[address] else { continue }
            var storage: [UInt256: UInt256] = [:]
            for (slot, s) in o.slots where s.written { storage[slot] = s.value }
            out.append(AccountChange(address: address, account: o.account,
                                     storage: storage, storageWiped: o.wiped,
                                     code: o.account == nil ? nil : o.code))
        }
        return StateChanges(accounts: out)
    }
}

/// One account's cached and overlaid state inside a ``StateDB``.
final class StateObject {
    var account: Account?
    /// Every slot read or written through the overlay (reads cache the committed value).
    var slots: [UInt256: StorageSlot] = [:]
    /// The committed storage no longer applies (account created or destroyed in this block).
    var wiped = false
    /// Listed in the overlay's written addresses.
    var isDirty = false
    var code: [UInt8]?
    init(account: Account?) { self.account = account }
}

/// One storage slot as a ``StateDB`` knows it: one dictionary entry holds the
/// current value, whether the overlay wrote it, and its EIP-2200 original value.
struct StorageSlot {
    /// The current value: the committed one (cached) until the overlay writes it.
    var value: UInt256
    /// Written through the overlay (so part of ``StateDB/changes()``).
    var written = false
    /// The value when transaction `originalTransaction` first wrote the slot.
    var original = UInt256.zero
    var originalTransaction = -1

    /// A slot as read from the committed state.
    init(value: UInt256) { self.value = value }

    /// The slot after its account's storage was wiped: zero, not written, its original kept.
    init(wipedKeeping s: StorageSlot) {
        value = .zero
        original = s.original
        originalTransaction = s.originalTransaction
    }

    /// The value when transaction `n` began.
    func original(inTransaction n: Int) -> UInt256 { originalTransaction == n ? original : value }

    /// Writes `newValue` in transaction `n`, recording the original on its first write
    /// there; returns what to restore on revert.
    mutating func write(_ newValue: UInt256, inTransaction n: Int) -> (value: UInt256, written: Bool) {
        let previous = (value, written)
        if originalTransaction != n {
            original = value
            originalTransaction = n
        }
        value = newValue
        written = true
        return previous
    }

    mutating func restore(_ previous: UInt256, written wasWritten: Bool) {
        value = previous
        written = wasWritten
    }
}

/// The net changes of a block (or a genesis allocation), ready to commit.
public struct StateChanges: Sendable {
    public var accounts: [AccountChange]
    public init(accounts: [AccountChange]) { self.accounts = accounts }

    /// The changes that create a genesis allocation.
    public init(genesis: Genesis) {
        accounts = genesis.alloc.keys.sorted().map { address in
            let a = genesis.alloc[address]!
            // The storage root is left for the committer to compute (see `changes()`).
            let account = Account(nonce: a.nonce, balance: a.balance,
                                  codeHash: a.code.isEmpty ? .emptyKeccak : Keccak256.hash(a.code))
            return AccountChange(address: address, account: account, storage: a.storage,
                                 storageWiped: true, code: a.code.isEmpty ? nil : a.code)
        }
    }
}

/// One address's net change: the final account (nil = deleted), overlaid slots
/// (zero = delete), whether earlier storage was wiped first, and new code.
public struct AccountChange: Sendable {
    public var address: Address
    public var account: Account?
    public var storage: [UInt256: UInt256]
    public var storageWiped: Bool
    public var code: [UInt8]?

    public init(address: Address, account: Account?, storage: [UInt256: UInt256], storageWiped: Bool, code: [UInt8]?) {
        self.address = address; self.account = account; self.storage = storage
        self.storageWiped = storageWiped; self.code = code
    }
}
