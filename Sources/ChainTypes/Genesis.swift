import Foundation
public import Primitives
import Trie

/// A geth-format genesis file: the chain configuration, the genesis header
/// fields and the initial allocation of accounts.
///
/// A file go-ethereum accepts gives the same genesis block (and hash) here:
/// defaults follow geth's `Genesis.ToBlock` (gas limit 4,712,388 and difficulty
/// 131,072 when absent, base fee 1 gwei when London is active at genesis, the
/// Shanghai/Cancun header fields when those forks are active at its timestamp).
/// Numbers may be JSON numbers, decimal strings or `0x` hex strings, as geth accepts.
public struct Genesis: Sendable {
    public var config: ChainConfig
    public var nonce: UInt64
    public var timestamp: UInt64
    public var extraData: [UInt8]
    public var gasLimit: UInt64
    public var difficulty: UInt256?
    public var mixHash: Hash32
    public var coinbase: Address
    public var alloc: [Address: GenesisAccount]
    public var number: UInt64
    public var gasUsed: UInt64
    public var parentHash: Hash32
    public var baseFeePerGas: UInt256?
    public var excessBlobGas: UInt64?
    public var blobGasUsed: UInt64?

    /// geth's `params.GenesisGasLimit`.
    public static let defaultGasLimit: UInt64 = 4_712_388
    /// geth's `params.GenesisDifficulty`.
    public static let defaultDifficulty = UInt256(131_072)
    /// geth's `params.InitialBaseFee` (EIP-1559).
    public static let initialBaseFee = UInt256(1_000_000_000)

    public init(config: ChainConfig, nonce: UInt64 = 0, timestamp: UInt64 = 0, extraData: [UInt8] = [],
                gasLimit: UInt64 = 0, difficulty: UInt256? = nil, mixHash: Hash32 = .zero, coinbase: Address = .zero,
                alloc: [Address: GenesisAccount] = [:], number: UInt64 = 0, gasUsed: UInt64 = 0,
                parentHash: Hash32 = .zero, baseFeePerGas: UInt256? = nil, excessBlobGas: UInt64? = nil,
                blobGasUsed: UInt64? = nil) {
        self.config = config; self.nonce = nonce; self.timestamp = timestamp; self.extraData = extraData
        self.gasLimit = gasLimit; self.difficulty = difficulty; self.mixHash = mixHash; self.coinbase = coinbase
        self.alloc = alloc; self.number = number; self.gasUsed = gasUsed; self.parentHash = parentHash
        self.baseFeePerGas = baseFeePerGas; self.excessBlobGas = excessBlobGas; self.blobGasUsed = blobGasUsed
    }

    /// The state root of the allocation (secure account trie over secure storage tries).
    public func stateRoot() -> Hash32 {
        var accounts = HashBuilder()
        for (address, account) in alloc {
            accounts.add(key: Keccak256.hash(address.bytes).bytes, value: account.stateAccount.rlpEncoded)
        }
        return accounts.root()
    }

    /// The genesis header, given the state root of the allocation.
    public func header(stateRoot: Hash32) -> Header {
        var h = Header(parentHash: parentHash, beneficiary: coinbase, stateRoot: stateRoot,
                       difficulty: difficulty ?? (mixHash == .zero ? Genesis.defaultDifficulty : .zero),
                       number: number, gasLimit: gasLimit == 0 ? Genesis.defaultGasLimit : gasLimit,
                       gasUsed: gasUsed, timestamp: timestamp, extraData: extraData, mixHash: mixHash, nonce: nonce)
        if config.isLondon(0) { h.baseFeePerGas = baseFeePerGas ?? Genesis.initialBaseFee }
        // A Clique chain keeps London-format headers: it has no withdrawals or blobs, and
        // its Shanghai/Cancun times select EVM rules only.
        guard config.clique == nil else { return h }
        if config.isShanghai(block: number, timestamp: timestamp) { h.withdrawalsRoot = .emptyTrieRoot }
        if config.isCancun(block: number, timestamp: timestamp) {
            h.parentBeaconBlockRoot = .zero
            h.excessBlobGas = excessBlobGas ?? 0
            h.blobGasUsed = blobGasUsed ?? 0
        }
        return h
    }

    /// The genesis header with the root computed from ``alloc``.
    public var header: Header { header(stateRoot: stateRoot()) }
}

/// One account of a genesis allocation.
public struct GenesisAccount: Sendable, Hashable {
    public var balance: UInt256
    public var nonce: UInt64
    public var code: [UInt8]
    /// Slot → value; zero values are dropped (they are absent from the trie).
    public var storage: [UInt256: UInt256]

    public init(balance: UInt256 = .zero, nonce: UInt64 = 0, code: [UInt8] = [], storage: [UInt256: UInt256] = [:]) {
        self.balance = balance; self.nonce = nonce; self.code = code; self.storage = storage.filter { !$0.value.isZero }
    }

    /// The root of this account's storage trie.
    public var storageRoot: Hash32 {
        var builder = HashBuilder()
        for (slot, value) in storage {
            builder.add(key: Keccak256.hash(slot.bigEndianBytes).bytes, value: StorageSlotEncoding.value(value))
        }
        return builder.root()
    }

    /// The account as the state trie stores it.
    public var stateAccount: Account {
        Account(nonce: nonce, balance: balance, storageRoot: storageRoot,
                codeHash: code.isEmpty ? .emptyKeccak : Keccak256.hash(code))
    }
}
