import ChainTypes
import Synchronization

/// Transactions the pool admitted, waiting to be gossiped: filled by the pool's
/// callback (one call per admission, so thousands a second under load), drained in
/// batches by the propagation loop, which sends each peer a few large messages instead
/// of one message per transaction.
///
/// Guarantees: at most ``capacity`` transactions wait — past it the oldest are dropped
/// from the gossip (they stay in the pool, and peers still fetch them from the
/// announcements of later batches' senders or see them in blocks); adding never blocks
/// and never waits for the network. Thread-safe.
final class TransactionOutbox: Sendable {
    static let capacity = 16_384

    private let waiting = Mutex<[RecoveredTransaction]>([])
    private let signal: AsyncStream<Void>.Continuation
    /// One element whenever transactions arrived since the last drain.
    let arrivals: AsyncStream<Void>

    init() {
        (arrivals, signal) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    func add(_ txs: [RecoveredTransaction]) {
        guard !txs.isEmpty else { return }
        waiting.withLock { w in
            w += txs
            if w.count > Self.capacity { w.removeFirst(w.count - Self.capacity) }
        }
        signal.yield()
    }

    /// Everything waiting, oldest first; empties the outbox.
    func drain() -> [RecoveredTransaction] {
        waiting.withLock { w in let all = w; w = []; return all }
    }

    func finish() { signal.finish() }
}
