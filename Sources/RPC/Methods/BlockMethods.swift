import Primitives
import ChainTypes
import Chain

extension RPCBackend {
    func blockJSON(_ h: SealedHeader, full: Bool) -> JSON {
        guard let block = chain.block(hash: h.hash) else { return .null }
        return Format.block(block, hash: h.hash, totalDifficulty: chain.totalDifficulty(hash: h.hash), fullTransactions: full,
                            fullExtraData: limits.fullExtraData)
    }

    func registerBlocks(_ m: inout [String: MethodHandler]) {
        m["eth_getBlockByNumber"] = { [self] p, _ in
            try p.atMost(2)
            guard let h = headerIfKnown(try Params.block(try p.require(0), field: "0")) else { return .null }
            return blockJSON(h, full: try p.bool(1))
        }
        m["eth_getBlockByHash"] = { [self] p, _ in
            try p.atMost(2)
            guard let h = chain.header(hash: try p.hash(0)) else { return .null }
            return blockJSON(h, full: try p.bool(1))
        }
        m["eth_getBlockTransactionCountByHash"] = { [self] p, _ in
            guard let h = chain.header(hash: try p.hash(0)), let b = chain.block(hash: h.hash) else { return .null }
            return Quantity.json(b.transactions.count)
        }
        m["eth_getBlockTransactionCountByNumber"] = { [self] p, _ in
            guard let h = headerIfKnown(try Params.block(try p.require(0), field: "0")), let b = chain.block(hash: h.hash) else { return .null }
            return Quantity.json(b.transactions.count)
        }
        m["eth_getUncleCountByBlockHash"] = { [self] p, _ in
            chain.header(hash: try p.hash(0)) == nil ? .null : Quantity.json(UInt64(0))
        }
        m["eth_getUncleCountByBlockNumber"] = { [self] p, _ in
            headerIfKnown(try Params.block(try p.require(0), field: "0")) == nil ? .null : Quantity.json(UInt64(0))
        }
        m["eth_getUncleByBlockHashAndIndex"] = { _, _ in .null }
        m["eth_getUncleByBlockNumberAndIndex"] = { _, _ in .null }
        m["eth_getTransactionByBlockHashAndIndex"] = { [self] p, _ in
            guard let h = chain.header(hash: try p.hash(0)) else { return .null }
            return transactionAt(h, index: try p.quantity64(1))
        }
        m["eth_getTransactionByBlockNumberAndIndex"] = { [self] p, _ in
            guard let h = headerIfKnown(try Params.block(try p.require(0), field: "0")) else { return .null }
            return transactionAt(h, index: try p.quantity64(1))
        }
        m["eth_getBlockReceipts"] = { [self] p, _ in
            guard let h = headerIfKnown(try Params.block(try p.require(0), field: "0")),
                  let receipts = chain.receiptInfos(blockHash: h.hash) else { return .null }
            return .array(receipts.map(Format.receipt))
        }
    }

    func transactionAt(_ h: SealedHeader, index: UInt64) -> JSON {
        guard let txs = chain.transactionInfos(blockHash: h.hash), index < UInt64(txs.count) else { return .null }
        return Format.transaction(txs[Int(index)])
    }
}
