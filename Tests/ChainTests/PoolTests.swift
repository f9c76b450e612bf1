import Testing
import Foundation
import Primitives
import ChainTypes
import Chain
import TestSupport

/// Pool admission with go-ethereum's messages, pending vs queued, replacement and eviction.
@Suite struct PoolTests {
    static let z = TestKeys.address("Z")

    static func expectRefusal(_ pool: TransactionPool, _ tx: SignedTransaction, _ message: String,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try pool.add(tx)
            Issue.record("accepted; expected \"\(message)\"", sourceLocation: sourceLocation)
        } catch {
            #expect(error.description.hasPrefix(message), "got \"\(error)\"", sourceLocation: sourceLocation)
        }
    }

    @Test func refusalsCarryGoEthereumWording() throws {
        let f = try ChainFixture()
        let ok = ChainFixture.transfer(from: "X", to: Self.z, value: .one, nonce: 0)
        try f.pool.add(ok)
        Self.expectRefusal(f.pool, ok, "already known")
        Self.expectRefusal(f.pool, ChainFixture.transfer(from: "X", to: Self.z, value: UInt256(2), nonce: 0),
                           "replacement transaction underpriced")
        Self.expectRefusal(f.pool, ChainFixture.transfer(from: "Q", to: Self.z, value: .one, nonce: 0),
                           "insufficient funds for gas * price + value")
        Self.expectRefusal(f.pool, ChainFixture.transfer(from: "Y", to: Self.z, value: .one, nonce: 0, gas: 20_000),
                           "intrinsic gas too low")
        Self.expectRefusal(f.pool, ChainFixture.transfer(from: "Y", to: Self.z, value: .one, nonce: 0, chainID: 5),
                           "invalid chain id")
        Self.expectRefusal(f.pool, ChainFixture.transfer(from: "Y", to: Self.z, value: .one, nonce: 0, gas: 31_000_000),
                           "exceeds block gas limit")
        Self.expectRefusal(f.pool, ChainFixture.transfer(from: "Y", to: Self.z, value: .one, nonce: 0,
                                                         tip: ChainFixture.gwei &* UInt256(20)),
                           "max priority fee per gas higher than max fee per gas")
        Self.expectRefusal(f.pool, ChainFixture.transfer(from: "Y", to: Self.z, value: .one, nonce: 0, tip: .zero),
                           "transaction underpriced")
        Self.expectRefusal(f.pool, ChainFixture.transfer(from: "Y", to: Self.z, value: .one, nonce: 0, gas: 2_000_000,
                                                         data: Array(repeating: 1, count: 129 * 1024)),
                           "oversized data")
        // Mined, then resent: the nonce is used.
        try f.seal()
        Self.expectRefusal(f.pool, ChainFixture.transfer(from: "X", to: Self.z, value: UInt256(5), nonce: 0), "nonce too low")
    }

    @Test func pendingAndQueuedByNonceGap() throws {
        let f = try ChainFixture()
        try f.pool.add(ChainFixture.transfer(from: "X", to: Self.z, value: .one, nonce: 0))
        try f.pool.add(ChainFixture.transfer(from: "X", to: Self.z, value: .one, nonce: 2))
        #expect(f.pool.status == (pending: 1, queued: 1))
        #expect(f.pool.nextNonce(TestKeys.address("X")) == 1)
        try f.pool.add(ChainFixture.transfer(from: "X", to: Self.z, value: .one, nonce: 1))
        #expect(f.pool.status == (pending: 3, queued: 0))
        let block = try f.seal()
        #expect(block.transactions.map(\.transaction.nonce) == [0, 1, 2])
        #expect(f.pool.status == (pending: 0, queued: 0))
    }

    @Test func replacementNeedsTenPercentMore() throws {
        let f = try ChainFixture()
        let first = ChainFixture.transfer(from: "X", to: Self.z, value: .one, nonce: 0)
        try f.pool.add(first)
        let bump9 = ChainFixture.transfer(from: "X", to: Self.z, value: .one, nonce: 0,
                                          tip: UInt256(1_090_000_000), feeCap: UInt256(10_900_000_000))
        Self.expectRefusal(f.pool, bump9, "replacement transaction underpriced")
        let bump10 = ChainFixture.transfer(from: "X", to: Self.z, value: .one, nonce: 0,
                                           tip: UInt256(1_100_000_000), feeCap: UInt256(11_000_000_000))
        try f.pool.add(bump10)
        #expect(f.pool.transaction(first.hash) == nil)
        #expect(f.pool.transaction(bump10.hash) != nil)
        #expect(f.pool.status.pending == 1)
    }

    @Test func blocksTakeHighestTipFirstInNonceOrder() throws {
        let f = try ChainFixture()
        try f.pool.add(ChainFixture.transfer(from: "X", to: Self.z, value: .one, nonce: 0, tip: UInt256(1_000_000_000)))
        try f.pool.add(ChainFixture.transfer(from: "X", to: Self.z, value: .one, nonce: 1, tip: UInt256(5_000_000_000)))
        try f.pool.add(ChainFixture.transfer(from: "Y", to: Self.z, value: .one, nonce: 0, tip: UInt256(3_000_000_000)))
        let block = try f.seal()
        let order = block.transactions.map { ($0.transaction.maxPriorityFeePerGas, $0.transaction.nonce) }
        // Y (tip 3) before X's nonce 0 (tip 1), which must precede X's nonce 1 (tip 5).
        #expect(order.map(\.0) == [UInt256(3_000_000_000), UInt256(1_000_000_000), UInt256(5_000_000_000)])
    }

    @Test func feeCapBelowBaseFeeWaits() throws {
        let f = try ChainFixture()
        // Base fee of block 1 is 0.875 gwei: a 0.5 gwei cap is held but not included.
        try f.pool.add(ChainFixture.transfer(from: "X", to: Self.z, value: .one, nonce: 0, tip: UInt256(100),
                                             feeCap: UInt256(500_000_000)))
        let block = try f.seal()
        #expect(block.transactions.isEmpty)
        #expect(f.pool.status.pending == 1)
    }

    @Test func fullPoolEvictsTheCheapestOrRefusesTheNewcomer() throws {
        let f = try ChainFixture(funded: ["X", "Y", "Z", "W"])
        var config = PoolConfig()
        config.globalSlots = 4
        config.accountSlots = 1
        let pool = TransactionPool(chain: f.chain, config: config)
        for n in 0..<2 as Range<UInt64> {
            try pool.add(ChainFixture.transfer(from: "X", to: Self.z, value: .one, nonce: n, feeCap: UInt256(3_000_000_000)))
            try pool.add(ChainFixture.transfer(from: "Y", to: Self.z, value: .one, nonce: n, feeCap: UInt256(2_000_000_000)))
        }
        #expect(pool.status.pending == 4)
        // Cheaper than everything held: refused.
        Self.expectRefusal(pool, ChainFixture.transfer(from: "W", to: Self.z, value: .one, nonce: 0, tip: .one,
                                                       feeCap: UInt256(1_000_000_000)), "transaction underpriced")
        // Dearer: Y's tail (the cheapest) goes.
        let rich = ChainFixture.transfer(from: "W", to: Self.z, value: .one, nonce: 0, feeCap: UInt256(9_000_000_000))
        try pool.add(rich)
        #expect(pool.status.pending == 4)
        #expect(pool.pending()[TestKeys.address("Y")]?.count == 1)
    }
}

