import Foundation
public import Primitives
public import ChainTypes
public import Storage
public import State
public import Consensus
import Execution
import Synchronization
public import Trie

/// What importing one block did.
public struct ImportResult: Sendable {
    public enum Kind: Sendable, Equatable {
        /// The block extended the canonical chain and is the new head.
        case extended
        /// The block was verified and stored on a side branch; the head did not move.
        case sideChain
        /// The block's branch became canonical: the head moved to it through a reorg.
        case reorganized
        /// The block was already stored; nothing was done.
        case alreadyKnown
    }
    public var kind: Kind
    public var hash: Hash32
    public var number: UInt64
    public var gasUsed: UInt64
    /// Transactions of blocks that left the canonical chain and are not in the new one
    /// (for the pool to take back).
    public var droppedTransactions: [SignedTransaction] = []
    /// Transactions that became canonical (the imported block's, or the new branch's in a reorg).
    public var includedTransactions: [SignedTransaction] = []
    /// Blocks that became canonical, oldest first (the imported block, or a reorg's new branch).
    public var newCanonical: [Hash32] = []
    /// Blocks that left the canonical chain in a reorg, oldest first.
    public var removedCanonical: [Hash32] = []
}

/// The block tree of one data directory: imports blocks from any source with full
/// validation, keeps the heaviest branch canonical, and answers reads.
///
/// Guarantees: a block is stored only after every rule passed — header rules and the
/// engine's seal, transactions root, execution with gas used, receipts root, bloom and
/// state root; each import (and each reorg, unwinding and re-applying state) is one
/// atomic write, so a crash at any point leaves the last fully imported block as head.
/// Fork choice is by total difficulty with go-ethereum's tie-breaks. Imports are
/// serialized; reads use snapshots and run concurrently with them.
public final class Blockchain: Sendable {
    /// The data directory's store: written only under `importLock`, by this type.
    let store: any KeyValueStore
    public let config: ChainConfig
    public let engine: any ConsensusEngine
    let executor: BlockExecutor
    public let headers: ChainStore
    let stateStore: StateStore
    /// Read-only view of the state (the write paths stay inside this type).
    public var state: ChainState { ChainState(store: stateStore) }
    /// Unix time in seconds (future blocks are refused).
    private let clock: @Sendable () -> UInt64
    /// Fork choice: whether a block is one of ours (kept on equal weight and height).
    private let preserve: @Sendable (Header) -> Bool
    /// Fork choice: the coin go-ethereum flips between equal branches.
    private let coin: @Sendable () -> Bool
    private let importLock = Mutex<Void>(())
    private let headBlock: Mutex<SealedHeader>
    private let headListeners = Mutex<[@Sendable (ImportResult) -> Void]>([])
    /// Sections received for blocks not yet imported (by block hash), each matching its
    /// header's vanity; bounded, and dropped once the block is stored.
    private let stagedSections = Mutex<[Hash32: ConfidentialSection]>([:])
    static let stagedSectionLimit = 512

    /// Opens the chain of an initialized data directory (``GenesisInitializer``).
    public init(store: any KeyValueStore, config: ChainConfig, engine: any ConsensusEngine,
                clock: @escaping @Sendable () -> UInt64 = Blockchain.systemClock,
                preserve: @escaping @Sendable (Header) -> Bool = { _ in false },
                coin: @escaping @Sendable () -> Bool = { Bool.random() }) throws(BlockImportError) {
        self.store = store; self.config = config; self.engine = engine
        self.clock = clock; self.preserve = preserve; self.coin = coin
        executor = BlockExecutor(config: config)
        headers = ChainStore(store: store, config: config)
        stateStore = StateStore(store: store)
        let head: SealedHeader
        do {
            let snapshot = try store.snapshot()
            guard let hash = try ChainStore.headHash(in: snapshot), let h = try ChainStore.header(hash: hash, in: snapshot) else {
                throw BlockImportError.corrupt("the data directory holds no chain (run `cloister init`)")
            }
            head = h
        } catch { throw Self.map(error) }
        headBlock = Mutex(head)
    }

    /// Unix time in seconds from the system clock.
    public static let systemClock: @Sendable () -> UInt64 = { UInt64(Date().timeIntervalSince1970) }

    // MARK: Reads

    /// The canonical head.
    public var head: SealedHeader { headBlock.withLock { $0 } }

    /// The genesis block's header.
    public var genesis: SealedHeader? { canonicalHeader(0) }

