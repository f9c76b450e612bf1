public import Primitives
public import ChainTypes
import Storage
import Trie
public import State

/// An EIP-1186 proof (`eth_getProof`): the account's trie nodes from the state root,
/// and for each requested slot the nodes from the account's storage root.
public struct AccountProof: Sendable {
    public var address: Address
    public var account: Account
    public var accountProof: [[UInt8]]
    public var storage: [(key: UInt256, value: UInt256, proof: [[UInt8]])]
}

extension Blockchain {
    /// The proof of `address` and `slots` in the state of block `hash` (nil for an unknown block).
    public func proof(_ address: Address, slots: [UInt256], atHash hash: Hash32) throws(StateError) -> AccountProof? {
        guard let header = header(hash: hash)?.header else { return nil }
        let snapshot: any ReadSnapshot
        do { snapshot = try store.snapshot() } catch { throw .storage(error) }
        let nodes = StorageNodeSource(snapshot)
        let accounts = SecureTrie(rootHash: header.stateRoot, source: nodes)
        let accountProof: [[UInt8]]
        let raw: [UInt8]?
        do {
            accountProof = try accounts.proof(address.bytes)
            raw = try accounts.get(address.bytes)
        } catch { throw .trie(error) }
        let account: Account
        if let raw {
            do { account = try Account(rlp: raw) } catch { throw .corruptRecord(table: "trie", reason: "account \(address): \(error)") }
        } else {
            account = Account()
        }
        let storageTrie = SecureTrie(rootHash: account.storageRoot, source: nodes)
        var storage: [(key: UInt256, value: UInt256, proof: [[UInt8]])] = []
        for slot in slots {
            do {
                let proof = try storageTrie.proof(slot.bigEndianBytes)
                let value: UInt256
                if let encoded = try storageTrie.get(slot.bigEndianBytes) {
                    var r = RLPReader(encoded)
                    value = (try? r.readUInt256()) ?? .zero
                } else {
                    value = .zero
                }
                storage.append((slot, value, proof))
            } catch { throw .trie(error) }
        }
        return AccountProof(address: address, account: account, accountProof: accountProof, storage: storage)
    }
}
