import Testing
import Foundation
import Primitives
import ChainTypes
import Storage
import State
import Consensus
import Chain
import TestSupport

/// Producing blocks, importing them elsewhere, and refusing every kind of bad block.
@Suite struct ImportTests {
    static let x = TestKeys.address("X"), y = TestKeys.address("Y")

    /// A producer chain with `blocks` blocks of transfers from X and Y.
    static func producedChain(blocks: Int, txsPerBlock: Int = 3) throws -> (ChainFixture, [Block]) {
        let f = try ChainFixture()
        var produced: [Block] = []
        var nonce: [String: UInt64] = ["X": 0, "Y": 0]
        for _ in 0..<blocks {
            for i in 0..<txsPerBlock {
                let from = i % 2 == 0 ? "X" : "Y"
                try f.pool.add(ChainFixture.transfer(from: from, to: TestKeys.address("Z"), value: UInt256(1000 + i),
                                                     nonce: nonce[from]!))
                nonce[from]! += 1
            }
            produced.append(try f.seal())
        }
        return (f, produced)
    }

    @Test func producedBlocksPayFeesToTheSignerAndMoveTheHead() throws {
        let f = try ChainFixture()
        let before = try f.balance("X")
        try f.pool.add(ChainFixture.transfer(from: "X", to: Self.y, value: UInt256(12345), nonce: 0))
        let block = try f.seal()
        #expect(block.transactions.count == 1)
        #expect(f.chain.head.hash == block.hash)
        #expect(block.header.gasUsed == 21_000)
        #expect(block.header.beneficiary == .zero)
        // Effective price: the block's base fee (0.875 gwei after an empty genesis) + tip 1 gwei.
        let baseFee = try #require(block.header.baseFeePerGas)
        #expect(baseFee == UInt256(875_000_000))
        let price = baseFee &+ ChainFixture.gwei
        #expect(try f.balance("X") == before &- UInt256(12345) &- UInt256(21_000) &* price)
        #expect(try f.balance("A") == UInt256(21_000) &* ChainFixture.gwei)    // the tip goes to the signer
        let receipts = try #require(f.chain.receipts(hash: block.hash))
        #expect(receipts.count == 1 && receipts[0].succeeded && receipts[0].cumulativeGasUsed == 21_000)
        let location = try #require(f.chain.transactionLocation(block.transactions[0].hash))
        #expect(location.block == block.hash && location.index == 0)
        #expect(f.pool.status.pending == 0)
        #expect(try f.clique.author(of: block.header) == TestKeys.address("A"))
    }

    @Test func anotherNodeImportsTheSameChain() throws {
        let (producer, blocks) = try Self.producedChain(blocks: 5)
        let follower = try ChainFixture()
        for b in blocks {
            let r = try follower.chain.insert(Block(rlp: b.rlpEncoded))
            #expect(r.kind == .extended)
        }
        #expect(follower.chain.head.hash == producer.chain.head.hash)
        #expect(follower.chain.head.header.stateRoot == producer.chain.head.header.stateRoot)
        #expect(try follower.chain.insert(blocks[2]).kind == .alreadyKnown)
    }

    /// Imports `block` changed by `mutate` (resealed by A unless `reseal` is false) and
    /// expects `check` to accept the error; the chain must be untouched.
    static func expectRefused(_ mutate: (inout Block) -> Void, reseal: Bool = true,
                              sourceLocation: SourceLocation = #_sourceLocation,
                              _ check: (BlockImportError) -> Bool) throws {
        let (_, blocks) = try producedChain(blocks: 2)
        let follower = try ChainFixture()
        try follower.chain.insert(blocks[0])
        let headBefore = follower.chain.head
        let stateBefore = try follower.chain.state.head()
        var bad = blocks[1]
        mutate(&bad)
        if reseal { bad.header = try CliqueSeal.sealed(bad.header, with: TestKeys.key("A")) }
        do {
            try follower.chain.insert(bad)
            Issue.record("a bad block was imported", sourceLocation: sourceLocation)
        } catch {
            #expect(check(error), "unexpected error: \(error)", sourceLocation: sourceLocation)
        }
        #expect(follower.chain.head == headBefore, sourceLocation: sourceLocation)
        #expect(follower.chain.header(hash: bad.hash) == nil, sourceLocation: sourceLocation)
        #expect(try follower.chain.state.head()?.root == stateBefore?.root, sourceLocation: sourceLocation)
        // The good block still imports afterwards.
        #expect(try follower.chain.insert(blocks[1]).kind == .extended, sourceLocation: sourceLocation)
    }

