import Testing
import Foundation
import Primitives
import ChainTypes
import Chain
import P2P
import TestSupport

/// A peer that passed the handshake, Hello and Status and then misbehaves costs itself
/// its connection (and, for invalid data, a ban) while the node goes on sealing and
/// serving its other peers; what it can make the node hold is bounded.
@Suite(.serialized) struct HostilePeerTests {
    typealias Node = NetworkTests.Node

    /// One misbehaviour after admission.
    struct Misbehaviour: CustomTestStringConvertible, Sendable {
        let name: String
        /// Whether the node must also ban the peer's key.
        let banned: Bool
        let act: @Sendable (HostilePeer) async throws -> Void
        var testDescription: String { name }
    }

    static let misbehaviours: [Misbehaviour] = [
        Misbehaviour(name: "invalid RLP in an eth message", banned: true) { peer in
            try await peer.sendFrame(id: 0x10 + Eth.MessageID.transactions.rawValue, payload: [0xc3, 0x01])
        },
        Misbehaviour(name: "a message id no capability owns", banned: true) { peer in
            try await peer.sendFrame(id: 0x30, payload: [0xc0])
        },
        Misbehaviour(name: "a Snappy payload declaring 17 MiB", banned: true) { peer in
            // rlp(0x12) ‖ varint(17 MiB) ‖ junk: refused from the declared length, before any allocation.
            let declared = 17 * 1024 * 1024
            let varint: [UInt8] = [UInt8(declared & 0x7f | 0x80), UInt8(declared >> 7 & 0x7f | 0x80), UInt8(declared >> 14 & 0x7f | 0x80),
                                   UInt8(declared >> 21 & 0x7f)]
            try await peer.sendFrame([0x12] + varint + [UInt8](repeating: 0, count: 64))
        },
        Misbehaviour(name: "an announcement list over eth/68's limit", banned: true) { peer in
            let hashes = (0..<(Eth.maximumAnnouncements + 1)).map { Keccak256.hash(Array(String($0).utf8)) }
            try await peer.send(.newPooledTransactionHashes(Eth.NewPooledTransactionHashes(
                hashes.map { .init(type: 2, size: 120, hash: $0) })))
        },
        Misbehaviour(name: "a second Status", banned: true) { peer in
            guard let status = peer.status else { throw MissingValue(what: "status") }
            try await peer.send(.status(status))
        },
        Misbehaviour(name: "bytes that are not an RLPx frame", banned: true) { peer in
            try await peer.sendRaw([UInt8](repeating: 0x5a, count: 96))
        },
    ]

    /// An authority ("A", with `blocks` blocks sealed beforehand) and a follower synced to
    /// it, both networked, and a hostile peer admitted by the authority; runs `body` with them.
    static func withHostilePeer(keys: (String, String), blocks: Int = 0,
                                _ body: (Node, Node, HostilePeer) async throws -> Void) async throws {
        let g = NetworkTests.genesis(signers: ["A"])
        let authority = try Node(genesis: g, nodeKey: keys.0, signer: "A")
        let follower = try Node(genesis: g, nodeKey: keys.1)
        for i in 0..<blocks { try authority.seal(now: 1_700_000_001 + UInt64(i)) }
        try await NetworkTests.running([authority, follower]) {
            follower.network.addPeer(authority.enode)
            try await NetworkTests.until("the follower syncs", seconds: 60) {
                authority.network.peerCount == 1 && follower.chain.head.hash == authority.chain.head.hash
            }
            let port = try #require(authority.network.listeningPort)
            let hostile = try await HostilePeer(port: port, remote: authority.key.publicKey)
            try await hostile.join()
            try await body(authority, follower, hostile)
        }
    }

    /// The authority seals one more block and the follower gets it: sealing and propagation go on.
    static func sealingGoesOn(_ authority: Node, _ follower: Node, now: UInt64 = UInt64(Date().timeIntervalSince1970)) async throws {
        try authority.seal(now: now)
        try await NetworkTests.until("the follower gets the next block") { follower.chain.head.hash == authority.chain.head.hash }
    }

