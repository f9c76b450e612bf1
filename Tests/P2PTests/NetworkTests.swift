import Testing
import Foundation
import Logging
import Primitives
import ChainTypes
import Storage
import State
import Consensus
import Chain
import P2P
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Cloister nodes on loopback: handshake, Status, allowlist, sync, propagation.
@Suite(.serialized) struct NetworkTests {
    /// One node: an in-memory chain of a shared genesis, its pool, its network.
    struct Node {
        let chain: Blockchain
        let pool: TransactionPool
        let network: P2PNetwork
        let key: Secp256k1.PrivateKey
        let signer: String?

        init(genesis: Genesis, nodeKey: String, signer: String? = nil, peers: [EnodeURL] = [],
             allowed: Set<NodeID>? = nil) throws {
            let store = InMemoryStore()
            _ = try GenesisInitializer.initialize(store: store, genesis: genesis, file: [])
            let clique = Clique(config: genesis.config.clique!, snapshotStore: StoredCliqueSnapshots(store: store))  // checked: test genesis has Clique
            chain = try Blockchain(store: store, config: genesis.config, engine: clique)
            pool = TransactionPool(chain: chain)
            key = TestKeys.key(nodeKey)
            self.signer = signer
            var config = P2PConfiguration(nodeKey: key, clientID: "Cloister/test")
            config.host = "127.0.0.1"
            config.port = 0
            config.staticPeers = peers
            config.allowedNodes = allowed
            var logger = Logger(label: "p2p-test-\(nodeKey)")
            logger.logLevel = .warning
            network = try P2PNetwork(configuration: config, chain: chain, pool: pool, logger: logger)
        }

        var enode: EnodeURL { EnodeURL(nodeID: network.nodeID, host: .ipv4([127, 0, 0, 1]), port: UInt16(network.listeningPort ?? 0)) }

        /// Seals one block on the head (by `label`, default this node's `signer`) with what the pool holds.
        @discardableResult
        func seal(by label: String? = nil, now: UInt64 = UInt64(Date().timeIntervalSince1970)) throws -> Block {
            let b = BlockBuilder(chain: chain, pool: pool, key: TestKeys.key(label ?? signer ?? "A"))
            return try b.build(try b.prepare(on: chain.head, now: now)).block
        }
    }

    static func genesis(signers: [String], chainID: UInt64 = 1337, period: UInt64 = 0) -> Genesis {
        let config = ChainConfig(chainID: chainID, homesteadBlock: 0, eip150Block: 0, eip155Block: 0, eip158Block: 0,
                                 byzantiumBlock: 0, constantinopleBlock: 0, petersburgBlock: 0, istanbulBlock: 0,
                                 berlinBlock: 0, londonBlock: 0, shanghaiTime: 0, cancunTime: 0,
                                 clique: CliqueConfig(period: period, epoch: 30_000))
        var alloc: [Address: GenesisAccount] = [:]
        for label in ["X", "Y"] { alloc[TestKeys.address(label)] = GenesisAccount(balance: UInt256(1) << 80) }
        return Genesis(config: config, extraData: CliqueSeal.prepareExtraData(vanity: [], signers: signers.map(TestKeys.address).sorted()),
                       gasLimit: 30_000_000, difficulty: .one, alloc: alloc, baseFeePerGas: UInt256(1_000_000_000))
    }

    /// Runs the networks during `body`, then cancels them.
    static func running(_ nodes: [Node], _ body: () async throws -> Void) async throws {
        let tasks = nodes.map { n in Task { try await n.network.run() } }
        defer { for t in tasks { t.cancel() } }
        for n in nodes { try await until("\(n.key) listens") { n.network.isListening } }
        try await body()
    }

