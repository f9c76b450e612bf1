public import Primitives
public import ChainTypes

extension Eth {
    /// Receipts (0x10): `[request-id, [[receipt, …], …]]`, one list per requested block, at
    /// most ``Eth/maximumReceiptBlocks`` blocks and ``Eth/maximumTransactionsPerResponse``
    /// receipts in all.
    ///
    /// Each receipt is its consensus encoding as the eth/68 wire has it: a legacy receipt
    /// as its RLP list, a typed one as an RLP string holding `type ‖ rlp(fields)`
    /// (``Receipt/consensusEncoding``); a string whose first byte is not a type byte is refused.
    public struct Receipts: Sendable, Hashable, RLPEncodable {
        public var requestID: UInt64
        public var receipts: [[Receipt]]

        public init(requestID: UInt64, receipts: [[Receipt]]) { self.requestID = requestID; self.receipts = receipts }

        public func encode(to e: inout RLPEncoder) {
            e.appendList { e in
                e.append(requestID)
                e.appendList { e in
                    for block in receipts {
                        e.appendList { e in
                            for receipt in block {
                                if receipt.type == .legacy {
                                    e.appendEncoded(receipt.consensusEncoding)
                                } else {
                                    e.appendBytes(receipt.consensusEncoding)
                                }
                            }
                        }
                    }
                }
            }
        }

        public init(rlp payload: [UInt8]) throws(MessageError) {
            var r = try MessageReader.eth(payload, "Receipts")
            requestID = try r.uint64()
            var counter = 0
            receipts = try r.sequence("blocks", limit: Eth.maximumReceiptBlocks) { r, _ throws(MessageError) in
                var list = try r.list()
                var block: [Receipt] = []
                while !list.isAtEnd {
                    guard counter < Eth.maximumTransactionsPerResponse else {
                        throw .tooManyItems(message: r.message, field: "receipts", limit: Eth.maximumTransactionsPerResponse)
                    }
                    block.append(try list.receipt(index: counter))
                    counter += 1
                }
                return block
            }
            try r.finish()
        }
    }
}

extension MessageReader {
    /// Reads one receipt in its wire form: a legacy list, or a string holding a typed
    /// consensus encoding.
    mutating func receipt(index: Int) throws(MessageError) -> Receipt {
        let encoding: [UInt8]
        if try nextIsList() {
            encoding = Array(try encodedItem())
        } else {
            let envelope = try bytes()
            guard let first = envelope.first else {
                throw .receipt(message: message, index: index, .rlp(.unexpectedEnd(offset: 0)))
            }
            guard first < 0x80 else { throw .receipt(message: message, index: index, .unsupportedType(first)) }
            encoding = Array(envelope)
        }
        do { return try Receipt(consensusEncoding: encoding) } catch {
            throw .receipt(message: message, index: index, error)
        }
    }
}