    @Test(arguments: misbehaviours)
    func aMisbehavingPeerIsDroppedWhileSealingGoesOn(_ misbehaviour: Misbehaviour) async throws {
        try await Self.withHostilePeer(keys: ("H1", "H2")) { authority, follower, hostile in
            try await NetworkTests.until("the hostile peer is admitted") { authority.network.peerCount == 2 }

            try await misbehaviour.act(hostile)
            #expect(await hostile.closedByNode(within: 5), "the node kept a peer that sent \(misbehaviour.name)")
            try await NetworkTests.until("only the follower is left") { authority.network.peerCount == 1 }
            try await Self.sealingGoesOn(authority, follower)

            if misbehaviour.banned {
                let port = try #require(authority.network.listeningPort)
                let again = try await HostilePeer(port: port, remote: authority.key.publicKey, key: hostile.key)
                await #expect(throws: HostilePeer.Refused.self) { try await again.join() }
                await again.close()
            }
        }
    }

    /// Asking for headers without reading the answers: the node's queue for that peer
    /// stops at 16 MiB and the peer is disconnected; the follower is unaffected.
    @Test func aPeerThatAsksButDoesNotReadIsDroppedAtTheQueueBound() async throws {
        try await Self.withHostilePeer(keys: ("H3", "H4"), blocks: 1_100) { authority, follower, hostile in
            await hostile.setReading(false)
            // 977 requests of 1,024 headers: 10^6 headers asked for, never read.
            var sent = 0
            for id in 0..<977 {
                do {
                    try await hostile.send(.getBlockHeaders(Eth.GetBlockHeaders(requestID: UInt64(id), origin: .number(0), amount: 1_024)))
                    sent += 1
                } catch { break }  // the node closed the connection: what this test expects
            }
            try await NetworkTests.until("the hostile peer is dropped", seconds: 30) { authority.network.peerCount == 1 }
            #expect(sent > 0)
            await hostile.setReading(true)
            #expect(await hostile.closedByNode(within: 10))
            try await Self.sealingGoesOn(authority, follower, now: authority.chain.head.header.timestamp + 1)
        }
    }

    /// A flood of announced transaction hashes (200,000 here; 10^6 in `make bench`): the
    /// node runs at most ``Peer``'s 4 fetches at once for the peer — never more than 4
    /// requests within one 10-second request timeout — and keeps sealing and serving.
    @Test func aFloodOfAnnouncementsCostsBoundedWork() async throws {
        try await Self.withHostilePeer(keys: ("H5", "H6")) { authority, follower, hostile in
            var counter: UInt64 = 0
            for _ in 0..<49 {  // 49 × 4,096 ≈ 200,000
                let batch = (0..<Eth.maximumAnnouncements).map { _ -> Eth.NewPooledTransactionHashes.Announcement in
                    counter += 1
                    return .init(type: 2, size: 120, hash: Keccak256.hash(counter.bigEndianBytes))
                }
                try await hostile.send(.newPooledTransactionHashes(Eth.NewPooledTransactionHashes(batch)))
            }
            // None is answered: each request holds its fetch slot for the 10-second timeout.
            var arrivals: [ContinuousClock.Instant] = []
            while let m = await hostile.nextEth(within: 4) {
                if case .getPooledTransactions(let r) = m {
                    arrivals.append(hostile.lastArrival)
                    #expect(r.hashes.count <= Eth.maximumTransactions)
                }
            }
            #expect(!arrivals.isEmpty)
            for (i, first) in arrivals.enumerated() {
                let within = arrivals[i...].prefix { $0 - first < .seconds(9) }.count
                #expect(within <= 4, "\(within) requests outstanding at once")
            }
            #expect(authority.network.peerCount == 2)
            try await Self.sealingGoesOn(authority, follower)
            await hostile.close()
        }
    }
}

extension UInt64 {
    fileprivate var bigEndianBytes: [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: self >> (56 - 8 * $0)) } }
}
