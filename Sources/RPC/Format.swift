import Primitives
import ChainTypes
import Chain

/// JSON shapes of blocks, transactions, receipts and logs, as go-ethereum returns them.
enum Format {
    static func data(_ bytes: some Collection<UInt8>) -> JSON { .string(Hex.encodeData(bytes)) }
    static func hash(_ h: Hash32) -> JSON { .string(h.description) }
    static func address(_ a: Address) -> JSON { .string(a.description) }

    static func block(_ block: Block, hash blockHash: Hash32, totalDifficulty: UInt256?, fullTransactions: Bool,
                      fullExtraData: Bool) -> JSON {
        let h = block.header
        var m: [(String, JSON)] = [
            ("number", Quantity.json(h.number)),
            ("hash", hash(blockHash)),
            ("parentHash", hash(h.parentHash)),
            ("nonce", data((0..<8).map { UInt8(truncatingIfNeeded: h.nonce >> (56 - 8 * UInt64($0))) })),
            ("mixHash", hash(h.mixHash)),
            ("sha3Uncles", hash(h.ommersHash)),
            ("logsBloom", data(h.logsBloom.bytes)),
            ("transactionsRoot", hash(h.transactionsRoot)),
            ("stateRoot", hash(h.stateRoot)),
            ("receiptsRoot", hash(h.receiptsRoot)),
            ("miner", address(h.beneficiary)),
            ("difficulty", Quantity.json(h.difficulty)),
            ("extraData", data(fullExtraData ? h.extraData : Array(h.extraData.prefix(32)))),
            ("size", Quantity.json(block.rlpEncoded.count)),
            ("gasLimit", Quantity.json(h.gasLimit)),
            ("gasUsed", Quantity.json(h.gasUsed)),
            ("timestamp", Quantity.json(h.timestamp)),
        ]
        if let td = totalDifficulty { m.append(("totalDifficulty", Quantity.json(td))) }
        if let fee = h.baseFeePerGas { m.append(("baseFeePerGas", Quantity.json(fee))) }
        let txs: [JSON] = block.transactions.enumerated().map { i, tx in
            fullTransactions
                ? transaction(TransactionInfo(transaction: tx, blockHash: blockHash, blockNumber: h.number,
                                              index: i, baseFee: h.baseFeePerGas))
                : Format.hash(tx.hash)
        }
        m.append(("transactions", .array(txs)))
        m.append(("uncles", .array([])))
        return .object(m)
    }

    /// A transaction; `info` nil position fields for a pool transaction.
    static func transaction(_ info: TransactionInfo) -> JSON {
        transaction(info.transaction, sender: info.sender,
                    position: (info.blockHash, info.blockNumber, info.index), effectivePrice: info.effectiveGasPrice)
    }

    static func transaction(_ tx: SignedTransaction, sender: Address,
                            position: (Hash32, UInt64, Int)?, effectivePrice: UInt256?) -> JSON {
        let t = tx.transaction
        var m: [(String, JSON)] = [
            ("blockHash", position.map { hash($0.0) } ?? .null),
            ("blockNumber", position.map { Quantity.json($0.1) } ?? .null),
            ("from", address(sender)),
            ("gas", Quantity.json(t.gasLimit)),
            ("gasPrice", Quantity.json(effectivePrice ?? t.maxFeePerGas)),
        ]
        if t.type == .dynamicFee {
            m.append(("maxFeePerGas", Quantity.json(t.maxFeePerGas)))
            m.append(("maxPriorityFeePerGas", Quantity.json(t.maxPriorityFeePerGas)))
        }
        m += [
            ("hash", hash(tx.hash)),
            ("input", data(t.data)),
            ("nonce", Quantity.json(t.nonce)),
            ("to", t.to.map(address) ?? .null),
            ("transactionIndex", position.map { Quantity.json($0.2) } ?? .null),
            ("value", Quantity.json(t.value)),
            ("type", Quantity.json(UInt64(t.type.rawValue))),
        ]
        if t.type.isSystem {
            // A system transaction (0x41–0x44) has no call data: its payload is in its signed encoding.
            m.append(("raw", data(tx.networkEncoding)))
        } else if case .confidential(let c) = t {
            // Only the public part of a 0x40: the recipient, data and response key are in the ciphertext.
            m += [("maxFeePerGas", Quantity.json(c.maxFeePerGas)), ("maxPriorityFeePerGas", Quantity.json(c.maxPriorityFeePerGas)),
                  ("epoch", Quantity.json(c.epoch)), ("generation", Quantity.json(UInt64(c.generation))),
                  ("suite", Quantity.json(c.suite)), ("enc", data(c.enc)), ("ciphertext", data(c.ciphertext))]
        } else if t.type != .legacy {
            m.append(("accessList", .array(t.accessList.entries.map { e in
                .object([("address", address(e.address)), ("storageKeys", .array(e.storageKeys.map(hash)))])
            })))
        }
        if let chainID = t.chainID { m.append(("chainId", Quantity.json(chainID))) }
        m.append(("v", Quantity.json(tx.v)))
        m.append(("r", Quantity.json(tx.signature.r)))
        m.append(("s", Quantity.json(tx.signature.s)))
        if t.type != .legacy { m.append(("yParity", Quantity.json(UInt64(tx.yParity)))) }
        return .object(m)
    }

    static func receipt(_ r: ReceiptInfo) -> JSON {
        let tx = r.transaction
        let t = tx.transaction.transaction
        let logs = r.receipt.logs.enumerated().map { i, l in
            log(l, blockHash: tx.blockHash, blockNumber: tx.blockNumber, txHash: tx.transaction.hash,
                txIndex: tx.index, logIndex: r.firstLogIndex + i, removed: false)
        }
        var m: [(String, JSON)] = [
            ("blockHash", hash(tx.blockHash)),
            ("blockNumber", Quantity.json(tx.blockNumber)),
            ("contractAddress", r.contractAddress.map(address) ?? .null),
            ("cumulativeGasUsed", Quantity.json(r.receipt.cumulativeGasUsed)),
            ("effectiveGasPrice", Quantity.json(tx.effectiveGasPrice)),
            ("from", address(tx.sender)),
            ("gasUsed", Quantity.json(r.gasUsed)),
            ("logs", .array(logs)),
            ("logsBloom", data(r.receipt.logsBloom.bytes)),
        ]
        switch r.receipt.outcome {
        case .status(let ok): m.append(("status", Quantity.json(UInt64(ok ? 1 : 0))))
        case .postState(let root): m.append(("root", hash(root)))
        }
        m += [
            ("to", t.to.map(address) ?? .null),
            ("transactionHash", hash(tx.transaction.hash)),
            ("transactionIndex", Quantity.json(tx.index)),
            ("type", Quantity.json(UInt64(t.type.rawValue))),
        ]
        if let encrypted = r.encryptedResult { m.append(("encryptedResult", data(encrypted))) }
        return .object(m)
    }

    static func log(_ l: Log, blockHash: Hash32, blockNumber: UInt64, txHash: Hash32, txIndex: Int,
                    logIndex: Int, removed: Bool) -> JSON {
        .object([
            ("address", address(l.address)),
            ("topics", .array(l.topics.map(hash))),
            ("data", data(l.data)),
            ("blockNumber", Quantity.json(blockNumber)),
            ("transactionHash", hash(txHash)),
            ("transactionIndex", Quantity.json(txIndex)),
            ("blockHash", hash(blockHash)),
            ("logIndex", Quantity.json(logIndex)),
            ("removed", .bool(removed)),
        ])
    }
}
