public import Primitives
import ChainTypes
import State
import Attestation
import ConfidentialState

/// What a block on a confidential chain needs from outside its own transactions to apply
/// system transactions (CONFIDENTIAL.md section 7): the signer set at its parent, whether it
/// is a Clique checkpoint, and the genesis hash the verifier binds joins to.
public struct SystemBlockInputs: Sendable {
    public var signers: Set<Address>
    public var isCheckpoint: Bool
    public var genesisHash: Hash32

    public init(signers: Set<Address>, isCheckpoint: Bool, genesisHash: Hash32) {
        self.signers = signers; self.isCheckpoint = isCheckpoint; self.genesisHash = genesisHash
    }
}

/// The registry's rules over one block: made before the block's first transaction, it
/// applies the block-level effects (revocation of enclaves whose authority left or that the
/// policy no longer admits; tallies dropped for removed signers and reset at checkpoints),
/// then each system transaction in body order.
///
/// Guarantees: a system transaction that breaks a rule throws and changes nothing; one that
/// applies writes only the sender's nonce and the registry account's storage; a `0x41`
/// whose quote fails is applied with status 0 (only the sender's nonce and the join failure
/// are written). Never touches the EVM.
struct SystemTransactionBlock {
    static let maximumPerBlock = 16

    private let genesis: ConfidentialConfig
    private let inputs: SystemBlockInputs
    private let chainID: UInt64
    private let number: UInt64
    private let timestamp: UInt64
    private let blockHashes: @Sendable (UInt64) -> Hash32
    /// The policy in force at the parent: what joins in this block are judged against.
    private let policy: AttestationPolicy
    private(set) var applied = 0

    /// Applies the block-level effects to `state` and reads the policy in force at the parent.
    init(genesis: ConfidentialConfig, inputs: SystemBlockInputs, chainID: UInt64, number: UInt64, timestamp: UInt64,
         blockHashes: @escaping @Sendable (UInt64) -> Hash32, state: StateDB) throws(BlockImportError) {
        self.genesis = genesis; self.inputs = inputs; self.chainID = chainID
        self.number = number; self.timestamp = timestamp; self.blockHashes = blockHashes
        var registry = Registry(slots: RegistryStateSlots(state: state))
        do {
            policy = try registry.policy(genesis: genesis)
            _ = try registry.revokeNoLongerAdmitted(policy: policy, signers: inputs.signers)
            var tally = try registry.tally()
            let before = tally
            if inputs.isCheckpoint { tally.reset() } else { tally.dropVotes(notBy: inputs.signers) }
            if tally != before { try registry.storeTally(tally) }
            try state.finalizeTransaction(deleteEmptyTouched: false)
        } catch {
            throw Self.fatal(error)
        }
    }

    /// Applies one system transaction (`index` in the body, for errors); returns whether its
    /// receipt reports success.
    mutating func apply(_ tx: RecoveredTransaction, index: Int, state: StateDB) throws(BlockImportError) -> Bool {
        guard case .system(let system) = tx.transaction else {
            throw .invalidSystemTransaction(index: index, hash: tx.hash, reason: "not a system transaction")
        }
        func refuse(_ reason: String) -> BlockImportError { .invalidSystemTransaction(index: index, hash: tx.hash, reason: reason) }
        guard applied < Self.maximumPerBlock else { throw refuse("more than \(Self.maximumPerBlock) system transactions in one block") }
        guard inputs.signers.contains(tx.sender) else { throw refuse("sender \(tx.sender) is not a Clique signer at the parent") }
        let nonce: UInt64
        do { nonce = try state.nonce(tx.sender) } catch { throw .state(error) }
        guard system.nonce == nonce else { throw refuse("nonce \(system.nonce), the sender's account nonce is \(nonce)") }
        let snapshot = state.snapshot()
        var registry = Registry(slots: RegistryStateSlots(state: state))
        let context = RegistryContext(chainID: chainID, genesisHash: inputs.genesisHash, genesisPolicyHash: genesis.policyHash,
                                      blockNumber: number, blockTime: timestamp,
                                      ancestorHashes: system.type == .enclaveJoin ? ancestors() : [],
                                      signers: inputs.signers, policy: policy)
        let succeeded: Bool
        do {
            switch system.payload {
            case .vote(let vote):
                _ = try registry.applyVote(vote, sender: tx.sender, context: context, genesis: genesis)
                succeeded = true
            case .join, .grant, .generation:
                let outcome = try registry.apply(system, hash: tx.hash, sender: tx.sender, context: context)
                succeeded = outcome == .applied
                if case .join = system.payload { ChainMetrics.attestationVerdict(outcome) }
            }
            try state.setNonce(tx.sender, nonce + 1)
            try state.finalizeTransaction(deleteEmptyTouched: false)
        } catch let e as RegistryRuleError {
            state.revert(to: snapshot)
            throw refuse(e.reason)
        } catch let e as PolicyVoteError {
            state.revert(to: snapshot)
            throw refuse("\(e)")
        } catch {
            state.revert(to: snapshot)
            throw Self.fatal(error)
        }
        applied += 1
        return succeeded
    }

    /// The parent first, as far back as the policy's freshness window reaches (at most the
    /// 256 ancestors `BLOCKHASH` sees).
    private func ancestors() -> [Hash32] {
        let depth = min(number, policy.rules.freshnessBlocks, 256)
        return depth == 0 ? [] : (1...depth).map { blockHashes(number - $0) }
    }

    /// A failure that is not the transaction's fault: the state could not be read or written,
    /// or a stored registry record does not decode.
    private static func fatal(_ error: any Error) -> BlockImportError {
        switch error {
        case let e as BlockImportError: e
        case let e as StateError: .state(e)
        default: .corrupt("registry: \(error)")
        }
    }
}
