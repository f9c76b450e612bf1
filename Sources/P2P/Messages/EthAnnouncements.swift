public import Primitives
public import ChainTypes

extension Eth {
    /// NewBlockHashes (0x01): `[[hash, number], …]`, at most ``Eth/maximumAnnouncements``.
    public struct NewBlockHashes: Sendable, Hashable, RLPEncodable {
        /// One announced block.
        public struct Announcement: Sendable, Hashable {
            public var hash: Hash32
            public var number: UInt64
            public init(hash: Hash32, number: UInt64) { self.hash = hash; self.number = number }
        }

        public var blocks: [Announcement]

        public init(_ blocks: [Announcement]) { self.blocks = blocks }

        public func encode(to e: inout RLPEncoder) {
            e.appendList { e in
                for b in blocks {
                    e.appendList { e in
                        e.append(b.hash)
                        e.append(b.number)
                    }
                }
            }
        }

        public init(rlp payload: [UInt8]) throws(MessageError) {
            var r = try MessageReader.eth(payload, "NewBlockHashes")
            var blocks: [Announcement] = []
            while !r.isAtEnd {
                guard blocks.count < Eth.maximumAnnouncements else {
                    throw .tooManyItems(message: r.message, field: "announcements", limit: Eth.maximumAnnouncements)
                }
                var pair = try r.list()
                blocks.append(Announcement(hash: try pair.hash(), number: try pair.uint64()))
                try pair.finish()
            }
            self.blocks = blocks
        }
    }

    /// Transactions (0x02): `[tx, …]`, at most ``Eth/maximumTransactions``; legacy
    /// transactions as lists, typed ones as strings (EIP-2718).
    public struct Transactions: Sendable, Hashable, RLPEncodable {
        public var transactions: [SignedTransaction]

        public init(_ transactions: [SignedTransaction]) { self.transactions = transactions }

        public func encode(to e: inout RLPEncoder) { e.appendList(of: transactions) }

        public init(rlp payload: [UInt8]) throws(MessageError) {
            transactions = try MessageReader.transactionsMessage(payload, "Transactions")
        }
    }

    /// NewBlock (0x07): `[[header, transactions, ommers], td]`, at most
    /// ``Eth/maximumTransactionsPerResponse`` transactions and ``Eth/maximumOmmers`` ommers.
    public struct NewBlock: Sendable, Hashable, RLPEncodable {
        public var block: Block
        /// The total difficulty of the chain ending in this block.
        public var totalDifficulty: UInt256

        public init(block: Block, totalDifficulty: UInt256) { self.block = block; self.totalDifficulty = totalDifficulty }

        public func encode(to e: inout RLPEncoder) {
            e.appendList { e in
                e.append(block)
                e.append(totalDifficulty)
            }
        }

        public init(rlp payload: [UInt8]) throws(MessageError) {
            var r = try MessageReader.eth(payload, "NewBlock")
            var b = try r.list()
            let header = try b.header()
            var counter = 0
            let transactions = try b.transactions(counter: &counter, limit: Eth.maximumTransactionsPerResponse)
            let ommers = try b.sequence("ommers", limit: Eth.maximumOmmers) { r, _ throws(MessageError) in try r.header() }
            guard b.isAtEnd else {
                throw .invalidField(message: r.message, field: "block", reason: "withdrawals are not supported on this chain")
            }
            block = Block(header: header, transactions: transactions, ommers: ommers)
            totalDifficulty = try r.uint256()
            try r.finish()
        }
    }

    /// NewPooledTransactionHashes (0x08), the eth/68 form: `[types, [size, …], [hash, …]]`,
    /// where `types` is a byte string with one transaction type per hash.
    ///
    /// Guarantees the three lists have equal lengths (it stores one ``Announcement`` per
    /// transaction); decoding refuses unequal lengths, more than
    /// ``Eth/maximumAnnouncements``, and sizes above 2³² − 1. Types are not checked:
    /// the pool ignores types it does not know.
    public struct NewPooledTransactionHashes: Sendable, Hashable, RLPEncodable {
        /// One announced transaction.
        public struct Announcement: Sendable, Hashable {
            /// The EIP-2718 type byte (0 for legacy).
            public var type: UInt8
            /// The size of the transaction's network encoding, in bytes.
            public var size: UInt32
            public var hash: Hash32
            public init(type: UInt8, size: UInt32, hash: Hash32) { self.type = type; self.size = size; self.hash = hash }
        }

        public var announcements: [Announcement]

        public init(_ announcements: [Announcement]) { self.announcements = announcements }

        /// The announcement of a transaction.
        public static func announcement(of tx: SignedTransaction) -> Announcement {
            Announcement(type: tx.type.rawValue, size: UInt32(clamping: tx.networkEncoding.count), hash: tx.hash)
        }

        public func encode(to e: inout RLPEncoder) {
            e.appendList { e in
                e.appendBytes(announcements.map(\.type))
                e.appendList { e in for a in announcements { e.append(UInt64(a.size)) } }
                e.appendList { e in for a in announcements { e.append(a.hash) } }
            }
        }

        public init(rlp payload: [UInt8]) throws(MessageError) {
            let limit = Eth.maximumAnnouncements
            var r = try MessageReader.eth(payload, "NewPooledTransactionHashes")
            let types = try r.bytes()
            guard types.count <= limit else { throw .tooManyItems(message: r.message, field: "types", limit: limit) }
            let sizes = try r.sequence("sizes", limit: limit) { r, _ throws(MessageError) in
                try r.integer(UInt32.self, field: "size")
            }
            let hashes = try r.hashes("hashes", limit: limit)
            try r.finish()
            guard types.count == sizes.count, sizes.count == hashes.count else {
                throw .announcementLengthMismatch(types: types.count, sizes: sizes.count, hashes: hashes.count)
            }
            announcements = zip(types, zip(sizes, hashes)).map { Announcement(type: $0, size: $1.0, hash: $1.1) }
        }
    }
}

extension MessageReader {
    /// Decodes a payload that is a bare list of at most ``Eth/maximumTransactions``
    /// transactions (the Transactions message).
    static func transactionsMessage(_ payload: [UInt8], _ message: String) throws(MessageError) -> [SignedTransaction] {
        var r = try eth(payload, message)
        var counter = 0
        var transactions: [SignedTransaction] = []
        while !r.isAtEnd {
            guard counter < Eth.maximumTransactions else {
                throw .tooManyItems(message: message, field: "transactions", limit: Eth.maximumTransactions)
            }
            transactions.append(try r.transaction(index: counter))
            counter += 1
        }
        return transactions
    }
}
