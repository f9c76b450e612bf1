import Testing
import Foundation
import Primitives
import ChainTypes
import Consensus
import Chain
import TestSupport

/// The pool follows every head change, not only blocks this node seals, and counts
/// its capacity in 32-KiB slots.
@Suite struct PoolFollowsChainTests {
    @Test func anImportedBlockDropsTheTransactionsItMined() throws {
        let producer = try ChainFixture()
        let node = try ChainFixture()
        let tx = ChainFixture.transfer(from: "X", to: TestKeys.address("Y"), value: UInt256(5), nonce: 0)
        try producer.pool.add(tx)
        try node.pool.add(tx)
        let block = try producer.seal()
        #expect(block.transactions.map(\.hash) == [tx.hash])
        #expect(try node.chain.insert(block).kind == .extended)
        // No sealing here, no manual update: the import alone cleaned the pool.
        #expect(node.pool.transaction(tx.hash) == nil)
        #expect(node.pool.status.pending == 0)
        #expect(node.pool.nextNonce(TestKeys.address("X")) == 1)
    }

    @Test func aReorgGivesBackTheTransactionsItRemoved() throws {
        let signers = ["A", "B", "C"]
        let order = signers.sorted { TestKeys.address($0) < TestKeys.address($1) }
        let one = try ChainFixture(signers: signers)
        let common = try one.seal(by: order[1])
        let two = try ChainFixture(signers: signers)
        try two.chain.insert(common)
        // The light (out-of-turn) branch mines X's transfer; the heavy one only Y's.
        let xTransfer = ChainFixture.transfer(from: "X", to: TestKeys.address("Z"), value: UInt256(3), nonce: 0)
        try one.pool.add(xTransfer)
        let light = try one.seal(by: order[0])
        try two.pool.add(ChainFixture.transfer(from: "Y", to: TestKeys.address("Z"), value: UInt256(4), nonce: 0))
        let heavy = try two.seal(by: order[2])

        let node = try ChainFixture(signers: signers)
        try node.chain.insert(common)
        #expect(try node.chain.insert(light).kind == .extended)
        #expect(node.pool.transaction(xTransfer.hash) == nil)
        #expect(try node.chain.insert(heavy).kind == .reorganized)
        // X's transfer left the canonical chain and is still valid (nonce 0 unused): it is pending again.
        #expect(node.pool.transaction(xTransfer.hash) != nil)
        #expect(node.pool.pending()[TestKeys.address("X")]?.map(\.hash) == [xTransfer.hash])
    }

    /// A transfer carrying `bytes` of data (intrinsic gas covered).
    static func bulky(from: String, nonce: UInt64, bytes: Int, tip: UInt256 = ChainFixture.gwei) -> SignedTransaction {
        ChainFixture.transfer(from: from, to: TestKeys.address("Z"), value: .one, nonce: nonce, tip: tip,
                              gas: 21_000 + 16 * UInt64(bytes) + 10_000, data: [UInt8](repeating: 0xab, count: bytes))
    }

    @Test func capacityIsCountedInThirtyTwoKibibyteSlots() throws {
        let f = try ChainFixture()
        var config = PoolConfig()
        config.globalSlots = 4
        config.globalQueue = 2
        let pool = TransactionPool(chain: f.chain, config: config)
        // 40 KiB of data: two slots, pending.
        try pool.add(Self.bulky(from: "X", nonce: 0, bytes: 40 * 1024))
        // A nonce-gapped 40-KiB transaction fills the two queued slots...
        try pool.add(Self.bulky(from: "Y", nonce: 1, bytes: 40 * 1024))
        #expect(pool.status.queued == 1)
        // ...so one more queued transaction, even a one-slot transfer, does not fit.
        #expect(throws: PoolError.poolFull) {
            try pool.add(ChainFixture.transfer(from: "Z", to: TestKeys.address("X"), value: .one, nonce: 1))
        }
        // Pending: 2 slots held + 3 for a 70-KiB transaction exceed 4, and nobody else's may be evicted.
        #expect {
            try pool.add(Self.bulky(from: "X", nonce: 1, bytes: 70 * 1024))
        } throws: { error in
            if case .underpriced = error as? PoolError { return true }
            return false
        }
        // A one-slot pending transfer still fits (2 + 1 ≤ 4).
        try pool.add(ChainFixture.transfer(from: "Z", to: TestKeys.address("X"), value: .one, nonce: 0))
        #expect(pool.status.pending == 2)
    }

    @Test func aFullPoolEvictsCheaperTailsToFitABiggerBetterTransaction() throws {
        let f = try ChainFixture()
        var config = PoolConfig()
        config.globalSlots = 4
        config.accountSlots = 1
        let pool = TransactionPool(chain: f.chain, config: config)
        // Y holds four one-slot transfers (beyond its one guaranteed slot), cheap.
        for n in 0..<4 as Range<UInt64> {
            try pool.add(ChainFixture.transfer(from: "Y", to: TestKeys.address("Z"), value: .one, nonce: n))
        }
        // X's two-slot transaction pays more: Y's two last transfers make way for it.
        let big = Self.bulky(from: "X", nonce: 0, bytes: 40 * 1024, tip: ChainFixture.gwei &* UInt256(2))
        let richer = ChainFixture.transfer(from: "X", to: TestKeys.address("Z"), value: .one, nonce: 0,
                                           tip: ChainFixture.gwei &* UInt256(2), feeCap: ChainFixture.gwei &* UInt256(20),
                                           gas: big.transaction.gasLimit, data: big.transaction.data)
        try pool.add(richer)
        #expect(pool.transaction(richer.hash) != nil)
        #expect(pool.pending()[TestKeys.address("Y")]?.count == 2)
    }
}
