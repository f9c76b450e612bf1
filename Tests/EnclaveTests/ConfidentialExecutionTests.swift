import Testing
import Foundation
import Crypto
import Primitives
import ChainTypes
import Trie
@testable import Enclave
import TestSupport

/// A client, as the test writes it from CONFIDENTIAL.md section 5.2: seals a call to the
/// epoch's transaction key with HPKE (sender/nonce AAD) and signs the `0x40` envelope.
struct TestConfidentialClient {
    static let suite = HPKE.Ciphersuite(kem: .Curve25519_HKDF_SHA256, kdf: .HKDF_SHA256, aead: .AES_GCM_256)
    let key: Secp256k1.PrivateKey
    let chainID: UInt64

    static func plaintext(to: Address?, data: [UInt8], responseKey: [UInt8]) -> [UInt8] {
        for padding in 0... {
            var e = RLPEncoder()
            e.appendList { e in
                e.appendBytes(to?.bytes ?? [])
                e.appendBytes(data)
                e.appendBytes(responseKey)
                e.appendBytes([UInt8](repeating: 0, count: padding))
            }
            if e.bytes.count % 256 == 0 { return e.bytes }
        }
        return []
    }

    func transaction(to: Address?, data: [UInt8], responseKey: [UInt8], nonce: UInt64, epoch: UInt64, generation: UInt32,
                     txKey: Curve25519.KeyAgreement.PublicKey, gasLimit: UInt64 = 2_000_000,
                     tamper: (inout ConfidentialTransaction) -> Void = { _ in }) throws -> SignedTransaction {
        var tx = ConfidentialTransaction(chainID: chainID, nonce: nonce, maxPriorityFeePerGas: 1, maxFeePerGas: 100,
                                         gasLimit: gasLimit, epoch: epoch, generation: generation, enc: [], ciphertext: [])
        var sender = try HPKE.Sender(recipientKey: txKey, ciphersuite: Self.suite, info: Data(tx.hpkeInfo()))
        let sealed = try sender.seal(Self.plaintext(to: to, data: data, responseKey: responseKey),
                                     authenticating: tx.hpkeAAD(sender: key.address))
        tx.enc = Array(sender.encapsulatedKey)
        tx.ciphertext = Array(sealed)
        tamper(&tx)
        return Transaction.confidential(tx).signed(with: key)
    }
}

/// The host's side of the encrypted trie: applies each section's diff, keeps every node.
final class TestEncryptedTrie {
    var nodes: [Hash32: [UInt8]] = [:]
    var root = Hash32.emptyTrieRoot

    func apply(_ section: ConfidentialSection) throws {
        let trie = SecureTrie(rootHash: root, source: InMemoryNodeSource(nodes))
        for e in section.diff { if e.value.isEmpty { try trie.delete(e.key) } else { try trie.update(e.key, e.value) } }
        let (newRoot, newNodes) = trie.commit()
        for n in newNodes { nodes[n.hash] = n.rlp }
        root = newRoot
    }

    var fetch: (Hash32) throws -> [UInt8]? { { [nodes] in nodes[$0] } }
}

struct ConfidentialExecutionTests {
    static let chainID: UInt64 = 4242
    static let marker = Array("cloister-marker-0123456789abcdef".utf8)  // 32 bytes
    /// Runtime: `sstore(1, calldata[0]); log1(0, 0, calldata[0]); return sload(0)`.
    static let runtime: [UInt8] = [0x60, 0x00, 0x35, 0x80, 0x60, 0x01, 0x55, 0x60, 0x00, 0x60, 0x00, 0xa1,
                                   0x60, 0x00, 0x54, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3]
    /// Init code: `sstore(0, marker)`, then return the runtime.
    static var initCode: [UInt8] {
        [0x7f] + marker + [0x60, 0x00, 0x55, 0x60, UInt8(runtime.count), 0x80, 0x60, 47, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3] + runtime
    }

    let secret = ConsortiumSecret(generation: 1)
    let enclaveKeys = IdentityKeys()
    let client = TestConfidentialClient(key: try! Secp256k1.PrivateKey(rawRepresentation: [UInt8](repeating: 0x31, count: 32)),
                                        chainID: chainID)
    let responseKey = [UInt8](repeating: 0x5a, count: 32)

    var txKey: Curve25519.KeyAgreement.PublicKey { secret.transactionKey(chainID: Self.chainID, epoch: 0).publicKey }

    /// Where the client's first deploy (nonce 0) puts its contract: the usual CREATE address.
    var deployedAddress: Address {
        var e = RLPEncoder()
        e.appendList { e in e.append(client.key.address); e.append(UInt64(0)) }
        return Address(Array(Keccak256.hash(e.bytes).bytes[12...]))!
    }

