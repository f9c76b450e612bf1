public import Primitives

/// Limits and prices of a ``TransactionPool``. Defaults follow go-ethereum's, except
/// the global limits, which are sized for a consortium node taking bursts of
/// pre-signed transactions (a block per second of several thousand transfers).
public struct PoolConfig: Sendable {
    /// Lowest priority fee (tip) accepted, in wei.
    public var priceLimit: UInt256 = .one
    /// Percent by which a replacement must raise both fee cap and tip.
    public var priceBump: UInt64 = 10
    /// Executable transactions guaranteed to each account.
    public var accountSlots = 16
    /// Executable transactions in the whole pool.
    public var globalSlots = 20_480
    /// Future (nonce-gapped) transactions per account.
    public var accountQueue = 64
    /// Future transactions in the whole pool.
    public var globalQueue = 4_096
    /// Largest transaction accepted (network encoding), in bytes.
    public var maxTransactionSize = 128 * 1024

    public init() {}
}
