public import Primitives
import Trie

/// A block: header, transactions and ommers. RLP `[header, [transactions…], [ommers…]]`,
/// where a typed transaction appears as an RLP string holding `type ‖ payload`.
///
/// Decoding is strict and checks nothing beyond the encoding; ``computedTransactionsRoot``
/// and ``computedOmmersHash`` let a validator compare the body with its header.
/// Blocks with withdrawals (Shanghai's fourth list) are refused: this chain has none.
public struct Block: Sendable, Hashable, RLPEncodable {
    public var header: Header
    public var transactions: [SignedTransaction]
    public var ommers: [Header]

    public init(header: Header, transactions: [SignedTransaction] = [], ommers: [Header] = []) {
        self.header = header; self.transactions = transactions; self.ommers = ommers
    }

    /// The header's hash.
    public var hash: Hash32 { header.hash }

    public func encode(to e: inout RLPEncoder) {
        e.appendList { e in
            e.append(header)
            e.appendList { e in for tx in transactions { e.append(tx) } }
            e.appendList { e in for o in ommers { e.append(o) } }
        }
    }

    /// Decodes one block spanning all of `bytes`.
    public init(rlp bytes: [UInt8]) throws(BlockError) {
        var r = RLPReader(bytes)
        try self.init(from: &r)
        do { try r.finish() } catch { throw .rlp(error) }
    }

    /// Reads one block item (files of concatenated blocks read them one after another).
    public init(from reader: inout RLPReader) throws(BlockError) {
        do {
            var f = try reader.readList()
            header = try Header(from: &f)
            var txs = try f.readList()
            var transactions: [SignedTransaction] = []
            while !txs.isAtEnd {
                do { transactions.append(try SignedTransaction.read(from: &txs)) } catch {
                    throw BlockError.transaction(index: transactions.count, error)
                }
            }
            self.transactions = transactions
            var os = try f.readList()
            var ommers: [Header] = []
            while !os.isAtEnd { ommers.append(try Header(from: &os)) }
            self.ommers = ommers
            if !f.isAtEnd { throw BlockError.withdrawalsNotSupported }
        } catch let e as BlockError {
            throw e
        } catch let e as RLPError {
            throw .rlp(e)
        } catch {
            throw .rlp(.unexpectedEnd(offset: reader.position))
        }
    }

    /// The transactions root this body gives (ordered trie of network encodings).
    public var computedTransactionsRoot: Hash32 { OrderedRoot.compute(transactions.map(\.networkEncoding)) }

    /// The ommers hash this body gives (Keccak of the RLP list of ommer headers).
    public var computedOmmersHash: Hash32 {
        var e = RLPEncoder()
        e.appendList { e in for o in ommers { e.append(o) } }
        return Keccak256.hash(e.bytes)
    }
}

/// Why bytes are not a block.
public enum BlockError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Malformed or non-canonical RLP in the block's structure or header.
    case rlp(RLPError)
    /// Transaction `index` of the body does not decode.
    case transaction(index: Int, TransactionError)
    /// The block carries a withdrawals list (Shanghai beacon-chain withdrawals), which this chain does not have.
    case withdrawalsNotSupported

    public var description: String {
        switch self {
        case .rlp(let e): "block: \(e)"
        case .transaction(let i, let e): "block: transaction \(i): \(e)"
        case .withdrawalsNotSupported: "block: withdrawals are not supported on this chain"
        }
    }
}
