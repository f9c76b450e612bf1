import Primitives
import ChainTypes
import Chain

/// Incoming messages of an admitted peer: base protocol, then eth/68 — answered,
/// delivered to the request waiting for them, or handed to the import threads.
///
/// Blocks and transactions a peer pushes are imported before its next message is read,
/// so a peer that floods them is slowed by TCP rather than buffered: the work a peer
/// can queue is one message being handled, ``Peer/maximumFetches`` fetches, and its
/// outbound queue.
extension P2PNetwork {
    /// Most bytes of one response (go-ethereum's soft response limit).
    static let softResponseLimit = 2 * 1024 * 1024

    func handle(id: UInt64, payload: [UInt8], from peer: Peer) async throws(PeerError) {
        if id < P2PMessage.reservedMessageIDs {
            let message: P2PMessage
            do { message = try P2PMessage.decode(id: id, payload: payload) } catch { throw .malformed("\(error)") }
            switch message {
            case .ping: peer.send(.pong)
            case .pong: peer.receivedPong()
            case .disconnect(let reason): throw .disconnected(reason)
            case .hello: throw .protocolBreach("a second Hello")
            }
            return
        }
        guard let route = peer.table.route(wireID: id) else {
            throw .protocolBreach("message id \(id) belongs to no shared capability")
        }
        if route.capability.name == "clo" {
            let message: Clo.Message
            do { message = try Clo.Message.decode(id: route.localID, payload: payload) } catch { throw .malformed("\(error)") }
            switch message {
            case .getSections(let r):
                peer.send(Clo.Message.sections(Clo.Sections(requestID: r.requestID, sections: sections(for: r.hashes))))
            case .sections(let m):
                _ = peer.deliverSections(requestID: m.requestID, m.sections)
            }
            return
        }
        guard route.capability.name == "eth" else { throw .protocolBreach("message id \(id) belongs to no capability this node handles") }
        let message = try decodeEth(id: route.localID, payload: payload)
        switch message {
        case .status:
            throw .protocolBreach("a second Status")
        case .getBlockHeaders(let r):
            peer.send(.blockHeaders(Eth.BlockHeaders(requestID: r.requestID, headers: headers(for: r))))
        case .getBlockBodies(let r):
            peer.send(.blockBodies(Eth.BlockBodies(requestID: r.requestID, bodies: bodies(for: r.hashes))))
        case .getReceipts(let r):
            peer.send(.receipts(Eth.Receipts(requestID: r.requestID, receipts: receipts(for: r.hashes))))
        case .getPooledTransactions(let r):
            var out: [SignedTransaction] = []
            var bytes = 0
            for h in r.hashes {
                guard let tx = pool.transaction(h)?.signed else { continue }
                bytes += tx.networkEncoding.count
                out.append(tx)
                if bytes >= Self.softResponseLimit { break }
            }
            peer.send(.pooledTransactions(Eth.PooledTransactions(requestID: r.requestID, transactions: out)))
        case .blockHeaders(let m):
            _ = peer.deliver(requestID: m.requestID, message)
        case .blockBodies(let m):
            _ = peer.deliver(requestID: m.requestID, message)
        case .receipts(let m):
            _ = peer.deliver(requestID: m.requestID, message)
        case .pooledTransactions(let m):
            _ = peer.deliver(requestID: m.requestID, message)
        case .newBlock(let m):
            let hash = m.block.hash
            peer.markBlock(hash)
            peer.updateHead(hash, totalDifficulty: m.totalDifficulty)
            noteShown(number: m.block.header.number)
            if needsSections([m.block]) {
                // The section comes over clo/1, answered on this same read loop: fetch it off the loop.
                guard peer.beginFetch() else { return }
                let block = m.block
                Task {
                    await self.importFromPeer([block], peer: peer)
                    peer.endFetch()
                }
            } else {
                await importFromPeer([m.block], peer: peer)
            }
        case .newBlockHashes(let m):
            let unknown = m.blocks.filter { peer.markBlock($0.hash); return chain.header(hash: $0.hash) == nil }
            guard !unknown.isEmpty, peer.beginFetch() else { return }
            Task {
                await self.fetchAnnounced(unknown.map(\.hash), from: peer)
                peer.endFetch()
            }
        case .transactions(let m):
            for tx in m.transactions { peer.markTransaction(tx.hash) }
            await admit(m.transactions)
        case .newPooledTransactionHashes(let m):
            for a in m.announcements { peer.markTransaction(a.hash) }
            let unknown = m.announcements.map(\.hash).filter { pool.transaction($0) == nil }
            guard !unknown.isEmpty, peer.beginFetch() else { return }
            Task {
                await self.fetchPooled(unknown, from: peer)
                peer.endFetch()
            }
        }
    }

    // MARK: Serving

    func headers(for r: Eth.GetBlockHeaders) -> [Header] {
        let amount = min(r.amount, UInt64(Eth.maximumHeaders))
        guard amount > 0 else { return [] }
        var number: UInt64
        switch r.origin {
        case .number(let n): number = n
        case .hash(let h):
            guard let header = chain.header(hash: h) else { return [] }
            // A block off the canonical chain is served alone.
            guard chain.canonicalHeader(header.header.number)?.hash == h else { return [header.header] }
            number = header.header.number
        }
        var out: [Header] = []
        var bytes = 0
        let (stride, overflow) = r.skip.addingReportingOverflow(1)
        while out.count < Int(amount), bytes < Self.softResponseLimit, let h = chain.canonicalHeader(number) {
            out.append(h.header)
            bytes += 600
            guard !overflow else { break }
            if r.reverse {
                guard number >= stride else { break }
                number -= stride
            } else {
                let (next, o) = number.addingReportingOverflow(stride)
                guard !o else { break }
                number = next
            }
        }
        return out
    }

