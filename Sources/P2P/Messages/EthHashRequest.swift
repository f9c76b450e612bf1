public import Primitives

/// What distinguishes the eth/68 requests that carry a list of hashes: their name (for
/// errors) and how many hashes one may carry.
public protocol EthHashRequestKind: Sendable {
    static var messageName: String { get }
    static var limit: Int { get }
}

extension Eth {
    /// A request `[request-id, [hash, …]]` (GetBlockBodies 0x05, GetPooledTransactions 0x09,
    /// GetReceipts 0x0f): decoding refuses more hashes than the kind's limit before reading them.
    public struct HashRequest<Kind: EthHashRequestKind>: Sendable, Hashable, RLPEncodable {
        public var requestID: UInt64
        public var hashes: [Hash32]

        public init(requestID: UInt64, hashes: [Hash32]) { self.requestID = requestID; self.hashes = hashes }

        public func encode(to e: inout RLPEncoder) {
            e.appendList { e in
                e.append(requestID)
                e.appendList(of: hashes)
            }
        }

        public init(rlp payload: [UInt8]) throws(MessageError) {
            var r = try MessageReader.eth(payload, Kind.messageName)
            requestID = try r.uint64()
            hashes = try r.hashes("hashes", limit: Kind.limit)
            try r.finish()
        }
    }

    /// GetBlockBodies: at most ``Eth/maximumBodies`` hashes.
    public enum BlockBodiesRequest: EthHashRequestKind {
        public static let messageName = "GetBlockBodies"
        public static var limit: Int { Eth.maximumBodies }
    }

    /// GetPooledTransactions: at most ``Eth/maximumTransactions`` hashes.
    public enum PooledTransactionsRequest: EthHashRequestKind {
        public static let messageName = "GetPooledTransactions"
        public static var limit: Int { Eth.maximumTransactions }
    }

    /// GetReceipts: at most ``Eth/maximumReceiptBlocks`` block hashes.
    public enum ReceiptsRequest: EthHashRequestKind {
        public static let messageName = "GetReceipts"
        public static var limit: Int { Eth.maximumReceiptBlocks }
    }

    public typealias GetBlockBodies = HashRequest<BlockBodiesRequest>
    public typealias GetPooledTransactions = HashRequest<PooledTransactionsRequest>
    public typealias GetReceipts = HashRequest<ReceiptsRequest>
}
