public import Primitives
public import ChainTypes
public import Consensus
import Storage
import State
import EVM
import Execution

/// Builds, seals and commits blocks on the head for one authority: prepares the
/// header with the engine, fills it from the pool by effective tip (nonce order per
/// sender, within the gas limit, skipping fee caps below the base fee), and commits
/// it. Transactions that turn out invalid at the head are removed from the pool.
public struct BlockBuilder: Sendable {
    public let chain: Blockchain
    public let pool: TransactionPool
    public let key: Secp256k1.PrivateKey
    /// The gas limit blocks move toward (by at most parent/1024 each).
    public var targetGasLimit: UInt64
    /// Free bytes at the start of extra data (up to 32). A confidential chain ignores it:
    /// there the vanity is the section's hash, or 32 zero bytes (CONFIDENTIAL.md section 6).
    public var vanity: [UInt8]
    /// The node's enclave, for `0x40` transactions; without one they stay in the pool.
    public var lane: (any ConfidentialExecutionLane)?
    /// Reports a section the lane produced that this node's own checks refused (the block
    /// is then built without `0x40` transactions).
    public var onLaneFailure: (@Sendable (String) -> Void)?
    /// Why this node must not seal on a parent (a faulty confidential block among its
    /// ancestors, CONFIDENTIAL.md section 8 step 3), or nil.
    public var vetoParent: (@Sendable (SealedHeader) -> String?)?

    public init(chain: Blockchain, pool: TransactionPool, key: Secp256k1.PrivateKey,
                targetGasLimit: UInt64? = nil, vanity: [UInt8] = Array("cloister".utf8),
                lane: (any ConfidentialExecutionLane)? = nil) {
        self.chain = chain; self.pool = pool; self.key = key
        self.targetGasLimit = targetGasLimit ?? chain.head.header.gasLimit
        self.vanity = vanity
        self.lane = lane
    }

    public var signer: Address { key.address }

    /// The next header on `parent`, prepared by the engine, with `now` as the earliest time.
    public func prepare(on parent: SealedHeader, now: UInt64) throws(BlockImportError) -> Header {
        var header = Header(parentHash: parent.hash, number: parent.header.number + 1,
                            gasLimit: HeaderRules.nextGasLimit(parent: parent.header.gasLimit, desired: targetGasLimit),
                            timestamp: now,
                            extraData: chain.config.confidential == nil ? vanity : [UInt8](repeating: 0, count: CliqueSeal.vanityLength))
        do { try chain.engine.prepare(&header, parent: parent, signer: signer, reader: chain.headers) } catch {
            throw .consensus(error)
        }
        if chain.config.isLondon(header.number) {
            header.baseFeePerGas = HeaderRules.expectedBaseFee(parent: parent.header, config: chain.config)
        }
        return header
    }

    /// Fills `header` (prepared on the current head) from the pool, seals and commits it.
    public func build(_ prepared: Header) throws(BlockImportError) -> (block: Block, result: ImportResult) {
        if let why = vetoParent?(chain.head) { throw .faultyParent(why) }
        do {
            return try build(prepared, confidential: lane != nil)
        } catch {
            // Our own enclave's section failed our own checks (a bug or a broken enclave): seal without it.
            let why: String
            switch error {
            case .invalidSection(let reason): why = reason
            case .invalidConfidentialTransaction(_, let hash, let reason): why = "\(hash): \(reason)"
            default: throw error
            }
            guard lane != nil else { throw error }
            onLaneFailure?(why)
            return try build(prepared, confidential: false)
        }
    }

