import Testing
import Foundation
import Primitives
import ChainTypes
import Storage
import Consensus
import Chain
import TestSupport

/// Fork choice by total difficulty, reorgs that unwind state, and dropped transactions.
@Suite struct ForkChoiceTests {
    static let signers = ["A", "B", "C"]
    /// The label sealing block `n` in turn.
    static func inTurn(_ n: UInt64) -> String { signers.sorted { TestKeys.address($0) < TestKeys.address($1) }[Int(n % 3)] }

    /// Block 1 shared; block 2 sealed out of turn (light, with a transfer to Y) and in turn (heavy, to Z).
    static func competingBlocks() throws -> (common: Block, light: Block, heavy: Block) {
        let one = try ChainFixture(signers: signers)
        let common = try one.seal(by: inTurn(1))
        let two = try ChainFixture(signers: signers)
        try two.chain.insert(common)
        try one.pool.add(ChainFixture.transfer(from: "X", to: TestKeys.address("Y"), value: UInt256(7), nonce: 0))
        let light = try one.seal(by: inTurn(0))
        try two.pool.add(ChainFixture.transfer(from: "X", to: TestKeys.address("Z"), value: UInt256(9), nonce: 0))
        let heavy = try two.seal(by: inTurn(2))
        #expect(light.header.difficulty == CliqueSeal.outOfTurnDifficulty)
        #expect(heavy.header.difficulty == CliqueSeal.inTurnDifficulty)
        return (common, light, heavy)
    }

    @Test func heavierBranchWinsAndStateFollowsIt() throws {
        let (common, light, heavy) = try Self.competingBlocks()
        let node = try ChainFixture(signers: Self.signers)
        let yBefore = try node.balance("Y"), zBefore = try node.balance("Z")
        try node.chain.insert(common)
        #expect(try node.chain.insert(light).kind == .extended)
        #expect(try node.balance("Y") == yBefore &+ UInt256(7))
        let r = try node.chain.insert(heavy)
        #expect(r.kind == .reorganized)
        #expect(node.chain.head.hash == heavy.hash)
        #expect(node.chain.canonicalHeader(2)?.hash == heavy.hash)
        // The light block's transfer is undone and handed back; the heavy block's applied.
        #expect(try node.balance("Y") == yBefore)
        #expect(try node.balance("Z") == zBefore &+ UInt256(9))
        #expect(r.droppedTransactions.map(\.hash) == light.transactions.map(\.hash))
        #expect(node.chain.transactionLocation(light.transactions[0].hash) == nil)
        #expect(node.chain.transactionLocation(heavy.transactions[0].hash)?.block == heavy.hash)
        // The pool takes the dropped transaction back only if still valid: nonce 0 is now used.
        node.pool.update(with: r)
        #expect(node.pool.transaction(light.transactions[0].hash) == nil)
    }

    @Test func lighterBranchStaysOnTheSide() throws {
        let (common, light, heavy) = try Self.competingBlocks()
        let node = try ChainFixture(signers: Self.signers)
        try node.chain.insert(common)
        #expect(try node.chain.insert(heavy).kind == .extended)
        #expect(try node.chain.insert(light).kind == .sideChain)
        #expect(node.chain.head.hash == heavy.hash)
        #expect(node.chain.header(hash: light.hash) != nil)
        #expect(node.chain.canonicalHeader(2)?.hash == heavy.hash)
        // The side block's state is readable through its trie.
        let side = try #require(try node.chain.stateReader(atHash: light.hash))
        #expect(try side.account(TestKeys.address("Y"))?.balance == (try node.genesisBalance("Y")) &+ UInt256(7))
    }

    @Test func equalWeightPrefersTheLowerBlockThenOurs() throws {
        let f = try ChainFixture(signers: Self.signers)
        let h = Header(number: 5)
        let lower = Header(number: 4)
        // Equal TD: a lower block wins; an equal-height one is kept when it is ours.
        #expect(f.chain.reorgNeededForTesting(current: h, currentTD: UInt256(10), extern: lower, externTD: UInt256(10)))
        #expect(!f.chain.reorgNeededForTesting(current: lower, currentTD: UInt256(10), extern: h, externTD: UInt256(10)))
        #expect(f.chain.reorgNeededForTesting(current: h, currentTD: UInt256(10), extern: lower, externTD: UInt256(11)))
        #expect(!f.chain.reorgNeededForTesting(current: lower, currentTD: UInt256(11), extern: h, externTD: UInt256(10)))
    }

    @Test func reorgIsAtomicAcrossARestart() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cloister-reorg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (common, light, heavy) = try Self.competingBlocks()
        do {
            let store = try LMDBStore(path: dir.path)
            let node = try ChainFixture(signers: Self.signers, store: store)
            try node.chain.insert(common)
            try node.chain.insert(light)
            try node.chain.insert(heavy)
        }
        let reopened = try ChainFixture(signers: Self.signers, store: try LMDBStore(path: dir.path))
        #expect(reopened.chain.head.hash == heavy.hash)
        #expect(try reopened.chain.state.head()?.root == heavy.header.stateRoot)
        #expect(reopened.chain.receipts(hash: heavy.hash)?.count == 1)
    }
}

extension ChainFixture {
    func genesisBalance(_ label: String) throws -> UInt256 { genesis.alloc[TestKeys.address(label)]?.balance ?? .zero }
}
