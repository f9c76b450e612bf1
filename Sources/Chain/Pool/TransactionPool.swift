public import Primitives
public import ChainTypes
import State
import Synchronization

/// Transactions waiting to be sealed, validated against the head state.
///
/// Guarantees: every transaction held passed signature, chain id, fork, size,
/// intrinsic gas and block-gas checks, and at admission had a nonce at or above its
/// sender's and a balance covering gas × fee cap + value. Per sender, transactions
/// with consecutive nonces from the state nonce are *pending* (executable), the rest
/// *queued*. A transaction with the nonce of one held replaces it only when both its
/// fee cap and tip are higher by ``PoolConfig/priceBump`` percent. Capacity is
/// counted in 32-KiB slots as go-ethereum counts it (``PoolConfig/slotSize``), so the
/// memory held is bounded whatever the transactions' sizes. When the executable
/// slots are full, the cheapest transactions at the tails of other senders'
/// sequences are evicted, or the newcomer is refused if it is no better. Thread-safe.
public final class TransactionPool: Sendable {
    public let config: PoolConfig
    public let chain: Blockchain
    private let state = Mutex(PoolState())
    /// The registry facts at a head (hash), read once per head for 0x40 admission.
    private let confidentialFacts = Mutex<(head: Hash32, facts: ConfidentialFacts)?>(nil)
    private let listeners = Mutex<[@Sendable ([RecoveredTransaction]) -> Void]>([])

    struct PoolState {
        var byHash: [Hash32: RecoveredTransaction] = [:]
        /// sender → nonce → transaction
        var accounts: [Address: [UInt64: RecoveredTransaction]] = [:]
        /// Each sender's nonce in the head state, as last read.
        var stateNonces: [Address: UInt64] = [:]
        /// 32-KiB slots each held transaction takes, and their sum.
        var slotsByHash: [Hash32: Int] = [:]
        var totalSlots = 0

        /// Holds `tx` (at its sender and nonce, replacing nothing: callers remove first).
        mutating func insert(_ tx: RecoveredTransaction, slots: Int) {
            accounts[tx.sender, default: [:]][tx.transaction.nonce] = tx
            byHash[tx.hash] = tx
            slotsByHash[tx.hash] = slots
            totalSlots += slots
        }

        /// Stops holding the transaction with this hash; returns it if it was held.
        @discardableResult
        mutating func remove(_ hash: Hash32) -> RecoveredTransaction? {
            guard let tx = byHash.removeValue(forKey: hash) else { return nil }
            totalSlots -= slotsByHash.removeValue(forKey: hash) ?? 0
            accounts[tx.sender]?.removeValue(forKey: tx.transaction.nonce)
            if accounts[tx.sender]?.isEmpty == true { accounts[tx.sender] = nil; stateNonces[tx.sender] = nil }
            return tx
        }

        /// Drops the sender's transactions with nonces below `nonce` (already included).
        mutating func dropStale(_ sender: Address, below nonce: UInt64) {
            guard let queue = accounts[sender] else { return }
            for (n, tx) in queue where n < nonce { remove(tx.hash) }
        }
    }

    /// Slots a transaction takes: its network encoding in 32-KiB units, rounded up
    /// (go-ethereum's `numSlots`), so a 128-KiB transaction counts as four transfers.
    static func slots(_ tx: SignedTransaction) -> Int {
        (tx.networkEncoding.count + PoolConfig.slotSize - 1) / PoolConfig.slotSize
    }

    /// A pool that follows `chain`: every head change — a block this node sealed, one
    /// imported from elsewhere, or a reorg — drops what became canonical and takes back
    /// what a reorg removed (``update(with:)``).
    public init(chain: Blockchain, config: PoolConfig = PoolConfig()) {
        self.chain = chain
        self.config = config
        chain.onHeadChange { [weak self] result in self?.update(with: result) }
    }

    /// Calls `handler` with every batch of newly accepted transactions (new-pending
    /// subscriptions; a period-0 producer waking up). Handlers run on the adding thread.
    public func onNewTransactions(_ handler: @escaping @Sendable ([RecoveredTransaction]) -> Void) {
        listeners.withLock { $0.append(handler) }
    }

