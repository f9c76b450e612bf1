import Primitives

/// The `eth/68` wire protocol (devp2p caps/eth.md): its message ids, limits and the
/// ``Message`` enum whose ``Message/decode(id:payload:)`` is the single entry point for
/// peer bytes.
///
/// Request/response messages carry the eth/66 request id (EIP-2481): `[request-id, […]]`.
/// Every decoder is strict (canonical RLP, exact field counts, no trailing bytes), checks
/// the payload size before reading, and checks each list against its limit below while
/// reading, so a hostile message costs at most the limit, never more. All types are plain
/// `Sendable` values.
public enum Eth {
    /// The protocol version implemented.
    public static let version: UInt64 = 68
    /// eth/68 uses ids 0x00–0x10.
    public static let messageCount: UInt64 = 17

    /// The largest payload accepted, after decompression: 16 MiB (rlpx.md).
    public static let maximumMessageSize = Snappy.maximumUncompressedLength
    /// GetBlockHeaders `amount` and the BlockHeaders list: at most 1024 headers.
    public static let maximumHeaders = 1024
    /// GetBlockBodies hashes and the BlockBodies list: at most 1024 bodies.
    public static let maximumBodies = 1024
    /// GetReceipts hashes and the Receipts list: at most 1024 blocks' receipts.
    public static let maximumReceiptBlocks = 1024
    /// NewBlockHashes and NewPooledTransactionHashes: at most 4096 announcements
    /// (go-ethereum's `maxTxAnnounces`).
    public static let maximumAnnouncements = 4096
    /// GetPooledTransactions hashes and the Transactions / PooledTransactions lists: at most 4096.
    public static let maximumTransactions = 4096
    /// Transactions across all bodies of one BlockBodies or NewBlock message, and receipts
    /// across all blocks of one Receipts message: at most 65,536.
    public static let maximumTransactionsPerResponse = 65_536
    /// Ommers per body: at most 2 (the Yellow Paper's uncle limit).
    public static let maximumOmmers = 2

    /// eth/68 message ids, relative to the capability's offset.
    public enum MessageID: UInt64, Sendable, CaseIterable {
        case status = 0x00
        case newBlockHashes = 0x01
        case transactions = 0x02
        case getBlockHeaders = 0x03
        case blockHeaders = 0x04
        case getBlockBodies = 0x05
        case blockBodies = 0x06
        case newBlock = 0x07
        case newPooledTransactionHashes = 0x08
        case getPooledTransactions = 0x09
        case pooledTransactions = 0x0a
        // 0x0b, 0x0c are unused; GetNodeData 0x0d / NodeData 0x0e were removed in eth/67.
        case getReceipts = 0x0f
        case receipts = 0x10
    }

    /// One eth/68 message.
    public enum Message: Sendable, Hashable {
        case status(Status)
        case newBlockHashes(NewBlockHashes)
        case transactions(Transactions)
        case getBlockHeaders(GetBlockHeaders)
        case blockHeaders(BlockHeaders)
        case getBlockBodies(GetBlockBodies)
        case blockBodies(BlockBodies)
        case newBlock(NewBlock)
        case newPooledTransactionHashes(NewPooledTransactionHashes)
        case getPooledTransactions(GetPooledTransactions)
        case pooledTransactions(PooledTransactions)
        case getReceipts(GetReceipts)
        case receipts(Receipts)

        public var id: MessageID {
            switch self {
            case .status: .status
            case .newBlockHashes: .newBlockHashes
            case .transactions: .transactions
            case .getBlockHeaders: .getBlockHeaders
            case .blockHeaders: .blockHeaders
            case .getBlockBodies: .getBlockBodies
            case .blockBodies: .blockBodies
            case .newBlock: .newBlock
            case .newPooledTransactionHashes: .newPooledTransactionHashes
            case .getPooledTransactions: .getPooledTransactions
            case .pooledTransactions: .pooledTransactions
            case .getReceipts: .getReceipts
            case .receipts: .receipts
            }
        }

        /// The RLP payload (uncompressed; without the message id).
        public var payload: [UInt8] {
            switch self {
            case .status(let m): m.rlpEncoded
            case .newBlockHashes(let m): m.rlpEncoded
            case .transactions(let m): m.rlpEncoded
            case .getBlockHeaders(let m): m.rlpEncoded
            case .blockHeaders(let m): m.rlpEncoded
            case .getBlockBodies(let m): m.rlpEncoded
            case .blockBodies(let m): m.rlpEncoded
            case .newBlock(let m): m.rlpEncoded
            case .newPooledTransactionHashes(let m): m.rlpEncoded
            case .getPooledTransactions(let m): m.rlpEncoded
            case .pooledTransactions(let m): m.rlpEncoded
            case .getReceipts(let m): m.rlpEncoded
            case .receipts(let m): m.rlpEncoded
            }
        }

        /// Decodes the (already decompressed) payload of eth/68 message `id` (relative to
        /// the capability offset). Never traps; every failure is a ``MessageError``.
        public static func decode(id: UInt64, payload: [UInt8]) throws(MessageError) -> Message {
            guard let known = MessageID(rawValue: id) else { throw .unknownMessageID(protocol: "eth/68", id: id) }
            switch known {
            case .status: return .status(try Status(rlp: payload))
            case .newBlockHashes: return .newBlockHashes(try NewBlockHashes(rlp: payload))
            case .transactions: return .transactions(try Transactions(rlp: payload))
            case .getBlockHeaders: return .getBlockHeaders(try GetBlockHeaders(rlp: payload))
            case .blockHeaders: return .blockHeaders(try BlockHeaders(rlp: payload))
            case .getBlockBodies: return .getBlockBodies(try GetBlockBodies(rlp: payload))
            case .blockBodies: return .blockBodies(try BlockBodies(rlp: payload))
            case .newBlock: return .newBlock(try NewBlock(rlp: payload))
            case .newPooledTransactionHashes: return .newPooledTransactionHashes(try NewPooledTransactionHashes(rlp: payload))
            case .getPooledTransactions: return .getPooledTransactions(try GetPooledTransactions(rlp: payload))
            case .pooledTransactions: return .pooledTransactions(try PooledTransactions(rlp: payload))
            case .getReceipts: return .getReceipts(try GetReceipts(rlp: payload))
            case .receipts: return .receipts(try Receipts(rlp: payload))
            }
        }
    }
}

extension MessageReader {
    /// Opens an eth/68 message payload (size-checked against ``Eth/maximumMessageSize``).
    static func eth(_ payload: [UInt8], _ message: String) throws(MessageError) -> MessageReader {
        try open(payload, message: message, limit: Eth.maximumMessageSize)
    }
}
