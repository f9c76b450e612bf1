import Testing
import Primitives
import Trie
import ChainTypes
import TestSupport

@Suite struct BlockAndReceiptTests {
    static func sampleTransactions() -> [SignedTransaction] {
        let key = TestKeys.key("A")
        let to = TestKeys.address("B")
        var out: [SignedTransaction] = []
        for nonce in 0..<3 as Range<UInt64> {
            out.append(Transaction.legacy(LegacyTransaction(chainID: 1337, nonce: nonce, gasPrice: 1_000_000_000, gasLimit: 21_000,
                                                            to: to, value: UInt256(nonce), data: [])).signed(with: key))
            out.append(Transaction.dynamicFee(DynamicFeeTransaction(chainID: 1337, nonce: nonce + 3, maxPriorityFeePerGas: 1,
                                                                    maxFeePerGas: 2_000_000_000, gasLimit: 50_000, to: nil,
                                                                    value: 0, data: [0x60, 0x00], accessList: [])).signed(with: key))
        }
        return out
    }

    @Test func blockRoundTripsAndRootsMatchTheTrie() throws {
        let txs = Self.sampleTransactions()
        let trie = MerklePatriciaTrie()
        for (i, tx) in txs.enumerated() { try trie.update(UInt64(i).rlpEncoded, tx.networkEncoding) }
        var block = Block(header: Header(number: 1, gasLimit: 30_000_000, baseFeePerGas: 7), transactions: txs)
        block.header.transactionsRoot = block.computedTransactionsRoot
        #expect(block.computedTransactionsRoot == trie.rootHash())
        #expect(block.computedOmmersHash == .emptyListHash)
        let decoded = try Block(rlp: block.rlpEncoded)
        #expect(decoded == block)
        #expect(decoded.transactions.map(\.hash) == txs.map(\.hash))
    }

    @Test func blockRejectsBadBodies() throws {
        var e = RLPEncoder()
        e.appendList { e in
            e.append(Header())
            e.appendList { e in e.appendBytes([0x05, 0xc0]) }  // unknown transaction type
            e.appendList { _ in }
        }
        #expect(throws: BlockError.self) { try Block(rlp: e.bytes) }
        var w = RLPEncoder()
        w.appendList { e in
            e.append(Header()); e.appendList { _ in }; e.appendList { _ in }; e.appendList { _ in }
        }
        #expect(throws: BlockError.withdrawalsNotSupported) { try Block(rlp: w.bytes) }
        #expect(throws: BlockError.self) { try Block(rlp: Array(Block(header: Header()).rlpEncoded.dropLast())) }
    }

    @Test func receiptsRoundTripInEveryForm() throws {
        let log = Log(address: TestKeys.address("C"), topics: [Keccak256.hash([1]), Keccak256.hash([2])], data: [1, 2, 3])
        let receipts = [
            Receipt(type: .legacy, succeeded: true, cumulativeGasUsed: 21_000, logs: []),
            Receipt(type: .dynamicFee, succeeded: false, cumulativeGasUsed: 70_000, logs: [log]),
            Receipt(type: .accessList, succeeded: true, cumulativeGasUsed: 90_000, logs: [log, log]),
            Receipt(type: .legacy, outcome: .postState(Keccak256.hash([9])), cumulativeGasUsed: 1, logsBloom: Bloom(), logs: []),
        ]
        for r in receipts {
            let decoded = try Receipt(consensusEncoding: r.consensusEncoding)
            #expect(decoded == r)
        }
        #expect(receipts[1].consensusEncoding.first == 0x02)
        #expect(receipts[1].logsBloom.mayContain(log.address.bytes))
        let trie = MerklePatriciaTrie()
        for (i, r) in receipts.enumerated() { try trie.update(UInt64(i).rlpEncoded, r.consensusEncoding) }
        #expect(Receipt.root(of: receipts) == trie.rootHash())
        #expect(Receipt.root(of: []) == .emptyTrieRoot)
        #expect(throws: ReceiptError.unsupportedType(0x05)) { try Receipt(consensusEncoding: [0x05, 0xc0]) }
        #expect(throws: ReceiptError.self) { try Receipt(consensusEncoding: []) }
    }
}