    // MARK: Adding

    /// Validates and adds a transaction; returns its hash.
    @discardableResult
    public func add(_ tx: SignedTransaction) throws(PoolError) -> Hash32 {
        let recovered = try admit(tx)
        let handlers = listeners.withLock { $0 }
        for h in handlers { h([recovered]) }
        return tx.hash
    }

    /// Adds many transactions; returns each one's outcome in order.
    public func add(_ txs: [SignedTransaction]) -> [Result<Hash32, PoolError>] {
        var accepted: [RecoveredTransaction] = []
        var results: [Result<Hash32, PoolError>] = []
        results.reserveCapacity(txs.count)
        for tx in txs {
            do { accepted.append(try admit(tx)); results.append(.success(tx.hash)) } catch { results.append(.failure(error)) }
        }
        if !accepted.isEmpty { for h in listeners.withLock({ $0 }) { h(accepted) } }
        return results
    }

    /// ``admitUnmetered(_:)``, counted in the pool's metrics.
    private func admit(_ tx: SignedTransaction) throws(PoolError) -> RecoveredTransaction {
        do {
            let recovered = try admitUnmetered(tx)
            ChainMetrics.poolAdmitted.increment()
            return recovered
        } catch {
            ChainMetrics.poolRejected(error).increment()
            throw error
        }
    }

    private func admitUnmetered(_ tx: SignedTransaction) throws(PoolError) -> RecoveredTransaction {
        if state.withLock({ $0.byHash[tx.hash] != nil }) { throw .alreadyKnown }
        let head = chain.head.header
        let size = tx.networkEncoding.count
        guard size <= config.maxTransactionSize else { throw .oversized(size: size, limit: config.maxTransactionSize) }
        // The fork of the next block (its timestamp is at least the head's).
        let fork = chain.config.fork(atBlock: head.number + 1, timestamp: head.timestamp)
        let recovered: RecoveredTransaction
        do { recovered = try tx.recovered(for: fork, chainID: chain.config.chainID) } catch { throw PoolError(error) }
        let t = tx.transaction
        guard t.gasLimit <= head.gasLimit else { throw .gasLimitExceeded(gas: t.gasLimit, blockLimit: head.gasLimit) }
        let sender = recovered.sender
        if t.type.isSystem {
            try admitSystem(sender: sender)
        } else if case .confidential(let c) = t {
            try admitConfidential(c, next: head.number + 1)
        } else if let to = t.to, chain.isConfidentialContract(to) {
            throw .confidentialRefused("\(to) is a confidential contract: send it a 0x40 transaction (the plain call would be refused in a block)")
        }
        if !t.type.isSystem, t.maxPriorityFeePerGas < config.priceLimit {
            throw .underpriced(tip: t.maxPriorityFeePerGas, minimum: config.priceLimit)
        }
        let account: Account?
        do { account = try chain.state.latest().account(sender) } catch { throw .invalidSender }
        let stateNonce = account?.nonce ?? 0
        guard t.nonce >= stateNonce else { throw .nonceTooLow(have: t.nonce, state: stateNonce) }
        if let codeHash = account?.codeHash, codeHash != .emptyKeccak { throw .senderHasCode }
        let (gasCost, o1) = UInt256(t.gasLimit).multipliedReportingOverflow(by: t.maxFeePerGas)
        let (cost, o2) = gasCost.addingReportingOverflow(t.value)
        let balance = account?.balance ?? .zero
        guard !o1, !o2, balance >= cost else { throw .insufficientFunds(balance: balance, cost: (o1 || o2) ? .max : cost) }

        let slots = Self.slots(tx)
        try state.withLock { (s: inout PoolState) throws(PoolError) in
            s.stateNonces[sender] = stateNonce
            // Drop what the head already included.
            s.dropStale(sender, below: stateNonce)
            s.stateNonces[sender] = stateNonce
            if let old = s.accounts[sender]?[t.nonce] {
                guard Self.outbids(t, old.transaction, bump: config.priceBump) else { throw .replacementUnderpriced }
                s.remove(old.hash)
                s.stateNonces[sender] = stateNonce
                s.insert(recovered, slots: slots)
                return
            }
            let queue = s.accounts[sender, default: [:]]
            let pendingRun = Self.pendingCount(queue, from: stateNonce)
            let isPending = t.nonce == stateNonce + UInt64(pendingRun)
            if !isPending {
                let queuedHere = queue.count - pendingRun
                guard queuedHere < config.accountQueue else { throw .poolFull }
                // (Counting is skipped while the whole pool is below the limit.)
                guard s.totalSlots + slots <= config.globalQueue || Self.queuedSlots(s) + slots <= config.globalQueue else {
                    throw .poolFull
                }
            } else if s.totalSlots + slots > config.globalSlots && Self.pendingSlots(s) + slots > config.globalSlots {
                try Self.evictCheapest(&s, toFit: t, slots: slots, exceptSender: sender, config: config)
            }
            s.insert(recovered, slots: slots)
        }
        return recovered
    }

