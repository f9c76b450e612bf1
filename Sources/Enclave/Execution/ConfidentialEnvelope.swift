public import Primitives
public import ChainTypes
import Foundation
import Crypto

/// What a `0x40` transaction (or a view envelope) asks for, once opened inside the
/// enclave: `rlp([to, data, responseKey, padding])` (CONFIDENTIAL.md section 5.2).
///
/// Holds the client's response key; never leaves the enclave, never printed.
struct ConfidentialCall: Sendable {
    /// Nil for a deploy (`data` is init code).
    var to: Address?
    var data: [UInt8]
    var responseKey: [UInt8]

    /// Parses a plaintext, refusing one that is not well formed: exactly four byte
    /// strings, `to` empty or 20 bytes, a 32-byte response key, all-zero padding, and a
    /// total length that is a multiple of 256.
    init?(plaintext: [UInt8]) {
        guard !plaintext.isEmpty, plaintext.count % 256 == 0 else { return nil }
        var outer = RLPReader(plaintext)
        do {
            var list = try outer.readList()
            try outer.finish()
            let to = Array(try list.readBytes())
            let data = Array(try list.readBytes())
            let responseKey = Array(try list.readBytes())
            let padding = try list.readBytes()
            try list.finish()
            guard to.isEmpty || to.count == 20, responseKey.count == 32, padding.allSatisfy({ $0 == 0 }) else { return nil }
            self.to = to.isEmpty ? nil : Address(to)
            self.data = data
            self.responseKey = responseKey
        } catch { return nil }
    }
}

/// HPKE suite 1 opening of a `0x40` envelope (section 5.2): the recipient key is
/// `tk_{epoch,generation}`, `info` names the chain, epoch and generation (with the view
/// label for a view), and `aad = sender ‖ u64be(nonce)` with the sender the enclave
/// recovered itself, so a ciphertext copied into another sender's envelope does not open.
enum EnvelopeOpening {
    static let suite = HPKE.Ciphersuite(kem: .Curve25519_HKDF_SHA256, kdf: .HKDF_SHA256, aead: .AES_GCM_256)

    /// The call inside `tx`, or nil when it does not decrypt or is not well formed (the
    /// transaction then gets status 0). An all-zero X25519 shared secret fails, as RFC 9180 requires.
    static func open(_ tx: ConfidentialTransaction, sender: Address, secret: ConsortiumSecret, chainID: UInt64,
                     view: Bool = false) -> ConfidentialCall? {
        guard tx.suite == ConfidentialTransaction.suiteHPKEX25519AES256GCM, tx.enc.count == 32 else { return nil }
        let key = secret.transactionKey(chainID: chainID, epoch: tx.epoch)
        do {
            let encapsulated = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: tx.enc)
            let shared = try key.sharedSecretFromKeyAgreement(with: encapsulated)
            guard !shared.withUnsafeBytes({ $0.allSatisfy { $0 == 0 } }) else { return nil }
            var recipient = try HPKE.Recipient(privateKey: key, ciphersuite: suite, info: Data(tx.hpkeInfo(view: view)),
                                               encapsulatedKey: Data(tx.enc))
            var plaintext = Array(try recipient.open(tx.ciphertext, authenticating: tx.hpkeAAD(sender: sender)))
            defer { SecureMemory.zero(&plaintext) }
            return ConfidentialCall(plaintext: plaintext)
        } catch {
            return nil
        }
    }
}
