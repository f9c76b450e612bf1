import Foundation
public import Primitives
public import ChainTypes
public import State
import EVM
public import Execution
import Synchronization
import ConfidentialState

/// What executing a block's transactions gave.
public struct ExecutedBlock: Sendable {
    public var transactions: [RecoveredTransaction]
    public var receipts: [Receipt]
    public var gasUsed: UInt64
    public var bloom: Bloom
    public var changes: StateChanges
    /// On a confidential chain: the encrypted state after the block, to store with it.
    public var encrypted: EncryptedStateUpdate? = nil
    /// Logs of each transaction, with the transaction's index (for filters and RPC).
    public var receiptsRoot: Hash32 { Receipt.root(of: receipts) }
}

/// Runs a block's transactions on the state of its parent: recovers senders (in
/// parallel across cores), applies each transaction with the fork's rules, and
/// collects receipts and the state changes. Writes nothing; the caller compares the
/// result with the header and commits. Thread-safe: interpreters are not, so each
/// execution checks one out of a per-fork pool (keeping its code-analysis cache warm)
/// and returns it after.
public final class BlockExecutor: Sendable {
    public let config: ChainConfig
    private let idle = Mutex<[Fork: [ProcessorBox]]>([:])

    public init(config: ChainConfig) { self.config = config }

    /// A processor for `fork` that no other thread uses until ``checkIn(_:)``; nil when the
    /// EVM does not implement that fork.
    public func checkOut(_ fork: Fork) -> TransactionProcessor? {
        if let box = idle.withLock({ $0[fork]?.popLast() }) { return box.processor }
        guard let rules = ForkRules(fork: fork) else { return nil }
        return TransactionProcessor(rules: rules, precompiles: Precompiles.table(for: fork))
    }

    /// Returns a processor from ``checkOut(_:)`` to the pool.
    public func checkIn(_ processor: TransactionProcessor) {
        let box = ProcessorBox(processor: processor)
        idle.withLock { pool in
            if pool[processor.rules.fork, default: []].count < 4 { pool[processor.rules.fork, default: []].append(box) }
        }
    }

    /// The environment the block's transactions see. `author` is the fee recipient
    /// (Clique: the signer, not the header's beneficiary, which carries votes).
    public func environment(for header: Header, author: Address,
                            blockHashes: @escaping @Sendable (UInt64) -> Hash32) -> BlockEnvironment {
        let paris = config.isParis(header.number)
        return BlockEnvironment(coinbase: author, number: header.number, timestamp: header.timestamp,
                                gasLimit: header.gasLimit,
                                prevRandao: paris ? UInt256(bigEndianBytes: header.mixHash.bytes) ?? .zero : header.difficulty,
                                baseFee: header.baseFeePerGas ?? .zero, chainID: config.chainID, blockHashes: blockHashes)
    }

