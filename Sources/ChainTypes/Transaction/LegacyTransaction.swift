public import Primitives

/// An unsigned legacy (pre-EIP-2718) transaction, with or without EIP-155 replay protection.
///
/// A plain value; holding one says nothing about validity (see
/// ``SignedTransaction/validate(for:chainID:)``). The integer fields have the widths
/// the protocol allows: nonce and gas limit 64 bits, prices and value 256 bits.
/// `chainID` is nil for a pre-EIP-155 transaction, whose signature (v = 27/28) does not
/// commit to a chain; otherwise v = 35 + 2·chainID + parity and the signing hash covers it.
public struct LegacyTransaction: Hashable, Sendable {
    /// The EIP-155 chain id, or nil for an unprotected (pre-EIP-155) transaction.
    public var chainID: UInt64?
    public var nonce: UInt64
    public var gasPrice: UInt256
    public var gasLimit: UInt64
    /// The recipient, or nil for a contract creation.
    public var to: Address?
    public var value: UInt256
    public var data: [UInt8]

    public init(chainID: UInt64?, nonce: UInt64, gasPrice: UInt256, gasLimit: UInt64,
                to: Address?, value: UInt256, data: [UInt8] = []) {
        self.chainID = chainID
        self.nonce = nonce
        self.gasPrice = gasPrice
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
    }

    /// The hash the sender signs: Keccak-256 of `rlp([nonce, gasPrice, gasLimit, to, value, data])`,
    /// with `chainID, 0, 0` appended to the list when ``chainID`` is set (EIP-155).
    public var signingHash: Hash32 {
        var e = RLPEncoder(capacity: 64 + data.count)
        e.appendList { e in
            encodeFields(to: &e)
            if let chainID {
                e.append(chainID)
                e.append(UInt64(0))
                e.append(UInt64(0))
            }
        }
        return Keccak256.hash(e.bytes)
    }

    /// `v` for a signature with y parity `yParity` (0 or 1): 27 + parity, or
    /// 35 + 2·chainID + parity (EIP-155).
    public func v(yParity: UInt8) -> UInt256 {
        guard let chainID else { return UInt256(27 + UInt64(yParity)) }
        return UInt256(chainID) &+ UInt256(chainID) &+ UInt256(35 + UInt64(yParity))
    }

    /// The six unsigned fields, without a list header.
    func encodeFields(to e: inout RLPEncoder) {
        e.append(nonce)
        e.append(gasPrice)
        e.append(gasLimit)
        if let to { e.append(to) } else { e.appendBytes([]) }
        e.append(value)
        e.appendBytes(data)
    }

    /// Reads the six unsigned fields; `chainID` is filled in later from `v`.
    static func decodeFields(from fields: inout TransactionFieldReader) throws(TransactionError) -> LegacyTransaction {
        let nonce = try fields.uint64(.nonce)
        let gasPrice = try fields.uint256(.gasPrice)
        let gasLimit = try fields.uint64(.gasLimit)
        let to = try fields.recipient()
        let value = try fields.uint256(.value)
        let data = try fields.bytes(.data)
        return LegacyTransaction(chainID: nil, nonce: nonce, gasPrice: gasPrice, gasLimit: gasLimit,
                                 to: to, value: value, data: data)
    }

    /// Splits a legacy `v` into the chain id (nil for 27/28) and the y parity.
    static func splitV(_ v: UInt256) throws(TransactionError) -> (chainID: UInt64?, yParity: UInt8) {
        if v == UInt256(27) || v == UInt256(28) {
            return (nil, UInt8(truncatingIfNeeded: v.w0 - 27))
        }
        guard v >= UInt256(35) else { throw .invalidV(v) }
        let offset = v &- UInt256(35)
        guard let chainID = (offset >> 1).uint64 else { throw .invalidV(v) }
        return (chainID, UInt8(truncatingIfNeeded: offset.w0 & 1))
    }
}