    @Test func wrongStateRoot() throws {
        try Self.expectRefused({ $0.header.stateRoot = .emptyTrieRoot }) { if case .stateRootMismatch = $0 { true } else { false } }
    }

    @Test func wrongReceiptsRoot() throws {
        try Self.expectRefused({ $0.header.receiptsRoot = .emptyTrieRoot }) { if case .receiptsRootMismatch = $0 { true } else { false } }
    }

    @Test func wrongGasUsed() throws {
        try Self.expectRefused({ $0.header.gasUsed += 1 }) { if case .gasUsedMismatch = $0 { true } else { false } }
    }

    @Test func gasUsedAboveLimit() throws {
        try Self.expectRefused({ $0.header.gasUsed = $0.header.gasLimit + 1 }) { if case .gasUsedAboveLimit = $0 { true } else { false } }
    }

    @Test func wrongBloom() throws {
        try Self.expectRefused({ $0.header.logsBloom = Bloom(Array(repeating: 0xff, count: 256))! }) {
            if case .bloomMismatch = $0 { true } else { false }
        }
    }

    @Test func transactionsDoNotMatchTheRoot() throws {
        try Self.expectRefused({ $0.transactions.removeLast() }, reseal: false) {
            if case .transactionsRootMismatch = $0 { true } else { false }
        }
    }

    @Test func gasLimitMovesTooFar() throws {
        try Self.expectRefused({ $0.header.gasLimit = $0.header.gasLimit + $0.header.gasLimit / 1024 }) {
            if case .invalidGasLimit = $0 { true } else { false }
        }
    }

    @Test func wrongBaseFee() throws {
        try Self.expectRefused({ $0.header.baseFeePerGas = ($0.header.baseFeePerGas ?? .zero) &+ .one }) {
            if case .invalidBaseFee = $0 { true } else { false }
        }
    }

    @Test func missingBaseFee() throws {
        try Self.expectRefused({ $0.header.baseFeePerGas = nil }) { if case .format = $0 { true } else { false } }
    }

    @Test func wrongNumber() throws {
        try Self.expectRefused({ $0.header.number += 1 }) { if case .invalidNumber = $0 { true } else { false } }
    }

    @Test func unknownParent() throws {
        try Self.expectRefused({ $0.header.parentHash = .emptyTrieRoot }) { if case .unknownParent = $0 { true } else { false } }
    }

    @Test func uncles() throws {
        try Self.expectRefused({ $0.ommers = [$0.header] }, reseal: false) { if case .unclesNotAllowed = $0 { true } else { false } }
    }

    @Test func unauthorizedSealer() throws {
        try Self.expectRefused({ $0.header = try! CliqueSeal.sealed($0.header, with: TestKeys.key("B")) }, reseal: false) {
            if case .consensus(.unauthorizedSigner) = $0 { true } else { false }
        }
    }

    @Test func alteredSealDifficultyAndTimestamp() throws {
        try Self.expectRefused({ $0.header.extraData[$0.header.extraData.count - 2] ^= 1 }, reseal: false) {
            if case .consensus = $0 { true } else { false }
        }
        try Self.expectRefused({ $0.header.difficulty = .one }) { if case .consensus(.wrongDifficulty) = $0 { true } else { false } }
        try Self.expectRefused({ $0.header.timestamp = UInt64(Date().timeIntervalSince1970) + 3600 }) {
            if case .consensus(.futureBlock) = $0 { true } else { false }
        }
    }

    @Test func transactionForAnotherChain() throws {
        try Self.expectRefused({ block in
            block.transactions = [ChainFixture.transfer(from: "X", to: Self.y, value: .one, nonce: 1, chainID: 1)]
            block.header.transactionsRoot = block.computedTransactionsRoot
        }) { if case .invalidTransaction(_, .wrongChainID) = $0 { true } else { false } }
    }

    @Test func transactionWithABadNonce() throws {
        try Self.expectRefused({ block in
            block.transactions = [ChainFixture.transfer(from: "X", to: Self.y, value: .one, nonce: 0)]   // already used
            block.header.transactionsRoot = block.computedTransactionsRoot
        }) { if case .transactionFailed(_, _, .nonceTooLow) = $0 { true } else { false } }
    }

    @Test func exportedBlocksRoundTripThroughRLP() throws {
        let (f, blocks) = try Self.producedChain(blocks: 3)
        for b in blocks {
            let stored = try #require(f.chain.block(hash: b.hash))
            #expect(stored == b)
            #expect(try Block(rlp: stored.rlpEncoded).hash == b.hash)
        }
    }
}
