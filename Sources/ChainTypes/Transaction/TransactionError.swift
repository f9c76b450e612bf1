public import Primitives

/// Why bytes are not a transaction, or why a transaction is not valid under a fork.
///
/// Decoding errors (``rlp(_:)`` through ``invalidV(_:)``) come from
/// ``SignedTransaction/init(networkEncoding:)`` and ``SignedTransaction/read(from:)``;
/// the others from ``SignedTransaction/validate(for:chainID:)`` and sender recovery.
/// `Sendable` and `Equatable`, so callers and tests can match on the exact reason.
/// Wrapped ``RLPError`` offsets count from the first byte of the input, or for a typed
/// transaction from the first byte after its type byte.
public enum TransactionError: Error, Sendable, Equatable, CustomStringConvertible {
    // MARK: Decoding

    /// The envelope is not canonical RLP, or not the shape of a transaction (a string
    /// where the legacy list belongs, bytes after the transaction, a list header past the end).
    case rlp(RLPError)
    /// The input is empty (or a block-body string holding no bytes).
    case emptyInput
    /// The type byte is not 1 (EIP-2930) or 2 (EIP-1559): 3 (EIP-4844 blob transactions,
    /// which this chain does not carry), any other value, or a block-body string that does
    /// not start with a type byte below 0x80.
    case unsupportedType(UInt8)
    /// The transaction list has the wrong number of fields for its type.
    case wrongFieldCount(got: Int, expected: Int)
    /// One field is malformed: not a string (or not a list, for the access list), an integer
    /// with leading zeros or wider than its field, an address that is not 20 bytes
    /// (or, for `to`, neither empty nor 20 bytes), a storage key that is not 32 bytes.
    case invalidField(TransactionField, RLPError)
    /// A typed transaction's `yParity` is neither 0 nor 1.
    case invalidYParity(UInt64)
    /// A legacy transaction's `v` is neither 27/28 nor 35 + 2·chainId + {0, 1} for a 64-bit chain id.
    case invalidV(UInt256)
    /// A system transaction (`0x41`–`0x44`) is malformed; the inner error names the field.
    case system(SystemTransactionError)

    // MARK: Validity under a fork

    /// The transaction type is not active in this fork: type 1 before Berlin, type 2 before London.
    case typeNotActivated(TransactionType, fork: Fork)
    /// A legacy transaction carries an EIP-155 chain id before Spurious Dragon.
    case replayProtectionNotActivated(fork: Fork)
    /// The transaction is signed for another chain.
    case wrongChainID(got: UInt64, expected: UInt64)
    /// The nonce is 2⁶⁴ − 1, which EIP-2681 reserves (the account nonce could not be incremented).
    case nonceAtMaximum
    /// `maxPriorityFeePerGas` exceeds `maxFeePerGas` (EIP-1559).
    case priorityFeeAboveMaxFee(maxPriorityFeePerGas: UInt256, maxFeePerGas: UInt256)
    /// `gasLimit × gasPrice` (or `gasLimit × maxFeePerGas`) does not fit in 256 bits.
    case feeOverflow
    /// A creation transaction's initcode is longer than EIP-3860 allows (from Shanghai).
    case initcodeTooLarge(size: Int, limit: Int)
    /// The gas limit does not cover the intrinsic gas.
    case intrinsicGasTooLow(gasLimit: UInt64, intrinsicGas: UInt64)
    /// The signature is out of range (`r` or `s` zero or not below n; `s > n/2` from
    /// Homestead, EIP-2) or no public key recovers from it.
    case signature(Secp256k1Error)

    public var description: String {
        switch self {
        case .rlp(let e): "transaction: \(e)"
        case .emptyInput: "transaction: empty input"
        case .unsupportedType(let t): "transaction: unsupported type 0x\(String(t, radix: 16))"
        case .wrongFieldCount(let g, let e): "transaction: \(g) fields, expected \(e)"
        case .invalidField(let f, let e): "transaction: invalid \(f): \(e)"
        case .invalidYParity(let y): "transaction: yParity \(y) is not 0 or 1"
        case .invalidV(let v): "transaction: invalid v \(v)"
        case .system(let e): "\(e)"
        case .typeNotActivated(let t, let f): "transaction: type \(t) is not active in \(f)"
        case .replayProtectionNotActivated(let f): "transaction: EIP-155 chain id is not accepted in \(f)"
        case .wrongChainID(let g, let e): "transaction: chain id \(g), expected \(e)"
        case .nonceAtMaximum: "transaction: nonce 2^64-1 is reserved (EIP-2681)"
        case .priorityFeeAboveMaxFee(let tip, let cap):
            "transaction: maxPriorityFeePerGas \(tip) above maxFeePerGas \(cap)"
        case .feeOverflow: "transaction: gas limit × fee per gas overflows 256 bits"
        case .initcodeTooLarge(let s, let l): "transaction: initcode of \(s) bytes exceeds \(l) (EIP-3860)"
        case .intrinsicGasTooLow(let g, let i): "transaction: gas limit \(g) below intrinsic gas \(i)"
        case .signature(let e): "transaction: \(e)"
        }
    }
}

/// A field of a transaction, named in ``TransactionError/invalidField(_:_:)``.
public enum TransactionField: String, Sendable, Equatable, CustomStringConvertible {
    case chainID, nonce, gasPrice, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data
    case accessList, accessListAddress, accessListStorageKey
    case v, yParity, r, s
    /// Confidential (`0x40`) fields.
    case epoch, generation, suite, enc, ciphertext

    public var description: String { rawValue }
}
