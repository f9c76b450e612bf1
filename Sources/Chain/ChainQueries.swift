public import Primitives
public import ChainTypes
public import State
import Execution

/// A canonical transaction with where it sits and who sent it. The sender is
/// recovered from the signature only when asked for (logs, receipts' gas and fee
/// figures do not need it; recovery is ~30 µs per transaction).
public struct TransactionInfo: Sendable {
    public var transaction: SignedTransaction
    public var blockHash: Hash32
    public var blockNumber: UInt64
    public var index: Int
    /// The block's base fee (nil before London).
    public var baseFee: UInt256?
    private let knownSender: Address?

    /// `sender` nil: recovered on first use of ``sender`` (stored transactions were valid).
    public init(transaction: SignedTransaction, sender: Address? = nil, blockHash: Hash32, blockNumber: UInt64, index: Int,
                baseFee: UInt256?) {
        self.transaction = transaction; self.knownSender = sender; self.blockHash = blockHash
        self.blockNumber = blockNumber; self.index = index; self.baseFee = baseFee
    }

    /// The account that signed the transaction.
    public var sender: Address { knownSender ?? (try? transaction.recoverSenderUnchecked()) ?? .zero }

    /// The price per gas the sender paid: min(fee cap, base fee + tip) from London, the gas price before.
    public var effectiveGasPrice: UInt256 {
        let t = transaction.transaction
        guard let baseFee else { return t.maxFeePerGas }
        return min(t.maxFeePerGas, baseFee &+ t.maxPriorityFeePerGas)
    }
}

/// A receipt with the fields JSON-RPC derives from the block: the transaction's own gas,
/// the price paid, a created contract's address, and the block-wide index of its first log.
public struct ReceiptInfo: Sendable {
    public var receipt: Receipt
    public var transaction: TransactionInfo
    public var gasUsed: UInt64
    public var contractAddress: Address?
    public var firstLogIndex: Int
    /// For a confidential (`0x40`) transaction: its result sealed to the sender's response
    /// key (CONFIDENTIAL.md section 5.3), from the block's section; nil for other types.
    public var encryptedResult: [UInt8]? = nil
}

extension Blockchain {
    /// The transactions of block `hash` with their positions.
    public func transactionInfos(blockHash hash: Hash32) -> [TransactionInfo]? {
        guard let block = block(hash: hash) else { return nil }
        return block.transactions.enumerated().map { i, tx in
            TransactionInfo(transaction: tx, blockHash: hash, blockNumber: block.header.number, index: i,
                            baseFee: block.header.baseFeePerGas)
        }
    }

    /// A canonical transaction by hash.
    public func transactionInfo(_ hash: Hash32) -> TransactionInfo? {
        guard let (blockHash, index) = transactionLocation(hash), let block = block(hash: blockHash),
              index < block.transactions.count else { return nil }
        let tx = block.transactions[index]
        return TransactionInfo(transaction: tx, blockHash: blockHash, blockNumber: block.header.number, index: index,
                               baseFee: block.header.baseFeePerGas)
    }

    /// Every receipt of block `hash`, with derived fields.
    public func receiptInfos(blockHash hash: Hash32) -> [ReceiptInfo]? {
        guard let txs = transactionInfos(blockHash: hash), let receipts = receipts(hash: hash), receipts.count == txs.count else {
            return nil
        }
        var out: [ReceiptInfo] = []
        out.reserveCapacity(txs.count)
        var previousGas: UInt64 = 0
        var logIndex = 0
        let results = txs.contains { $0.transaction.type == .confidential } ? section(of: hash)?.results ?? [] : []
        var confidentialIndex = 0
        for (tx, receipt) in zip(txs, receipts) {
            let t = tx.transaction.transaction
            // Only a creation needs its sender here (for the new contract's address).
            let created = t.isCreation ? StateHost.createAddress(sender: tx.sender, nonce: t.nonce) : nil
            var info = ReceiptInfo(receipt: receipt, transaction: tx, gasUsed: receipt.cumulativeGasUsed - previousGas,
                                   contractAddress: created, firstLogIndex: logIndex)
            if t.type == .confidential {
                info.encryptedResult = confidentialIndex < results.count ? results[confidentialIndex].encryptedResult : []
                confidentialIndex += 1
            }
            out.append(info)
            previousGas = receipt.cumulativeGasUsed
            logIndex += receipt.logs.count
        }
        return out
    }

    /// The receipt of a canonical transaction.
    public func receiptInfo(_ hash: Hash32) -> ReceiptInfo? {
        guard let (blockHash, index) = transactionLocation(hash), let all = receiptInfos(blockHash: blockHash),
              index < all.count else { return nil }
        return all[index]
    }

    /// The section result of a canonical confidential transaction, with its block's hash.
    public func confidentialResult(_ txHash: Hash32) -> (block: Hash32, result: ConfidentialResult)? {
        guard let (blockHash, index) = transactionLocation(txHash), let block = block(hash: blockHash),
              index < block.transactions.count, block.transactions[index].type == .confidential,
              let section = section(of: blockHash) else { return nil }
        let k = block.transactions[..<index].filter { $0.type == .confidential }.count
        guard k < section.results.count, section.results[k].txHash == txHash else { return nil }
        return (blockHash, section.results[k])
    }

    /// The account, storage and code reads of a block's state (canonical or not).
    public func account(_ address: Address, atHash hash: Hash32) throws(StateError) -> Account? {
        try stateReader(atHash: hash)?.account(address)
    }

    public func storage(_ address: Address, slot: UInt256, atHash hash: Hash32) throws(StateError) -> UInt256 {
        try stateReader(atHash: hash)?.storage(address, slot: slot) ?? .zero
    }

    public func code(_ address: Address, atHash hash: Hash32) throws(StateError) -> [UInt8] {
        guard let reader = try stateReader(atHash: hash), let account = try reader.account(address) else { return [] }
        return try reader.code(account.codeHash) ?? []
    }
}
