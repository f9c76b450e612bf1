import Primitives
import ChainTypes
import Chain
import EnclaveProtocol

/// The builder's confidential lane on an authority: hands a block's `0x40` transactions to
/// this node's enclave (CONFIDENTIAL.md section 8, steps 1–2) and returns its section.
///
/// Before each execution it links the enclave up to the parent (the enclave refuses any
/// other parent), gives it the nearest ancestor section so it can take the parent's
/// encrypted root from its own verified chain, and answers its trie-node requests from
/// the node's encrypted trie. The host sees only ciphertext, results sealed to clients,
/// and the enclave's statement.
struct EnclaveLane: ConfidentialExecutionLane {
    let chain: Blockchain
    let agent: ConfidentialAgent

    func isReady(generation: UInt32) -> Bool { generation >= 1 && agent.holds(generation) }

    func execute(_ request: ConfidentialExecutionRequest) throws -> ConfidentialSection {
        try agent.linkNow()
        let ancestor = chain.nearestSection(atOrBelow: request.parent.hash)
        let execution = ExecuteBlockRequest(context: request.context, parentHash: request.parent.hash, generation: request.generation,
                                            parentEncStateRoot: request.parentEncStateRoot, ancestorSection: ancestor?.section.rlp ?? [],
                                            transactions: request.transactions.map(\.networkEncoding))
        let chain = self.chain
        guard case .section(let bytes) = try agent.enclaveClient.request(.executeBlock(execution), nodes: { chain.encryptedTrieNode($0) }) else {
            throw NodeError("the enclave answered an execution with another message")
        }
        return try ConfidentialSection(rlp: bytes)
    }
}
