/// The gas a transaction pays before any code runs (Yellow Paper g₀), and its constants.
///
/// Each constant carries its unit (gas, per item) and the EIP or Yellow Paper symbol it
/// comes from. The EVM charges ``Transaction/intrinsicGas(for:)`` first; a transaction
/// whose gas limit is below it is invalid.
public enum IntrinsicGas {
    /// G_transaction: every transaction.
    public static let transactionGas: UInt64 = 21_000
    /// G_txcreate: extra for a contract creation, from Homestead (EIP-2).
    public static let creationGas: UInt64 = 32_000
    /// G_txdatazero: per zero byte of data.
    public static let zeroDataByteGas: UInt64 = 4
    /// G_txdatanonzero before Istanbul: per non-zero byte of data.
    public static let nonZeroDataByteGasFrontier: UInt64 = 68
    /// G_txdatanonzero from Istanbul (EIP-2028).
    public static let nonZeroDataByteGasEIP2028: UInt64 = 16
    /// Per address in the access list (EIP-2930, ACCESS_LIST_ADDRESS_COST).
    public static let accessListAddressGas: UInt64 = 2_400
    /// Per storage key in the access list (EIP-2930, ACCESS_LIST_STORAGE_KEY_COST).
    public static let accessListStorageKeyGas: UInt64 = 1_900
    /// Per 32-byte word of initcode in a creation, from Shanghai (EIP-3860, INITCODE_WORD_COST).
    public static let initcodeWordGas: UInt64 = 2
}

extension Transaction {
    /// The intrinsic gas under `fork`: 21,000, plus 32,000 for a creation from Homestead,
    /// 4 per zero and 16 (68 before Istanbul) per non-zero data byte, 2,400 per access-list
    /// address and 1,900 per storage key, and 2 per 32-byte initcode word for a creation
    /// from Shanghai. Saturates at `UInt64.max` instead of overflowing. A system
    /// transaction uses no gas: 0; a confidential one pays
    /// ``ConfidentialTransaction/intrinsicGas`` (16 per byte of its envelope, section 5.2).
    public func intrinsicGas(for fork: Fork) -> UInt64 {
        if case .system = self { return 0 }
        if case .confidential(let tx) = self { return tx.intrinsicGas }
        var gas = IntrinsicGas.transactionGas
        let creation = isCreation
        if creation && fork.isEIP2 { gas = gas.saturatingAdd(IntrinsicGas.creationGas) }

        let data = self.data
        var zeroBytes = 0
        for byte in data where byte == 0 { zeroBytes += 1 }
        let nonZeroGas = fork.isEIP2028 ? IntrinsicGas.nonZeroDataByteGasEIP2028 : IntrinsicGas.nonZeroDataByteGasFrontier
        gas = gas.saturatingAdd(UInt64(zeroBytes).saturatingMultiply(IntrinsicGas.zeroDataByteGas))
        gas = gas.saturatingAdd(UInt64(data.count - zeroBytes).saturatingMultiply(nonZeroGas))

        if creation && fork.isEIP3860 {
            let words = UInt64(data.count / 32 + (data.count % 32 == 0 ? 0 : 1))
            gas = gas.saturatingAdd(words.saturatingMultiply(IntrinsicGas.initcodeWordGas))
        }

        let accessList = self.accessList
        gas = gas.saturatingAdd(UInt64(accessList.entries.count).saturatingMultiply(IntrinsicGas.accessListAddressGas))
        gas = gas.saturatingAdd(UInt64(accessList.storageKeyCount).saturatingMultiply(IntrinsicGas.accessListStorageKeyGas))
        return gas
    }
}

extension SignedTransaction {
    /// The intrinsic gas of the signed transaction under `fork` (see ``Transaction/intrinsicGas(for:)``).
    public func intrinsicGas(for fork: Fork) -> UInt64 { transaction.intrinsicGas(for: fork) }
}

extension UInt64 {
    func saturatingAdd(_ other: UInt64) -> UInt64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }

    fileprivate func saturatingMultiply(_ other: UInt64) -> UInt64 {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? .max : product
    }
}
