public import Primitives
public import ChainTypes
import State
import EVM
import Execution
import Trie
import Crypto
import Foundation

/// What the enclave is asked to execute: one block's `0x40` transactions over the
/// confidential state at its parent (CONFIDENTIAL.md section 8, step 1).
public struct ConfidentialBlockInput: Sendable {
    public var context: ExecContext
    public var parentHash: Hash32
    /// The nearest ancestor section's `encStateRoot` (the empty trie's root when none).
    public var parentEncStateRoot: Hash32
    /// The current generation at the parent: the one whose keys write this block's entries.
    public var generation: UInt32
    /// The SIMULATED flag and any later bits.
    public var flags: UInt8
    /// `⌊number / epochLength⌋`.
    public var epoch: UInt64
    /// The block's fork (from the genesis schedule the enclave was started with).
    public var fork: Fork
    /// The block's `0x40` transactions in body order.
    public var transactions: [SignedTransaction]
    /// BLOCKHASH over the including block's ancestors.
    public var blockHashes: @Sendable (UInt64) -> Hash32

    public init(context: ExecContext, parentHash: Hash32, parentEncStateRoot: Hash32, generation: UInt32, flags: UInt8,
                epoch: UInt64, fork: Fork, transactions: [SignedTransaction], blockHashes: @escaping @Sendable (UInt64) -> Hash32) {
        self.context = context; self.parentHash = parentHash; self.parentEncStateRoot = parentEncStateRoot
        self.generation = generation; self.flags = flags; self.epoch = epoch; self.fork = fork
        self.transactions = transactions; self.blockHashes = blockHashes
    }
}

/// Runs a block's confidential transactions inside the enclave (section 8, step 2):
/// opens each envelope, runs the project's EVM over the decrypted confidential world, and
/// returns the section (diff, results, `encStateRoot`) with this enclave's ExecStatement.
///
/// Deterministic: two enclaves holding the same secrets produce byte-identical sections
/// apart from their statements. Plaintext never leaves: the section holds only GCM-SIV
/// entry values and results sealed to each client's response key.
public struct ConfidentialExecutor {
    /// EIP-3860's init-code limit, which v1 applies to confidential deploys.
    public static let maximumInitcodeSize = 49_152
    /// Precompiles of the confidential world: 0x01–0x09.
    static let worldPrecompileLimit: UInt8 = 9

    let chainID: UInt64
    let secrets: [UInt32: ConsortiumSecret]
    let keys: IdentityKeys

    public init(chainID: UInt64, secrets: [ConsortiumSecret], keys: IdentityKeys) {
        self.chainID = chainID
        self.secrets = Dictionary(secrets.map { ($0.generation, $0) }, uniquingKeysWith: { a, _ in a })
        self.keys = keys
    }