    /// Recovers every sender, in parallel when the block is large. Senders in `known`
    /// (by transaction hash, e.g. from the pool) are trusted and not recovered again.
    public func recoverSenders(_ txs: [SignedTransaction], fork: Fork,
                               known: [Hash32: Address] = [:]) throws(BlockImportError) -> [RecoveredTransaction] {
        let chainID = config.chainID
        @Sendable func one(_ i: Int) -> Result<RecoveredTransaction, TransactionError> {
            let tx = txs[i]
            if let sender = known[tx.hash] {
                do { try tx.validate(for: fork, chainID: chainID) } catch { return .failure(error) }
                return .success(RecoveredTransaction(unchecked: tx, sender: sender))
            }
            do { return .success(try tx.recovered(for: fork, chainID: chainID)) } catch { return .failure(error) }
        }
        var results: [Result<RecoveredTransaction, TransactionError>]
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, txs.count / 32)
        if workers > 1 {
            let slots = ResultSlots(count: txs.count)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var i = w
                while i < txs.count { slots.set(i, one(i)); i += workers }
            }
            results = slots.results
        } else {
            results = (0..<txs.count).map(one)
        }
        var out: [RecoveredTransaction] = []
        out.reserveCapacity(txs.count)
        for (i, r) in results.enumerated() {
            switch r {
            case .success(let tx): out.append(tx)
            case .failure(let e): throw .invalidTransaction(index: i, e)
            }
        }
        return out
    }

    /// Executes `transactions` (senders recovered) on `state` as block `header`. On a chain
    /// with a confidential module, `system` and `confidential` must be given: the registry's
    /// block-level effects run first, system transactions (`0x41`–`0x44`) go to the registry,
    /// and confidential ones (`0x40`) take their public effects from the block's section,
    /// which the keyless checks then verify; neither ever reaches the EVM.
    public func execute(header: Header, transactions: [RecoveredTransaction], author: Address, state: StateDB,
                        blockHashes: @escaping @Sendable (UInt64) -> Hash32,
                        system: SystemBlockInputs? = nil,
                        confidential: ConfidentialBlockContext? = nil) throws(BlockImportError) -> ExecutedBlock {
        var confidentialRules = try beginConfidentialBlock(header: header, author: author, context: confidential, state: state)
        var systemBlock = try beginSystemBlock(header: header, inputs: system, blockHashes: blockHashes, state: state)
        // No transactions, no EVM: Clique has no block reward, so only the registry's effects change state.
        if transactions.isEmpty {
            var executed = ExecutedBlock(transactions: [], receipts: [], gasUsed: 0, bloom: Bloom(), changes: state.changes())
            executed.encrypted = try confidentialRules?.finish()
            return executed
        }
        let fork = config.fork(atBlock: header.number, timestamp: header.timestamp)
        guard let processor = checkOut(fork) else { throw .unsupportedFork(fork) }
        defer { checkIn(processor) }
        let env = environment(for: header, author: author, blockHashes: blockHashes)
        var receipts: [Receipt] = []
        receipts.reserveCapacity(transactions.count)
        var used: UInt64 = 0
        var bloom = Bloom()
        for (i, tx) in transactions.enumerated() {
            if tx.transaction.type.isSystem {
                guard var block = systemBlock else {
                    throw .invalidSystemTransaction(index: i, hash: tx.hash, reason: "this chain has no confidential module")
                }
                let succeeded = try block.apply(tx, index: i, state: state)
                systemBlock = block
                receipts.append(Receipt(type: tx.transaction.type, succeeded: succeeded, cumulativeGasUsed: used, logs: []))
                continue
            }
            if tx.transaction.type == .confidential {
                guard var rules = confidentialRules else {
                    throw .invalidConfidentialTransaction(index: i, hash: tx.hash, reason: "this chain has no confidential module")
                }
                let outcome = try rules.apply(tx, index: i, state: state, gasAvailable: header.gasLimit - min(used, header.gasLimit))
                confidentialRules = rules
                used += outcome.gasUsed
                receipts.append(Receipt(type: .confidential, succeeded: outcome.succeeded, cumulativeGasUsed: used, logs: []))
                continue
            }
            if let rules = confidentialRules, let to = tx.transaction.to, try rules.isConfidentialContract(to) {
                throw .invalidConfidentialTransaction(index: i, hash: tx.hash, reason: "a plain transaction to the confidential contract \(to)")
            }
            let outcome: TransactionOutcome
            do {
                outcome = try processor.apply(tx, to: state, in: env, gasAvailable: header.gasLimit - min(used, header.gasLimit))
            } catch {
                throw .transactionFailed(index: i, hash: tx.hash, error)
            }
            used += outcome.gasUsed
            let receipt = Receipt(type: tx.transaction.type, succeeded: outcome.succeeded, cumulativeGasUsed: used,
                                  logs: outcome.logs)
            bloom.formUnion(receipt.logsBloom)
            receipts.append(receipt)
        }
        var executed = ExecutedBlock(transactions: transactions, receipts: receipts, gasUsed: used, bloom: bloom,
                                     changes: state.changes())
        executed.encrypted = try confidentialRules?.finish()
        return executed
    }

    /// The keyless rules for block `header`, with the registry's facts read at the parent
    /// (before the block's own effects); nil on a chain without a confidential module.
    func beginConfidentialBlock(header: Header, author: Address, context: ConfidentialBlockContext?,
                                state: StateDB) throws(BlockImportError) -> ConfidentialBlockRules? {
        guard let genesis = config.confidential else { return nil }
        guard let context else { throw .corrupt("a confidential chain's block executed without its encrypted state") }
        let facts: ConfidentialFacts
        do { facts = try ConfidentialFacts.read(Registry(slots: RegistryStateSlots(state: state))) } catch let e as StateError {
            throw .state(e)
        } catch { throw .corrupt("registry: \(error)") }
        return ConfidentialBlockRules(genesis: genesis, chainID: config.chainID, header: header, author: author, facts: facts,
                                      context: context)
    }

    /// The registry's rules for block `header`, with its block-level effects applied to
    /// `state`; nil on a chain without a confidential module.
    func beginSystemBlock(header: Header, inputs: SystemBlockInputs?, blockHashes: @escaping @Sendable (UInt64) -> Hash32,
                          state: StateDB) throws(BlockImportError) -> SystemTransactionBlock? {
        guard let confidential = config.confidential else { return nil }
        guard let inputs else { throw .corrupt("a confidential chain's block executed without its signer set") }
        return try SystemTransactionBlock(genesis: confidential, inputs: inputs, chainID: config.chainID, number: header.number,
                                          timestamp: header.timestamp, blockHashes: blockHashes, state: state)
    }
}

/// A processor parked in the pool; only one thread holds it at a time.
private struct ProcessorBox: @unchecked Sendable {
    let processor: TransactionProcessor
}

/// Result slots written by parallel workers, each index by exactly one worker.
private final class ResultSlots: @unchecked Sendable {
    private var storage: [Result<RecoveredTransaction, TransactionError>?]
    private let lock = NSLock()

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ r: Result<RecoveredTransaction, TransactionError>) { lock.withLock { storage[i] = r } }

    var results: [Result<RecoveredTransaction, TransactionError>] {
        lock.withLock { storage.map { $0 ?? .failure(.emptyInput) } }
    }
}
