public import Primitives
public import ChainTypes

/// What a consensus engine decides about blocks, and nothing else: which headers are
/// validly sealed, how a new header is prepared and sealed, who authored a block, and
/// how much a block weighs in fork choice. Execution, body checks and storage belong
/// to the chain.
///
/// Implementations are `Sendable` and safe to call concurrently; any cache they keep
/// is theirs to guard. They read earlier headers only through the ``HeaderReader``
/// they are handed.
public protocol ConsensusEngine: Sendable {
    /// Checks `header` against its `parent` and the engine's rules, including the seal.
    /// `now` is the verifier's clock in Unix seconds (future blocks are refused).
    func verifyHeader(_ header: SealedHeader, parent: SealedHeader, reader: any HeaderReader,
                      now: UInt64) throws(ConsensusError)

    /// Checks only the seal of `header` (its signer is allowed to seal at that height).
    func verifySeal(_ header: SealedHeader, reader: any HeaderReader) throws(ConsensusError)

    /// Fills the engine's fields of a new header on top of `parent` (difficulty, extra
    /// data, vote, mix digest, earliest timestamp) for the sealer `signer`.
    func prepare(_ header: inout Header, parent: SealedHeader, signer: Address,
                 reader: any HeaderReader) throws(ConsensusError)

    /// Seals a prepared header with `key`.
    func seal(_ header: Header, with key: Secp256k1.PrivateKey) throws(ConsensusError) -> Header

    /// The account that sealed `header` (the fee recipient of its transactions).
    func author(of header: Header) throws(ConsensusError) -> Address

    /// The block's contribution to its chain's total weight (total difficulty).
    func weight(of header: Header) -> UInt256

    /// The accounts allowed to seal the child of `header` (Clique: the signer set after it).
    func signers(after header: SealedHeader, reader: any HeaderReader) throws(ConsensusError) -> [Address]

    /// Whether block `number` is a checkpoint (Clique: a multiple of the epoch), where vote
    /// tallies reset.
    func isCheckpoint(_ number: UInt64) -> Bool

    /// Whether `signer` may seal `header` (prepared on its parent), and how long after
    /// the header's timestamp it should wait.
    func sealDecision(for header: Header, signer: Address, reader: any HeaderReader) throws(ConsensusError) -> SealDecision
}

/// Whether and when a signer may seal a prepared header (``ConsensusEngine/sealDecision(for:signer:reader:)``).
public enum SealDecision: Sendable, Equatable {
    /// Seal once the header's timestamp is reached, plus this extra delay (Clique's
    /// out-of-turn wiggle, so in-turn signers win races).
    case seal(afterMilliseconds: UInt64)
    /// The signer is not authorized at this height.
    case notAuthorized
    /// The signer sealed too recently and must let others seal first.
    case mustWait
}