    /// Waits (up to `seconds`) for `condition`.
    static func until(_ what: String, seconds: Double = 20, _ condition: () -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            if Date() > deadline { Issue.record("timed out waiting for: \(what)"); throw CancellationError() }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test func twoNodesHandshakeAndExchangeStatus() async throws {
        let g = Self.genesis(signers: ["A"])
        let a = try Node(genesis: g, nodeKey: "N1")
        let b = try Node(genesis: g, nodeKey: "N2")
        try await Self.running([a, b]) {
            a.network.addPeer(b.enode)
            try await Self.until("connected") { a.network.peerCount == 1 && b.network.peerCount == 1 }
            let info = try #require(a.network.peerInfos().first)
            #expect(info.id == b.network.nodeID)
            #expect(info.capabilities == ["eth/68"])
            #expect(info.inbound == false)
            #expect(b.network.peerInfos().first?.inbound == true)
            #expect(info.head == b.chain.head.hash)
        }
    }

    @Test func aNodeOffTheAllowlistOrOnAnotherChainIsRefused() async throws {
        let g = Self.genesis(signers: ["A"])
        let member = try Node(genesis: g, nodeKey: "N10")
        let stranger = try Node(genesis: g, nodeKey: "N3")
        let guarded = try Node(genesis: g, nodeKey: "N4", allowed: [member.network.nodeID])
        let otherChain = try Node(genesis: Self.genesis(signers: ["A"], chainID: 99), nodeKey: "N5")
        try await Self.running([member, stranger, guarded, otherChain]) {
            member.network.addPeer(guarded.enode)      // on the allowlist: admitted
            stranger.network.addPeer(guarded.enode)    // same chain, not on the allowlist
            otherChain.network.addPeer(stranger.enode) // open node, but another chain id and genesis
            try await Self.until("the member is admitted") { guarded.network.peerCount == 1 }
            try await Task.sleep(for: .seconds(2))
            #expect(guarded.network.peerInfos().map(\.id) == [member.network.nodeID])
            #expect(stranger.network.peerCount == 0)
            #expect(otherChain.network.peerCount == 0)
        }
    }

    @Test func aLateNodeSyncsAndThenFollowsTheHead() async throws {
        let g = Self.genesis(signers: ["A"])
        let authority = try Node(genesis: g, nodeKey: "N6", signer: "A")
        let observer = try Node(genesis: g, nodeKey: "N7")
        // 300 blocks, some with transfers, before the observer ever connects.
        for i in 0..<300 as Range<UInt64> {
            if i % 10 == 0 {
                let tx = Transaction.dynamicFee(DynamicFeeTransaction(chainID: 1337, nonce: i / 10, maxPriorityFeePerGas: UInt256(1),
                    maxFeePerGas: UInt256(10_000_000_000), gasLimit: 21_000, to: TestKeys.address("Y"), value: UInt256(i)))
                try authority.pool.add(tx.signed(with: TestKeys.key("X")))
            }
            try authority.seal()
        }
        try await Self.running([authority, observer]) {
            observer.network.addPeer(authority.enode)
            try await Self.until("observer synced 300 blocks", seconds: 60) { observer.chain.head.hash == authority.chain.head.hash }
            #expect(observer.chain.head.header.number == 300)
            // At the head: a new block reaches the observer by propagation.
            let tx = Transaction.dynamicFee(DynamicFeeTransaction(chainID: 1337, nonce: 30, maxPriorityFeePerGas: UInt256(1),
                maxFeePerGas: UInt256(10_000_000_000), gasLimit: 21_000, to: TestKeys.address("Y"), value: UInt256(5)))
            try authority.pool.add(tx.signed(with: TestKeys.key("X")))
            let next = try authority.seal()
            try await Self.until("observer follows") { observer.chain.head.hash == next.hash }
            #expect(try observer.chain.state.latest().account(TestKeys.address("Y"))?.balance
                    == authority.chain.state.latest().account(TestKeys.address("Y"))?.balance)
        }
    }

    @Test func transactionsGossipToTheSealer() async throws {
        let g = Self.genesis(signers: ["A"])
        let authority = try Node(genesis: g, nodeKey: "N8", signer: "A")
        let observer = try Node(genesis: g, nodeKey: "N9")
        try await Self.running([authority, observer]) {
            observer.network.addPeer(authority.enode)
            try await Self.until("connected") { authority.network.peerCount == 1 }
            let tx = Transaction.dynamicFee(DynamicFeeTransaction(chainID: 1337, nonce: 0, maxPriorityFeePerGas: UInt256(1),
                maxFeePerGas: UInt256(10_000_000_000), gasLimit: 21_000, to: TestKeys.address("Y"), value: UInt256(77)))
                .signed(with: TestKeys.key("X"))
            try observer.pool.add(tx)    // as eth_sendRawTransaction on the observer does
            try await Self.until("the authority's pool has it") { authority.pool.transaction(tx.hash) != nil }
            let block = try authority.seal()
            #expect(block.transactions.map(\.hash) == [tx.hash])
            try await Self.until("observer imported it and dropped it from its pool") {
                observer.chain.head.hash == block.hash && observer.pool.transaction(tx.hash) == nil
            }
        }
    }

