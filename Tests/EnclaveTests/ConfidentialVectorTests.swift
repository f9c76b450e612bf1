import Testing
import Foundation
import Crypto
import Primitives
import ChainTypes
import Enclave
import TestSupport

/// The known-answer vectors of ../shared/vectors/confidential (made by an independent
/// implementation) for the key schedule (section 4), the tx-key statement (5.1), results
/// (5.3) and grants (7).
let confidentialVectorFile = "confidential/cloister-conf-v1.json"

@Suite(.enabled(if: Vectors.has(confidentialVectorFile), Comment(rawValue: Vectors.skipReason(confidentialVectorFile))))
struct ConfidentialVectorTests {
    static let file = confidentialVectorFile

    struct V {
        let root: [String: Any]
        init() throws { root = try #require(try Vectors.json(ConfidentialVectorTests.file) as? [String: Any]) }
        func section(_ name: String) throws -> [String: Any] { try #require(root[name] as? [String: Any]) }
        func hex(_ section: String, _ key: String) throws -> [UInt8] { try Hex.decode(try #require(try self.section(section)[key] as? String)) }
        func number(_ section: String, _ key: String) throws -> UInt64 { try #require((try self.section(section)[key] as? NSNumber)?.uint64Value) }
        var chainID: UInt64 { get throws { try number("inputs", "chainId") } }
        func secret(_ g: UInt32) throws -> ConsortiumSecret { try ConsortiumSecret(bytes: try hex("inputs", "CMS_\(g)"), generation: g) }
    }

    @Test func theKeySchedule() throws {
        let v = try V()
        let chainID = try v.chainID
        let cms1 = try v.secret(1), cms2 = try v.secret(2)
        #expect(cms1.keyCheck == (try v.hex("keys", "keyCheck_1")))
        let epoch = try v.number("keys", "epoch")
        let tk = cms1.transactionKey(chainID: chainID, epoch: epoch)
        #expect(Array(tk.rawRepresentation) == (try v.hex("keys", "txKeyPrivate_clamped_by_X25519")))
        #expect(Array(tk.publicKey.rawRepresentation) == (try v.hex("keys", "txKeyPublic")))
        let contract = try #require(Address(try v.hex("keys", "contract")))
        #expect(cms1.indexKey(chainID: chainID, contract: contract).withUnsafeBytes { Array($0) } == (try v.hex("keys", "ik_c")))
        #expect(cms1.contractKey(chainID: chainID, contract: contract).withUnsafeBytes { Array($0) } == (try v.hex("keys", "sk_c_1")))
        #expect(cms2.chainKey(chainID: chainID).withUnsafeBytes { Array($0) } == (try v.hex("keys", "ck_2")))
        let chained = try cms2.chain(previous: cms1, chainID: chainID)
        #expect(chained == (try v.hex("keys", "chainedPrevious_2")))
        #expect(try cms2.openPrevious(chained, chainID: chainID).keyCheck == cms1.keyCheck)
        var tampered = chained
        tampered[3] ^= 1
        #expect(throws: ConsortiumKeyError.self) { try cms2.openPrevious(tampered, chainID: chainID) }
        #expect(throws: ConsortiumKeyError.self) { try cms2.openPrevious(chained, chainID: chainID + 1) }
    }

    @Test func theTxKeyStatement() throws {
        let v = try V()
        let cms1 = try v.secret(1)
        let epoch = try v.number("keys", "epoch")
        let publicKey = Array(cms1.transactionKey(chainID: try v.chainID, epoch: epoch).publicKey.rawRepresentation)
        let digest = ConfidentialDigest.txKey(chainID: try v.chainID, epoch: epoch, generation: 1, suite: 1, publicKey: publicKey)
        #expect(digest.bytes == (try v.hex("txKeyStatement", "digest")))
        let key = try Secp256k1.PrivateKey(rawRepresentation: try v.hex("inputs", "enclaveSigningPrivateKey"))
        #expect(key.publicKey.compressed == (try v.hex("inputs", "enclaveSigningKey")))
        #expect(Keccak256.hash(key.publicKey.compressed).bytes == (try v.hex("inputs", "enclaveId")))
        #expect(key.sign(hash: digest).compact == (try v.hex("txKeyStatement", "signature")))  // RFC 6979, low s
    }

    @Test func aResultEncryptsAsTheVectorSays() throws {
        let v = try V()
        let txHash = Keccak256.hash(try v.hex("transaction", "raw"))
        let responseKey = try v.hex("transaction", "responseKey")
        let plaintext = try v.hex("result", "plaintext")
        let encrypted = try ResultEncryption.seal(plaintext, responseKey: responseKey, txHash: txHash)
        #expect(encrypted == (try v.hex("result", "encryptedResult")))
        #expect(try ResultEncryption.open(encrypted, responseKey: responseKey, txHash: txHash) == plaintext)
        #expect(throws: ConsortiumKeyError.self) { try ResultEncryption.open(encrypted, responseKey: responseKey, txHash: Keccak256.hash([1])) }
    }

    @Test func aGrantUnwrapsAndItsDigestAndSignatureMatch() throws {
        let v = try V()
        let chainID = try v.chainID
        let target = try #require(Hash32(try v.hex("keyGrant", "targetEnclaveId")))
        let targetKey = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: try v.hex("keyGrant", "targetEncryptionPrivateKey"))
        let wrapped = try v.hex("keyGrant", "wrapped")
        #expect(wrapped.count == 80)
        let cms1 = try v.secret(1)
        let unwrapped = try GrantWrapping.unwrap(wrapped, with: targetKey, target: target, chainID: chainID, generation: 1)
        #expect(unwrapped.keyCheck == cms1.keyCheck)
        // Another generation, target or chain does not open it.
        #expect(throws: ConsortiumKeyError.self) { try GrantWrapping.unwrap(wrapped, with: targetKey, target: target, chainID: chainID, generation: 2) }
        #expect(throws: ConsortiumKeyError.self) {
            try GrantWrapping.unwrap(wrapped, with: targetKey, target: Keccak256.hash([1]), chainID: chainID, generation: 1)
        }
        let digest = ConfidentialDigest.grant(chainID: chainID, generation: 1, targetEnclaveID: target, wrapped: wrapped, keyCheck: cms1.keyCheck)
        #expect(digest.bytes == (try v.hex("keyGrant", "grantorDigest")))
        let grantor = try Secp256k1.PrivateKey(rawRepresentation: try v.hex("inputs", "enclaveSigningPrivateKey"))
        #expect(grantor.sign(hash: digest).compact == (try v.hex("keyGrant", "grantorSignature")))
        // Our own wrap opens for the target, and only for it.
        let ours = try GrantWrapping.wrap(cms1, to: Array(targetKey.publicKey.rawRepresentation), target: target, chainID: chainID)
        #expect(ours.count == 80 && ours != wrapped)
        #expect(try GrantWrapping.unwrap(ours, with: targetKey, target: target, chainID: chainID, generation: 1).keyCheck == cms1.keyCheck)
    }

    @Test func anAllZeroSharedSecretIsRefused() throws {
        // A small-order point (here the zero u-coordinate) as the encapsulated key.
        let wrapped = [UInt8](repeating: 0, count: 80)
        #expect(throws: ConsortiumKeyError.self) {
            try GrantWrapping.unwrap(wrapped, with: Curve25519.KeyAgreement.PrivateKey(), target: Keccak256.hash([1]), chainID: 1, generation: 1)
        }
    }

    @Test func secretsDoNotPrint() throws {
        let bytes = (0..<32).map { UInt8($0 * 7 + 1) }
        let s = try ConsortiumSecret(bytes: bytes, generation: 3)
        let text = "\(s)"
        #expect(text.contains("generation: 3"))
        #expect(!text.contains(Hex.encode(bytes, prefix: false)) && !text.contains(Hex.encode(Array(bytes.prefix(8)), prefix: false)))
        #expect(throws: ConsortiumKeyError.self) { try ConsortiumSecret(bytes: [UInt8](repeating: 1, count: 31), generation: 1) }
    }
}
