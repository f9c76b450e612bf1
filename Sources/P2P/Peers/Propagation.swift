import Primitives
import ChainTypes
import Chain

/// Blocks and transactions leave this node as go-ethereum sends them: a new block in
/// full to √n of the peers that lack it and as a hash to the rest; a transaction in
/// full to √n and announced (type, size, hash) to the rest. Transactions go out in
/// batches: what the pool admitted during one gossip interval (``gossipInterval``) is
/// sent as a few messages per peer, on its own loop, so blocks never wait behind them.
extension P2PNetwork {
    /// How long admitted transactions gather before a batch goes out.
    static let gossipInterval: Duration = .milliseconds(25)

    func handleEvents(_ stream: AsyncStream<NetworkEvent>) async {
        // One sync at a time; requests arriving during it are folded into one more run.
        let syncs = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await _ in syncs.stream { await self.syncWithBestPeer() }
            }
            group.addTask {
                for await _ in self.transactionOutbox.arrivals {
                    try? await Task.sleep(for: Self.gossipInterval)
                    self.broadcastTransactions(self.transactionOutbox.drain())
                }
            }
            for await event in stream {
                switch event {
                case .newCanonical(let hashes): broadcastBlocks(hashes)
                case .sync: syncs.continuation.yield()
                }
            }
            syncs.continuation.finish()
            transactionOutbox.finish()
        }
    }

    private func broadcastBlocks(_ hashes: [Hash32]) {
        for hash in hashes {
            guard let block = chain.block(hash: hash), let td = chain.totalDifficulty(hash: hash) else { continue }
            let lacking = connectedPeers.filter { !$0.knows(block: hash) }
            guard !lacking.isEmpty else { continue }
            let fullCount = Self.squareRoot(lacking.count)
            for (i, peer) in lacking.shuffled().enumerated() {
                peer.markBlock(hash)
                if i < fullCount {
                    peer.send(.newBlock(Eth.NewBlock(block: block, totalDifficulty: td)))
                } else {
                    peer.send(.newBlockHashes(Eth.NewBlockHashes([.init(hash: hash, number: block.header.number)])))
                }
            }
        }
    }

    private func broadcastTransactions(_ txs: [RecoveredTransaction]) {
        let peers = connectedPeers
        guard !peers.isEmpty, !txs.isEmpty else { return }
        let fullCount = Self.squareRoot(peers.count)
        for (i, peer) in peers.shuffled().enumerated() {
            let fresh = txs.filter { !peer.knows(transaction: $0.hash) }
            guard !fresh.isEmpty else { continue }
            for tx in fresh { peer.markTransaction(tx.hash) }
            if i < fullCount {
                // Messages of up to 1,024 transactions or about 1 MiB, whichever comes first.
                var batch: [SignedTransaction] = []
                var bytes = 0
                for tx in fresh {
                    batch.append(tx.signed)
                    bytes += tx.signed.networkEncoding.count
                    if batch.count == 1_024 || bytes >= 1 << 20 {
                        peer.send(.transactions(Eth.Transactions(batch)))
                        batch = []; bytes = 0
                    }
                }
                if !batch.isEmpty { peer.send(.transactions(Eth.Transactions(batch))) }
            } else {
                let announcements = fresh.map { tx in
                    Eth.NewPooledTransactionHashes.Announcement(type: tx.signed.transaction.type.rawValue,
                                                                size: UInt32(clamping: tx.signed.networkEncoding.count), hash: tx.hash)
                }
                for chunk in stride(from: 0, to: announcements.count, by: 4_096) {
                    peer.send(.newPooledTransactionHashes(Eth.NewPooledTransactionHashes(
                        Array(announcements[chunk..<min(chunk + 4_096, announcements.count)]))))
                }
            }
        }
    }

    /// ⌈√n⌉, at least 1 (go-ethereum sends full blocks and transactions to √n peers).
    static func squareRoot(_ n: Int) -> Int {
        var r = 1
        while r * r < n { r += 1 }
        return r
    }
}