    public func header(hash: Hash32) -> SealedHeader? { headers.header(hash: hash) }

    /// The canonical header at `number`.
    public func canonicalHeader(_ number: UInt64) -> SealedHeader? {
        guard let snapshot = try? store.snapshot(), let hash = try? ChainStore.canonicalHash(number, in: snapshot) else { return nil }
        return try? ChainStore.header(hash: hash, in: snapshot)
    }

    /// The block with this hash (canonical or not).
    public func block(hash: Hash32) -> Block? {
        guard let snapshot = try? store.snapshot(), let h = try? ChainStore.header(hash: hash, in: snapshot),
              let body = try? ChainStore.body(hash: hash, in: snapshot) else { return nil }
        return Block(header: h.header, transactions: body.transactions, ommers: body.ommers)
    }

    /// The receipts of the block with this hash.
    public func receipts(hash: Hash32) -> [Receipt]? {
        guard let snapshot = try? store.snapshot() else { return nil }
        return try? ChainStore.receipts(hash: hash, in: snapshot)
    }

    /// The total difficulty of the chain ending at `hash`.
    public func totalDifficulty(hash: Hash32) -> UInt256? {
        guard let snapshot = try? store.snapshot() else { return nil }
        return try? ChainStore.totalDifficulty(hash, in: snapshot)
    }

    /// Where a canonical transaction is: its block's hash and its index there.
    public func transactionLocation(_ hash: Hash32) -> (block: Hash32, index: Int)? {
        guard let snapshot = try? store.snapshot() else { return nil }
        return try? ChainStore.transactionLocation(hash, in: snapshot)
    }

    /// The state after the canonical block `number` (the head's through the flat tables).
    public func stateReader(atBlock number: UInt64) throws(StateError) -> any StateReader {
        try stateStore.reader(atBlock: number)
    }

    /// The state after block `hash`, canonical or on a side branch (through its trie).
    public func stateReader(atHash hash: Hash32) throws(StateError) -> (any StateReader)? {
        let snapshot: any ReadSnapshot
        do { snapshot = try store.snapshot() } catch { throw .storage(error) }
        guard let h = try? ChainStore.header(hash: hash, in: snapshot) else { return nil }
        if let head = try StateStore.committedHead(in: snapshot), head.root == h.header.stateRoot,
           (try? ChainStore.headHash(in: snapshot)) == hash {
            return FlatStateReader(snapshot: snapshot, stateRoot: head.root)
        }
        return TrieStateReader(snapshot: snapshot, stateRoot: h.header.stateRoot)
    }

    /// Calls `handler` after every import that moved the head (extended or reorganized),
    /// on the importing thread, outside the import lock.
    public func onHeadChange(_ handler: @escaping @Sendable (ImportResult) -> Void) {
        headListeners.withLock { $0.append(handler) }
    }

    private func announce(_ result: ImportResult) {
        guard result.kind == .extended || result.kind == .reorganized else { return }
        for h in headListeners.withLock({ $0 }) { h(result) }
    }

    // MARK: Import

    /// Imports one block: verifies it completely, stores it, and moves the head when
    /// its branch is now the heaviest. `knownSenders` (transaction hash → sender, e.g.
    /// from the pool) skips recovering those signatures again. On a confidential chain a
    /// block with `0x40` transactions needs its `section` (CONFIDENTIAL.md section 6),
    /// given here or stored before.
    @discardableResult
    public func insert(_ block: Block, section: ConfidentialSection? = nil,
                       knownSenders: [Hash32: Address] = [:]) throws(BlockImportError) -> ImportResult {
        let started = ContinuousClock.now
        let result: ImportResult
        do {
            result = try importLock.withLock { _ throws(BlockImportError) -> ImportResult in
                try insertLocked(block, section: section, knownSenders: knownSenders)
            }
        } catch {
            ChainMetrics.refused(error).increment()
            throw error
        }
        if result.kind != .alreadyKnown { Self.record(result, gasUsed: block.header.gasUsed, took: ContinuousClock.now - started) }
        announce(result)
        return result
    }

