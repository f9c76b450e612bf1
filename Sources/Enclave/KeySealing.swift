public import Primitives
import ChainTypes
import Crypto
#if canImport(Glibc)
import Glibc
#endif

/// Why sealed state could not be used.
public struct SealingError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Sealed persistence of the identity keys and the consortium secrets held (CONFIDENTIAL.md
/// section 9), the simulation of
/// SGX sealing: AES-256-GCM under `HKDF-SHA256(platform key, salt = mrEnclave,
/// "cloister-seal-v1")`, so only the same binary on the same platform can unseal.
///
/// Blob: `"CLOISTER-SEALED1" ‖ nonce (12, random) ‖ ciphertext ‖ tag`, with the chain id,
/// genesis hash and authority as associated data (keys sealed for one chain or authority
/// are not reused for another). The plaintext, `rlp([2, signingKey, encryptionKey, [[g,
/// CMS_g]…]])` (version 1 has no secrets), is wiped after use. There is no monotonic counter:
/// a host can hand back an older blob; section 7's checks keep that from bringing revoked
/// facts back.
public enum KeySealing {
    static let magic = Array("CLOISTER-SEALED1".utf8)

    /// The sealed blob of `keys` and `secrets` for `configuration`.
    public static func seal(_ keys: IdentityKeys, secrets: [ConsortiumSecret] = [],
                            for configuration: EnclaveConfiguration) throws(SealingError) -> [UInt8] {
        var clear = plaintext(of: keys, secrets: secrets)
        defer { SecureMemory.zero(&clear) }
        do {
            let box = try AES.GCM.seal(clear, using: sealingKey(configuration), nonce: AES.GCM.Nonce(),
                                       authenticating: associatedData(configuration))
            return magic + Array(box.nonce) + Array(box.ciphertext) + Array(box.tag)
        } catch { throw SealingError("sealing failed: \(error)") }
    }

    /// `rlp([2, signingKey, encryptionKey, [[g, CMS_g]…]])`, written into one buffer reserved
    /// at its final size (no reallocation leaves a copy behind); every temporary copy of a
    /// key is wiped.
    static func plaintext(of keys: IdentityKeys, secrets: [ConsortiumSecret]) -> [UInt8] {
        var signing = keys.signing.rawRepresentation
        var encryption = Array(keys.encryption.rawRepresentation)
        defer { SecureMemory.zero(&signing); SecureMemory.zero(&encryption) }
        var e = RLPEncoder(capacity: 128 + 48 * secrets.count)
        e.appendList { e in
            e.append(UInt64(2))
            e.appendBytes(signing)
            e.appendBytes(encryption)
            e.appendList { e in
                for secret in secrets {
                    e.appendList { e in
                        e.append(UInt64(secret.generation))
                        secret.withBytes { raw in e.appendBytes(raw) }
                    }
                }
            }
        }
        return e.bytes
    }

    /// The keys and secrets in `blob`; refused when another binary, platform, chain or authority sealed it.
    public static func unseal(_ blob: [UInt8], for configuration: EnclaveConfiguration) throws(SealingError) -> (keys: IdentityKeys, secrets: [ConsortiumSecret]) {
        guard blob.count >= magic.count + 12 + 16, Array(blob[0..<magic.count]) == magic else {
            throw SealingError("not a Cloister sealed-state file")
        }
        let nonceStart = magic.count
        let body = Array(blob[(nonceStart + 12)...])
        var plaintext: [UInt8]
        do {
            let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: blob[nonceStart..<(nonceStart + 12)]),
                                            ciphertext: body.dropLast(16), tag: body.suffix(16))
            var opened = try AES.GCM.open(box, using: sealingKey(configuration), authenticating: associatedData(configuration))
            plaintext = Array(opened)
            opened.withUnsafeMutableBytes { SecureMemory.zero($0) }
        } catch {
            throw SealingError("cannot unseal: sealed by another enclave build (measurement), another platform, or for another chain or authority")
        }
        defer { SecureMemory.zero(&plaintext) }
        do {
            var outer = RLPReader(plaintext)
            var r = try outer.readList()
            try outer.finish()
            let version = try r.readUInt64()
            guard version == 1 || version == 2 else { throw SealingError("sealed state of an unknown version") }
            var signing = Array(try r.readBytes())
            var encryption = Array(try r.readBytes())
            defer { SecureMemory.zero(&signing); SecureMemory.zero(&encryption) }
            var secrets: [ConsortiumSecret] = []
            if version == 2 {
                var list = try r.readList()
                while !list.isAtEnd {
                    var pair = try list.readList()
                    guard let g = UInt32(exactly: try pair.readUInt64()) else { throw SealingError("a sealed generation out of range") }
                    var bytes = Array(try pair.readBytes())
                    defer { SecureMemory.zero(&bytes) }
                    try pair.finish()
                    secrets.append(try ConsortiumSecret(bytes: bytes, generation: g))
                }
            }
            try r.finish()
            let keys = IdentityKeys(signing: try Secp256k1.PrivateKey(rawRepresentation: signing),
                                    encryption: try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: encryption))
            return (keys, secrets)
        } catch let error as SealingError {
            throw error
        } catch {
            throw SealingError("sealed state is malformed: \(error)")
        }
    }

    static func sealingKey(_ c: EnclaveConfiguration) -> SymmetricKey {
        var platformKey = c.platform.privateKey.rawRepresentation
        defer { platformKey.withUnsafeMutableBytes { SecureMemory.zero($0) } }
        return HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: platformKey),
                                      salt: c.mrEnclave.bytes, info: Array("cloister-seal-v1".utf8), outputByteCount: 32)
    }

    static func associatedData(_ c: EnclaveConfiguration) -> [UInt8] {
        magic + c.mrEnclave.bytes + ConfidentialBytes.u64be(c.chainID) + c.genesisHash.bytes + c.authority.bytes
    }
}
