public import Primitives
public import ChainTypes
public import Trie
import State
import Execution
import ConfidentialState

/// What a block on a confidential chain needs beyond its body to be executed: its section
/// (when it has `0x40` transactions) and the encrypted state at its parent.
public struct ConfidentialBlockContext {
    /// The block's section; nil for a block without `0x40` transactions.
    public var section: ConfidentialSection?
    public var parentHash: Hash32
    /// The parent's encrypted state root (the nearest ancestor section's, or the empty trie's).
    public var parentEncStateRoot: Hash32
    /// The encrypted trie's nodes.
    public var nodes: any TrieNodeSource

    public init(section: ConfidentialSection?, parentHash: Hash32, parentEncStateRoot: Hash32, nodes: any TrieNodeSource) {
        self.section = section; self.parentHash = parentHash; self.parentEncStateRoot = parentEncStateRoot; self.nodes = nodes
    }
}

/// The encrypted state after a block, to be stored with it.
public struct EncryptedStateUpdate: Sendable {
    /// The block's section, if it has one.
    public var section: ConfidentialSection?
    /// The encrypted state root after the block (the parent's when it has no section).
    public var root: Hash32
    /// New trie nodes.
    public var nodes: [(hash: Hash32, rlp: [UInt8])]
}

/// The keyless rules of CONFIDENTIAL.md sections 5.2, 6 and 8 (step 4) over one block,
/// applied by every node, observers included: each `0x40` transaction's validity and
/// public effects (nonce, fee, the author's tip) from its result, then the section's
/// vanity, fields, statements and diff. No key is needed and none is used: what a node
/// checks here alone decides validity, so no enclave's local state can fork the chain.
struct ConfidentialBlockRules {
    let genesis: ConfidentialConfig
    let chainID: UInt64
    let header: Header
    let author: Address
    let facts: ConfidentialFacts
    private(set) var context: ConfidentialBlockContext
    private(set) var transactionHashes: [Hash32] = []

    /// Sets the section (a builder learns it only after its enclave ran the block).
    mutating func setSection(_ section: ConfidentialSection?) { context.section = section }

    /// Forgets the `0x40` transactions applied so far (a builder's trial run).
    mutating func resetTransactions() { transactionHashes = [] }

    init(genesis: ConfidentialConfig, chainID: UInt64, header: Header, author: Address, facts: ConfidentialFacts,
         context: ConfidentialBlockContext) {
        self.genesis = genesis; self.chainID = chainID; self.header = header; self.author = author
        self.facts = facts; self.context = context
    }

    /// Applies the public effects of the `0x40` transaction at body index `index`; returns
    /// its gas used and status. Throws when the transaction breaks a rule.
    mutating func apply(_ tx: RecoveredTransaction, index: Int, state: StateDB, gasAvailable: UInt64) throws(BlockImportError) -> (gasUsed: UInt64, succeeded: Bool) {
        func refuse(_ reason: String) -> BlockImportError { .invalidConfidentialTransaction(index: index, hash: tx.hash, reason: reason) }
        guard case .confidential(let c) = tx.transaction else { throw refuse("not a 0x40 transaction") }
        guard let section = context.section else { throw .invalidSection("the block has 0x40 transactions and no confidential section") }
        if let why = facts.refusal(of: c, number: header.number, epochLength: genesis.epochLength) { throw refuse(why) }
        let k = transactionHashes.count
        guard k < section.results.count else { throw .invalidSection("fewer results (\(section.results.count)) than 0x40 transactions") }
        let result = section.results[k]
        guard result.txHash == tx.hash else { throw .invalidSection("result \(k) is for \(result.txHash), the transaction is \(tx.hash)") }
        let intrinsic = c.intrinsicGas
        guard result.gasUsed >= intrinsic, result.gasUsed <= c.gasLimit else {
            throw .invalidSection("result \(k) uses \(result.gasUsed) gas, outside [\(intrinsic), \(c.gasLimit)]")
        }
        guard c.gasLimit <= gasAvailable else { throw refuse("gas limit \(c.gasLimit) above the block's remaining \(gasAvailable)") }
        let baseFee = header.baseFeePerGas ?? .zero
        guard c.maxFeePerGas >= baseFee else { throw refuse("max fee per gas \(c.maxFeePerGas) below the base fee \(baseFee)") }
        let price = min(c.maxFeePerGas, baseFee &+ c.maxPriorityFeePerGas)
        do {
            let nonce = try state.nonce(tx.sender)
            guard c.nonce == nonce else { throw refuse("nonce \(c.nonce), the sender's account nonce is \(nonce)") }
            if let codeHash = try state.codeHash(tx.sender), codeHash != .emptyKeccak { throw refuse("the sender has code (EIP-3607)") }
            let (maxCost, overflow) = UInt256(c.gasLimit).multipliedReportingOverflow(by: c.maxFeePerGas)
            let balance = try state.balance(tx.sender)
            guard !overflow, balance >= maxCost else { throw refuse("balance \(balance) below gas limit × max fee") }
            try state.subtractBalance(tx.sender, UInt256(result.gasUsed) &* price)
            try state.setNonce(tx.sender, nonce + 1)
            try state.addBalance(author, UInt256(result.gasUsed) &* (price &- baseFee))
            state.touch(author)
            try state.finalizeTransaction(deleteEmptyTouched: true)
        } catch let e as BlockImportError {
            throw e
        } catch let e as StateError {
            throw .state(e)
        } catch {
            throw .corrupt("\(error)")
        }
        transactionHashes.append(tx.hash)
        return (result.gasUsed, result.status == 1)
    }

