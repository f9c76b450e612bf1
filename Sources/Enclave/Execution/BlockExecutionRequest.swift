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
        let parentRoot: Hash32
        if let ancestor = chain.nearestSection(atOrBelow: tip.number) {
            guard !request.ancestorSection.isEmpty, Keccak256.hash(request.ancestorSection).bytes == ancestor.vanity else {
                throw KeyCustodyError("the ancestor section given does not match block \(ancestor.number)'s vanity")
            }
            do { parentRoot = try ConfidentialSection(rlp: request.ancestorSection).encStateRoot } catch {
                throw KeyCustodyError("the ancestor section: \(error)")
            }
        } else {
            guard request.ancestorSection.isEmpty else { throw KeyCustodyError("an ancestor section was given, and no verified ancestor has one") }
            parentRoot = .emptyTrieRoot
        }
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
        let verified = chain
        let number = context.number
        let input = ConfidentialBlockInput(
            context: context, parentHash: request.parentHash, parentEncStateRoot: parentRoot, generation: newest,
            flags: rules.policy.insecureSimulation ? ConfidentialSection.simulatedFlag : 0,
            epoch: number / max(rules.policy.epochLength, 1), fork: fork, transactions: transactions,
            blockHashes: { n in n < number && n + 256 >= number ? verified.link(at: n)?.hash ?? .zero : .zero })
        do {
            return try ConfidentialExecutor(chainID: configuration.chainID, secrets: heldSecrets, keys: keys).execute(input, nodes: nodes)
        } catch { throw KeyCustodyError("\(error)") }
    }
}
