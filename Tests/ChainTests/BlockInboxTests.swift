import Testing
import Foundation
import Primitives
import ChainTypes
import Consensus
import Chain
import TestSupport
import Synchronization

/// Blocks from peers that arrive before their parent, or a little before their time,
/// wait in a bounded queue instead of being lost.
@Suite struct BlockInboxTests {
    final class Clock: Sendable {
        let now: Mutex<UInt64>
        init(_ t: UInt64) { now = Mutex(t) }
        func read() -> UInt64 { now.withLock { $0 } }
        func set(_ t: UInt64) { now.withLock { $0 = t } }
    }

    static func chain(_ n: Int) throws -> [Block] {
        let producer = try ChainFixture()
        return try (0..<n).map { _ in try producer.seal() }
    }

    @Test func orphansImportOnceTheirParentArrives() throws {
        let blocks = try Self.chain(3)
        let node = try ChainFixture()
        let inbox = BlockInbox(chain: node.chain)
        #expect(inbox.submit(blocks[2]) == .waitingForParent(blocks[1].hash))
        #expect(inbox.submit(blocks[1]) == .waitingForParent(blocks[0].hash))
        #expect(inbox.submit(blocks[1]) == .known)
        #expect(inbox.heldCount == 2)
        #expect(inbox.submit(blocks[0]) == .imported(blocks.map(\.hash)))
        #expect(node.chain.head.hash == blocks[2].hash)
        #expect(inbox.heldCount == 0)
        #expect(inbox.submit(blocks[2]) == .known)
    }

    @Test func earlyBlocksWaitForTheirTimeAndFarFutureOnesAreRefused() throws {
        let blocks = try Self.chain(1)
        let t = blocks[0].header.timestamp
        let clock = Clock(t - 5)
        let node = try ChainFixture(clock: { clock.read() })
        let inbox = BlockInbox(chain: node.chain, maxFutureSeconds: 30, clock: { clock.read() })
        #expect(inbox.submit(blocks[0]) == .early(until: t))
        #expect(inbox.retryDue().isEmpty)          // not yet
        clock.set(t)
        #expect(inbox.retryDue() == [.imported([blocks[0].hash])])
        #expect(node.chain.head.hash == blocks[0].hash)

        let far = try ChainFixture(clock: { t - 31 })
        let strict = BlockInbox(chain: far.chain, maxFutureSeconds: 30, clock: { t - 31 })
        guard case .invalid(.consensus(.futureBlock)) = strict.submit(blocks[0]) else {
            Issue.record("a block 31 s ahead was not refused"); return
        }
        #expect(strict.heldCount == 0)
    }

    /// An orphan whose parent arrives while the orphan itself is still a little early is
    /// held again (as early), not dropped as invalid.
    @Test func aReleasedOrphanThatIsStillEarlyIsHeldAgain() throws {
        let t0 = UInt64(Date().timeIntervalSince1970)
        let producer = try ChainFixture(clock: { t0 + 100 })
        let b = producer.builder("A")
        let first = try b.build(try b.prepare(on: producer.chain.head, now: t0)).block
        let second = try b.build(try b.prepare(on: producer.chain.head, now: t0 + 20)).block
        let clock = Clock(t0 + 5)
        let node = try ChainFixture(clock: { clock.read() })
        let inbox = BlockInbox(chain: node.chain, maxFutureSeconds: 30, clock: { clock.read() })
        #expect(inbox.submit(second) == .waitingForParent(first.hash))
        #expect(inbox.submit(first) == .imported([first.hash]))
        #expect(inbox.heldCount == 1, "the early child was dropped when its parent arrived")
        clock.set(second.header.timestamp)
        #expect(inbox.retryDue() == [.imported([second.hash])])
        #expect(node.chain.head.hash == second.hash)
        #expect(inbox.heldCount == 0)
    }

    @Test func theQueueIsBounded() throws {
        let blocks = try Self.chain(5)
        let node = try ChainFixture()
        let inbox = BlockInbox(chain: node.chain, capacity: 2)
        for b in blocks.dropFirst() { _ = inbox.submit(b) }
        #expect(inbox.heldCount == 2)
        // The furthest orphans were dropped: blocks 2 and 3 remain and import behind block 1.
        #expect(inbox.submit(blocks[0]) == .imported([blocks[0].hash, blocks[1].hash, blocks[2].hash]))
        #expect(node.chain.head.header.number == 3)
    }

    @Test func invalidBlocksAreRefusedNotHeld() throws {
        var blocks = try Self.chain(1)
        blocks[0].header.gasUsed += 1
        let node = try ChainFixture()
        let inbox = BlockInbox(chain: node.chain)
        guard case .invalid = inbox.submit(blocks[0]) else { Issue.record("an altered block was accepted"); return }
        #expect(inbox.heldCount == 0)
    }
}
