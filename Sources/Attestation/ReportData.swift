public import Primitives
import ChainTypes
import Crypto

/// The 64 bytes an enclave binds into its quote's `reportData` (CONFIDENTIAL.md section 3):
/// `sha256("cloister-enclave-v1" ‖ be32(chainId) ‖ genesisHash ‖ policyHash ‖ authority ‖
/// signingKey (33, compressed) ‖ encryptionKey (32, X25519))` ‖ `freshness`.
public struct EnclaveBinding: Sendable, Hashable {
    public var chainID: UInt64
    public var genesisHash: Hash32
    /// The genesis policy's hash.
    public var policyHash: Hash32
    /// The sealing address the enclave serves.
    public var authority: Address
    /// Compressed secp256k1 public key (33 bytes).
    public var signingKey: [UInt8]
    /// X25519 public key (32 bytes).
    public var encryptionKey: [UInt8]

    public init(chainID: UInt64, genesisHash: Hash32, policyHash: Hash32, authority: Address, signingKey: [UInt8], encryptionKey: [UInt8]) {
        self.chainID = chainID; self.genesisHash = genesisHash; self.policyHash = policyHash
        self.authority = authority; self.signingKey = signingKey; self.encryptionKey = encryptionKey
    }

    /// The first 32 bytes of `reportData`.
    public var keyHash: [UInt8] {
        var h = SHA256()
        h.update(data: Array("cloister-enclave-v1".utf8))
        h.update(data: ConfidentialBytes.be32(chainID))
        h.update(data: genesisHash.bytes)
        h.update(data: policyHash.bytes)
        h.update(data: authority.bytes)
        h.update(data: signingKey)
        h.update(data: encryptionKey)
        return Array(h.finalize())
    }

    /// The whole 64-byte `reportData` with `freshness` (a recent block's hash).
    public func reportData(freshness: Hash32) -> [UInt8] { keyHash + freshness.bytes }

    /// `enclaveId = keccak(signingKey)` (section 4).
    public var enclaveID: Hash32 { Keccak256.hash(signingKey) }
}