    /// Whether `address` is a confidential contract for this block's public transactions:
    /// one at the parent, or one the block's section creates. A plain transaction to it
    /// makes the block invalid (section 5.2).
    func isConfidentialContract(_ address: Address) throws(BlockImportError) -> Bool {
        let key = ConfidentialEntry.recordKey(address)
        if let section = context.section, section.diff.contains(where: { $0.key == key && !$0.value.isEmpty }) { return true }
        return try Self.isConfidentialContract(address, root: context.parentEncStateRoot, nodes: context.nodes)
    }

    /// Whether the encrypted state with root `root` holds a contract record for `address`.
    static func isConfidentialContract(_ address: Address, root: Hash32, nodes: any TrieNodeSource) throws(BlockImportError) -> Bool {
        guard root != .emptyTrieRoot else { return false }
        do { return try SecureTrie(rootHash: root, source: nodes).get(ConfidentialEntry.recordKey(address)) != nil } catch {
            throw .corrupt("the encrypted trie: \(error)")
        }
    }

    /// The section checks that need the whole block, then the diff applied to the parent's
    /// encrypted trie.
    func finish() throws(BlockImportError) -> EncryptedStateUpdate {
        let vanity = Array(header.extraData.prefix(32))
        guard let section = context.section else {
            guard vanity.allSatisfy({ $0 == 0 }) else { throw .invalidSection("a block without 0x40 transactions must have 32 zero vanity bytes") }
            return EncryptedStateUpdate(section: nil, root: context.parentEncStateRoot, nodes: [])
        }
        guard !transactionHashes.isEmpty else { throw .invalidSection("a section on a block without 0x40 transactions") }
        guard vanity == section.hash.bytes else { throw .invalidSection("the vanity is not keccak(rlp(section))") }
        guard section.version == ConfidentialSection.currentVersion else { throw .invalidSection("version \(section.version)") }
        let flags: UInt8 = genesis.insecureSimulation ? ConfidentialSection.simulatedFlag : 0
        guard section.flags == flags else { throw .invalidSection("flags \(section.flags), expected \(flags)") }
        guard section.generation == facts.currentGeneration else {
            throw .invalidSection("generation \(section.generation), the registry's current generation is \(facts.currentGeneration)")
        }
        let epoch = header.number / max(genesis.epochLength, 1)
        guard section.epoch == epoch else { throw .invalidSection("epoch \(section.epoch), expected \(epoch)") }
        guard section.parentEncStateRoot == context.parentEncStateRoot else {
            throw .invalidSection("parentEncStateRoot \(section.parentEncStateRoot), the parent's is \(context.parentEncStateRoot)")
        }
        guard section.results.count == transactionHashes.count else {
            throw .invalidSection("\(section.results.count) results for \(transactionHashes.count) 0x40 transactions")
        }
        try checkStatements(section)
        // The diff: unique keys in bytewise order, applied to the parent's trie.
        var previous: [UInt8]?
        let trie = SecureTrie(rootHash: context.parentEncStateRoot, source: context.nodes)
        do {
            for entry in section.diff {
                if let previous, !previous.lexicographicallyPrecedes(entry.key) {
                    throw BlockImportError.invalidSection("diff keys are not unique and sorted")
                }
                previous = entry.key
                if entry.value.isEmpty { try trie.delete(entry.key) } else { try trie.update(entry.key, entry.value) }
            }
        } catch let e as BlockImportError {
            throw e
        } catch {
            throw .invalidSection("the diff does not apply to the parent's encrypted trie: \(error)")
        }
        let (root, nodes) = trie.commit()
        guard root == section.encStateRoot else { throw .invalidSection("the diff gives encStateRoot \(root), the section says \(section.encStateRoot)") }
        return EncryptedStateUpdate(section: section, root: root, nodes: nodes)
    }

    /// At least `enclaveQuorum` statements, sorted and distinct, each by a `trusted` enclave
    /// at the parent over this block's ExecStatement.
    private func checkStatements(_ section: ConfidentialSection) throws(BlockImportError) {
        guard UInt64(section.statements.count) >= max(genesis.enclaveQuorum, 1) else {
            throw .invalidSection("\(section.statements.count) statements, the quorum is \(genesis.enclaveQuorum)")
        }
        let context = ExecContext(author: author, number: header.number, gasLimit: header.gasLimit, timestamp: header.timestamp,
                                  difficulty: header.difficulty, mixDigest: header.mixHash, baseFeePerGas: header.baseFeePerGas ?? .zero)
        let digest = section.statementDigest(chainID: chainID, context: context, parentHash: self.context.parentHash,
                                             transactionHashes: transactionHashes)
        var previous: Hash32?
        for statement in section.statements {
            if let previous, !previous.bytes.lexicographicallyPrecedes(statement.enclaveID.bytes) {
                throw .invalidSection("statements are not sorted by enclave id and distinct")
            }
            previous = statement.enclaveID
            guard let key = facts.trustedSigningKeys[statement.enclaveID] else {
                throw .invalidSection("statement by \(statement.enclaveID), which is not a trusted enclave at the parent")
            }
            let signer: [UInt8]
            do {
                let signature = try Secp256k1.RecoverableSignature(compact: statement.signature)
                signer = try Secp256k1.recover(hash: digest, signature: signature).compressed
            } catch { throw .invalidSection("statement by \(statement.enclaveID): \(error)") }
            guard signer == key else { throw .invalidSection("statement by \(statement.enclaveID) does not verify over this block's ExecStatement") }
        }
    }
}