    func input(number: UInt64, parentHash: Hash32, root: Hash32, _ txs: [SignedTransaction]) -> ConfidentialBlockInput {
        let context = ExecContext(author: Address([UInt8](repeating: 0xaa, count: 20))!, number: number, gasLimit: 30_000_000,
                                  timestamp: 1_800_000_000 + number, difficulty: 2, mixDigest: .zero, baseFeePerGas: 7)
        return ConfidentialBlockInput(context: context, parentHash: parentHash, parentEncStateRoot: root, generation: 1,
                                      flags: 1, epoch: 0, fork: .cancun, transactions: txs, blockHashes: { Keccak256.hash(ConfidentialBytes.u64be($0)) })
    }

    func executor(keys: IdentityKeys? = nil) -> ConfidentialExecutor {
        ConfidentialExecutor(chainID: Self.chainID, secrets: [secret], keys: keys ?? enclaveKeys)
    }

    static func openResult(_ result: ConfidentialResult, responseKey: [UInt8]) throws -> (status: UInt64, output: [UInt8], logs: Int) {
        let plain = try ResultEncryption.open(result.encryptedResult, responseKey: responseKey, txHash: result.txHash)
        var outer = RLPReader(plain)
        var list = try outer.readList()
        let status = try list.readUInt64()
        let output = Array(try list.readBytes())
        var logs = try list.readList()
        var count = 0
        while !logs.isAtEnd { _ = try logs.readEncodedItem(); count += 1 }
        return (status, output, count)
    }

    @Test func deployThenCallKeepsPlaintextInsideAndTheRootFollowsTheDiff() throws {
        let store = TestEncryptedTrie()
        let deploy = try client.transaction(to: nil, data: Self.initCode, responseKey: responseKey, nonce: 0, epoch: 0,
                                            generation: 1, txKey: txKey)
        let parent1 = Keccak256.hash([1])
        let first = try executor().execute(input(number: 1, parentHash: parent1, root: store.root, [deploy]), nodes: store.fetch)
        #expect(first.results.count == 1 && first.results[0].status == 1 && first.results[0].txHash == deploy.hash)
        let contract = deployedAddress
        #expect(first.diff.count == 2)
        #expect(first.diff.contains { $0.key == ConfidentialEntry.recordKey(contract) })
        #expect(first.diff.map(\.key) == first.diff.map(\.key).sorted { $0.lexicographicallyPrecedes($1) })
        // The marker is nowhere in the section's bytes.
        #expect(!first.rlp.containsSubsequence(Self.marker))
        #expect(!first.rlp.containsSubsequence(Self.runtime))
        try store.apply(first)
        #expect(store.root == first.encStateRoot)
        // The statement verifies under the enclave's key.
        let digest = first.statementDigest(chainID: Self.chainID, context: input(number: 1, parentHash: parent1, root: .emptyTrieRoot, []).context,
                                           parentHash: parent1, transactionHashes: [deploy.hash])
        let signer = try Secp256k1.recover(hash: digest, signature: try Secp256k1.RecoverableSignature(compact: first.statements[0].signature))
        #expect(Keccak256.hash(signer.compressed) == enclaveKeys.enclaveID && first.statements[0].enclaveID == enclaveKeys.enclaveID)
        let deployed = try Self.openResult(first.results[0], responseKey: responseKey)
        #expect(deployed.status == 1 && deployed.output.isEmpty)

        // A second enclave with the same secret agrees byte for byte, statements aside.
        let again = try executor(keys: IdentityKeys()).execute(input(number: 1, parentHash: parent1, root: .emptyTrieRoot, [deploy]),
                                                                nodes: TestEncryptedTrie().fetch)
        #expect(again.withoutStatements == first.withoutStatements && again.statements != first.statements)

        // Call: returns the marker from storage, writes slot 1, emits one log.
        let word = [UInt8](repeating: 0, count: 31) + [0x77]
        let call = try client.transaction(to: contract, data: word, responseKey: responseKey, nonce: 1, epoch: 0, generation: 1, txKey: txKey)
        let second = try executor().execute(input(number: 2, parentHash: Keccak256.hash([2]), root: store.root, [call]), nodes: store.fetch)
        #expect(second.parentEncStateRoot == first.encStateRoot)
        #expect(second.results[0].status == 1)
        let called = try Self.openResult(second.results[0], responseKey: responseKey)
        #expect(called.status == 1 && called.output == Self.marker && called.logs == 1)
        #expect(second.diff.count == 1 && !second.diff[0].isRecord)
        try store.apply(second)
        #expect(store.root == second.encStateRoot)
        // Gas: intrinsic + execution, publicly visible; more than the intrinsic alone.
        #expect(second.results[0].gasUsed > (try #require(call.transaction.intrinsicGas(for: .cancun) as UInt64?)))

        // Writing the same value again changes nothing confidential.
        let repeatCall = try client.transaction(to: contract, data: word, responseKey: responseKey, nonce: 2, epoch: 0, generation: 1, txKey: txKey)
        let third = try executor().execute(input(number: 3, parentHash: Keccak256.hash([3]), root: store.root, [repeatCall]), nodes: store.fetch)
        #expect(third.diff.isEmpty && third.encStateRoot == store.root)
    }

