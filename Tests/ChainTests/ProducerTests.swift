import Testing
import Foundation
import Primitives
import ChainTypes
import Consensus
import Chain
import TestSupport

/// The sealing loop's timing rules. The waits are generous: under `swift test` other
/// suites keep the cooperative threads busy, so what is asserted is the blocks' own
/// timestamps and signers, not how fast the test saw them.
@Suite struct ProducerTests {
    /// Waits up to `seconds` for `condition`.
    static func eventually(_ seconds: Double, _ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    @Test func periodZeroSealsOnlyWhenTransactionsArePending() async throws {
        let f = try ChainFixture()
        let producer = BlockProducer(builder: f.builder("A"))
        let task = Task { await producer.run() }
        defer { task.cancel() }
        try await Task.sleep(for: .milliseconds(300))
        #expect(f.chain.head.header.number == 0)   // nothing pending: no empty blocks
        try f.pool.add(ChainFixture.transfer(from: "X", to: TestKeys.address("Y"), value: .one, nonce: 0))
        #expect(await Self.eventually(60) { f.chain.head.header.number == 1 })
        #expect(f.chain.block(hash: f.chain.head.hash)?.transactions.count == 1)
        try await Task.sleep(for: .milliseconds(300))
        #expect(f.chain.head.header.number == 1)
    }

    @Test func periodOneSealsEmptyBlocksOneSecondApart() async throws {
        let genesis = ChainFixture.genesis(signers: ["A"], funded: ["X"], period: 1)
        let f = try ChainFixture(genesis: genesis)
        let producer = BlockProducer(builder: f.builder("A"))
        let task = Task { await producer.run() }
        defer { task.cancel() }
        #expect(await Self.eventually(60) { f.chain.head.header.number >= 3 })
        task.cancel()
        var previous = try #require(f.chain.canonicalHeader(1)).header.timestamp
        for n in 2...3 as ClosedRange<UInt64> {
            let t = try #require(f.chain.canonicalHeader(n)).header.timestamp
            #expect(t >= previous + 1)
            previous = t
        }
    }

    @Test func twoSignersTakeTurns() async throws {
        // Two nodes, each importing the other's blocks; each may seal once in any two blocks.
        let genesis = ChainFixture.genesis(signers: ["A", "B"], funded: ["X"], period: 1)
        let a = try ChainFixture(genesis: genesis)
        let b = try ChainFixture(genesis: genesis)
        let pa = BlockProducer(builder: a.builder("A"), onSealed: { block in _ = try? b.chain.insert(block) })
        let pb = BlockProducer(builder: b.builder("B"), onSealed: { block in _ = try? a.chain.insert(block) })
        let ta = Task { await pa.run() }
        let tb = Task { await pb.run() }
        defer { ta.cancel(); tb.cancel() }
        #expect(await Self.eventually(90) { a.chain.head.header.number >= 4 && b.chain.head.header.number >= 4 })
        ta.cancel(); tb.cancel()
        var signers: [Address] = []
        for n in 1...4 as ClosedRange<UInt64> {
            let h = try #require(a.chain.canonicalHeader(n))
            signers.append(try a.clique.author(of: h.header))
        }
        for i in 1..<signers.count { #expect(signers[i] != signers[i - 1]) }
    }
}
