public import Primitives

/// The EIP-2718 transaction types this chain accepts. The raw value is the type byte
/// (0 for legacy, which has no type byte on the wire). Blob transactions (type 3,
/// EIP-4844) are not carried by this chain and have no case. Types `0x41`–`0x44` are the
/// confidential module's system transactions (CONFIDENTIAL.md section 7), valid only on a
/// chain whose genesis has `config.confidential`.
public enum TransactionType: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case legacy = 0
    /// EIP-2930, from Berlin.
    case accessList = 1
    /// EIP-1559, from London.
    case dynamicFee = 2
    /// A confidential transaction (CONFIDENTIAL.md section 5.2): encrypted to the enclaves,
    /// executed only inside them.
    case confidential = 0x40
    /// System transactions: no fee, no gas, never the EVM.
    case enclaveJoin = 0x41
    case keyGrant = 0x42
    case keyGeneration = 0x43
    case policyVote = 0x44

    /// Whether this is one of the confidential module's system transaction types.
    public var isSystem: Bool { rawValue >= 0x41 && rawValue <= 0x44 }

    public var description: String {
        switch self {
        case .legacy: "0 (legacy)"
        case .accessList: "1 (EIP-2930)"
        case .dynamicFee: "2 (EIP-1559)"
        case .confidential: "0x40 (Confidential)"
        case .enclaveJoin: "0x41 (EnclaveJoin)"
        case .keyGrant: "0x42 (KeyGrant)"
        case .keyGeneration: "0x43 (KeyGeneration)"
        case .policyVote: "0x44 (PolicyVote)"
        }
    }
}

/// An unsigned transaction of any accepted type.
///
/// A plain `Sendable` value; holding one says nothing about validity. The accessors give the
/// fields common to all types; fee accessors map legacy and access-list transactions
/// onto EIP-1559 terms (`gasPrice` is both the max fee and the max priority fee), as
/// EIP-1559 itself specifies for older types. A system transaction (`0x41`–`0x44`) has no
/// fee, gas, value or data: its accessors give zero, and `to` is the registry's reserved
/// address (``SystemTransaction/registryAddress``). A confidential transaction (`0x40`)
/// shows only its public part: its fees and gas limit; `to` is nil, yet it is not a
/// creation (``isCreation`` is false), and value and data are empty, since all three are
/// inside its ciphertext.
public enum Transaction: Hashable, Sendable {
    case legacy(LegacyTransaction)
    case accessList(AccessListTransaction)
    case dynamicFee(DynamicFeeTransaction)
    case system(SystemTransaction)
    case confidential(ConfidentialTransaction)

    /// The EIP-2718 type.
    public var type: TransactionType {
        switch self {
        case .legacy: .legacy
        case .accessList: .accessList
        case .dynamicFee: .dynamicFee
        case .system(let tx): tx.type.transactionType
        case .confidential: .confidential
        }
    }

    /// The chain id the signature commits to; nil only for a pre-EIP-155 legacy transaction.
    public var chainID: UInt64? {
        switch self {
        case .legacy(let tx): tx.chainID
        case .accessList(let tx): tx.chainID
        case .dynamicFee(let tx): tx.chainID
        case .system(let tx): tx.chainID
        case .confidential(let tx): tx.chainID
        }
    }

    public var nonce: UInt64 {
        switch self {
        case .legacy(let tx): tx.nonce
        case .accessList(let tx): tx.nonce
        case .dynamicFee(let tx): tx.nonce
        case .system(let tx): tx.nonce
        case .confidential(let tx): tx.nonce
        }
    }

    public var gasLimit: UInt64 {
        switch self {
        case .legacy(let tx): tx.gasLimit
        case .accessList(let tx): tx.gasLimit
        case .dynamicFee(let tx): tx.gasLimit
        case .system: 0
        case .confidential(let tx): tx.gasLimit
        }
    }

    /// The recipient, or nil for a contract creation.
    public var to: Address? {
        switch self {
        case .legacy(let tx): tx.to
        case .accessList(let tx): tx.to
        case .dynamicFee(let tx): tx.to
        case .system: SystemTransaction.registryAddress
        case .confidential: nil
        }
    }

    /// Whether this transaction creates a public contract (no recipient). False for a
    /// confidential transaction, whose recipient is not public.
    public var isCreation: Bool {
        if case .confidential = self { return false }
        return to == nil
    }

    public var value: UInt256 {
        switch self {
        case .legacy(let tx): tx.value
        case .accessList(let tx): tx.value
        case .dynamicFee(let tx): tx.value
        case .system, .confidential: .zero
        }
    }

    /// The call data, or the initcode of a creation.
    public var data: [UInt8] {
        switch self {
        case .legacy(let tx): tx.data
        case .accessList(let tx): tx.data
        case .dynamicFee(let tx): tx.data
        case .system, .confidential: []
        }
    }

    /// The access list (empty for legacy transactions).
    public var accessList: AccessList {
        switch self {
        case .legacy: .empty
        case .accessList(let tx): tx.accessList
        case .dynamicFee(let tx): tx.accessList
        case .system, .confidential: .empty
        }
    }

    /// The gas price of a legacy or access-list transaction; nil for the other types.
    public var gasPrice: UInt256? {
        switch self {
        case .legacy(let tx): tx.gasPrice
        case .accessList(let tx): tx.gasPrice
        case .dynamicFee, .system, .confidential: nil
        }
    }

    /// The most the sender pays per gas: `maxFeePerGas`, or `gasPrice` for older types.
    public var maxFeePerGas: UInt256 {
        switch self {
        case .legacy(let tx): tx.gasPrice
        case .accessList(let tx): tx.gasPrice
        case .dynamicFee(let tx): tx.maxFeePerGas
        case .confidential(let tx): tx.maxFeePerGas
        case .system: .zero
        }
    }

    /// The most the sender pays per gas above the base fee: `maxPriorityFeePerGas`, or `gasPrice` for older types.
    public var maxPriorityFeePerGas: UInt256 {
        switch self {
        case .legacy(let tx): tx.gasPrice
        case .accessList(let tx): tx.gasPrice
        case .dynamicFee(let tx): tx.maxPriorityFeePerGas
        case .confidential(let tx): tx.maxPriorityFeePerGas
        case .system: .zero
        }
    }

    /// The hash the sender signs (see each type's `signingHash`).
    public var signingHash: Hash32 {
        switch self {
        case .legacy(let tx): tx.signingHash
        case .accessList(let tx): tx.signingHash
        case .dynamicFee(let tx): tx.signingHash
        case .system(let tx): tx.signingHash
        case .confidential(let tx): tx.signingHash
        }
    }

    /// A guess at the network encoding's size, for reserving a buffer.
    var encodingCapacityHint: Int {
        if case .confidential(let tx) = self { return 128 + tx.enc.count + tx.ciphertext.count }
        return 128 + data.count
    }

    /// Signs this transaction with `key` (RFC 6979 nonce, low `s`), giving a transaction
    /// whose sender is `key.address`. Validity under a fork is still checked separately.
    public func signed(with key: Secp256k1.PrivateKey) -> SignedTransaction {
        SignedTransaction(uncheckedTransaction: self, signature: key.sign(hash: signingHash))
    }
}
