public import Primitives
public import ChainTypes
import Foundation
import Crypto

/// What a `0x40` transaction (or a view envelope) asks for, once opened inside the
/// enclave: `rlp([to, data, responseKey, padding])` (CONFIDENTIAL.md section 5.2).
///
/// Holds the client's response key; never leaves the enclave, never printed.
struct ConfidentialCall: Sendable {
    /// Overwrites the response key (the call is done with).
    mutating func wipe() { SecureMemory.zero(&responseKey) }

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
    /// transaction then gets status 0). `key` is `tk_{epoch,generation}` for the epoch and
    /// generation `tx` names. An `enc` of small order fails, as RFC 9180 requires of an
    /// all-zero X25519 secret (swift-crypto does not check it itself).
    static func open(_ tx: ConfidentialTransaction, sender: Address, key: Curve25519.KeyAgreement.PrivateKey, view: Bool = false) -> ConfidentialCall? {
        guard tx.suite == ConfidentialTransaction.suiteHPKEX25519AES256GCM, tx.enc.count == 32, !hasSmallOrder(tx.enc) else { return nil }
        do {
            var recipient = try HPKE.Recipient(privateKey: key, ciphersuite: suite, info: Data(tx.hpkeInfo(view: view)),
                                               encapsulatedKey: Data(tx.enc))
            var plaintext = Array(try recipient.open(tx.ciphertext, authenticating: tx.hpkeAAD(sender: sender)))
            defer { SecureMemory.zero(&plaintext) }
            return ConfidentialCall(plaintext: plaintext)
        } catch {
            return nil
        }
    }

    /// The X25519 public values (top bit ignored, as RFC 7748 decodes them) for which every
    /// clamped private key gives an all-zero shared secret: the points of order 1, 2, 4 and
    /// 8 and the non-canonical encodings of 0 and 1 (libsodium's list). Checking them
    /// costs a comparison instead of a second X25519.
    static let smallOrderPoints: [[UInt8]] = [
        [UInt8](repeating: 0, count: 32),
        [1] + [UInt8](repeating: 0, count: 31),
        [0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a,
         0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00],
        [0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1, 0x55, 0x9c, 0x83, 0xef, 0x5b,
         0x04, 0x44, 0x5c, 0xc4, 0x58, 0x1c, 0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f, 0x11, 0x57],
        [0xec] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
        [0xed] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
        [0xee] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
    ]

    /// Whether `enc` (32 bytes) is one of ``smallOrderPoints``.
    static func hasSmallOrder(_ enc: [UInt8]) -> Bool {
        guard enc.count == 32 else { return true }
        var masked = enc
        masked[31] &= 0x7f
        return smallOrderPoints.contains(masked)
    }
}

/// Transaction keys `tk_{e,g}` derived once per (generation, epoch) for one execution.
final class TransactionKeys {
    private let secrets: [UInt32: ConsortiumSecret]
    private let chainID: UInt64
    private struct Slot: Hashable { let generation: UInt32; let epoch: UInt64 }
    private var keys: [Slot: Curve25519.KeyAgreement.PrivateKey] = [:]

    init(secrets: [UInt32: ConsortiumSecret], chainID: UInt64) { self.secrets = secrets; self.chainID = chainID }

    /// The key for `generation` and `epoch`, or nil when the generation is not held.
    func key(generation: UInt32, epoch: UInt64) -> Curve25519.KeyAgreement.PrivateKey? {
        let slot = Slot(generation: generation, epoch: epoch)
        if let k = keys[slot] { return k }
        guard let secret = secrets[generation] else { return nil }
        let k = secret.transactionKey(chainID: chainID, epoch: epoch)
        keys[slot] = k
        return k
    }
}
