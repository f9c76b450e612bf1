public import Foundation
public import Primitives
public import Crypto
import CryptoExtras
import ChainTypes

/// Why a consortium secret could not be opened or unwrapped.
public struct ConsortiumKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// A consortium master secret `CMS_g` and the keys derived from it (CONFIDENTIAL.md
/// section 4). Lives only in enclaves: not `Codable`, never printed (its description
/// names the generation and `keyCheck` only); swift-crypto's `SymmetricKey` zeroes its
/// storage when dropped.
public final class ConsortiumSecret: Sendable, CustomStringConvertible {
    public let generation: UInt32
    let key: SymmetricKey

    /// A fresh random secret for generation `g` (made inside an enclave for every `0x43`).
    public init(generation: UInt32) {
        self.generation = generation
        key = SymmetricKey(size: .bits256)
    }

    /// A secret of exactly 32 bytes (unsealed, unwrapped or unchained).
    public init(bytes: some ContiguousBytes, generation: UInt32) throws(ConsortiumKeyError) {
        let k = SymmetricKey(data: bytes)
        guard k.bitCount == 256 else { throw ConsortiumKeyError("a consortium secret is 32 bytes") }
        self.generation = generation
        key = k
    }

    public var description: String { "ConsortiumSecret(generation: \(generation), keyCheck: \(Hex.encode(keyCheck)))" }

    /// `keyCheck_g = HMAC-SHA256(CMS_g, "cloister-keycheck")`: published on chain, lets an
    /// enclave confirm the secret it installed.
    public var keyCheck: [UInt8] { Array(HMAC<SHA256>.authenticationCode(for: Array("cloister-keycheck".utf8), using: key)) }

    func derive(chainID: UInt64, info: [UInt8]) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, salt: ConfidentialBytes.be32(chainID), info: info, outputByteCount: 32)
    }

    /// The epoch transaction key `tk_{e,g}`: `HKDF(CMS_g, be32(chainId), "cloister-txkey" ‖ u32be(g) ‖ u64be(e))`
    /// as an X25519 private key (X25519 clamps it when used).
    public func transactionKey(chainID: UInt64, epoch: UInt64) -> Curve25519.KeyAgreement.PrivateKey {
        let bytes = derive(chainID: chainID, info: Array("cloister-txkey".utf8) + ConfidentialBytes.u32be(generation) + ConfidentialBytes.u64be(epoch))
        // 32 bytes are always a valid X25519 private key.
        return bytes.withUnsafeBytes { raw in
            (try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw)) ?? Curve25519.KeyAgreement.PrivateKey()
        }
    }

    /// The contract index key `ik_c` (from the secret of the generation that created the contract).
    public func indexKey(chainID: UInt64, contract: Address) -> SymmetricKey {
        derive(chainID: chainID, info: Array("cloister-index".utf8) + contract.bytes)
    }

    /// The contract value key `sk_{c,g}`.
    public func contractKey(chainID: UInt64, contract: Address) -> SymmetricKey {
        derive(chainID: chainID, info: Array("cloister-contract".utf8) + contract.bytes)
    }

    /// The chain key `ck_g`.
    public func chainKey(chainID: UInt64) -> SymmetricKey { derive(chainID: chainID, info: Array("cloister-chain".utf8)) }

    /// `chainedPrevious` of this generation's record: `CMS_{g-1}` under `ck_g` with
    /// AES-256-GCM-SIV, a zero nonce and `aad = "cloister-chain-v1" ‖ be32(chainId) ‖ u32be(g)`
    /// (ciphertext ‖ tag). Empty for generation 1.
    public func chain(previous: ConsortiumSecret, chainID: UInt64) throws(ConsortiumKeyError) -> [UInt8] {
        guard generation > 1, previous.generation == generation - 1 else {
            throw ConsortiumKeyError("generation \(generation) chains generation \(generation &- 1), not \(previous.generation)")
        }
        do {
            let box = try previous.key.withUnsafeBytes { raw in
                try AES.GCM._SIV.seal(raw, using: chainKey(chainID: chainID), nonce: AES.GCM._SIV.Nonce(data: [UInt8](repeating: 0, count: 12)),
                                      authenticating: chainAAD(chainID: chainID))
            }
            return Array(box.combined.dropFirst(12))
        } catch { throw ConsortiumKeyError("chaining failed: \(error)") }
    }

    /// The previous generation's secret from this generation's `chainedPrevious`.
    public func openPrevious(_ chained: [UInt8], chainID: UInt64) throws(ConsortiumKeyError) -> ConsortiumSecret {
        guard generation > 1, chained.count == 48 else { throw ConsortiumKeyError("chainedPrevious is 48 bytes for a generation above 1") }
        do {
            let box = try AES.GCM._SIV.SealedBox(combined: [UInt8](repeating: 0, count: 12) + chained)
            var plain = Array(try AES.GCM._SIV.open(box, using: chainKey(chainID: chainID), authenticating: chainAAD(chainID: chainID)))
            defer { SecureMemory.zero(&plain) }
            return try ConsortiumSecret(bytes: plain, generation: generation - 1)
        } catch let e as ConsortiumKeyError {
            throw e
        } catch {
            throw ConsortiumKeyError("chainedPrevious does not open under this generation's chain key")
        }
    }

    func chainAAD(chainID: UInt64) -> [UInt8] {
        Array("cloister-chain-v1".utf8) + ConfidentialBytes.be32(chainID) + ConfidentialBytes.u32be(generation)
    }

    /// The secret's bytes, for wrapping and sealing inside this target only.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R { try key.withUnsafeBytes(body) }
}