    /// Counts an import in the chain's metrics.
    private static func record(_ result: ImportResult, gasUsed: UInt64, took: Duration) {
        ChainMetrics.imported(result.kind).increment()
        ChainMetrics.importDuration.record(took)
        ChainMetrics.importedGas.increment(by: Int64(clamping: gasUsed))
        let seconds = Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18
        if gasUsed > 0, seconds > 0 { ChainMetrics.lastImportRate.record(Double(gasUsed) / seconds / 1e6) }
        if result.kind == .reorganized {
            ChainMetrics.reorgs.increment()
            ChainMetrics.reorgDepth.record(result.removedCanonical.count)
        }
    }

    private func insertLocked(_ block: Block, section: ConfidentialSection?, knownSenders: [Hash32: Address]) throws(BlockImportError) -> ImportResult {
        let header = block.header
        let sealed = SealedHeader(header)
        let hash = sealed.hash
        let snapshot: any ReadSnapshot
        do { snapshot = try store.snapshot() } catch { throw .storage(error) }
        if (try? ChainStore.header(hash: hash, in: snapshot)) != nil {
            return ImportResult(kind: .alreadyKnown, hash: hash, number: header.number, gasUsed: header.gasUsed)
        }
        let parentOrNil: SealedHeader?
        do { parentOrNil = try ChainStore.header(hash: header.parentHash, in: snapshot) } catch { throw Self.map(error) }
        guard let parent = parentOrNil else { throw .unknownParent(header.parentHash) }

        // Header: engine-independent rules, then the engine's (seal, signer, turn, timestamp).
        try HeaderRules.verify(header, parent: parent.header, config: config)
        do { try engine.verifyHeader(sealed, parent: parent, reader: headers, now: clock()) } catch { throw .consensus(error) }

        // Body.
        guard block.ommers.isEmpty else { throw .unclesNotAllowed }
        let txRoot = block.computedTransactionsRoot
        guard txRoot == header.transactionsRoot else { throw .transactionsRootMismatch(have: header.transactionsRoot, computed: txRoot) }

        // Execution on the parent's state.
        let head = self.head
        let extendsHead = parent.hash == head.hash
        let executed = try execute(block, parent: parent, knownSenders: knownSenders,
                                   base: extendsHead ? FlatStateReader(snapshot: snapshot, stateRoot: parent.header.stateRoot)
                                                     : TrieStateReader(snapshot: snapshot, stateRoot: parent.header.stateRoot),
                                   section: section, storage: snapshot)
        let parentTD: UInt256
        do {
            guard let td = try ChainStore.totalDifficulty(parent.hash, in: snapshot) else {
                throw BlockImportError.corrupt("no total difficulty for \(parent.hash)")
            }
            parentTD = td
        } catch { throw Self.map(error) }
        let td = parentTD &+ engine.weight(of: header)
        let receipts = executed.receipts

        if extendsHead {
            try write { w in
                let root = try StateStore.commit(executed.changes, block: header.number, in: w)
                guard root == header.stateRoot else { throw BlockImportError.stateRootMismatch(have: header.stateRoot, computed: root) }
                try ChainStore.writeBlock(block, hash: hash, receipts: receipts, totalDifficulty: td, in: w)
                if let encrypted = executed.encrypted { try ConfidentialStore.write(encrypted, block: hash, parent: header.parentHash, in: w) }
                try ChainStore.markCanonical(number: header.number, hash: hash, transactions: block.transactions, in: w)
                try ChainStore.setHead(hash, in: w)
            }
            headBlock.withLock { $0 = sealed }
            return ImportResult(kind: .extended, hash: hash, number: header.number, gasUsed: executed.gasUsed,
                                includedTransactions: block.transactions, newCanonical: [hash])
        }

        try write { w in
            let root = try StateStore.commitDetached(executed.changes, baseRoot: parent.header.stateRoot, in: w)
            guard root == header.stateRoot else { throw BlockImportError.stateRootMismatch(have: header.stateRoot, computed: root) }
            try ChainStore.writeBlock(block, hash: hash, receipts: receipts, totalDifficulty: td, in: w)
            if let encrypted = executed.encrypted { try ConfidentialStore.write(encrypted, block: hash, parent: header.parentHash, in: w) }
        }
        let headTD: UInt256
        do { headTD = try ChainStore.totalDifficulty(head.hash, in: store.snapshot()) ?? .zero } catch { throw Self.map(error) }
        guard reorgNeeded(current: head.header, currentTD: headTD, extern: header, externTD: td) else {
            return ImportResult(kind: .sideChain, hash: hash, number: header.number, gasUsed: executed.gasUsed)
        }
        var result = try reorganize(to: sealed, from: head)
        result.gasUsed = executed.gasUsed
        return result
    }