    /// Executes `input`, reading the parent's encrypted trie through `nodes` (each node
    /// checked against its hash). Throws when the block cannot be executed at all (a
    /// missing secret, state the root does not commit to); a failing transaction is a
    /// status-0 result instead.
    public func execute(_ input: ConfidentialBlockInput,
                        nodes: @escaping (Hash32) throws -> [UInt8]?) throws(ConfidentialExecutionError) -> ConfidentialSection {
        guard let rules = ForkRules(fork: input.fork) else { throw .badInput("fork \(input.fork) is not supported") }
        guard secrets[input.generation] != nil else { throw .missingGeneration(input.generation) }
        let world = ConfidentialWorld(root: input.parentEncStateRoot, nodes: VerifiedNodeSource(fetch: nodes),
                                      chainID: chainID, secrets: secrets)
        let state = StateDB(base: world)
        let interpreter = Interpreter(rules: rules)
        let precompiles = Self.worldPrecompiles(input.fork)
        let run = TransactionRun(input: input, rules: rules, interpreter: interpreter, precompiles: precompiles, state: state,
                                 world: world, chainID: chainID)
        // Senders and envelopes are independent of execution order: recovered and opened in
        // parallel first, then run one by one.
        var opened = try open(input.transactions)
        defer { for i in opened.indices { opened[i].call?.wipe() } }
        var results: [ConfidentialResult] = []
        for (tx, o) in zip(input.transactions, opened) { results.append(try run.apply(tx, opened: o)) }
        if let failure = world.failure { throw failure }

        let txHashes = input.transactions.map(\.hash)
        let diff = try entries(changes: state.changes(), world: world, input: input, txHashes: txHashes)
        for entry in diff {
            do {
                if entry.value.isEmpty { try world.trie.delete(entry.key) } else { try world.trie.update(entry.key, entry.value) }
            } catch { throw .corruptState("applying the diff: \(error)") }
        }
        var section = ConfidentialSection(flags: input.flags, generation: input.generation, epoch: input.epoch,
                                          parentEncStateRoot: input.parentEncStateRoot, encStateRoot: world.trie.rootHash(),
                                          diff: diff, results: results, statements: [])
        let digest = section.statementDigest(chainID: chainID, context: input.context, parentHash: input.parentHash,
                                             transactionHashes: txHashes)
        section.statements = [ExecStatementSignature(enclaveID: keys.enclaveID, signature: keys.sign(digest))]
        return section
    }

    /// A signed view call (section 5.4) against the confidential state with root `root`
    /// after block `blockHash`, in `context` (the next block's): runs the call, changes
    /// nothing, and returns its result sealed to the caller's response key with
    /// `aad = viewHash ‖ blockHash`. Throws when the envelope does not open for `sender`,
    /// is not well formed, or does not name a confidential contract.
    public func view(_ envelope: SignedTransaction, sender: Address, context: ExecContext, fork: Fork, root: Hash32,
                     blockHash: Hash32, blockHashes: @escaping @Sendable (UInt64) -> Hash32,
                     nodes: @escaping (Hash32) throws -> [UInt8]?) throws(ConfidentialExecutionError) -> [UInt8] {
        guard let rules = ForkRules(fork: fork) else { throw .badInput("fork \(fork) is not supported") }
        guard case .confidential(let tx) = envelope.transaction else { throw .badInput("a view envelope has the 0x40 layout") }
        guard let key = TransactionKeys(secrets: secrets, chainID: chainID).key(generation: tx.generation, epoch: tx.epoch) else {
            throw .missingGeneration(tx.generation)
        }
        guard var call = EnvelopeOpening.open(tx, sender: sender, key: key, view: true) else {
            throw .badInput("the view envelope does not open for its signer, or its plaintext is not well formed")
        }
        defer { SecureMemory.zero(&call.responseKey) }
        guard let to = call.to else { throw .badInput("a view call names a contract") }
        let world = ConfidentialWorld(root: root, nodes: VerifiedNodeSource(fetch: nodes), chainID: chainID, secrets: secrets)
        guard try world.record(to) != nil else { throw .badInput("\(to) is not a confidential contract at this block") }
        let state = StateDB(base: world)
        let precompiles = Self.worldPrecompiles(fork)
        let host = StateHost(state: state, context: Self.executionContext(context, fork: fork, chainID: chainID, origin: sender, gasPrice: .zero),
                             interpreter: Interpreter(rules: rules), precompiles: precompiles, blockHashes: blockHashes)
        if rules.chargesColdAccess {
            host.prewarm(sender)
            host.prewarm(to)
            for address in precompiles.keys { host.prewarm(address) }
        }
        let result = host.call(Message(kind: .call, gas: Int64(clamping: tx.gasLimit), recipient: to, sender: sender, input: call.data,
                                       value: .zero, codeAddress: to))
        if let failure = world.failure { throw failure }
        if host.failure != nil { throw .corruptState("the confidential state failed during the view call") }
        let succeeded = result.status == .success
        var e = RLPEncoder(capacity: 64 + result.output.count)
        e.appendList { e in
            e.append(UInt64(succeeded ? 1 : 0))
            e.appendBytes(succeeded || result.status == .revert ? result.output : [])
            e.appendList { e in if succeeded { for log in host.logs { log.encode(to: &e) } } }
        }
        var plain = e.bytes
        defer { SecureMemory.zero(&plain) }
        do { return try ResultEncryption.seal(plain, responseKey: call.responseKey, txHash: envelope.hash, extraAAD: blockHash.bytes) } catch {
            throw .internal("result encryption: \(error)")
        }
    }

