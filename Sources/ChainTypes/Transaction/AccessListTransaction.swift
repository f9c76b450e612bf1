public import Primitives

/// An unsigned EIP-2930 access-list transaction (type 1, from Berlin).
///
/// A plain value; holding one says nothing about validity (see
/// ``SignedTransaction/validate(for:chainID:)``). The chain id is always part of the
/// signed payload. Network form: `0x01 || rlp([chainId, nonce, gasPrice, gasLimit, to,
/// value, data, accessList, yParity, r, s])`.
public struct AccessListTransaction: Hashable, Sendable {
    public var chainID: UInt64
    public var nonce: UInt64
    public var gasPrice: UInt256
    public var gasLimit: UInt64
    /// The recipient, or nil for a contract creation.
    public var to: Address?
    public var value: UInt256
    public var data: [UInt8]
    public var accessList: AccessList

    public init(chainID: UInt64, nonce: UInt64, gasPrice: UInt256, gasLimit: UInt64,
                to: Address?, value: UInt256, data: [UInt8] = [], accessList: AccessList = .empty) {
        self.chainID = chainID
        self.nonce = nonce
        self.gasPrice = gasPrice
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.accessList = accessList
    }

    /// The hash the sender signs: Keccak-256 of `0x01 || rlp([chainId, nonce, gasPrice,
    /// gasLimit, to, value, data, accessList])`.
    public var signingHash: Hash32 {
        var e = RLPEncoder(capacity: 96 + data.count)
        e.appendList { e in encodeFields(to: &e) }
        return Keccak256.hash([TransactionType.accessList.rawValue] + e.bytes)
    }

    /// The eight unsigned fields, without a list header.
    func encodeFields(to e: inout RLPEncoder) {
        e.append(chainID)
        e.append(nonce)
        e.append(gasPrice)
        e.append(gasLimit)
        if let to { e.append(to) } else { e.appendBytes([]) }
        e.append(value)
        e.appendBytes(data)
        e.append(accessList)
    }

    /// Reads the eight unsigned fields.
    static func decodeFields(from fields: inout TransactionFieldReader) throws(TransactionError) -> AccessListTransaction {
        let chainID = try fields.uint64(.chainID)
        let nonce = try fields.uint64(.nonce)
        let gasPrice = try fields.uint256(.gasPrice)
        let gasLimit = try fields.uint64(.gasLimit)
        let to = try fields.recipient()
        let value = try fields.uint256(.value)
        let data = try fields.bytes(.data)
        let accessList = try fields.accessList()
        return AccessListTransaction(chainID: chainID, nonce: nonce, gasPrice: gasPrice, gasLimit: gasLimit,
                                     to: to, value: value, data: data, accessList: accessList)
    }
}