    /// Commits a block this node built on the head: `executed` is trusted (we ran it), the
    /// state root is computed once while committing, then `seal` signs the completed
    /// header — all in one write. Throws ``BlockImportError/staleParent(_:)`` when the
    /// head moved since `unsealed` was prepared.
    public func commitProduced(_ unsealed: Header, transactions: [SignedTransaction], executed: ExecutedBlock,
                               seal: (Header) throws -> Header) throws(BlockImportError) -> (Block, ImportResult) {
        let produced = try importLock.withLock { _ throws(BlockImportError) -> (Block, ImportResult) in
            let head = self.head
            guard unsealed.parentHash == head.hash else { throw .staleParent(unsealed.parentHash) }
            try HeaderRules.verify(unsealed, parent: head.header, config: config)
            let parentTD: UInt256
            do { parentTD = try ChainStore.totalDifficulty(head.hash, in: store.snapshot()) ?? .zero } catch { throw Self.map(error) }
            let td = parentTD &+ engine.weight(of: unsealed)
            var block = Block(header: unsealed, transactions: transactions)
            var hash = Hash32.zero
            try write { w in
                var header = unsealed
                header.stateRoot = try StateStore.commit(executed.changes, block: header.number, in: w)
                header = try seal(header)
                block.header = header
                hash = header.hash
                try ChainStore.writeBlock(block, hash: hash, receipts: executed.receipts, totalDifficulty: td, in: w)
                if let encrypted = executed.encrypted { try ConfidentialStore.write(encrypted, block: hash, parent: header.parentHash, in: w) }
                try ChainStore.markCanonical(number: header.number, hash: hash, transactions: transactions, in: w)
                try ChainStore.setHead(hash, in: w)
            }
            headBlock.withLock { $0 = SealedHeader(header: block.header, hashUnchecked: hash) }
            return (block, ImportResult(kind: .extended, hash: hash, number: block.header.number, gasUsed: executed.gasUsed,
                                        includedTransactions: transactions, newCanonical: [hash]))
        }
        announce(produced.1)
        return produced
    }

    /// go-ethereum's fork choice: heavier wins; on equal weight the lower block wins;
    /// on equal height our own block is kept, otherwise a coin decides.
    func reorgNeeded(current: Header, currentTD: UInt256, extern: Header, externTD: UInt256) -> Bool {
        if externTD != currentTD { return externTD > currentTD }
        if extern.number < current.number { return true }
        if extern.number == current.number {
            let currentPreserve = preserve(current)
            let externPreserve = preserve(extern)
            return !currentPreserve && (externPreserve || coin())
        }
        return false
    }

    /// ``reorgNeeded(current:currentTD:extern:externTD:)`` for tests.
    package func reorgNeededForTesting(current: Header, currentTD: UInt256, extern: Header, externTD: UInt256) -> Bool {
        reorgNeeded(current: current, currentTD: currentTD, extern: extern, externTD: externTD)
    }

    /// Validates and executes `block` on `base` (its parent's state) and checks the
    /// header's gas used, receipts root and bloom. The state root is checked at commit.
    private func execute(_ block: Block, parent: SealedHeader, knownSenders: [Hash32: Address],
                         base: any StateReader, section: ConfidentialSection?,
                         storage: any StorageReader) throws(BlockImportError) -> ExecutedBlock {
        let header = block.header
        let fork = config.fork(atBlock: header.number, timestamp: header.timestamp)
        let txs = try executor.recoverSenders(block.transactions, fork: fork, known: knownSenders)
        let author: Address
        do { author = try engine.author(of: header) } catch { throw .consensus(error) }
        let ancestors = AncestorHashes(parent: parent, reader: headers)
        let executed = try executor.execute(header: header, transactions: txs, author: author, state: StateDB(base: base),
                                            blockHashes: { ancestors.hash($0) }, system: try systemInputs(parent: parent),
                                            confidential: try confidentialContext(block: block, parent: parent, section: section,
                                                                                  storage: storage))
        if let failure = ancestors.failure { throw .corrupt("BLOCKHASH: \(failure)") }
        guard executed.gasUsed == header.gasUsed else { throw .gasUsedMismatch(header: header.gasUsed, computed: executed.gasUsed) }
        let receiptsRoot = executed.receiptsRoot
        guard receiptsRoot == header.receiptsRoot else { throw .receiptsRootMismatch(have: header.receiptsRoot, computed: receiptsRoot) }
        guard executed.bloom == header.logsBloom else { throw .bloomMismatch }
        return executed
    }