    private func build(_ prepared: Header, confidential useLane: Bool) throws(BlockImportError) -> (block: Block, result: ImportResult) {
        var header = prepared
        let config = chain.config
        let fork = config.fork(atBlock: header.number, timestamp: header.timestamp)
        guard let processor = chain.executor.checkOut(fork) else { throw .unsupportedFork(fork) }
        defer { chain.executor.checkIn(processor) }
        let base: any StateReader
        do { base = try chain.state.latest() } catch { throw .state(error) }
        let state = StateDB(base: base)
        let parent = chain.head
        let ancestors = AncestorHashes(parent: parent, reader: chain.headers)
        let env = chain.executor.environment(for: header, author: signer, blockHashes: { ancestors.hash($0) })
        let baseFee = header.baseFeePerGas
        let snapshot: any ReadSnapshot
        do { snapshot = try chain.store.snapshot() } catch { throw .storage(error) }
        var confidentialRules = try chain.executor.beginConfidentialBlock(
            header: header, author: signer,
            context: try chain.confidentialContext(block: Block(header: header, transactions: []), parent: parent, section: nil,
                                                   storage: snapshot),
            state: state)
        var systemBlock = try chain.executor.beginSystemBlock(header: header, inputs: try chain.systemInputs(parent: parent),
                                                              blockHashes: { ancestors.hash($0) }, state: state)

        var order = TransactionOrder(pool.pending(), baseFee: baseFee)
        var included: [SignedTransaction] = []
        var receipts: [Receipt] = []
        var invalid: [Hash32] = []
        var used: UInt64 = 0
        var bloom = Bloom()
        while let tx = order.peek() {
            // Confidential transactions go last, in one batch through the enclave.
            if tx.transaction.type == .confidential { order.dropSender(); continue }
            if tx.transaction.type.isSystem {
                // A system transaction: to the registry, or left out (kept in the pool while it may
                // still apply: a later nonce, or the block's sixteen already taken).
                guard var block = systemBlock else { invalid.append(tx.hash); order.dropSender(); continue }
                guard block.applied < SystemTransactionBlock.maximumPerBlock else { order.dropSender(); continue }
                do {
                    let succeeded = try block.apply(tx, index: included.count, state: state)
                    systemBlock = block
                    receipts.append(Receipt(type: tx.transaction.type, succeeded: succeeded, cumulativeGasUsed: used, logs: []))
                    included.append(tx.signed)
                    order.next()
                } catch {
                    if case .state(let e) = error { throw .state(e) }
                    let stateNonce = (try? state.nonce(tx.sender)) ?? 0
                    if tx.transaction.nonce <= stateNonce { invalid.append(tx.hash) }
                    order.dropSender()
                }
                continue
            }
            let left = header.gasLimit - used
            if left < 21_000 { break }
            if let rules = confidentialRules, let to = tx.transaction.to, try rules.isConfidentialContract(to) {
                invalid.append(tx.hash)
                order.dropSender()
                continue
            }
            guard tx.transaction.gasLimit <= left else { order.dropSender(); continue }
            do {
                let outcome = try processor.apply(tx, to: state, in: env, gasAvailable: left)
                used += outcome.gasUsed
                let receipt = Receipt(type: tx.transaction.type, succeeded: outcome.succeeded, cumulativeGasUsed: used,
                                      logs: outcome.logs)
                bloom.formUnion(receipt.logsBloom)
                receipts.append(receipt)
                included.append(tx.signed)
                order.next()
            } catch {
                switch error {
                case .nonceTooHigh, .gasLimitReached: break
                // The store failed, not the transaction: abandon the block and keep the pool.
                case .state(let e): throw .state(e)
                default: invalid.append(tx.hash)
                }
                order.dropSender()
            }
        }
        var encrypted: EncryptedStateUpdate?
        if var rules = confidentialRules {
            if useLane, let lane, lane.isReady(generation: rules.facts.currentGeneration) {
                let batch = try confidentialBatch(rules: rules, state: state, gasLeft: header.gasLimit - used, baseFee: baseFee ?? .zero)
                if !batch.isEmpty {
                    let request = ConfidentialExecutionRequest(
                        context: ExecContext(author: signer, number: header.number, gasLimit: header.gasLimit, timestamp: header.timestamp,
                                             difficulty: header.difficulty, mixDigest: header.mixHash, baseFeePerGas: baseFee ?? .zero),
                        parent: parent, parentEncStateRoot: rules.context.parentEncStateRoot,
                        generation: rules.facts.currentGeneration, transactions: batch.map(\.signed))
                    do {
                        let section = try lane.execute(request)
                        rules.setSection(section)
                        header.extraData.replaceSubrange(0..<CliqueSeal.vanityLength, with: section.hash.bytes)
                        rules = ConfidentialBlockRules(genesis: rules.genesis, chainID: rules.chainID, header: header, author: signer,
                                                       facts: rules.facts, context: rules.context)
                        for tx in batch {
                            let outcome = try rules.apply(tx, index: included.count, state: state, gasAvailable: header.gasLimit - used)
                            used += outcome.gasUsed
                            receipts.append(Receipt(type: .confidential, succeeded: outcome.succeeded, cumulativeGasUsed: used, logs: []))
                            included.append(tx.signed)
                        }
                    } catch let e as BlockImportError {
                        throw e
                    } catch {
                        onLaneFailure?("the enclave did not execute the block's confidential transactions: \(error)")
                    }
                }
            }
            encrypted = try rules.finish()
            confidentialRules = rules
        }
        if let failure = ancestors.failure { throw .corrupt("BLOCKHASH: \(failure)") }
        if !invalid.isEmpty { pool.remove(invalid) }
        header.gasUsed = used
        header.logsBloom = bloom
        header.receiptsRoot = Receipt.root(of: receipts)
        header.transactionsRoot = Block(header: header, transactions: included).computedTransactionsRoot
        var executed = ExecutedBlock(transactions: [], receipts: receipts, gasUsed: used, bloom: bloom, changes: state.changes())
        executed.encrypted = encrypted
        let engine = chain.engine
        let key = self.key
        let (block, result) = try chain.commitProduced(header, transactions: included, executed: executed) {
            (h: Header) throws -> Header in try engine.seal(h, with: key)
        }
        // The pool follows the head through `Blockchain.onHeadChange` (it has already dropped these).
        return (block, result)
    }