    func bodies(for hashes: [Hash32]) -> [Eth.BlockBody] {
        var out: [Eth.BlockBody] = []
        var bytes = 0
        for h in hashes.prefix(Eth.maximumBodies) {
            guard let block = chain.block(hash: h) else { continue }
            out.append(Eth.BlockBody(block))
            bytes += block.transactions.reduce(0) { $0 + $1.networkEncoding.count }
            if bytes >= Self.softResponseLimit { break }
        }
        return out
    }

    /// The sections of `hashes` (empty where unknown), up to the soft response limit.
    func sections(for hashes: [Hash32]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var bytes = 0
        for h in hashes.prefix(Clo.maximumSections) {
            let section = chain.section(of: h)?.rlp ?? []
            out.append(section)
            bytes += section.count
            if bytes >= Self.softResponseLimit { break }
        }
        return out
    }

    /// Whether any of `blocks` carries `0x40` transactions whose section this node lacks.
    func needsSections(_ blocks: [Block]) -> Bool {
        guard chain.config.confidential != nil else { return false }
        return blocks.contains { b in b.transactions.contains { $0.type == .confidential } && !chain.hasSection(for: b.header.hash) }
    }

    /// Fetches from `peer` the sections of the blocks among `blocks` that carry `0x40`
    /// transactions and whose section this node lacks, and stages each with the chain
    /// (which keeps it only when it hashes to the block's vanity). A peer that serves a
    /// section not matching the vanity breaches the protocol.
    func fetchSections(for blocks: [Block], from peer: Peer) async throws {
        let needed = blocks.filter { needsSections([$0]) }
        var rest = needed[...]
        while !rest.isEmpty {
            let batch = Array(rest.prefix(Clo.maximumSections))
            rest = rest.dropFirst(Clo.maximumSections)
            let reply = try await peer.requestSections(batch.map(\.header.hash))
            for (block, bytes) in zip(batch, reply) where !bytes.isEmpty {
                guard chain.stage(sectionBytes: bytes, for: block.header) else {
                    throw PeerError.protocolBreach("a section that does not match block \(block.header.number)'s vanity")
                }
            }
        }
    }

    func receipts(for hashes: [Hash32]) -> [[Receipt]] {
        var out: [[Receipt]] = []
        for h in hashes.prefix(Eth.maximumReceiptBlocks) {
            guard let r = chain.receipts(hash: h) else { continue }
            out.append(r)
            if out.count * 64 > Self.softResponseLimit { break }
        }
        return out
    }

    // MARK: Taking in

    /// Imports blocks a peer sent, on the import threads; an invalid block costs the peer.
    func importFromPeer(_ blocks: [Block], peer: Peer) async {
        do { try await fetchSections(for: blocks, from: peer) } catch {
            logger.info("Sections not served", metadata: ["peer": "\(peer.id.short)", "error": "\(error)"])
            if case .protocolBreach = error as? PeerError { ban(peer.id); peer.disconnect(.breachOfProtocol) }
            return
        }
        let outcomes = await onImportThread { blocks.map { self.inbox.submit($0) } } ?? []
        for (block, outcome) in zip(blocks, outcomes) {
            switch outcome {
            case .invalid(let error):
                logger.info("Invalid block from peer", metadata: ["peer": "\(peer.id.short)", "number": "\(block.header.number)",
                                                                  "error": "\(error)"])
                ban(peer.id)
                peer.disconnect(.breachOfProtocol)
                return
            case .waitingForParent:
                requestSync()
            default:
                break
            }
        }
    }

    /// Fetches announced blocks (header, then body) from the announcing peer and imports them.
    func fetchAnnounced(_ hashes: [Hash32], from peer: Peer) async {
        for hash in hashes.prefix(16) {
            do {
                guard case .blockHeaders(let hs) = try await peer.request({
                    .getBlockHeaders(Eth.GetBlockHeaders(requestID: $0, origin: .hash(hash), amount: 1))
                }), let header = hs.headers.first, header.hash == hash else { continue }
                guard case .blockBodies(let bs) = try await peer.request({
                    .getBlockBodies(Eth.GetBlockBodies(requestID: $0, hashes: [hash]))
                }), let body = bs.bodies.first else { continue }
                await importFromPeer([Block(header: header, transactions: body.transactions, ommers: body.ommers)], peer: peer)
            } catch {
                return
            }
        }
    }

    /// Fetches announced transactions the pool lacks and offers them to it.
    func fetchPooled(_ hashes: [Hash32], from peer: Peer) async {
        var rest = hashes[...]
        while !rest.isEmpty {
            let batch = Array(rest.prefix(256))
            rest = rest.dropFirst(256)
            guard case .pooledTransactions(let m)? = try? await peer.request({
                .getPooledTransactions(Eth.GetPooledTransactions(requestID: $0, hashes: batch))
            }) else { return }
            for tx in m.transactions { peer.markTransaction(tx.hash) }
            await admit(m.transactions)
        }
    }

    /// Offers transactions to the pool on the import threads (signatures are recovered there).
    func admit(_ txs: [SignedTransaction]) async {
        guard !txs.isEmpty else { return }
        _ = await onImportThread { self.pool.add(txs) }
    }
}
