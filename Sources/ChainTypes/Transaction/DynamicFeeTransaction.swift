public import Primitives

/// An unsigned EIP-1559 dynamic-fee transaction (type 2, from London).
///
/// A plain value; holding one says nothing about validity (see
/// ``SignedTransaction/validate(for:chainID:)``, which also checks
/// `maxPriorityFeePerGas ≤ maxFeePerGas`). Network form: `0x02 || rlp([chainId, nonce,
/// maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data, accessList, yParity, r, s])`.
public struct DynamicFeeTransaction: Hashable, Sendable {
    public var chainID: UInt64
    public var nonce: UInt64
    /// The most per gas the sender pays the block producer above the base fee (the "tip").
    public var maxPriorityFeePerGas: UInt256
    /// The most per gas the sender pays in total (base fee plus tip).
    public var maxFeePerGas: UInt256
    public var gasLimit: UInt64
    /// The recipient, or nil for a contract creation.
    public var to: Address?
    public var value: UInt256
    public var data: [UInt8]
    public var accessList: AccessList

    public init(chainID: UInt64, nonce: UInt64, maxPriorityFeePerGas: UInt256, maxFeePerGas: UInt256,
                gasLimit: UInt64, to: Address?, value: UInt256, data: [UInt8] = [],
                accessList: AccessList = .empty) {
        self.chainID = chainID
        self.nonce = nonce
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.maxFeePerGas = maxFeePerGas
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.accessList = accessList
    }

    /// The hash the sender signs: Keccak-256 of `0x02 || rlp([chainId, nonce,
    /// maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data, accessList])`.
    public var signingHash: Hash32 {
        var e = RLPEncoder(capacity: 128 + data.count)
        e.appendList { e in encodeFields(to: &e) }
        return Keccak256.hash([TransactionType.dynamicFee.rawValue] + e.bytes)
    }

    /// The nine unsigned fields, without a list header.
    func encodeFields(to e: inout RLPEncoder) {
        e.append(chainID)
        e.append(nonce)
        e.append(maxPriorityFeePerGas)
        e.append(maxFeePerGas)
        e.append(gasLimit)
        if let to { e.append(to) } else { e.appendBytes([]) }
        e.append(value)
        e.appendBytes(data)
        e.append(accessList)
    }

    /// Reads the nine unsigned fields.
    static func decodeFields(from fields: inout TransactionFieldReader) throws(TransactionError) -> DynamicFeeTransaction {
        let chainID = try fields.uint64(.chainID)
        let nonce = try fields.uint64(.nonce)
        let maxPriorityFeePerGas = try fields.uint256(.maxPriorityFeePerGas)
        let maxFeePerGas = try fields.uint256(.maxFeePerGas)
        let gasLimit = try fields.uint64(.gasLimit)
        let to = try fields.recipient()
        let value = try fields.uint256(.value)
        let data = try fields.bytes(.data)
        let accessList = try fields.accessList()
        return DynamicFeeTransaction(chainID: chainID, nonce: nonce, maxPriorityFeePerGas: maxPriorityFeePerGas,
                                     maxFeePerGas: maxFeePerGas, gasLimit: gasLimit, to: to, value: value,
                                     data: data, accessList: accessList)
    }
}