    /// The pending `0x40` transactions that can go into this block after its public ones:
    /// for each sender the run starting at its nonce, each valid for this block (epoch,
    /// generation, suite), affordable at its full gas limit and fee cap, within the gas left.
    /// Checked pessimistically, so the real effects (gas used ≤ limit) always apply.
    private func confidentialBatch(rules: ConfidentialBlockRules, state: StateDB, gasLeft: UInt64,
                                   baseFee: UInt256) throws(BlockImportError) -> [RecoveredTransaction] {
        var batch: [RecoveredTransaction] = []
        var left = gasLeft
        for (sender, queue) in pool.pending().sorted(by: { $0.key < $1.key }) {
            var nonce: UInt64
            var balance: UInt256
            do {
                if let codeHash = try state.codeHash(sender), codeHash != .emptyKeccak { continue }
                nonce = try state.nonce(sender)
                balance = try state.balance(sender)
            } catch { throw .state(error) }
            for tx in queue where tx.transaction.nonce >= nonce {
                guard case .confidential(let c) = tx.transaction, c.nonce == nonce,
                      rules.facts.refusal(of: c, number: rules.header.number, epochLength: rules.genesis.epochLength) == nil,
                      c.maxFeePerGas >= baseFee, c.gasLimit <= left else { break }
                let (cost, overflow) = UInt256(c.gasLimit).multipliedReportingOverflow(by: c.maxFeePerGas)
                guard !overflow, balance >= cost else { break }
                balance = balance &- cost
                nonce += 1
                left -= c.gasLimit
                batch.append(tx)
            }
        }
        return batch
    }
}

/// Pending transactions in the order a block takes them: the highest effective tip
/// first among each sender's next transaction, nonces in order per sender.
struct TransactionOrder {
    private var queues: [[RecoveredTransaction]]
    private var positions: [Int]
    /// Indices of senders by the tip of their next transaction (a binary max-heap).
    private var heap: [Int] = []
    private var tips: [UInt256]
    private let baseFee: UInt256?

    init(_ pending: [Address: [RecoveredTransaction]], baseFee: UInt256?) {
        self.baseFee = baseFee
        // Sorted by sender so equal tips order the same way on every run.
        queues = pending.sorted { $0.key < $1.key }.map(\.value)
        positions = Array(repeating: 0, count: queues.count)
        tips = Array(repeating: .zero, count: queues.count)
        for i in queues.indices { push(i) }
    }

    /// A system transaction pays nothing and goes first; others by effective tip.
    private func tip(_ tx: RecoveredTransaction) -> UInt256? {
        let t = tx.transaction
        if t.type.isSystem { return .max }
        guard let baseFee else { return t.maxFeePerGas }
        guard t.maxFeePerGas >= baseFee else { return nil }
        return min(t.maxPriorityFeePerGas, t.maxFeePerGas &- baseFee)
    }

    private mutating func push(_ sender: Int) {
        guard positions[sender] < queues[sender].count, let t = tip(queues[sender][positions[sender]]) else { return }
        tips[sender] = t
        heap.append(sender)
        var i = heap.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            guard tips[heap[p]] < tips[heap[i]] else { break }
            heap.swapAt(p, i); i = p
        }
    }

    private mutating func popTop() {
        heap.swapAt(0, heap.count - 1)
        heap.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < heap.count && tips[heap[l]] > tips[heap[m]] { m = l }
            if r < heap.count && tips[heap[r]] > tips[heap[m]] { m = r }
            if m == i { break }
            heap.swapAt(i, m); i = m
        }
    }

    func peek() -> RecoveredTransaction? {
        guard let top = heap.first else { return nil }
        return queues[top][positions[top]]
    }

    /// The peeked transaction was included: move to its sender's next one.
    mutating func next() {
        guard let top = heap.first else { return }
        popTop()
        positions[top] += 1
        push(top)
    }

    /// The peeked transaction cannot be included: skip the rest of its sender's.
    mutating func dropSender() {
        guard !heap.isEmpty else { return }
        popTop()
    }
}
