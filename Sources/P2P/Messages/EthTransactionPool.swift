public import Primitives
public import ChainTypes

extension Eth {
    /// PooledTransactions (0x0a): `[request-id, [tx, …]]`, at most ``Eth/maximumTransactions``,
    /// in the EIP-2718 form of ``Transactions``.
    public struct PooledTransactions: Sendable, Hashable, RLPEncodable {
        public var requestID: UInt64
        public var transactions: [SignedTransaction]

        public init(requestID: UInt64, transactions: [SignedTransaction]) {
            self.requestID = requestID; self.transactions = transactions
        }

        public func encode(to e: inout RLPEncoder) {
            e.appendList { e in
                e.append(requestID)
                e.appendList(of: transactions)
            }
        }

        public init(rlp payload: [UInt8]) throws(MessageError) {
            var r = try MessageReader.eth(payload, "PooledTransactions")
            requestID = try r.uint64()
            var counter = 0
            transactions = try r.transactions(counter: &counter, limit: Eth.maximumTransactions)
            try r.finish()
        }
    }
}
