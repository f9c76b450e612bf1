import Primitives
import ChainTypes
import Chain

/// Full sync by forward batches (NETWORK.md section 4, the simple choice): while a peer
/// claims more total difficulty than our head — or as much, on a head we do not have —
/// fetch headers from a little below our
/// head in batches, check they link, fetch their bodies — spread over every peer that
/// claims to be ahead — and import each block with full validation. A restart resumes
/// from the stored head. A peer whose headers do not link or whose block is invalid is
/// dropped and banned; the batch is fetched again from another.
extension P2PNetwork {
    /// Headers per request.
    static let syncBatch: UInt64 = 128
    /// How far below our head a sync starts, so a short fork of ours is replaced by the
    /// peer's branch (Clique forks are a few blocks deep).
    static let syncOverlap: UInt64 = 32

    func syncWithBestPeer() async {
        while !Task.isCancelled {
            let localTD = chain.totalDifficulty(hash: chain.head.hash) ?? .zero
            // A peer of equal weight on a branch we lack counts too: the fork choice (equal
            // weight: the lower block) must see both branches, or a tie after a partition
            // would leave each side's signers too recent to seal on its own branch.
            let ahead = connectedPeers.filter {
                $0.totalDifficulty > localTD || ($0.totalDifficulty == localTD && chain.header(hash: $0.head) == nil)
            }.sorted { $0.totalDifficulty > $1.totalDifficulty }
            guard let best = ahead.first else { return }
            do {
                try await syncBatch(from: best, helpers: Array(ahead.dropFirst()))
            } catch {
                logger.info("Sync with peer failed", metadata: ["peer": "\(best.id.short)", "error": "\(error)"])
                if case .protocolBreach = error as? PeerError { ban(best.id); best.disconnect(.breachOfProtocol) }
                // Without progress from the best peer, wait for another event rather than spin.
                if connectedPeers.count <= 1 { return }
            }
        }
    }

    private func syncBatch(from peer: Peer, helpers: [Peer]) async throws {
        let head = chain.head.header.number
        let start = head > Self.syncOverlap ? head - Self.syncOverlap : 0
        guard case .blockHeaders(let reply) = try await peer.request({
            .getBlockHeaders(Eth.GetBlockHeaders(requestID: $0, origin: .number(start + 1), amount: Self.syncBatch))
        }) else { throw PeerError.protocolBreach("GetBlockHeaders answered with another message") }
        let headers = reply.headers
        guard !headers.isEmpty else {
            // The peer claims more weight but serves nothing past our head: believe the chain, not the claim.
            peer.updateHead(chain.head.hash, totalDifficulty: chain.totalDifficulty(hash: chain.head.hash) ?? .zero)
            return
        }
        guard headers.count <= Int(Self.syncBatch) else { throw PeerError.protocolBreach("more headers than asked") }
        for (i, h) in headers.enumerated() {
            guard h.number == start + 1 + UInt64(i) else { throw PeerError.protocolBreach("headers out of order") }
            if i > 0, h.parentHash != headers[i - 1].hash { throw PeerError.protocolBreach("headers do not link") }
        }
        if let last = headers.last { noteShown(number: last.number) }
        // Headers we already have need no body.
        let needed = headers.filter { chain.header(hash: $0.hash) == nil }
        guard !needed.isEmpty else {
            if let last = headers.last, chain.header(hash: last.hash) != nil, headers.count < Int(Self.syncBatch) {
                peer.updateHead(last.hash, totalDifficulty: chain.totalDifficulty(hash: last.hash) ?? .zero)
            }
            return
        }
        let bodies = try await fetchBodies(needed, sources: [peer] + helpers)
        var blocks: [Block] = []
        for h in needed {
            guard let body = bodies[h.hash] else { throw PeerError.protocolBreach("missing body") }
            blocks.append(Block(header: h, transactions: body.transactions, ommers: body.ommers))
        }
        try await fetchSections(for: blocks, from: peer)
        let ready = blocks
        let outcomes = await onImportThread { ready.map { self.inbox.submit($0) } } ?? []
        for (block, outcome) in zip(blocks, outcomes) {
            if case .invalid(let e) = outcome {
                throw PeerError.protocolBreach("invalid block \(block.header.number): \(e)")
            }
        }
        if let last = blocks.last, outcomes.count == blocks.count {
            logger.info("Synced blocks", metadata: ["from": "\(blocks[0].header.number)", "to": "\(last.header.number)",
                                                    "peer": "\(peer.id.short)"])
        }
    }

    /// Bodies for `headers`, requested from `sources` in turn (one slice each, in parallel);
    /// a body whose transactions do not match its header's root is not accepted.
    private func fetchBodies(_ headers: [Header], sources: [Peer]) async throws -> [Hash32: Eth.BlockBody] {
        let sliceSize = max(1, (headers.count + sources.count - 1) / sources.count)
        let slices = stride(from: 0, to: headers.count, by: sliceSize).map { Array(headers[$0..<min($0 + sliceSize, headers.count)]) }
        var out: [Hash32: Eth.BlockBody] = [:]
        try await withThrowingTaskGroup(of: [(Hash32, Eth.BlockBody)].self) { group in
            for (i, slice) in slices.enumerated() {
                let primary = sources[i % sources.count], fallback = sources[0]
                group.addTask {
                    for source in [primary, fallback] {
                        guard case .blockBodies(let reply)? = try? await source.request({
                            .getBlockBodies(Eth.GetBlockBodies(requestID: $0, hashes: slice.map(\.hash)))
                        }) else { continue }
                        var got: [(Hash32, Eth.BlockBody)] = []
                        for (header, body) in zip(slice, reply.bodies) {
                            let block = Block(header: header, transactions: body.transactions, ommers: body.ommers)
                            guard block.computedTransactionsRoot == header.transactionsRoot else { break }
                            got.append((header.hash, body))
                        }
                        if got.count == slice.count { return got }
                    }
                    throw PeerError.protocolBreach("no peer served the bodies")
                }
            }
            for try await pairs in group { for (h, b) in pairs { out[h] = b } }
        }
        return out
    }
}