    /// A system transaction pays no fee: it is held only on a chain with a confidential
    /// module and only from a signer at the head (the block rules check again at inclusion).
    private func admitSystem(sender: Address) throws(PoolError) {
        guard chain.config.confidential != nil else { throw .systemTransactionRefused("this chain has no confidential module") }
        let signers: [Address]
        do { signers = try chain.engine.signers(after: chain.head, reader: chain.headers) } catch {
            throw .systemTransactionRefused("the signer set at the head is unknown: \(error)")
        }
        guard signers.contains(sender) else { throw .systemTransactionRefused("\(sender) is not a Clique signer") }
    }

    /// A confidential transaction is held only on a chain with a confidential module, and
    /// only when block `next` could take it (epoch, generation, suite; section 5.2). The
    /// pool never decrypts it: it cannot, and the rest is the enclave's business.
    private func admitConfidential(_ tx: ConfidentialTransaction, next: UInt64) throws(PoolError) {
        guard let genesis = chain.config.confidential else { throw .confidentialRefused("this chain has no confidential module") }
        let head = chain.head.hash
        let facts: ConfidentialFacts
        if let cached = confidentialFacts.withLock({ $0?.head == head ? $0?.facts : nil }) {
            facts = cached
        } else {
            // Read once per head: decoding the registry (quotes included) per transaction would cost more than the rest.
            do { facts = try ConfidentialFacts.read(from: try chain.state.latest()) } catch {
                throw .confidentialRefused("the registry at the head is unreadable: \(error)")
            }
            confidentialFacts.withLock { $0 = (head, facts) }
        }
        if let why = facts.refusal(of: tx, number: next, epochLength: genesis.epochLength) { throw .confidentialRefused(why) }
    }

    /// Whether `new` raises both the fee cap and the tip of `old` by `bump` percent.
    static func outbids(_ new: Transaction, _ old: Transaction, bump: UInt64) -> Bool {
        func threshold(_ v: UInt256) -> UInt256 {
            (v &* UInt256(100 + bump)).dividedOrZero(by: UInt256(100))
        }
        return new.maxFeePerGas >= threshold(old.maxFeePerGas) && new.maxPriorityFeePerGas >= threshold(old.maxPriorityFeePerGas)
            && (new.maxFeePerGas > old.maxFeePerGas || old.maxFeePerGas.isZero)
    }

    static func pendingCount(_ queue: [UInt64: RecoveredTransaction], from nonce: UInt64) -> Int {
        var n = nonce
        while queue[n] != nil { n += 1 }
        return Int(n - nonce)
    }

    /// Slots of the executable transactions (each sender's run from its state nonce).
    static func pendingSlots(_ s: PoolState) -> Int {
        var total = 0
        for (sender, queue) in s.accounts {
            var n = s.stateNonces[sender] ?? 0
            while let tx = queue[n] { total += s.slotsByHash[tx.hash] ?? 0; n += 1 }
        }
        return total
    }

    static func queuedSlots(_ s: PoolState) -> Int { s.totalSlots - pendingSlots(s) }

    static func totalPending(_ s: PoolState) -> Int {
        s.accounts.reduce(0) { $0 + pendingCount($1.value, from: s.stateNonces[$1.key] ?? 0) }
    }