/// Grants of a consortium secret to another enclave (CONFIDENTIAL.md section 7, `0x42` and
/// `0x43` wraps): HPKE suite 1 (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM) to
/// the target's encryption key, `info = "cloister-grant-v1" ‖ be32(chainId) ‖ u32be(g)`,
/// `aad = targetEnclaveId`; `wrapped = enc (32) ‖ ciphertext ‖ tag` (80 bytes).
public enum GrantWrapping {
    static let suite = HPKE.Ciphersuite(kem: .Curve25519_HKDF_SHA256, kdf: .HKDF_SHA256, aead: .AES_GCM_256)

    static func info(chainID: UInt64, generation: UInt32) -> Data {
        Data(Array("cloister-grant-v1".utf8) + ConfidentialBytes.be32(chainID) + ConfidentialBytes.u32be(generation))
    }

    /// `secret` wrapped to `encryptionKey` (32-byte X25519) of enclave `target`.
    public static func wrap(_ secret: ConsortiumSecret, to encryptionKey: [UInt8], target: Hash32, chainID: UInt64) throws(ConsortiumKeyError) -> [UInt8] {
        do {
            let recipient = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: encryptionKey)
            var sender = try HPKE.Sender(recipientKey: recipient, ciphersuite: suite, info: info(chainID: chainID, generation: secret.generation))
            let sealed = try secret.withBytes { try sender.seal($0, authenticating: target.bytes) }
            return Array(sender.encapsulatedKey) + Array(sealed)
        } catch { throw ConsortiumKeyError("wrapping failed: \(error)") }
    }

    /// The secret of generation `generation` in `wrapped`, addressed to `target` and opened
    /// with its encryption key. Refuses an all-zero X25519 shared secret (RFC 9180's check,
    /// which swift-crypto does not make).
    public static func unwrap(_ wrapped: [UInt8], with key: Curve25519.KeyAgreement.PrivateKey, target: Hash32, chainID: UInt64,
                              generation: UInt32) throws(ConsortiumKeyError) -> ConsortiumSecret {
        guard wrapped.count == 80 else { throw ConsortiumKeyError("a wrapped secret is 80 bytes, got \(wrapped.count)") }
        let enc = Array(wrapped[0..<32])
        do {
            let shared = try key.sharedSecretFromKeyAgreement(with: Curve25519.KeyAgreement.PublicKey(rawRepresentation: enc))
            let allZero = shared.withUnsafeBytes { $0.allSatisfy { $0 == 0 } }
            guard !allZero else { throw ConsortiumKeyError("the encapsulated key gives an all-zero shared secret") }
            var recipient = try HPKE.Recipient(privateKey: key, ciphersuite: suite, info: info(chainID: chainID, generation: generation),
                                               encapsulatedKey: Data(enc))
            var plain = Array(try recipient.open(wrapped[32...], authenticating: target.bytes))
            defer { SecureMemory.zero(&plain) }
            return try ConsortiumSecret(bytes: plain, generation: generation)
        } catch let e as ConsortiumKeyError {
            throw e
        } catch {
            throw ConsortiumKeyError("the wrapped secret does not open for this enclave, chain and generation")
        }
    }
}