    @Test func aCiphertextCopiedIntoAnotherSendersEnvelopeFailsAndChangesNothing() throws {
        let deploy = try client.transaction(to: nil, data: Self.initCode, responseKey: responseKey, nonce: 0, epoch: 0, generation: 1, txKey: txKey)
        guard case .confidential(var copied) = deploy.transaction else { Issue.record("not 0x40"); return }
        let thief = try Secp256k1.PrivateKey(rawRepresentation: [UInt8](repeating: 0x44, count: 32))
        copied.nonce = 0
        let stolen = Transaction.confidential(copied).signed(with: thief)
        let section = try executor().execute(input(number: 1, parentHash: .zero, root: .emptyTrieRoot, [stolen]), nodes: TestEncryptedTrie().fetch)
        #expect(section.results[0].status == 0 && section.results[0].encryptedResult.isEmpty)
        #expect(section.results[0].gasUsed == copied.intrinsicGas)
        #expect(section.diff.isEmpty && section.encStateRoot == .emptyTrieRoot)
    }

    @Test func aLowOrderEncapsulatedKeyFailsToDecrypt() throws {
        let zero = try client.transaction(to: nil, data: Self.initCode, responseKey: responseKey, nonce: 0, epoch: 0, generation: 1,
                                          txKey: txKey) { $0.enc = [UInt8](repeating: 0, count: 32) }
        let section = try executor().execute(input(number: 1, parentHash: .zero, root: .emptyTrieRoot, [zero]), nodes: TestEncryptedTrie().fetch)
        #expect(section.results[0].status == 0 && section.diff.isEmpty)
    }

    @Test func aCallToAnAddressThatIsNoConfidentialContractIsStatusZeroAtIntrinsicGas() throws {
        let call = try client.transaction(to: Address([UInt8](repeating: 0x12, count: 20))!, data: [1], responseKey: responseKey, nonce: 0,
                                          epoch: 0, generation: 1, txKey: txKey)
        let section = try executor().execute(input(number: 1, parentHash: .zero, root: .emptyTrieRoot, [call]), nodes: TestEncryptedTrie().fetch)
        #expect(section.results[0].status == 0 && section.results[0].gasUsed == call.transaction.intrinsicGas(for: .cancun))
        #expect(try Self.openResult(section.results[0], responseKey: responseKey).status == 0)
    }

    @Test func aMissingGenerationOrAForgedNodeStopsExecution() throws {
        let deploy = try client.transaction(to: nil, data: Self.initCode, responseKey: responseKey, nonce: 0, epoch: 0, generation: 2, txKey: txKey)
        #expect(throws: ConfidentialExecutionError.missingGeneration(2)) {
            try executor().execute(input(number: 1, parentHash: .zero, root: .emptyTrieRoot, [deploy]), nodes: TestEncryptedTrie().fetch)
        }
        // A parent root whose nodes the host substitutes: the enclave refuses to read them.
        let store = TestEncryptedTrie()
        let ok = try client.transaction(to: nil, data: Self.initCode, responseKey: responseKey, nonce: 0, epoch: 0, generation: 1, txKey: txKey)
        try store.apply(try executor().execute(input(number: 1, parentHash: .zero, root: .emptyTrieRoot, [ok]), nodes: store.fetch))
        let contract = deployedAddress
        let call = try client.transaction(to: contract, data: [], responseKey: responseKey, nonce: 1, epoch: 0, generation: 1, txKey: txKey)
        let forged: (Hash32) throws -> [UInt8]? = { _ in [0xc0] }
        #expect(throws: ConfidentialExecutionError.self) {
            try executor().execute(input(number: 2, parentHash: .zero, root: store.root, [call]), nodes: forged)
        }
    }
}