    /// Makes room for `tx` (`slots` slots) among the executable transactions by dropping
    /// the cheapest transactions at the tails of other senders' sequences, each cheaper
    /// than `tx`; refuses `tx`, evicting nothing, when that cannot free enough.
    private static func evictCheapest(_ s: inout PoolState, toFit tx: Transaction, slots: Int, exceptSender: Address,
                                      config: PoolConfig) throws(PoolError) {
        var trial = s
        var pending = pendingSlots(trial)
        while pending + slots > config.globalSlots {
            var victim: (hash: Hash32, fee: UInt256)?
            for (sender, queue) in trial.accounts where sender != exceptSender {
                guard let last = queue.keys.max(), let tail = queue[last], !tail.transaction.type.isSystem else { continue }
                // Senders within their guaranteed slots are not evicted.
                if pendingCount(queue, from: trial.stateNonces[sender] ?? 0) <= config.accountSlots { continue }
                let fee = tail.transaction.maxFeePerGas
                if victim.map({ fee < $0.fee }) ?? true { victim = (tail.hash, fee) }
            }
            guard let v = victim, tx.maxFeePerGas > v.fee else {
                throw .underpriced(tip: tx.maxPriorityFeePerGas, minimum: victim?.fee ?? .max)
            }
            let freed = trial.slotsByHash[v.hash] ?? 0
            trial.remove(v.hash)
            pending -= freed
        }
        s = trial
    }

    // MARK: Reading

    /// The transaction with this hash, if held.
    public func transaction(_ hash: Hash32) -> RecoveredTransaction? { state.withLock { $0.byHash[hash] } }

    /// Executable transactions per sender, in nonce order.
    public func pending() -> [Address: [RecoveredTransaction]] {
        state.withLock { s in
            var out: [Address: [RecoveredTransaction]] = [:]
            for (sender, queue) in s.accounts {
                var n = s.stateNonces[sender] ?? 0
                var run: [RecoveredTransaction] = []
                while let tx = queue[n] { run.append(tx); n += 1 }
                if !run.isEmpty { out[sender] = run }
            }
            return out
        }
    }

    /// Nonce-gapped transactions per sender.
    public func queued() -> [Address: [RecoveredTransaction]] {
        state.withLock { s in
            var out: [Address: [RecoveredTransaction]] = [:]
            for (sender, queue) in s.accounts {
                let start = s.stateNonces[sender] ?? 0
                let run = Self.pendingCount(queue, from: start)
                let rest = queue.filter { $0.key >= start + UInt64(run) }.sorted { $0.key < $1.key }.map(\.value)
                if !rest.isEmpty { out[sender] = rest }
            }
            return out
        }
    }

    /// Pending and queued counts (`txpool_status`).
    public var status: (pending: Int, queued: Int) {
        state.withLock { s in
            let p = Self.totalPending(s)
            return (p, s.byHash.count - p)
        }
    }

    /// The nonce the sender's next transaction should carry, counting pending ones.
    public func nextNonce(_ sender: Address) -> UInt64 {
        let stateNonce = (try? chain.state.latest().account(sender))?.nonce ?? 0
        return state.withLock { s in
            guard let queue = s.accounts[sender] else { return stateNonce }
            return stateNonce + UInt64(Self.pendingCount(queue, from: stateNonce))
        }
    }

    // MARK: Head changes

    /// Brings the pool up to the new head: drops transactions the chain included (or
    /// made stale), refreshes state nonces, and takes back transactions a reorg dropped.
    public func update(with result: ImportResult) {
        let included = result.includedTransactions
        let dropped = result.droppedTransactions
        let reader = try? chain.state.latest()
        state.withLock { s in
            for tx in included { s.remove(tx.hash) }
            // Every sender held may have had nonces used by transactions not held here.
            for sender in Array(s.accounts.keys) {
                let nonce = (try? reader?.account(sender))??.nonce ?? 0
                s.stateNonces[sender] = nonce
                s.dropStale(sender, below: nonce)
            }
        }
        if !dropped.isEmpty { _ = add(dropped) }
    }

    /// Removes transactions (e.g. ones the producer found invalid at the head).
    public func remove(_ hashes: [Hash32]) {
        state.withLock { s in for h in hashes { s.remove(h) } }
    }
}