    @Test func twoAuthoritiesSealInTurnOverTheNetwork() async throws {
        let g = Self.genesis(signers: ["A", "B"], period: 1)
        let a = try Node(genesis: g, nodeKey: "NA", signer: "A")
        let b = try Node(genesis: g, nodeKey: "NB", signer: "B")
        let producers = [a, b].map { n in
            BlockProducer(builder: BlockBuilder(chain: n.chain, pool: n.pool, key: TestKeys.key(n.signer ?? "A")))
        }
        try await Self.running([a, b]) {
            a.network.addPeer(b.enode)
            try await Self.until("connected") { a.network.peerCount == 1 }
            let sealing = producers.map { p in Task { await p.run() } }
            defer { for t in sealing { t.cancel() } }
            try await Self.until("10 blocks on one head", seconds: 40) {
                a.chain.head.header.number >= 10 && a.chain.head.hash == b.chain.head.hash
            }
            // Both signers sealed, and no signer sealed two blocks in a row (2 signers: limit 1 in 2).
            var signers: [Address] = []
            for n in 1...10 as ClosedRange<UInt64> {
                let h = try #require(a.chain.canonicalHeader(n))
                signers.append(try CliqueSeal.recoverSigner(of: h.header))
            }
            #expect(Set(signers) == [TestKeys.address("A"), TestKeys.address("B")])
            for i in 1..<signers.count { #expect(signers[i] != signers[i - 1]) }
        }
    }
}

/// A consortium split in two halves, then healed, converges on one chain and loses no
/// transaction sent during the split; a hostile connection costs only itself.
@Suite(.serialized) struct PartitionTests {
    typealias Node = NetworkTests.Node

    static func transfer(_ from: String, nonce: UInt64, value: UInt64) -> SignedTransaction {
        Transaction.dynamicFee(DynamicFeeTransaction(chainID: 1337, nonce: nonce, maxPriorityFeePerGas: UInt256(1),
                                                     maxFeePerGas: UInt256(10_000_000_000), gasLimit: 21_000,
                                                     to: TestKeys.address("Z"), value: UInt256(value)))
            .signed(with: TestKeys.key(from))
    }

    static func cut(_ a: Node, _ b: Node) {
        a.network.removePeer(b.network.nodeID)
        b.network.removePeer(a.network.nodeID)
    }

    /// The halves of each split: 2+2 (both halves stall after two blocks: a signer may seal
    /// once in three) and 3+1 (the three go on; the one seals at most once).
    static let splits: [[Int]] = [[0, 1], [0, 1, 2]]

