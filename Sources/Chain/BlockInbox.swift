public import Primitives
public import ChainTypes
import Consensus
import Synchronization

/// Where blocks from peers enter the chain: imported at once when they can be, held
/// in a bounded queue when they cannot be *yet*, refused otherwise.
///
/// Two kinds of block wait rather than being dropped for good:
/// - **orphans**, whose parent is not known yet (it is still in flight from another
///   peer); they are imported as soon as their parent is;
/// - **early blocks**, whose timestamp is ahead of our clock by at most
///   ``maxFutureSeconds`` (clock skew between authorities must not lose a valid
///   block); they are retried by ``retryDue(now:)`` once the clock has passed them.
///
/// Guarantees: at most ``capacity`` blocks wait in all (the orphans furthest from the
/// head, then the latest early blocks, are dropped first); a block is held at most
/// once; senders are recovered from the block itself (nothing a peer says is trusted);
/// every import goes through ``Blockchain/insert(_:knownSenders:)`` with full
/// validation. Thread-safe; imports are synchronous — call from a thread that may
/// block (never Swift's cooperative pool), as the peer layer's import thread does.
public final class BlockInbox: Sendable {
    /// What happened to a submitted block.
    public enum Outcome: Sendable, Equatable {
        /// Imported; the results of it and of any waiting blocks it unblocked, in order.
        case imported([Hash32])
        /// Already known: nothing done.
        case known
        /// Held until its parent arrives.
        case waitingForParent(Hash32)
        /// Held until its timestamp is reached.
        case early(until: UInt64)
        /// Refused: the peer that sent it sent an invalid block.
        case invalid(BlockImportError)

        public static func == (a: Outcome, b: Outcome) -> Bool {
            switch (a, b) {
            case (.imported(let x), .imported(let y)): x == y
            case (.known, .known): true
            case (.waitingForParent(let x), .waitingForParent(let y)): x == y
            case (.early(let x), .early(let y)): x == y
            case (.invalid(let x), .invalid(let y)): x.description == y.description
            default: false
            }
        }
    }

    public let chain: Blockchain
    public let capacity: Int
    public let maxFutureSeconds: UInt64
    private let clock: @Sendable () -> UInt64

    private struct Waiting {
        /// parent hash → blocks waiting for it
        var orphans: [Hash32: [Block]] = [:]
        /// early blocks by hash
        var early: [Hash32: Block] = [:]
        var held: Set<Hash32> = []
        var count: Int { held.count }
    }
    private let waiting = Mutex(Waiting())

    public init(chain: Blockchain, capacity: Int = 1_024, maxFutureSeconds: UInt64 = 30,
                clock: @escaping @Sendable () -> UInt64 = Blockchain.systemClock) {
        self.chain = chain
        self.capacity = capacity
        self.maxFutureSeconds = maxFutureSeconds
        self.clock = clock
    }

    /// Blocks held now.
    public var heldCount: Int { waiting.withLock { $0.count } }

    /// Imports `block`, or holds it, or says why it is invalid.
    public func submit(_ block: Block) -> Outcome {
        let outcome = attempt(block)
        guard case .imported(let hashes) = outcome, let hash = hashes.first else { return outcome }
        return .imported(hashes + releaseChildren(of: hash))
    }

    /// One import attempt of `block` alone: imported, known, held (orphan or early), or invalid.
    private func attempt(_ block: Block) -> Outcome {
        let hash = block.hash
        if waiting.withLock({ $0.held.contains(hash) }) { return .known }
        do {
            let result = try chain.insert(block)
            return result.kind == .alreadyKnown ? .known : .imported([hash])
        } catch {
            switch error {
            case .unknownParent(let parent):
                hold(block, hash: hash) { $0.orphans[parent, default: []].append(block) }
                return .waitingForParent(parent)
            case .consensus(.futureBlock(let timestamp, let now)) where timestamp <= now + maxFutureSeconds:
                hold(block, hash: hash) { $0.early[hash] = block }
                return .early(until: timestamp)
            default:
                return .invalid(error)
            }
        }
    }

    /// Retries early blocks whose time has come; returns the outcome of each retried block.
    @discardableResult
    public func retryDue(now: UInt64? = nil) -> [Outcome] {
        let t = now ?? clock()
        let due = waiting.withLock { w -> [Block] in
            let ready = w.early.values.filter { $0.header.timestamp <= t }.sorted { $0.header.number < $1.header.number }
            for b in ready { w.early[b.hash] = nil; w.held.remove(b.hash) }
            return ready
        }
        return due.map { submit($0) }
    }

    /// Imports the orphans that were waiting for `parent` (and, recursively, theirs).
    /// A released orphan that is still early is held again as an early block.
    private func releaseChildren(of parent: Hash32) -> [Hash32] {
        var imported: [Hash32] = []
        var ready = [parent]
        while let p = ready.popLast() {
            let children = waiting.withLock { w -> [Block] in
                let c = w.orphans.removeValue(forKey: p) ?? []
                for b in c { w.held.remove(b.hash) }
                return c
            }
            for child in children {
                if case .imported = attempt(child) {
                    imported.append(child.hash)
                    ready.append(child.hash)
                }
            }
        }
        return imported
    }

    private func hold(_ block: Block, hash: Hash32, _ insert: (inout Waiting) -> Void) {
        let head = chain.head.header.number
        waiting.withLock { w in
            insert(&w)
            w.held.insert(hash)
            while w.count > capacity { Self.evictOne(&w, head: head) }
        }
    }

    /// Drops the waiting block least likely to be useful: the orphan furthest from the
    /// head, else the early block furthest in the future.
    private static func evictOne(_ w: inout Waiting, head: UInt64) {
        var worst: (parent: Hash32, index: Int, distance: UInt64)?
        for (parent, blocks) in w.orphans {
            for (i, b) in blocks.enumerated() {
                let n = b.header.number
                let d = n > head ? n - head : head - n
                if worst.map({ d > $0.distance }) ?? true { worst = (parent, i, d) }
            }
        }
        if let v = worst, var list = w.orphans[v.parent] {
            let dropped = list.remove(at: v.index)
            w.orphans[v.parent] = list.isEmpty ? nil : list
            w.held.remove(dropped.hash)
            return
        }
        if let latest = w.early.values.max(by: { $0.header.timestamp < $1.header.timestamp }) {
            w.early[latest.hash] = nil
            w.held.remove(latest.hash)
        }
    }
}
