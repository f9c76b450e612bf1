public import Primitives

/// Why a header is refused by a consensus engine, worded as go-ethereum words it
/// (operators and tools compare messages across clients). `Sendable`, `Equatable`.
public enum ConsensusError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The parent (or an ancestor needed for a snapshot) is not known.
    case unknownAncestor
    /// The header's timestamp is ahead of the verifier's clock.
    case futureBlock(timestamp: UInt64, now: UInt64)
    /// The timestamp is earlier than `parent.time + period`.
    case invalidTimestamp(timestamp: UInt64, earliest: UInt64)
    /// A checkpoint block names a beneficiary (checkpoints carry no vote).
    case invalidCheckpointBeneficiary
    /// The nonce is neither the add vote (all ones) nor the drop vote (zero).
    case invalidVote
    /// A checkpoint block carries a non-zero nonce.
    case invalidCheckpointVote
    /// Extra data is shorter than the 32-byte vanity.
    case missingVanity
    /// Extra data has no room for the 65-byte seal after the vanity.
    case missingSignature
    /// A non-checkpoint block carries a signer list.
    case extraSigners
    /// A checkpoint's signer list is not a whole number of addresses.
    case invalidCheckpointSigners
    /// A checkpoint's signer list differs from the snapshot's signers.
    case mismatchingCheckpointSigners
    /// The mix digest is not zero.
    case invalidMixDigest
    /// The header names uncles.
    case invalidUncleHash
    /// The difficulty is neither 1 nor 2.
    case invalidDifficulty(UInt256)
    /// The difficulty does not match the signer's turn (2 in turn, 1 out of turn).
    case wrongDifficulty(got: UInt256, expected: UInt256)
    /// The gas limit exceeds 2^63 - 1.
    case invalidGasLimit(UInt64)
    /// The header carries fields of a fork this engine does not support (withdrawals, blobs).
    case unsupportedFork(String)
    /// The seal's signature does not recover to a public key.
    case invalidSignature
    /// The recovered signer is not in the authorized set.
    case unauthorizedSigner(Address)
    /// The signer sealed one of the last floor(N/2) blocks.
    case recentlySigned(Address)
    /// The header read back from storage could not be decoded, or a snapshot is corrupt.
    case corruptSnapshot(String)

    public var description: String {
        switch self {
        case .unknownAncestor: "unknown ancestor"
        case .futureBlock(let t, let now): "block in the future (timestamp \(t), now \(now))"
        case .invalidTimestamp(let t, let earliest): "invalid timestamp (\(t), earliest allowed \(earliest))"
        case .invalidCheckpointBeneficiary: "beneficiary in checkpoint block non-zero"
        case .invalidVote: "vote nonce not 0x00..0 or 0xff..f"
        case .invalidCheckpointVote: "vote nonce in checkpoint block non-zero"
        case .missingVanity: "extra-data 32 byte vanity prefix missing"
        case .missingSignature: "extra-data 65 byte signature suffix missing"
        case .extraSigners: "non-checkpoint block contains extra signer list"
        case .invalidCheckpointSigners: "invalid signer list on checkpoint block"
        case .mismatchingCheckpointSigners: "mismatching signer list on checkpoint block"
        case .invalidMixDigest: "non-zero mix digest"
        case .invalidUncleHash: "non empty uncle hash"
        case .invalidDifficulty(let d): "invalid difficulty \(d) (must be 1 or 2)"
        case .wrongDifficulty(let got, let expected): "wrong difficulty \(got) (expected \(expected))"
        case .invalidGasLimit(let g): "invalid gasLimit: have \(g), max \(Int64.max)"
        case .unsupportedFork(let what): "clique does not support \(what)"
        case .invalidSignature: "invalid seal signature"
        case .unauthorizedSigner(let a): "unauthorized signer \(a)"
        case .recentlySigned(let a): "recently signed (signer \(a))"
        case .corruptSnapshot(let why): "corrupt clique snapshot: \(why)"
        }
    }
}