    /// What the registry's rules need for the child of `parent`; nil on a chain without a
    /// confidential module.
    func systemInputs(parent: SealedHeader) throws(BlockImportError) -> SystemBlockInputs? {
        guard config.confidential != nil else { return nil }
        let signers: [Address]
        do { signers = try engine.signers(after: parent, reader: headers) } catch { throw .consensus(error) }
        guard let genesis else { throw .corrupt("no canonical genesis block") }
        return SystemBlockInputs(signers: Set(signers), isCheckpoint: engine.isCheckpoint(parent.header.number + 1),
                                 genesisHash: genesis.hash)
    }

    /// The encrypted side of the child of `parent` (nil on a chain without a confidential
    /// module): the section (given, or stored with the block) and the parent's encrypted state.
    func confidentialContext(block: Block, parent: SealedHeader, section: ConfidentialSection?,
                             storage: any StorageReader) throws(BlockImportError) -> ConfidentialBlockContext? {
        guard config.confidential != nil else { return nil }
        do {
            let stored = section == nil ? try ConfidentialStore.section(of: block.header.hash, in: storage) : nil
            let staged = section == nil && stored == nil ? stagedSections.withLock { $0.removeValue(forKey: block.header.hash) } : nil
            return ConfidentialBlockContext(section: section ?? stored ?? staged, parentHash: parent.hash,
                                            parentEncStateRoot: try ConfidentialStore.encStateRoot(after: parent.hash, in: storage),
                                            nodes: StorageNodeSource(storage, table: Tables.encTrieNodes))
        } catch { throw Self.map(error) }
    }

    /// Whether `address` holds a confidential contract at the head (plain transactions and
    /// calls to it are refused). False on a chain without a confidential module.
    public func isConfidentialContract(_ address: Address, at hash: Hash32? = nil) -> Bool {
        guard config.confidential != nil, let snapshot = try? store.snapshot(),
              let root = try? ConfidentialStore.encStateRoot(after: hash ?? head.hash, in: snapshot) else { return false }
        return (try? ConfidentialBlockRules.isConfidentialContract(address, root: root,
                                                                    nodes: StorageNodeSource(snapshot, table: Tables.encTrieNodes))) ?? false
    }

    /// Keeps a section that arrived for a block not imported yet (from a peer), if its bytes
    /// decode and hash to the header's vanity; false otherwise. Import then takes it, and
    /// still runs every keyless check on it.
    public func stage(sectionBytes bytes: [UInt8], for header: Header) -> Bool {
        guard header.extraData.count >= 32, Keccak256.hash(bytes).bytes == Array(header.extraData.prefix(32)),
              let section = try? ConfidentialSection(rlp: bytes) else { return false }
        stagedSections.withLock { staged in
            if staged.count >= Self.stagedSectionLimit, let any = staged.keys.first { staged[any] = nil }
            staged[header.hash] = section
        }
        return true
    }

    /// Whether the section of block `hash` is stored or staged.
    public func hasSection(for hash: Hash32) -> Bool {
        stagedSections.withLock { $0[hash] != nil } || section(of: hash) != nil
    }

    /// The encrypted state root after block `hash` (the empty trie's root when it has none).
    public func encStateRoot(after hash: Hash32) -> Hash32? {
        guard let snapshot = try? store.snapshot() else { return nil }
        return try? ConfidentialStore.encStateRoot(after: hash, in: snapshot)
    }

    /// The section of the nearest block at or below `hash` that has one, with that block's hash.
    public func nearestSection(atOrBelow hash: Hash32) -> (block: Hash32, section: ConfidentialSection)? {
        guard let snapshot = try? store.snapshot(), let at = try? ConfidentialStore.nearestSection(atOrBelow: hash, in: snapshot),
              let section = try? ConfidentialStore.section(of: at, in: snapshot) else { return nil }
        return (at, section)
    }

    /// The confidential section of block `hash`, if it has one.
    public func section(of hash: Hash32) -> ConfidentialSection? {
        guard let snapshot = try? store.snapshot() else { return nil }
        return try? ConfidentialStore.section(of: hash, in: snapshot)
    }