    /// Every transaction's sender (recovered here) and call (nil when its envelope does not
    /// open or is not well formed), on up to two threads. Throws for a transaction that is
    /// not a `0x40`, whose signature does not recover, or whose generation is not held.
    private func open(_ transactions: [SignedTransaction]) throws(ConfidentialExecutionError) -> [OpenedTransaction] {
        let cache = TransactionKeys(secrets: secrets, chainID: chainID)
        var keys: [Curve25519.KeyAgreement.PrivateKey] = []
        for tx in transactions {
            guard case .confidential(let c) = tx.transaction else { throw .badInput("transaction \(tx.hash) is not a 0x40 transaction") }
            guard let key = cache.key(generation: c.generation, epoch: c.epoch) else { throw .missingGeneration(c.generation) }
            keys.append(key)
        }
        let txKeys = keys
        let slots = OpenedSlots(count: transactions.count)
        let workers = transactions.count >= 8 ? 2 : 1
        let work = { @Sendable (w: Int) in
            var i = w
            while i < transactions.count {
                let tx = transactions[i]
                if case .confidential(let c) = tx.transaction, let sender = try? tx.recoverSender() {
                    slots.set(i, OpenedTransaction(sender: sender, call: EnvelopeOpening.open(c, sender: sender, key: txKeys[i])))
                }
                i += workers
            }
        }
        if workers > 1 { DispatchQueue.concurrentPerform(iterations: workers, execute: work) } else { work(0) }
        let out = slots.values
        for (i, o) in out.enumerated() where o == nil { throw .badInput("transaction \(transactions[i].hash): the signature does not recover") }
        return out.compactMap { $0 }
    }

    /// The precompiles of the confidential world: 0x01–0x09 of the fork.
    static func worldPrecompiles(_ fork: Fork) -> [Address: PrecompiledContract] {
        Precompiles.table(for: fork).filter { address, _ in
            address.bytes[0..<19].allSatisfy { $0 == 0 } && address.bytes[19] <= worldPrecompileLimit
        }
    }

    /// What the EVM sees of the block (section 5.2): the public block's fields, `COINBASE` its author.
    static func executionContext(_ context: ExecContext, fork: Fork, chainID: UInt64, origin: Address, gasPrice: UInt256) -> ExecutionContext {
        ExecutionContext(origin: origin, gasPrice: gasPrice, coinbase: context.author, number: context.number,
                         timestamp: context.timestamp, gasLimit: context.gasLimit,
                         prevRandao: fork >= .paris ? UInt256(bigEndianBytes: context.mixDigest.bytes) ?? .zero : context.difficulty,
                         chainID: UInt256(chainID), baseFee: context.baseFeePerGas, blobBaseFee: .one)
    }

