import Primitives
import ChainTypes
import State
import Trie
import Crypto

/// The confidential world at a parent block, as the EVM inside the enclave sees it
/// (CONFIDENTIAL.md section 5.2): confidential contracts with their code, nonce and storage
/// decrypted from the encrypted trie; every other address an empty account; every balance 0.
///
/// Reads walk the encrypted trie from the parent's `encStateRoot`, whose nodes come from
/// a ``VerifiedNodeSource`` (each checked against its hash), so the host can withhold
/// state but cannot forge it. A read failure is kept in ``failure`` and surfaces as a
/// `StateError` to the EVM, voiding the whole execution.
final class ConfidentialWorld: StateReader {
    /// A contract record, decrypted.
    struct Record: Equatable {
        /// The generation whose secret fixes the contract's index key.
        var originGeneration: UInt32
        var nonce: UInt64
        var code: [UInt8]
        var codeHash: Hash32
    }

    let trie: SecureTrie
    let chainID: UInt64
    let secrets: [UInt32: ConsortiumSecret]
    let stateRoot: Hash32
    private var records: [Address: Record?] = [:]
    private var codes: [Hash32: [UInt8]] = [:]
    private(set) var failure: ConfidentialExecutionError?

    init(root: Hash32, nodes: any TrieNodeSource, chainID: UInt64, secrets: [UInt32: ConsortiumSecret]) {
        trie = SecureTrie(rootHash: root, source: nodes)
        stateRoot = root
        self.chainID = chainID
        self.secrets = secrets
    }

    func secret(_ generation: UInt32) throws(ConfidentialExecutionError) -> ConsortiumSecret {
        guard let s = secrets[generation] else { throw .missingGeneration(generation) }
        return s
    }

    /// The raw entry value at `key` in the parent's trie (nil: absent).
    func rawEntry(_ key: [UInt8]) throws(ConfidentialExecutionError) -> [UInt8]? {
        do { return try trie.get(key) } catch { throw .corruptState("the encrypted trie: \(error)") }
    }

    /// The contract record of `address`, or nil when it is not a confidential contract.
    func record(_ address: Address) throws(ConfidentialExecutionError) -> Record? {
        if let cached = records[address] { return cached }
        let key = ConfidentialEntry.recordKey(address)
        var found: Record?
        if let value = try rawEntry(key) {
            guard value.count > 4 else { throw .corruptState("a contract record of \(value.count) bytes") }
            let origin = value[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let inner = Array(value[4...])
            let g = try EntryEncryption.generation(of: inner)
            var plain = try EntryEncryption.open(inner, entryKey: key,
                                                 valueKey: try secret(g).contractKey(chainID: chainID, contract: address))
            defer { SecureMemory.zero(&plain) }
            found = try Self.decodeRecord(plain, origin: origin)
        }
        records[address] = .some(found)
        if let found { codes[found.codeHash] = found.code }
        return found
    }

    static func decodeRecord(_ plain: [UInt8], origin: UInt32) throws(ConfidentialExecutionError) -> Record {
        do {
            var outer = RLPReader(plain)
            var list = try outer.readList()
            try outer.finish()
            let nonce = try list.readUInt64()
            let code = Array(try list.readBytes())
            try list.finish()
            return Record(originGeneration: origin, nonce: nonce, code: code, codeHash: Keccak256.hash(code))
        } catch { throw .corruptState("a contract record's plaintext: \(error)") }
    }

    /// `rlp([contractNonce, code])`.
    static func encodeRecord(nonce: UInt64, code: [UInt8]) -> [UInt8] {
        var e = RLPEncoder(capacity: code.count + 16)
        e.appendList { e in e.append(nonce); e.appendBytes(code) }
        return e.bytes
    }

    /// The storage entry key of `slot` in confidential contract `record`.
    func storageKey(_ address: Address, slot: UInt256, record: Record) throws(ConfidentialExecutionError) -> [UInt8] {
        let ik = try secret(record.originGeneration).indexKey(chainID: chainID, contract: address)
        return EntryEncryption.storageKey(contract: address, slot: slot, indexKey: ik)
    }

    /// A slot's value at the parent (zero when unset or not a confidential contract).
    func slot(_ address: Address, _ slot: UInt256) throws(ConfidentialExecutionError) -> UInt256 {
        guard let record = try record(address) else { return .zero }
        let key = try storageKey(address, slot: slot, record: record)
        guard let value = try rawEntry(key) else { return .zero }
        let g = try EntryEncryption.generation(of: value)
        var plain = try EntryEncryption.open(value, entryKey: key, valueKey: try secret(g).contractKey(chainID: chainID, contract: address))
        defer { SecureMemory.zero(&plain) }
        guard plain.count == 32, let word = UInt256(bigEndianBytes: plain) else { throw .corruptState("a storage entry of \(plain.count) bytes") }
        return word
    }

    private func guarded<T>(_ body: () throws(ConfidentialExecutionError) -> T) throws(StateError) -> T {
        do { return try body() } catch {
            if failure == nil { failure = error }
            throw .corruptRecord(table: "confidential", reason: "\(error)")
        }
    }

    // MARK: StateReader

    func account(_ address: Address) throws(StateError) -> Account? {
        try guarded { () throws(ConfidentialExecutionError) in
            try record(address).map { Account(nonce: $0.nonce, codeHash: $0.codeHash) }
        }
    }

    func storage(_ address: Address, slot: UInt256) throws(StateError) -> UInt256 {
        try guarded { () throws(ConfidentialExecutionError) in try self.slot(address, slot) }
    }

    func code(_ hash: Hash32) throws(StateError) -> [UInt8]? { hash == .emptyKeccak ? [] : codes[hash] }
}

/// Trie nodes the host supplies, each checked against the hash that references it, and
/// cached. The host can refuse a node (the execution then fails) but cannot substitute one.
final class VerifiedNodeSource: TrieNodeSource {
    private let fetch: (Hash32) throws -> [UInt8]?
    private var cache: [Hash32: [UInt8]] = [:]

    init(fetch: @escaping (Hash32) throws -> [UInt8]?) { self.fetch = fetch }

    func trieNode(_ hash: Hash32) throws(TrieError) -> [UInt8]? {
        if let node = cache[hash] { return node }
        let node: [UInt8]?
        do { node = try fetch(hash) } catch { return nil }
        guard let node else { return nil }
        guard Keccak256.hash(node) == hash else { return nil }
        cache[hash] = node
        return node
    }
}
