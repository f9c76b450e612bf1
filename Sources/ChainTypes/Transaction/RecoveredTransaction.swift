public import Primitives

/// A signed transaction together with its sender.
///
/// Immutable and `Sendable` (safe to share between tasks). Made by ``SignedTransaction/recovered(for:chainID:)``, which guarantees the
/// transaction was valid under that fork and chain id and that ``sender`` recovers from its
/// signature. ``init(unchecked:sender:)`` skips both (for senders already recovered and
/// stored, e.g. in a cache); the caller then vouches for the pairing.
public struct RecoveredTransaction: Hashable, Sendable {
    /// The transaction as signed.
    public let signed: SignedTransaction
    /// The account that signed it.
    public let sender: Address

    /// Pairs a transaction with a sender recovered elsewhere, without checking.
    public init(unchecked signed: SignedTransaction, sender: Address) {
        self.signed = signed
        self.sender = sender
    }

    /// The signed content.
    public var transaction: Transaction { signed.transaction }

    /// The transaction hash (Keccak-256 of the network encoding).
    public var hash: Hash32 { signed.hash }
}