    /// The entries whose end-of-block plaintext differs from the parent's, sealed and sorted.
    private func entries(changes: StateChanges, world: ConfidentialWorld, input: ConfidentialBlockInput,
                         txHashes: [Hash32]) throws(ConfidentialExecutionError) -> [ConfidentialEntry] {
        var out: [ConfidentialEntry] = []
        let g = input.generation
        let nonces = input.context.entryNonces(parentHash: input.parentHash, transactionHashes: txHashes)
        for change in changes.accounts {
            let address = change.address
            let old = try world.record(address)
            let code = change.code ?? old?.code ?? []
            let isContract = change.account.map { $0.codeHash != .emptyKeccak } ?? false
            guard old != nil || isContract else { continue }  // an externally owned account: not confidential state
            let origin = old?.originGeneration ?? g
            let valueKey = try world.secret(g).contractKey(chainID: chainID, contract: address)
            func seal(_ plaintext: [UInt8], key: [UInt8]) throws(ConfidentialExecutionError) -> [UInt8] {
                let nonce = nonces.nonce(entryKey: key)
                return try EntryEncryption.seal(plaintext, entryKey: key, generation: g, valueKey: valueKey, nonce: nonce)
            }
            let recordKey = ConfidentialEntry.recordKey(address)
            guard let account = change.account, isContract else {
                // Destroyed in this block (EIP-6780: only a contract created in the same transaction).
                if old != nil {
                    throw .internal("a confidential contract that existed at the parent was destroyed")
                }
                continue
            }
            if old == nil || old?.nonce != account.nonce || old?.code != code {
                var plain = ConfidentialWorld.encodeRecord(nonce: account.nonce, code: code)
                defer { SecureMemory.zero(&plain) }
                out.append(ConfidentialEntry(key: recordKey, value: ConfidentialBytes.u32be(origin) + (try seal(plain, key: recordKey))))
            }
            let ik = try world.secret(origin).indexKey(chainID: chainID, contract: address)
            for (slot, value) in change.storage {
                let before = old == nil ? UInt256.zero : try world.slot(address, slot)
                guard before != value else { continue }
                let key = EntryEncryption.storageKey(contract: address, slot: slot, indexKey: ik)
                if value.isZero {
                    out.append(ConfidentialEntry(key: key, value: []))
                } else {
                    var plain = value.bigEndianBytes
                    defer { SecureMemory.zero(&plain) }
                    out.append(ConfidentialEntry(key: key, value: try seal(plain, key: key)))
                }
            }
        }
        out.sort { $0.key.lexicographicallyPrecedes($1.key) }
        return out
    }
}

/// One block's transactions through the EVM of the confidential world.
private struct TransactionRun {
    let input: ConfidentialBlockInput
    let rules: ForkRules
    let interpreter: Interpreter
    let precompiles: [Address: PrecompiledContract]
    let state: StateDB
    let world: ConfidentialWorld
    let chainID: UInt64

