public import Primitives
public import ChainTypes
public import State

/// Why a transaction cannot be included. The messages are go-ethereum's, since
/// clients match on them.
public enum ExecutionError: Error, Sendable, Equatable, CustomStringConvertible {
    case nonceTooLow(address: Address, got: UInt64, expected: UInt64)
    case nonceTooHigh(address: Address, got: UInt64, expected: UInt64)
    case nonceMax(address: Address)
    /// EIP-3607: the sender has code.
    case senderNotEOA(Address)
    case insufficientFunds(address: Address, have: UInt256, want: UInt256)
    /// The fee cap (or legacy gas price) is below the block's base fee.
    case feeCapTooLow(feeCap: UInt256, baseFee: UInt256)
    /// The transaction needs more gas than the block has left.
    case gasLimitReached(needed: UInt64, available: UInt64)
    /// The transaction itself is invalid for this fork/chain (signature, type, intrinsic gas…).
    case invalidTransaction(TransactionError)
    /// Reading or writing state failed: the block must be abandoned.
    case state(StateError)
    /// The interpreter's deadline passed (simulations with a time limit only).
    case interrupted

    public var description: String {
        switch self {
        case .nonceTooLow(let a, let got, let expected): "nonce too low: address \(a), tx: \(got) state: \(expected)"
        case .nonceTooHigh(let a, let got, let expected): "nonce too high: address \(a), tx: \(got) state: \(expected)"
        case .nonceMax(let a): "nonce has max value: address \(a)"
        case .senderNotEOA(let a): "sender not an eoa: address \(a)"
        case .insufficientFunds(let a, let have, let want):
            "insufficient funds for gas * price + value: address \(a) have \(have) want \(want)"
        case .feeCapTooLow(let cap, let base): "max fee per gas less than block base fee: maxFeePerGas: \(cap), baseFee: \(base)"
        case .gasLimitReached(let needed, let available): "gas limit reached: needed \(needed), available \(available)"
        case .invalidTransaction(let e): "\(e)"
        case .state(let e): "\(e)"
        case .interrupted: "execution aborted (time limit reached)"
        }
    }
}