    @Test(arguments: splits)
    func aSplitHealsIntoOneChainAndKeepsItsTransactions(_ left: [Int]) async throws {
        let signers = ["A", "B", "C", "D"]
        let g = NetworkTests.genesis(signers: signers, period: 1)
        let nodes = try signers.map { try Node(genesis: g, nodeKey: "P\($0)", signer: $0) }
        let producers = nodes.map { n in BlockProducer(builder: BlockBuilder(chain: n.chain, pool: n.pool, key: TestKeys.key(n.signer ?? "A"))) }
        try await NetworkTests.running(nodes) {
            for i in nodes.indices { for j in nodes.indices where j > i { nodes[i].network.addPeer(nodes[j].enode) } }
            try await NetworkTests.until("full mesh") { nodes.allSatisfy { $0.network.peerCount == 3 } }
            let sealing = producers.map { p in Task { await p.run() } }
            defer { for t in sealing { t.cancel() } }
            try await NetworkTests.until("4 blocks on one head", seconds: 30) {
                nodes[0].chain.head.header.number >= 4 && Set(nodes.map { $0.chain.head.hash }).count == 1
            }
            let right = nodes.indices.filter { !left.contains($0) }
            for i in left { for j in right { Self.cut(nodes[i], nodes[j]) } }
            try await NetworkTests.until("split") {
                left.allSatisfy { nodes[$0].network.peerCount == left.count - 1 }
                    && right.allSatisfy { nodes[$0].network.peerCount == right.count - 1 }
            }
            let leftTx = Self.transfer("X", nonce: 0, value: 11), rightTx = Self.transfer("Y", nonce: 0, value: 22)
            try nodes[left[0]].pool.add(leftTx)
            try nodes[right[0]].pool.add(rightTx)
            try await Task.sleep(for: .seconds(4))
            // Heal.
            for i in left { for j in right { nodes[i].network.addPeer(nodes[j].enode) } }
            try await NetworkTests.until("one head again, both transfers mined", seconds: 60) {
                Set(nodes.map { $0.chain.head.hash }).count == 1
                    && nodes[0].chain.transactionLocation(leftTx.hash) != nil
                    && nodes[0].chain.transactionLocation(rightTx.hash) != nil
            }
            for n in nodes {
                #expect(n.chain.transactionLocation(leftTx.hash) != nil)
                #expect(n.chain.transactionLocation(rightTx.hash) != nil)
            }
        }
    }

    /// Two branches of equal total difficulty (two out-of-turn blocks against one in-turn
    /// block): neither side is "ahead", yet each must fetch the other's branch so the fork
    /// choice (equal weight: the lower block) can pick one. Without that, a 2+2 split that
    /// ends in a tie leaves every signer too recent to seal on its own branch, for good.
    @Test func branchesOfEqualWeightConvergeWhenTheSidesMeet() async throws {
        let labels = ["A", "B", "C", "D"]
        let order = labels.sorted { TestKeys.address($0).bytes.lexicographicallyPrecedes(TestKeys.address($1).bytes) }
        let g = NetworkTests.genesis(signers: labels)
        let x = try Node(genesis: g, nodeKey: "T1"), y = try Node(genesis: g, nodeKey: "T2")
        let common = try x.seal(by: order[1])                      // block 1, in turn: +2
        _ = try y.chain.insert(common)
        try x.seal(by: order[3])                                   // block 2, out of turn: +1
        try x.seal(by: order[0])                                   // block 3, out of turn: +1
        let inTurn = try y.seal(by: order[2])                      // block 2, in turn: +2
        #expect(x.chain.totalDifficulty(hash: x.chain.head.hash) == y.chain.totalDifficulty(hash: y.chain.head.hash))
        try await NetworkTests.running([x, y]) {
            y.network.addPeer(x.enode)
            try await NetworkTests.until("one head", seconds: 20) { x.chain.head.hash == y.chain.head.hash }
            #expect(x.chain.head.hash == inTurn.hash, "equal weight: the lower block wins")
        }
    }

    @Test func garbageFromAConnectionCostsOnlyThatConnection() async throws {
        let g = NetworkTests.genesis(signers: ["A"])
        let a = try Node(genesis: g, nodeKey: "G1", signer: "A")
        let b = try Node(genesis: g, nodeKey: "G2")
        try await NetworkTests.running([a, b]) {
            b.network.addPeer(a.enode)
            try await NetworkTests.until("connected") { a.network.peerCount == 1 }
            // Hostile inputs: random bytes, an oversized "auth" length prefix, a truncated handshake.
            let port = try #require(a.network.listeningPort)
            for payload in [[UInt8](repeating: 0xff, count: 4096), [0xff, 0xff] + [UInt8](repeating: 1, count: 200),
                            Array((0..<307).map { UInt8(truncatingIfNeeded: $0 &* 31) })] {
                try RawSocket.sendAndClose(port: port, payload)
            }
            try await Task.sleep(for: .milliseconds(500))
            #expect(a.network.peerCount == 1)
            try a.seal()
            try await NetworkTests.until("the good peer still follows") { b.chain.head.hash == a.chain.head.hash }
        }
    }
}

/// Writes bytes to a loopback port and closes (hostile-peer tests).
enum RawSocket {
    static func sendAndClose(port: Int, _ bytes: [UInt8]) throws {
        try LoopbackSocket(port: port).send(bytes)
    }
}