    func apply(_ signed: SignedTransaction, opened: OpenedTransaction) throws(ConfidentialExecutionError) -> ConfidentialResult {
        guard case .confidential(let tx) = signed.transaction else { throw .badInput("transaction \(signed.hash) is not a 0x40 transaction") }
        let sender = opened.sender
        let intrinsic = tx.intrinsicGas
        guard tx.gasLimit >= intrinsic else { throw .badInput("transaction \(signed.hash) is below its intrinsic gas") }
        func failed(gasUsed: UInt64, responseKey: [UInt8]?) throws(ConfidentialExecutionError) -> ConfidentialResult {
            let sealed = try responseKey.map { (k: [UInt8]) throws(ConfidentialExecutionError) in
                try Self.sealResult(status: 0, output: [], logs: [], responseKey: k, txHash: signed.hash)
            } ?? []
            return ConfidentialResult(txHash: signed.hash, status: 0, gasUsed: gasUsed, encryptedResult: sealed)
        }
        guard let call = opened.call else { return try failed(gasUsed: intrinsic, responseKey: nil) }
        var gas = tx.gasLimit - intrinsic
        if call.to == nil {
            let words = UInt64((call.data.count + 31) / 32)
            let deployCost = IntrinsicGas.creationGas + words * IntrinsicGas.initcodeWordGas
            guard call.data.count <= ConfidentialExecutor.maximumInitcodeSize, gas >= deployCost else {
                return try failed(gasUsed: tx.gasLimit, responseKey: call.responseKey)
            }
            gas -= deployCost
        } else if let to = call.to {
            let isContract: Bool
            do { isContract = try world.record(to) != nil } catch { throw error }
            guard isContract else { return try failed(gasUsed: intrinsic, responseKey: call.responseKey) }
        }

        let baseFee = input.context.baseFeePerGas
        let price = min(tx.maxFeePerGas, baseFee &+ tx.maxPriorityFeePerGas)
        let context = ConfidentialExecutor.executionContext(input.context, fork: input.fork, chainID: chainID, origin: sender, gasPrice: price)
        let host = StateHost(state: state, context: context, interpreter: interpreter, precompiles: precompiles,
                             blockHashes: input.blockHashes)
        if rules.chargesColdAccess {
            host.prewarm(sender)
            if let to = call.to { host.prewarm(to) }
            for address in precompiles.keys { host.prewarm(address) }
            if rules.warmCoinbase { host.prewarm(input.context.author) }
        }
        let result: ExecutionResult
        do {
            if let to = call.to {
                try state.setNonce(sender, tx.nonce &+ 1)
                result = host.call(Message(kind: .call, gas: Int64(gas), recipient: to, sender: sender, input: call.data,
                                           value: .zero, codeAddress: to))
            } else {
                try state.setNonce(sender, tx.nonce)
                result = host.call(Message(kind: .create, gas: Int64(gas), sender: sender, input: call.data, value: .zero))
            }
        } catch { throw .corruptState("\(error)") }
        if let failure = world.failure { throw failure }
        if host.failure != nil { throw .corruptState("the confidential state failed during execution") }
        if result.status == .interrupted { throw .internal("execution was interrupted") }

        var gasLeft = UInt64(max(result.gasLeft, 0))
        let used = tx.gasLimit - gasLeft
        if result.status == .success {
            gasLeft += min(UInt64(max(result.gasRefund, 0)), used / 5)
        }
        let gasUsed = tx.gasLimit - gasLeft
        do { try host.finalizeTransaction() } catch { throw .corruptState("\(error)") }
        let succeeded = result.status == .success
        let output: [UInt8] = (succeeded && call.to == nil) ? [] : (succeeded || result.status == .revert ? result.output : [])
        let sealed = try Self.sealResult(status: succeeded ? 1 : 0, output: output, logs: succeeded ? host.logs : [],
                                         responseKey: call.responseKey, txHash: signed.hash)
        return ConfidentialResult(txHash: signed.hash, status: succeeded ? 1 : 0, gasUsed: gasUsed, encryptedResult: sealed)
    }

    /// `encryptedResult` of section 5.3 over `rlp([status, returnData, logs])`.
    static func sealResult(status: UInt8, output: [UInt8], logs: [Log], responseKey: [UInt8],
                           txHash: Hash32) throws(ConfidentialExecutionError) -> [UInt8] {
        var e = RLPEncoder(capacity: 64 + output.count + logs.count * 128)
        e.appendList { e in
            e.append(UInt64(status))
            e.appendBytes(output)
            e.appendList { e in for log in logs { log.encode(to: &e) } }
        }
        var plain = e.bytes
        defer { SecureMemory.zero(&plain) }
        do { return try ResultEncryption.seal(plain, responseKey: responseKey, txHash: txHash) } catch {
            throw .internal("result encryption: \(error)")
        }
    }
}

/// A transaction's sender and opened call, computed before execution.
struct OpenedTransaction: Sendable {
    let sender: Address
    var call: ConfidentialCall?
}

/// Result slots written by parallel workers, each index by one worker.
private final class OpenedSlots: @unchecked Sendable {
    private var storage: [OpenedTransaction?]
    private let lock = NSLock()
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: OpenedTransaction) { lock.withLock { storage[i] = value } }
    var values: [OpenedTransaction?] { lock.withLock { storage } }
}