/// The pool journal: held transactions survive a restart, stale ones are dropped.
@Suite struct PoolJournalTests {
    @Test func journalRoundTripsAndDropsStaleTransactions() throws {
        let f = try ChainFixture()
        let z = TestKeys.address("Z")
        let mined = ChainFixture.transfer(from: "X", to: z, value: .one, nonce: 0)
        try f.pool.add(mined)
        try f.seal()
        let pending = ChainFixture.transfer(from: "X", to: z, value: .one, nonce: 1)
        let queued = ChainFixture.transfer(from: "Y", to: z, value: .one, nonce: 3)
        try f.pool.add(pending)
        try f.pool.add(queued)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString).rlp").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try f.pool.saveJournal(to: path) == 2)
        // A fresh pool on the same chain takes both back.
        let restarted = TransactionPool(chain: f.chain)
        let (admitted, dropped) = try restarted.loadJournal(from: path)
        #expect(admitted == 2 && dropped == 0)
        #expect(restarted.status == (pending: 1, queued: 1))
        // After the pending one is mined elsewhere, it is dropped on load.
        try f.seal()
        let again = TransactionPool(chain: f.chain)
        #expect(try again.loadJournal(from: path) == (admitted: 1, dropped: 1))
        // A damaged journal admits nothing and says so; a missing one is empty.
        try Data([0xc5, 0x01]).write(to: URL(fileURLWithPath: path))
        #expect(throws: (any Error).self) { try TransactionPool(chain: f.chain).loadJournal(from: path) }
        #expect(try TransactionPool(chain: f.chain).loadJournal(from: path + ".missing") == (admitted: 0, dropped: 0))
    }
}
