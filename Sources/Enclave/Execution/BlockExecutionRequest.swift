import Primitives
import ChainTypes
import EnclaveProtocol

extension KeyCustody {
    /// Section 8, steps 1–2, for a block this enclave's authority is sealing: checks the
    /// request against the enclave's own verified chain, then executes.
    ///
    /// - The parent must be the verified chain's tip (rollback protection: the enclave
    ///   never executes on a parent it has not linked and whose seals it has not checked).
    /// - The author must be the authority this enclave serves.
    /// - The parent's encrypted root comes from the nearest ancestor section, whose bytes
    ///   must hash to that block's vanity on the verified chain; the host's copy of the root
    ///   must agree.
    /// - Entries are written with the newest generation this enclave holds, which must be
    ///   the one the host reads as current: a host cannot make it write with an older key.
    /// - Flags, epoch and the EVM rules come from the genesis the enclave was started with.
    func execute(_ request: ExecuteBlockRequest, nodes: @escaping (Hash32) throws -> [UInt8]?) throws(KeyCustodyError) -> ConfidentialSection {
        guard let config = rules.config else { throw KeyCustodyError("this enclave was started without the chain's fork schedule") }
        let context = request.context
        guard context.number >= 1 else { throw KeyCustodyError("block 0 has no transactions") }
        let parent: VerifiedChain.Link
        let generation: UInt32
        if request.reexecution {
            guard let linked = chain.link(at: context.number - 1), linked.hash == request.parentHash else {
                throw KeyCustodyError("the parent \(request.parentHash) is not on this enclave's verified chain: link it first")
            }
            guard generations.contains(request.generation) else { throw KeyCustodyError("this enclave does not hold generation \(request.generation)") }
            parent = linked
            generation = request.generation
        } else {
            let tip = chain.tip
            guard tip.hash == request.parentHash, tip.number == context.number - 1 else {
                throw KeyCustodyError("the parent \(request.parentHash) is not this enclave's verified tip (\(tip.number), \(tip.hash)): link it first")
            }
            guard context.author == configuration.authority else {
                throw KeyCustodyError("block author \(context.author) is not the authority this enclave serves (\(configuration.authority))")
            }
            guard let newest = generations.last else { throw KeyCustodyError("this enclave holds no consortium secret yet") }
            guard newest == request.generation else {
                throw KeyCustodyError("the host reads generation \(request.generation) as current; this enclave's newest is \(newest)")
            }
            parent = tip
            generation = newest
        }
        let parentRoot = try verifiedEncStateRoot(atOrBelow: parent.number, ancestorSection: request.ancestorSection)
        guard parentRoot == request.parentEncStateRoot else {
            throw KeyCustodyError("the host's parent encrypted root \(request.parentEncStateRoot) differs from the verified one \(parentRoot)")
        }
        let fork = config.fork(atBlock: context.number, timestamp: context.timestamp)
        var transactions: [SignedTransaction] = []
        for (i, raw) in request.transactions.enumerated() {
            do {
                let tx = try SignedTransaction(networkEncoding: raw)
                guard tx.type == .confidential else { throw KeyCustodyError("transaction \(i) is not a 0x40 transaction") }
                try tx.validate(for: fork, chainID: configuration.chainID)
                transactions.append(tx)
            } catch let e as KeyCustodyError {
                throw e
            } catch { throw KeyCustodyError("transaction \(i): \(error)") }
        }
        let number = context.number
        let input = ConfidentialBlockInput(
            context: context, parentHash: request.parentHash, parentEncStateRoot: parentRoot, generation: generation,
            flags: rules.policy.insecureSimulation ? ConfidentialSection.simulatedFlag : 0,
            epoch: number / max(rules.policy.epochLength, 1), fork: fork, transactions: transactions,
            blockHashes: chain.blockHashes(below: number))
        do {
            var section = try ConfidentialExecutor(chainID: configuration.chainID, secrets: heldSecrets, keys: keys).execute(input, nodes: nodes)
            if request.reexecution { section.statements = [] }
            return section
        } catch { throw KeyCustodyError("\(error)") }
    }

    /// The encrypted state root after linked block `number`, from the nearest section at or
    /// below it on the verified chain: `ancestorSection` must hash to that block's vanity.
    private func verifiedEncStateRoot(atOrBelow number: UInt64, ancestorSection: [UInt8]) throws(KeyCustodyError) -> Hash32 {
        guard let ancestor = chain.nearestSection(atOrBelow: number) else {
            guard ancestorSection.isEmpty else { throw KeyCustodyError("an ancestor section was given, and no verified ancestor has one") }
            return .emptyTrieRoot
        }
        guard !ancestorSection.isEmpty, Keccak256.hash(ancestorSection).bytes == ancestor.vanity else {
            throw KeyCustodyError("the ancestor section given does not match block \(ancestor.number)'s vanity")
        }
        do { return try ConfidentialSection(rlp: ancestorSection).encStateRoot } catch {
            throw KeyCustodyError("the ancestor section: \(error)")
        }
    }

    /// A signed view call (section 5.4) at a block of the verified chain: the caller is
    /// recovered from the view signature here, the envelope's epoch must be the next
    /// block's or the one before, and its generation one this enclave holds.
    func view(_ request: ViewCallRequest, nodes: @escaping (Hash32) throws -> [UInt8]?) throws(KeyCustodyError) -> [UInt8] {
        guard let config = rules.config else { throw KeyCustodyError("this enclave was started without the chain's fork schedule") }
        let context = request.context
        guard context.number >= 1, let block = chain.link(at: context.number - 1), block.hash == request.blockHash else {
            throw KeyCustodyError("block \(request.blockHash) is not on this enclave's verified chain at \(context.number &- 1)")
        }
        let envelope: SignedTransaction
        let sender: Address
        do {
            envelope = try SignedTransaction(networkEncoding: request.envelope)
            guard case .confidential(let tx) = envelope.transaction else { throw KeyCustodyError("a view envelope has the 0x40 layout") }
            guard tx.chainID == configuration.chainID else { throw KeyCustodyError("the view envelope is for chain \(tx.chainID)") }
            sender = try Secp256k1.recoverAddress(hash: tx.viewSigningHash, signature: envelope.signature)
            let epoch = context.number / max(rules.policy.epochLength, 1)
            guard tx.epoch == epoch || (epoch > 0 && tx.epoch == epoch - 1) else {
                throw KeyCustodyError("the view envelope's epoch \(tx.epoch) is not \(epoch) or the one before")
            }
        } catch let e as KeyCustodyError {
            throw e
        } catch { throw KeyCustodyError("the view envelope: \(error)") }
        let root = try verifiedEncStateRoot(atOrBelow: block.number, ancestorSection: request.ancestorSection)
        let number = context.number
        do {
            return try ConfidentialExecutor(chainID: configuration.chainID, secrets: heldSecrets, keys: keys)
                .view(envelope, sender: sender, context: context, fork: config.fork(atBlock: number, timestamp: context.timestamp),
                      root: root, blockHash: request.blockHash,
                      blockHashes: chain.blockHashes(below: number), nodes: nodes)
        } catch { throw KeyCustodyError("\(error)") }
    }
}
