public import Primitives

/// Limits and prices of a ``TransactionPool``. Defaults follow go-ethereum's, except
/// the global limits, which are sized for a consortium node taking bursts of
/// pre-signed transactions (a block per second of several thousand transfers).
///
/// The global limits count 32-KiB slots (``slotSize``): a transaction takes
/// ceil(encoded size / 32 KiB) of them, at most four (``maxTransactionSize``). The
/// encoded bytes the pool can hold are therefore at most
/// (``globalSlots`` + ``globalQueue``) × 32 KiB: with the defaults, 24,576 slots or
/// 768 MiB in the worst case (every transaction just under a slot boundary); a plain
/// transfer (about 110 bytes) takes one slot.
public struct PoolConfig: Sendable {
    /// Bytes of one slot (go-ethereum's `txSlotSize`).
    public static let slotSize = 32 * 1024

    /// Lowest priority fee (tip) accepted, in wei.
    public var priceLimit: UInt256 = .one
    /// Percent by which a replacement must raise both fee cap and tip.
    public var priceBump: UInt64 = 10
    /// Executable transactions guaranteed to each account.
    public var accountSlots = 16
    /// Slots of executable transactions in the whole pool.
    public var globalSlots = 20_480
    /// Future (nonce-gapped) transactions per account.
    public var accountQueue = 64
    /// Slots of future transactions in the whole pool.
    public var globalQueue = 4_096
    /// Largest transaction accepted (network encoding), in bytes: four slots.
    public var maxTransactionSize = 4 * PoolConfig.slotSize

    public init() {}
}
