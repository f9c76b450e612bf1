import Foundation
import Primitives
public import ChainTypes
import Consensus
import Synchronization

/// The sealing loop of one authority.
///
/// Guarantees, per EIP-225 and go-ethereum: a block is sealed on the current head at
/// `parent.time + period` when in turn; out of turn only after a random extra delay of up
/// to (N/2+1) × 500 ms; never while the signer is among the recent signers or not
/// authorized; with `period` 0 only when transactions are pending (no empty blocks) or
/// when ``requestBlocks(_:)`` asked for some.
/// If the head moves while waiting, the loop starts over on the new head. Stops when
/// the task running ``run()`` is cancelled.
public final class BlockProducer: Sendable {
    public let builder: BlockBuilder
    public let period: UInt64
    private let clock: @Sendable () -> UInt64
    private let wake: AsyncStream<Void>.Continuation
    private let wakeups: Mutex<AsyncStream<Void>?>
    private let sealed: @Sendable (Block) -> Void
    private let failed: @Sendable (BlockImportError) -> Void
    /// With `period` 0: seal (even with nothing pending) until the head reaches this number.
    /// A target, not a count, so a request made while a block is being built is never
    /// consumed by that block's bookkeeping.
    private let requestedHead = Mutex<UInt64>(0)

    /// - Parameters:
    ///   - onSealed: called with each block this producer sealed and committed.
    ///   - onError: called when building a block failed for a reason other than the head moving.
    public init(builder: BlockBuilder, clock: @escaping @Sendable () -> UInt64 = Blockchain.systemClock,
                onSealed: @escaping @Sendable (Block) -> Void = { _ in },
                onError: @escaping @Sendable (BlockImportError) -> Void = { _ in }) {
        self.builder = builder
        period = builder.chain.config.clique?.period ?? 0
        self.clock = clock
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        wake = continuation
        wakeups = Mutex(stream)
        sealed = onSealed
        failed = onError
        builder.pool.onNewTransactions { _ in continuation.yield() }
        builder.chain.onHeadChange { _ in continuation.yield() }
    }

    /// With `period` 0, seals `count` blocks even if the pool is empty (a dev chain's
    /// confidential agent needs later blocks to bury the registry facts its enclave acts on).
    /// No effect with a period, where blocks come anyway.
    public func requestBlocks(_ count: Int) {
        guard period == 0, count > 0 else { return }
        let target = builder.chain.head.header.number &+ UInt64(count)
        requestedHead.withLock { $0 = max($0, target) }
        wake.yield()
    }

    /// Runs the loop until cancelled.
    public func run() async {
        guard let stream = wakeups.withLock({ s -> AsyncStream<Void>? in let taken = s; s = nil; return taken }) else { return }
        var events = stream.makeAsyncIterator()
        let chain = builder.chain
        while !Task.isCancelled {
            let parent = chain.head
            if period == 0 && builder.pool.status.pending == 0 && requestedHead.withLock({ $0 }) <= parent.header.number {
                await waitForEvent(&events, orMilliseconds: 1_000)
                continue
            }
            let header: Header
            let decision: SealDecision
            do {
                header = try builder.prepare(on: parent, now: clock())
                decision = try chain.engine.sealDecision(for: header, signer: builder.signer, reader: chain.headers)
            } catch let e as BlockImportError {
                failed(e); await sleep(milliseconds: 500); continue
            } catch {
                failed(.consensus(error as? ConsensusError ?? .unknownAncestor)); await sleep(milliseconds: 500); continue
            }
            switch decision {
            case .notAuthorized, .mustWait:
                // Another signer must seal next: wait for the head to move.
                await waitForEvent(&events, orMilliseconds: 1_000)
                continue
            case .seal(let wiggle):
                let dueMs = header.timestamp * 1000 + wiggle
                let nowMs = currentMilliseconds()
                if dueMs > nowMs {
                    await sleep(milliseconds: dueMs - nowMs)
                    if Task.isCancelled { return }
                }
            }
            guard chain.head.hash == parent.hash else { continue }
            do {
                let (block, _) = try builder.build(header)
                sealed(block)
            } catch {
                if case .staleParent = error { continue }
                failed(error)
                // A faulty head stays faulty until another branch wins: wait for the head to move.
                if case .faultyParent = error { await waitForEvent(&events, orMilliseconds: 5_000); continue }
                await sleep(milliseconds: 500)
            }
        }
    }

    private func currentMilliseconds() -> UInt64 { UInt64(max(Date().timeIntervalSince1970, 0) * 1000) }

    private func sleep(milliseconds: UInt64) async {
        try? await Task.sleep(for: .milliseconds(Int64(min(milliseconds, 3_600_000))))
    }

    private func waitForEvent(_ events: inout AsyncStream<Void>.Iterator, orMilliseconds timeout: UInt64) async {
        // A pool or head event, or the timeout: whichever comes first.
        let timer = Task { [wake] in
            try? await Task.sleep(for: .milliseconds(Int64(timeout)))
            wake.yield()
        }
        _ = await events.next()
        timer.cancel()
    }
}
