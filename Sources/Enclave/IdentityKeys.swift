public import Primitives
import Crypto

/// The enclave's identity keys, made at start (or unsealed): a secp256k1 signing key
/// (statements, grants) and an X25519 encryption key (receiving grants).
///
/// Secrets stay inside: not `Codable`, never printed (`description` shows public keys
/// only), never in a reply. The secp256k1 bytes live in `Secp256k1.PrivateKey`'s wiped
/// buffer; swift-crypto keeps the X25519 key in its own zeroing storage.
public final class IdentityKeys: Sendable, CustomStringConvertible {
    let signing: Secp256k1.PrivateKey
    let encryption: Curve25519.KeyAgreement.PrivateKey

    /// Fresh keys from the system's cryptographic random generator.
    public init() {
        signing = Secp256k1.PrivateKey()
        encryption = Curve25519.KeyAgreement.PrivateKey()
    }

    init(signing: Secp256k1.PrivateKey, encryption: Curve25519.KeyAgreement.PrivateKey) {
        self.signing = signing
        self.encryption = encryption
    }

    /// Compressed secp256k1 public key (33 bytes).
    public var signingKey: [UInt8] { signing.publicKey.compressed }
    /// X25519 public key (32 bytes).
    public var encryptionKey: [UInt8] { Array(encryption.publicKey.rawRepresentation) }
    /// `keccak(signingKey)`.
    public var enclaveID: Hash32 { Keccak256.hash(signingKey) }

    public var description: String { "IdentityKeys(enclaveId: \(enclaveID))" }

    /// Signs a digest the enclave built itself (65 bytes `r ‖ s ‖ v`, low s).
    func sign(_ digest: Hash32) -> [UInt8] { signing.sign(hash: digest).compact }
}
