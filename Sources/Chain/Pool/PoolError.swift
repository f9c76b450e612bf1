public import Primitives
public import ChainTypes

/// Why the pool refused a transaction. Descriptions are go-ethereum's messages,
/// because clients (web3.py, ethers, cast) match on them.
public enum PoolError: Error, Sendable, Equatable, CustomStringConvertible {
    case alreadyKnown
    case nonceTooLow(have: UInt64, state: UInt64)
    case insufficientFunds(balance: UInt256, cost: UInt256)
    case replacementUnderpriced
    case underpriced(tip: UInt256, minimum: UInt256)
    case intrinsicGasTooLow(gasLimit: UInt64, intrinsic: UInt64)
    case invalidChainID(got: UInt64, expected: UInt64)
    case oversized(size: Int, limit: Int)
    case gasLimitExceeded(gas: UInt64, blockLimit: UInt64)
    case tipAboveFeeCap
    case typeNotSupported(TransactionType)
    case initcodeTooLarge(size: Int, limit: Int)
    case invalidSender
    case senderHasCode
    case poolFull
    case futureReplacingPending
    /// Any other way the transaction is invalid for this chain and fork.
    case invalid(TransactionError)
    /// A system transaction (`0x41`–`0x44`) on a chain without a confidential module, or
    /// from an account that is not a current Clique signer.
    case systemTransactionRefused(String)
    /// A confidential transaction (`0x40`) that the next block could not take (no
    /// confidential module, an epoch, generation or suite out of range), or a plain
    /// transaction to a confidential contract (CONFIDENTIAL.md section 5.2).
    case confidentialRefused(String)

    public var description: String {
        switch self {
        case .alreadyKnown: "already known"
        case .nonceTooLow(let have, let state): "nonce too low: next nonce \(state), tx nonce \(have)"
        case .insufficientFunds(let balance, let cost):
            "insufficient funds for gas * price + value: balance \(balance), tx cost \(cost), overshot \(cost &- balance)"
        case .replacementUnderpriced: "replacement transaction underpriced"
        case .underpriced(let tip, let minimum): "transaction underpriced: gas tip cap \(tip), minimum needed \(minimum)"
        case .intrinsicGasTooLow(let g, let i): "intrinsic gas too low: gas \(g), minimum needed \(i)"
        case .invalidChainID(let got, let expected): "invalid chain id: have \(got) want \(expected)"
        case .oversized(let size, let limit): "oversized data: transaction size \(size), limit \(limit)"
        case .gasLimitExceeded(let gas, let limit): "exceeds block gas limit: gas \(gas), block limit \(limit)"
        case .tipAboveFeeCap: "max priority fee per gas higher than max fee per gas"
        case .typeNotSupported(let t): "transaction type not supported: \(t)"
        case .initcodeTooLarge(let size, let limit): "max initcode size exceeded: code size \(size), limit \(limit)"
        case .invalidSender: "invalid sender"
        case .senderHasCode: "sender not an eoa"
        case .poolFull: "txpool is full"
        case .futureReplacingPending: "future transaction tries to replace pending"
        case .invalid(let e): "invalid transaction: \(e)"
        case .systemTransactionRefused(let why): "system transaction refused: \(why)"
        case .confidentialRefused(let why): "confidential transaction refused: \(why)"
        }
    }

    init(_ e: TransactionError) {
        switch e {
        case .wrongChainID(let got, let expected): self = .invalidChainID(got: got, expected: expected)
        case .typeNotActivated(let t, _): self = .typeNotSupported(t)
        case .priorityFeeAboveMaxFee: self = .tipAboveFeeCap
        case .initcodeTooLarge(let s, let l): self = .initcodeTooLarge(size: s, limit: l)
        case .intrinsicGasTooLow(let g, let i): self = .intrinsicGasTooLow(gasLimit: g, intrinsic: i)
        case .signature: self = .invalidSender
        default: self = .invalid(e)
        }
    }
}
