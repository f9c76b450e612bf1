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
/// fee cap and tip are higher by ``PoolConfig/priceBump`` percent. When full, the
/// cheapest transaction at the tail of some sender's sequence is evicted, or the
/// newcomer is refused if it is the cheapest. Thread-safe.
public final class TransactionPool: Sendable {
    public let config: PoolConfig
    public let chain: Blockchain
    private let state = Mutex(PoolState())
    private let listeners = Mutex<[@Sendable ([RecoveredTransaction]) -> Void]>([])

    struct PoolState {
        var byHash: [Hash32: RecoveredTransaction] = [:]
        /// sender → nonce → transaction
        var accounts: [Address: [UInt64: RecoveredTransaction]] = [:]
        /// Each sender's nonce in the head state, as last read.
        var stateNonces: [Address: UInt64] = [:]
    }

    public init(chain: Blockchain, config: PoolConfig = PoolConfig()) {
        self.chain = chain
        self.config = config
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

    private func admit(_ tx: SignedTransaction) throws(PoolError) -> RecoveredTransaction {
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
        guard t.maxPriorityFeePerGas >= config.priceLimit else {
            throw .underpriced(tip: t.maxPriorityFeePerGas, minimum: config.priceLimit)
        }
        let sender = recovered.sender
        let account: Account?
        do { account = try chain.state.latest().account(sender) } catch { throw .invalidSender }
        let stateNonce = account?.nonce ?? 0
        guard t.nonce >= stateNonce else { throw .nonceTooLow(have: t.nonce, state: stateNonce) }
        if let codeHash = account?.codeHash, codeHash != .emptyKeccak { throw .senderHasCode }
        let (gasCost, o1) = UInt256(t.gasLimit).multipliedReportingOverflow(by: t.maxFeePerGas)
        let (cost, o2) = gasCost.addingReportingOverflow(t.value)
        let balance = account?.balance ?? .zero
        guard !o1, !o2, balance >= cost else { throw .insufficientFunds(balance: balance, cost: (o1 || o2) ? .max : cost) }

        try state.withLock { (s: inout PoolState) throws(PoolError) in
            s.stateNonces[sender] = stateNonce
            var queue = s.accounts[sender, default: [:]]
            // Drop what the head already included.
            for n in queue.keys where n < stateNonce { if let old = queue.removeValue(forKey: n) { s.byHash[old.hash] = nil } }
            if let old = queue[t.nonce] {
                guard Self.outbids(t, old.transaction, bump: config.priceBump) else { throw .replacementUnderpriced }
                s.byHash[old.hash] = nil
                queue[t.nonce] = recovered
                s.accounts[sender] = queue
                s.byHash[tx.hash] = recovered
                return
            }
            let pendingRun = Self.pendingCount(queue, from: stateNonce)
            let isPending = t.nonce == stateNonce + UInt64(pendingRun)
            if !isPending {
                let queuedHere = queue.count - pendingRun
                guard queuedHere < config.accountQueue else { throw .poolFull }
                // (Counting is skipped while the whole pool is below the limit.)
                guard s.byHash.count < config.globalQueue || Self.totalQueued(s) < config.globalQueue else { throw .poolFull }
            } else if s.byHash.count >= config.globalSlots && Self.totalPending(s) >= config.globalSlots {
                try Self.evictCheapest(&s, toFit: t, exceptSender: sender, config: config)
            }
            queue[t.nonce] = recovered
            s.accounts[sender] = queue
            s.byHash[tx.hash] = recovered
        }
        return recovered
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

    static func totalPending(_ s: PoolState) -> Int {
        s.accounts.reduce(0) { $0 + pendingCount($1.value, from: s.stateNonces[$1.key] ?? 0) }
    }

    static func totalQueued(_ s: PoolState) -> Int { s.byHash.count - totalPending(s) }

    /// Makes room for `tx` by dropping the cheapest transaction at the tail of another
    /// sender's sequence; refuses `tx` when it is no better than that one.
    private static func evictCheapest(_ s: inout PoolState, toFit tx: Transaction, exceptSender: Address,
                                      config: PoolConfig) throws(PoolError) {
        var victim: (sender: Address, nonce: UInt64, fee: UInt256)?
        for (sender, queue) in s.accounts where sender != exceptSender {
            guard queue.count > 0, let last = queue.keys.max(), let tail = queue[last] else { continue }
            // Senders within their guaranteed slots are not evicted.
            if pendingCount(queue, from: s.stateNonces[sender] ?? 0) <= config.accountSlots { continue }
            let fee = tail.transaction.maxFeePerGas
            if victim == nil || fee < victim!.fee { victim = (sender, last, fee) }
        }
        guard let v = victim, tx.maxFeePerGas > v.fee else { throw .underpriced(tip: tx.maxPriorityFeePerGas, minimum: victim?.fee ?? .max) }
        if let dropped = s.accounts[v.sender]?.removeValue(forKey: v.nonce) { s.byHash[dropped.hash] = nil }
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
            var senders = Set<Address>()
            for tx in included {
                if let held = s.byHash.removeValue(forKey: tx.hash) {
                    s.accounts[held.sender]?.removeValue(forKey: held.transaction.nonce)
                    senders.insert(held.sender)
                }
            }
            // Senders of included transactions not held here may still have stale nonces held.
            for (sender, _) in s.accounts { senders.insert(sender) }
            for sender in senders {
                let nonce = (try? reader?.account(sender))??.nonce ?? 0
                s.stateNonces[sender] = nonce
                guard var queue = s.accounts[sender] else { continue }
                for n in queue.keys where n < nonce { if let old = queue.removeValue(forKey: n) { s.byHash[old.hash] = nil } }
                s.accounts[sender] = queue.isEmpty ? nil : queue
                if queue.isEmpty { s.stateNonces[sender] = nil }
            }
        }
        if !dropped.isEmpty { _ = add(dropped) }
    }

    /// Removes transactions (e.g. ones the producer found invalid at the head).
    public func remove(_ hashes: [Hash32]) {
        state.withLock { s in
            for h in hashes {
                guard let tx = s.byHash.removeValue(forKey: h) else { continue }
                s.accounts[tx.sender]?.removeValue(forKey: tx.transaction.nonce)
                if s.accounts[tx.sender]?.isEmpty == true { s.accounts[tx.sender] = nil }
            }
        }
    }
}