    /// An MPT proof of one entry of the encrypted state after block `hash` (or of its
    /// absence): the root, the raw entry value (nil when absent) and the proof's nodes.
    public func encryptedEntryProof(_ entryKey: [UInt8], after hash: Hash32) -> (root: Hash32, value: [UInt8]?, proof: [[UInt8]])? {
        guard let snapshot = try? store.snapshot(), let root = try? ConfidentialStore.encStateRoot(after: hash, in: snapshot) else { return nil }
        let trie = SecureTrie(rootHash: root, source: StorageNodeSource(snapshot, table: Tables.encTrieNodes))
        guard let value = try? trie.get(entryKey), let proof = try? trie.proof(entryKey) else { return nil }
        return (root, value, proof)
    }

    /// A node of the encrypted trie (for the enclave's reads and for proofs).
    public func encryptedTrieNode(_ hash: Hash32) -> [UInt8]? {
        guard let snapshot = try? store.snapshot() else { return nil }
        return try? snapshot.get(Tables.encTrieNodes, hash.bytes)
    }

    /// Makes `newHead`'s branch canonical in one write: unwinds the state to the common
    /// ancestor, re-applies the new branch's blocks to the flat state, and moves the
    /// canonical index and transaction lookups.
    private func reorganize(to newHead: SealedHeader, from oldHead: SealedHeader) throws(BlockImportError) -> ImportResult {
        func parent(_ h: SealedHeader) throws(BlockImportError) -> SealedHeader {
            guard let p = headers.header(hash: h.header.parentHash) else { throw .unknownParent(h.header.parentHash) }
            return p
        }
        var newBranch: [SealedHeader] = []
        var oldBranch: [SealedHeader] = []
        var a = newHead
        var b = oldHead
        while a.header.number > b.header.number { newBranch.append(a); a = try parent(a) }
        while b.header.number > a.header.number { oldBranch.append(b); b = try parent(b) }
        while a.hash != b.hash {
            newBranch.append(a); oldBranch.append(b)
            a = try parent(a); b = try parent(b)
        }
        let ancestor = a
        var dropped: [SignedTransaction] = []
        var included: [SignedTransaction] = []
        try write { w in
            try StateStore.unwind(to: ancestor.header.number, in: w)
            for old in oldBranch {
                let body = try ChainStore.body(hash: old.hash, in: w)
                try ChainStore.unmarkCanonical(number: old.header.number, transactions: body?.transactions ?? [], in: w)
                dropped += body?.transactions ?? []
            }
            var parentHeader = ancestor
            for new in newBranch.reversed() {
                guard let body = try ChainStore.body(hash: new.hash, in: w) else {
                    throw BlockImportError.corrupt("no body for \(new.hash)")
                }
                let block = Block(header: new.header, transactions: body.transactions, ommers: body.ommers)
                let executed = try self.execute(block, parent: parentHeader, knownSenders: [:],
                                                base: FlatStateReader(snapshot: w, stateRoot: parentHeader.header.stateRoot),
                                                section: nil, storage: w)
                let root = try StateStore.commit(executed.changes, block: new.header.number, in: w)
                guard root == new.header.stateRoot else {
                    throw BlockImportError.stateRootMismatch(have: new.header.stateRoot, computed: root)
                }
                try ChainStore.markCanonical(number: new.header.number, hash: new.hash, transactions: body.transactions, in: w)
                included += body.transactions
                parentHeader = new
            }
            try ChainStore.setHead(newHead.hash, in: w)
        }
        headBlock.withLock { $0 = newHead }
        let includedHashes = Set(included.map(\.hash))
        return ImportResult(kind: .reorganized, hash: newHead.hash, number: newHead.header.number, gasUsed: 0,
                            droppedTransactions: dropped.filter { !includedHashes.contains($0.hash) },
                            includedTransactions: included, newCanonical: newBranch.reversed().map(\.hash),
                            removedCanonical: oldBranch.reversed().map(\.hash))
    }

    /// Runs one write batch, mapping every failure to a ``BlockImportError``.
    private func write(_ body: (any StorageWriter) throws -> Void) throws(BlockImportError) {
        do { try store.write(body) } catch { throw Self.map(error) }
    }

    static func map(_ error: any Error) -> BlockImportError {
        switch error {
        case let e as BlockImportError: e
        case let e as StorageError: .storage(e)
        case let e as StateError: .state(e)
        case let e as ConsensusError: .consensus(e)
        default: .corrupt("\(error)")
        }
    }
}
