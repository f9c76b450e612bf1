public import Primitives
import ChainTypes
import Trie
public import EnclaveProtocol
public import ConfidentialState

/// Registry slots the enclave has checked itself: a ``RegistryProof`` verified against the
/// state root of a block it linked and that is buried (``VerifiedChain/buried(_:)``).
///
/// Guarantees: every value it answers was proven by Merkle proofs from that state root; a
/// slot the host did not prove throws (the enclave never assumes a value), and a proof that
/// does not chain from the root is refused whole.
public struct ProvenRegistrySlots: RegistrySlots {
    public let block: VerifiedChain.Link
    private let values: [UInt256: UInt256]

    /// Checks `proof` against the verified chain.
    public init(_ proof: RegistryProof, chain: VerifiedChain) throws(LightClientError) {
        guard let link = chain.buried(proof.block) else {
            throw LightClientError("block \(proof.block) is not on the enclave's verified chain under enough distinct sealers")
        }
        block = link
        let storageRoot: Hash32
        do {
            let accountKey = Keccak256.hash(RegistryLayout.address.bytes).bytes
            if let encoded = try MerklePatriciaTrie.verifyProof(root: link.stateRoot, key: accountKey, proof: proof.accountProof) {
                storageRoot = try Account(rlp: encoded).storageRoot
            } else {
                storageRoot = .emptyTrieRoot
            }
        } catch {
            throw LightClientError("the registry account proof does not verify against block \(proof.block): \(error)")
        }
        var values: [UInt256: UInt256] = [:]
        for item in proof.slots {
            do {
                let key = Keccak256.hash(item.slot.bigEndianBytes).bytes
                if let encoded = try MerklePatriciaTrie.verifyProof(root: storageRoot, key: key, proof: item.proof) {
                    var r = RLPReader(encoded)
                    let value = try r.readUInt256()
                    try r.finish()
                    values[item.slot] = value
                } else {
                    values[item.slot] = .zero
                }
            } catch {
                throw LightClientError("the proof of registry slot \(item.slot) does not verify: \(error)")
            }
        }
        self.values = values
    }

    public func read(_ slot: UInt256) throws -> UInt256 {
        guard let value = values[slot] else { throw LightClientError("the host did not prove registry slot \(slot)") }
        return value
    }

    public func write(_ slot: UInt256, _ value: UInt256) throws { throw RegistryError.readOnly }
}