extension ConfidentialExecutionTests {
    /// Two sibling blocks on one parent (a reorg's two branches) never write the same entry
    /// key under the same GCM-SIV nonce with different plaintexts: the nonce covers the
    /// block's context and transaction hashes. The same block run twice writes the same bytes.
    @Test func siblingBlocksNeverReuseANonceForDifferentPlaintexts() throws {
        let store = TestEncryptedTrie()
        let deploy = try client.transaction(to: nil, data: Self.initCode, responseKey: responseKey, nonce: 0, epoch: 0, generation: 1, txKey: txKey)
        try store.apply(try executor().execute(input(number: 1, parentHash: Keccak256.hash([1]), root: store.root, [deploy]), nodes: store.fetch))
        let contract = deployedAddress
        func call(_ byte: UInt8) throws -> SignedTransaction {
            try client.transaction(to: contract, data: [UInt8](repeating: 0, count: 31) + [byte], responseKey: responseKey,
                                   nonce: 1, epoch: 0, generation: 1, txKey: txKey)
        }
        func write(_ call: SignedTransaction, author: UInt8) throws -> [UInt8] {
            var block = input(number: 2, parentHash: Keccak256.hash([2]), root: store.root, [call])
            block.context.author = Address([UInt8](repeating: author, count: 20))!
            let section = try executor().execute(block, nodes: store.fetch)
            #expect(section.diff.count == 1)
            // entry value = u32be(g) ‖ nonce (12) ‖ ciphertext ‖ tag
            return section.diff[0].value
        }
        let one = try call(0x01), two = try call(0x02)
        let a = try write(one, author: 0xaa)
        let b = try write(two, author: 0xaa)   // same context, another transaction writing another value
        let c = try write(one, author: 0xbb)   // same transaction, another author
        let again = try write(one, author: 0xaa)
        let nonce = { (v: [UInt8]) in Array(v[4..<16]) }
        #expect(nonce(a) != nonce(b) && nonce(a) != nonce(c) && nonce(b) != nonce(c))
        #expect(again == a)
    }
}

/// The small-order list that replaces a second X25519 per transaction is exactly the set of
/// inputs that give every key an all-zero secret (top bit ignored, as RFC 7748 decodes).
struct SmallOrderPointTests {
    @Test func everyListedPointGivesAnAllZeroSecretAndRandomPointsDoNot() throws {
        for point in EnvelopeOpening.smallOrderPoints {
            for high: UInt8 in [0, 0x80] {
                var p = point
                p[31] |= high
                #expect(EnvelopeOpening.hasSmallOrder(p))
                for _ in 0..<3 {
                    let key = Curve25519.KeyAgreement.PrivateKey()
                    if let shared = try? key.sharedSecretFromKeyAgreement(with: try Curve25519.KeyAgreement.PublicKey(rawRepresentation: p)) {
                        #expect(shared.withUnsafeBytes { $0.allSatisfy { $0 == 0 } }, "\(Hex.encode(p)) gives a nonzero secret")
                    }
                }
            }
        }
        for _ in 0..<64 {
            let p = Array(Curve25519.KeyAgreement.PrivateKey().publicKey.rawRepresentation)
            #expect(!EnvelopeOpening.hasSmallOrder(p))
        }
    }
}

@Suite(.enabled(if: Vectors.has("confidential/cloister-conf-v1.json"), Comment(rawValue: Vectors.skipReason("confidential/cloister-conf-v1.json"))))
struct EntryEncryptionVectorTests {
    @Test func entryKeysAndValuesMatchTheVectors() throws {
        let v = try ConfidentialVectorTests.V()
        let chainID = try v.chainID
        let cms1 = try v.secret(1)
        let contract = try #require(Address(try v.hex("keys", "contract")))
        let slot = UInt256(try v.number("section", "slot"))
        let key = EntryEncryption.storageKey(contract: contract, slot: slot, indexKey: cms1.indexKey(chainID: chainID, contract: contract))
        #expect(key == (try v.hex("section", "entryKey")))
        let value = try v.hex("section", "entryValue")
        let sk = cms1.contractKey(chainID: chainID, contract: contract)
        let plain = try EntryEncryption.open(value, entryKey: key, valueKey: sk)
        #expect(plain.count == 32)
        #expect(try EntryEncryption.seal(plain, entryKey: key, generation: 1, valueKey: sk, nonce: try v.hex("section", "entryNonce")) == value)
        // The contract record: u32be(g0) ‖ an entry value over rlp([nonce, code]).
        let recordKey = try v.hex("section", "recordKey")
        #expect(recordKey == ConfidentialEntry.recordKey(contract))
        let recordValue = try v.hex("section", "recordValue")
        let recordPlain = try EntryEncryption.open(Array(recordValue[4...]), entryKey: recordKey, valueKey: sk)
        #expect(recordPlain == (try v.hex("section", "recordPlaintext")))
        let record = try ConfidentialWorld.decodeRecord(recordPlain, origin: 1)
        #expect(ConfidentialWorld.encodeRecord(nonce: record.nonce, code: record.code) == recordPlain)
        // A value under another key or entry key does not open.
        #expect(throws: ConfidentialExecutionError.self) { try EntryEncryption.open(value, entryKey: recordKey, valueKey: sk) }
    }
}

extension Array where Element == UInt8 {
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        for i in 0...(count - needle.count) where self[i] == needle[0] && Array(self[i..<(i + needle.count)]) == needle { return true }
        return false
    }
}
