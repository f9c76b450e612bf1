public import Primitives
public import ChainTypes

extension Eth {
    /// The body of a block as eth carries it: `[transactions, ommers]` (no withdrawals:
    /// this chain has none, and a third element is refused).
    ///
    /// Transactions travel as in EIP-2718: legacy ones as RLP lists, typed ones as RLP
    /// strings holding `type ‖ payload` (``SignedTransaction/encode(to:)``).
    public struct BlockBody: Sendable, Hashable, RLPEncodable {
        public var transactions: [SignedTransaction]
        public var ommers: [Header]

        public init(transactions: [SignedTransaction] = [], ommers: [Header] = []) {
            self.transactions = transactions; self.ommers = ommers
        }

        /// The body of a block.
        public init(_ block: Block) { transactions = block.transactions; ommers = block.ommers }

        public func encode(to e: inout RLPEncoder) {
            e.appendList { e in
                e.appendList(of: transactions)
                e.appendList(of: ommers)
            }
        }

        /// Reads `[transactions, ommers]`, counting transactions in `counter` against
        /// ``Eth/maximumTransactionsPerResponse``.
        static func read(from r: inout MessageReader, counter: inout Int) throws(MessageError) -> BlockBody {
            var f = try r.list()
            let transactions = try f.transactions(counter: &counter, limit: Eth.maximumTransactionsPerResponse)
            let ommers = try f.sequence("ommers", limit: Eth.maximumOmmers) { r, _ throws(MessageError) in try r.header() }
            guard f.isAtEnd else {
                throw .invalidField(message: r.message, field: "body", reason: "withdrawals are not supported on this chain")
            }
            return BlockBody(transactions: transactions, ommers: ommers)
        }
    }

    /// BlockBodies (0x06): `[request-id, [[transactions, ommers], …]]`, at most
    /// ``Eth/maximumBodies`` bodies and ``Eth/maximumTransactionsPerResponse`` transactions in all.
    public struct BlockBodies: Sendable, Hashable, RLPEncodable {
        public var requestID: UInt64
        public var bodies: [BlockBody]

        public init(requestID: UInt64, bodies: [BlockBody]) { self.requestID = requestID; self.bodies = bodies }

        public func encode(to e: inout RLPEncoder) {
            e.appendList { e in
                e.append(requestID)
                e.appendList(of: bodies)
            }
        }

        public init(rlp payload: [UInt8]) throws(MessageError) {
            var r = try MessageReader.eth(payload, "BlockBodies")
            requestID = try r.uint64()
            var counter = 0
            bodies = try r.sequence("bodies", limit: Eth.maximumBodies) { r, _ throws(MessageError) in
                try BlockBody.read(from: &r, counter: &counter)
            }
            try r.finish()
        }
    }
}

extension MessageReader {
    /// Reads a list of transactions, each counted in `counter`, refusing to go past `limit`.
    /// Errors name the transaction by its count within the whole message.
    mutating func transactions(counter: inout Int, limit: Int) throws(MessageError) -> [SignedTransaction] {
        var sub = try list()
        var transactions: [SignedTransaction] = []
        while !sub.isAtEnd {
            guard counter < limit else { throw .tooManyItems(message: message, field: "transactions", limit: limit) }
            transactions.append(try sub.transaction(index: counter))
            counter += 1
        }
        return transactions
    }
}
