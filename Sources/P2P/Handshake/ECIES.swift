import Crypto
package import Primitives

/// ECIES as RLPx uses it (devp2p `rlpx.md`, "ECIES Encryption"): secp256k1 ECDH
/// taking the raw x coordinate, NIST SP 800-56 concatenation KDF with SHA-256,
/// AES-128-CTR, and HMAC-SHA-256 over `iv ‖ ciphertext ‖ shared-mac-data`.
///
/// A message is `R ‖ iv ‖ c ‖ d`: the sender's 65-byte uncompressed ephemeral
/// point, the 16-byte IV, the ciphertext and the 32-byte tag. Decryption checks
/// the tag (constant time) before decrypting anything. Intermediate key material
/// is zeroed before returning. Stateless; callable from any thread.
package enum ECIES {
    /// Bytes ECIES adds to a plaintext: the point, the IV and the tag.
    package static let overhead = 65 + 16 + 32

    /// Encrypts `plaintext` to `recipient` with a fresh ephemeral key and IV from
    /// the system's cryptographic generator.
    static func encrypt(_ plaintext: [UInt8], to recipient: Secp256k1.PublicKey,
                        sharedMacData: [UInt8]) throws(RLPxError) -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        let iv = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        return try encrypt(plaintext, to: recipient, sharedMacData: sharedMacData,
                           ephemeralKey: Secp256k1.PrivateKey(), iv: iv)
    }

    /// Encrypts with the given ephemeral key and IV (deterministic; for tests).
    package static func encrypt(_ plaintext: [UInt8], to recipient: Secp256k1.PublicKey, sharedMacData: [UInt8],
                        ephemeralKey: Secp256k1.PrivateKey, iv: [UInt8]) throws(RLPxError) -> [UInt8] {
        var (encryptionKey, macKey) = try deriveKeys(ephemeralKey, recipient)
        defer { SecureMemory.zero(&encryptionKey); SecureMemory.zero(&macKey) }
        var ciphertext = plaintext
        AESCipher(.ctr128, key: encryptionKey, iv: iv).apply(&ciphertext)
        let tag = Self.tag(macKey: macKey, iv: iv[...], ciphertext: ciphertext[...], sharedMacData: sharedMacData)
        var out = ephemeralKey.publicKey.uncompressed
        out.reserveCapacity(overhead + plaintext.count)
        out += iv
        out += ciphertext
        out += tag
        return out
    }

    /// Checks the tag of `message` and decrypts it with `key`.
    static func decrypt(_ message: ArraySlice<UInt8>, with key: Secp256k1.PrivateKey,
                        sharedMacData: ArraySlice<UInt8>) throws(RLPxError) -> [UInt8] {
        guard message.count >= overhead else { throw .eciesMessageTooShort(size: message.count) }
        let start = message.startIndex
        guard message[start] == 0x04,
              let point = try? Secp256k1.PublicKey(rawRepresentation: message[start..<start + 65]) else {
            throw .eciesInvalidPublicKey
        }
        let iv = message[start + 65..<start + 81]
        let ciphertext = message[start + 81..<message.endIndex - 32]
        let receivedTag = message[(message.endIndex - 32)...]
        var (encryptionKey, macKey) = try deriveKeys(key, point)
        defer { SecureMemory.zero(&encryptionKey); SecureMemory.zero(&macKey) }
        let expected = tag(macKey: macKey, iv: iv, ciphertext: ciphertext, sharedMacData: sharedMacData)
        guard constantTimeEqual(expected, receivedTag) else { throw .eciesMACMismatch }
        var plaintext = Array(ciphertext)
        AESCipher(.ctr128, key: encryptionKey, iv: Array(iv)).apply(&plaintext)
        return plaintext
    }

    /// `kE ‖ kM'` from the concatenation KDF over the ECDH x coordinate, with
    /// `kM = SHA-256(kM')`: 16 bytes of AES key and 32 bytes of MAC key.
    private static func deriveKeys(_ key: Secp256k1.PrivateKey,
                                   _ point: Secp256k1.PublicKey) throws(RLPxError) -> ([UInt8], [UInt8]) {
        guard var shared = try? key.sharedSecret(with: point) else { throw .eciesInvalidPublicKey }
        defer { SecureMemory.zero(&shared) }
        // NIST SP 800-56 concatenation KDF: SHA-256(counter ‖ Z ‖ otherInfo), counter from 1,
        // no otherInfo; one SHA-256 block covers the 32 bytes needed.
        var kdf = SHA256()
        kdf.update(data: [UInt8]([0, 0, 0, 1]))
        kdf.update(data: shared)
        var material = Array(kdf.finalize())
        defer { SecureMemory.zero(&material) }
        let encryptionKey = Array(material[0..<16])
        let macKey = Array(SHA256.hash(data: material[16..<32]))
        return (encryptionKey, macKey)
    }

    private static func tag(macKey: [UInt8], iv: ArraySlice<UInt8>, ciphertext: ArraySlice<UInt8>,
                            sharedMacData: some Collection<UInt8>) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: macKey))
        hmac.update(data: iv)
        hmac.update(data: ciphertext)
        hmac.update(data: Array(sharedMacData))
        return Array(hmac.finalize())
    }
}

/// Compares two byte strings in time that depends only on their lengths.
func constantTimeEqual(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for (x, y) in zip(a, b) { difference |= x ^ y }
    return difference == 0
}
