import Primitives
import ChainTypes
import Chain

extension RPCBackend {
    func registerTransactions(_ m: inout [String: MethodHandler]) {
        m["eth_getTransactionByHash"] = { [self] p, _ in
            try p.atMost(1)
            let hash = try p.hash(0)
            if let info = chain.transactionInfo(hash) { return Format.transaction(info) }
            if let pending = pool.transaction(hash) {
                return Format.transaction(pending.signed, sender: pending.sender, position: nil, effectivePrice: nil)
            }
            return .null
        }
        m["eth_getRawTransactionByHash"] = { [self] p, _ in
            try p.atMost(1)
            let hash = try p.hash(0)
            if let info = chain.transactionInfo(hash) { return Format.data(info.transaction.networkEncoding) }
            if let pending = pool.transaction(hash) { return Format.data(pending.signed.networkEncoding) }
            return .null
        }
        m["eth_getTransactionReceipt"] = { [self] p, _ in
            try p.atMost(1)
            guard let r = chain.receiptInfo(try p.hash(0)) else { return .null }
            return Format.receipt(r)
        }
        m["eth_sendRawTransaction"] = { [self] p, _ in
            try p.atMost(1)
            if let refusal = status.refusesTransactions { throw RPCError.server(refusal) }
            let bytes = try p.data(0)
            let tx: SignedTransaction
            do { tx = try SignedTransaction(networkEncoding: bytes) } catch {
                throw RPCError.server("rlp: \(error)")
            }
            if tx.transaction.type == .legacy && tx.transaction.chainID == nil && !limits.allowUnprotectedTransactions {
                throw RPCError.server("only replay-protected (EIP-155) transactions allowed over RPC")
            }
            do { return Format.hash(try pool.add(tx)) } catch let e as PoolError { throw RPCError.server(e.description) }
        }
        m["txpool_status"] = { [self] _, _ in
            let s = pool.status
            return .object([("pending", Quantity.json(s.pending)), ("queued", Quantity.json(s.queued))])
        }
        m["txpool_content"] = { [self] _, _ in
            func group(_ byAccount: [Address: [RecoveredTransaction]]) -> JSON {
                .object(byAccount.sorted { $0.key < $1.key }.map { sender, txs in
                    (sender.description, .object(txs.map { tx in
                        (String(tx.transaction.nonce), Format.transaction(tx.signed, sender: sender, position: nil, effectivePrice: nil))
                    }))
                })
            }
            return .object([("pending", group(pool.pending())), ("queued", group(pool.queued()))])
        }
        m["txpool_inspect"] = { [self] _, _ in
            func group(_ byAccount: [Address: [RecoveredTransaction]]) -> JSON {
                .object(byAccount.sorted { $0.key < $1.key }.map { sender, txs in
                    (sender.description, .object(txs.map { tx in
                        let t = tx.transaction
                        return (String(t.nonce), .string("\(t.to?.description ?? "contract creation"): \(t.value) wei + \(t.gasLimit) gas × \(t.maxFeePerGas) wei"))
                    }))
                })
            }
            return .object([("pending", group(pool.pending())), ("queued", group(pool.queued()))])
        }
    }
}
