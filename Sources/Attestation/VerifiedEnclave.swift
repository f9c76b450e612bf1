public import Primitives

/// What the claimed keys bind to: the authority an enclave serves and its two public keys.
public struct ClaimedEnclave: Sendable, Hashable {
    public var authority: Address
    /// Compressed secp256k1 public key (33 bytes).
    public var signingKey: [UInt8]
    /// X25519 public key (32 bytes).
    public var encryptionKey: [UInt8]

    public init(authority: Address, signingKey: [UInt8], encryptionKey: [UInt8]) {
        self.authority = authority; self.signingKey = signingKey; self.encryptionKey = encryptionKey
    }

    /// `enclaveId = keccak(signingKey)`.
    public var enclaveID: Hash32 { Keccak256.hash(signingKey) }
}

/// Everything besides the quote that a verdict depends on (CONFIDENTIAL.md section 3.1):
/// chain data only — never a clock, a file or the network — so every node reaches the same
/// verdict on the same block forever.
public struct VerificationContext: Sendable {
    public var chainID: UInt64
    public var genesisHash: Hash32
    /// The policy in force at the including block's parent.
    public var policy: AttestationPolicy
    /// The genesis policy's hash (what quotes bind).
    public var genesisPolicyHash: Hash32
    /// The including block's timestamp (UNIX seconds).
    public var blockTime: UInt64
    /// Hashes of the blocks before the including block on its own ancestry, parent first;
    /// only the first `freshnessBlocks` count.
    public var ancestorHashes: [Hash32]

    public init(chainID: UInt64, genesisHash: Hash32, policy: AttestationPolicy, genesisPolicyHash: Hash32,
                blockTime: UInt64, ancestorHashes: [Hash32]) {
        self.chainID = chainID; self.genesisHash = genesisHash; self.policy = policy
        self.genesisPolicyHash = genesisPolicyHash; self.blockTime = blockTime; self.ancestorHashes = ancestorHashes
    }
}

/// A quote that passed all ten checks, and the facts the registry keeps of it.
public struct VerifiedEnclave: Sendable, Hashable {
    public var enclaveID: Hash32
    public var platform: String
    public var mrEnclave: Hash32
    public var mrSigner: Hash32
    public var isvProdId: UInt16
    public var isvSvn: UInt16
    public var cpuSvn: [UInt8]
    public var pceSvn: UInt16
    public var qeSvn: UInt16
    public var debug: Bool
    /// `sha256(issuer SPKI) ‖ serial` of the platform certificate (what a revocation names).
    public var platformRevocationID: [UInt8]
    /// The recent block hash the quote names.
    public var freshness: Hash32
}
