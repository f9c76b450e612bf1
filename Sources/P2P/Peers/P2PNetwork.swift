import Foundation
public import Logging
import NIOCore
import NIOPosix
public import Primitives
import ChainTypes
public import Chain
import Synchronization

/// The node's part in the consortium network: listens for peers, dials its static
/// peers, runs each session (RLPx handshake, allowlist, Hello, Status), serves eth/68
/// requests, keeps the chain in sync with the best peer and propagates blocks and
/// transactions (NETWORK.md sections 1–4).
///
/// Guarantees: a peer is admitted only after its handshake proved its key and, when
/// an allowlist is set, that key is on it; a peer on another network, genesis or fork
/// is disconnected before any chain data flows; anything malformed from a peer costs
/// that peer a Disconnect and a temporary ban and nothing else; block imports and
/// pool admissions from peers run on the network's own import threads, never on
/// Swift's cooperative pool. Thread-safe; ``run()`` runs until cancelled.
public final class P2PNetwork: Sendable {
    public let configuration: P2PConfiguration
    public let chain: Blockchain
    public let pool: TransactionPool
    public let nodeID: NodeID
    let inbox: BlockInbox
    let logger: Logger
    let schedule: ForkSchedule
    let genesisHash: Hash32
    let importThreads: NIOThreadPool

    private let peers = Mutex<[NodeID: Peer]>([:])
    private let bans = Mutex<[NodeID: ContinuousClock.Instant]>([:])
    private let dialTargets: Mutex<[NodeID: EnodeURL]>
    private let boundPort = Mutex<Int?>(nil)
    /// Where the current catch-up started and the highest block number a peer showed.
    private let syncMarks = Mutex<(start: UInt64?, highest: UInt64)>((nil, 0))
    private let events: AsyncStream<NetworkEvent>.Continuation
    private let eventStream: Mutex<AsyncStream<NetworkEvent>?>
    /// Admitted transactions waiting to be gossiped, apart from `events` so that a flood
    /// of them never crowds out a new block.
    let transactionOutbox = TransactionOutbox()

    enum NetworkEvent: Sendable {
        case newCanonical([Hash32])
        case sync
    }

    public init(configuration: P2PConfiguration, chain: Blockchain, pool: TransactionPool, logger: Logger) throws(PeerError) {
        self.configuration = configuration
        self.chain = chain
        self.pool = pool
        self.logger = logger
        nodeID = NodeID(publicKey: configuration.nodeKey.publicKey)
        inbox = BlockInbox(chain: chain)
        guard let genesis = chain.genesis else { throw .malformed("the chain has no genesis block") }
        genesisHash = genesis.hash
        schedule = ForkSchedule(config: chain.config, genesisHash: genesis.hash, genesisTime: genesis.header.timestamp)
        importThreads = NIOThreadPool(numberOfThreads: 2)
        importThreads.start()
        var targets: [NodeID: EnodeURL] = [:]
        for url in configuration.staticPeers where url.nodeID != nodeID { targets[url.nodeID] = url }
        dialTargets = Mutex(targets)
        let (stream, continuation) = AsyncStream<NetworkEvent>.makeStream(bufferingPolicy: .bufferingNewest(4_096))
        events = continuation
        eventStream = Mutex(stream)
        let relay = configuration.relayTransactions
        chain.onHeadChange { result in continuation.yield(.newCanonical(result.newCanonical)) }
        let outbox = transactionOutbox
        pool.onNewTransactions { txs in if relay { outbox.add(txs) } }
    }

    deinit { importThreads.shutdownGracefully { _ in } }

    // MARK: What the node shows

    /// The port the listener is bound to, once ``run()`` started it.
    public var listeningPort: Int? { boundPort.withLock { $0 } }
    public var isListening: Bool { listeningPort != nil }
    public var peerCount: Int { peers.withLock { $0.count } }
    public func peerInfos() -> [PeerInfo] { peers.withLock { Array($0.values) }.map(\.info).sorted { $0.id.description < $1.id.description } }

    /// How far this node is behind its peers (`eth_syncing`, `/ready`): syncing while a
    /// connected peer claims more total difficulty than our head. The highest block is
    /// the highest number a peer has shown us in headers or a NewBlock during this
    /// catch-up (at least one past our head while a peer is ahead); it is an estimate by
    /// peers' word, forgotten once no peer is ahead.
    public func syncProgress() -> (syncing: Bool, startingBlock: UInt64, currentBlock: UInt64, highestBlock: UInt64) {
        let head = chain.head
        let localTD = chain.totalDifficulty(hash: head.hash) ?? .zero
        let current = head.header.number
        let ahead = connectedPeers.contains { $0.totalDifficulty > localTD }
        return syncMarks.withLock { m in
            guard ahead else { m = (nil, 0); return (false, current, current, current) }
            let start = m.start ?? current
            m.start = start
            return (true, start, current, max(m.highest, current + 1))
        }
    }

    /// Notes a block number a peer showed (headers it served, a block it announced).
    func noteShown(number: UInt64) {
        syncMarks.withLock { $0.highest = max($0.highest, number) }
    }

    /// This node's enode URL with `host` (the address peers should dial).
    public func enode(host: String = "127.0.0.1") -> String {
        "enode://\(nodeID)@\(host):\(listeningPort ?? configuration.port)"
    }

    /// Adds a peer to keep connected to (`admin_addPeer`).
    public func addPeer(_ url: EnodeURL) {
        guard url.nodeID != nodeID else { return }
        dialTargets.withLock { $0[url.nodeID] = url }
    }

    /// Stops keeping `id` connected and disconnects it (`admin_removePeer`); false if unknown.
    @discardableResult
    public func removePeer(_ id: NodeID) -> Bool {
        let wasTarget = dialTargets.withLock { $0.removeValue(forKey: id) != nil }
        let peer = peers.withLock { $0[id] }
        peer?.disconnect(.requested)
        return wasTarget || peer != nil
    }

    // MARK: Running

    /// Listens, dials, syncs and propagates until the task is cancelled.
    public func run() async throws {
        guard let stream = eventStream.withLock({ s -> AsyncStream<NetworkEvent>? in let t = s; s = nil; return t }) else { return }
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture { try self.configure(channel, role: .responder) }
            }
        boundPort.withLock { $0 = server.channel.localAddress?.port }
        logger.info("Peer-to-peer listening", metadata: ["enode": "\(enode())"])
        // Every accepted connection must be run to its end (NIO requires each async channel to
        // be closed through `executeThenClose`), so the accept loop is never cancelled: it ends
        // when the server channel closes, and only then are the sessions it started cancelled.
        let (acceptEnded, acceptEndedInput) = AsyncStream<Void>.makeStream()
        let acceptLoop = Task {
            await withDiscardingTaskGroup { sessions in
                do {
                    try await server.executeThenClose { inbound in
                        for try await (child, handshake) in inbound {
                            sessions.addTask { await self.runSession(child, handshake: handshake, inbound: true) }
                        }
                    }
                } catch {
                    self.logger.debug("Listener ended", metadata: ["error": "\(error)"])
                }
                acceptEndedInput.finish()
            }
        }
        do {
            try await withTaskCancellationHandler {
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask { try await self.dialLoop() }
                    group.addTask { await self.handleEvents(stream) }
                    group.addTask { try await self.retryEarlyBlocks() }
                }
            } onCancel: {
                server.channel.close(promise: nil)
            }
        } catch {
            logger.debug("Network stopping", metadata: ["reason": "\(error)"])
        }
        server.channel.close(promise: nil)
        for await _ in acceptEnded {}
        for peer in connectedPeers { peer.disconnect(.clientQuitting) }
        acceptLoop.cancel()
        await acceptLoop.value
        boundPort.withLock { $0 = nil }
    }

    /// The pipeline of a new connection: handshake, read timeout, then the async channel.
    private func configure(_ channel: any Channel, role: RLPx.Handshake.Role) throws
        -> (NIOAsyncChannel<ByteBuffer, ByteBuffer>, EventLoopFuture<RLPx.HandshakeCompleted>) {
        let promise = channel.eventLoop.makePromise(of: RLPx.HandshakeCompleted.self)
        let sync = channel.pipeline.syncOperations
        try sync.addHandler(IdleStateHandler(readTimeout: .seconds(30)))
        try sync.addHandler(ReadTimeoutCloser())
        try sync.addHandler(RLPx.HandshakeHandler(handshake: RLPx.Handshake(role: role, staticKey: configuration.nodeKey)))
        try sync.addHandler(HandshakeWaiter(promise: promise))
        let async = try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
        return (async, promise.futureResult)
    }

    /// Dials every dial target that is not connected, with exponential backoff per target.
    private func dialLoop() async throws {
        var nextAttempt: [NodeID: (at: ContinuousClock.Instant, backoff: Duration)] = [:]
        try await withThrowingDiscardingTaskGroup { dials in
            while !Task.isCancelled {
                let now = ContinuousClock.now
                let connected = Set(peers.withLock { $0.keys })
                for (id, url) in dialTargets.withLock({ $0 }) where !connected.contains(id) && !isBanned(id) {
                    let attempt = nextAttempt[id] ?? (now, .seconds(1))
                    guard attempt.at <= now else { continue }
                    nextAttempt[id] = (now + attempt.backoff, min(attempt.backoff * 2, .seconds(30)))
                    dials.addTask { await self.dial(url) }
                }
                for id in connected { nextAttempt[id] = nil }
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    private func dial(_ url: EnodeURL) async {
        guard let key = try? url.nodeID.publicKey() else { return }
        do {
            let (channel, handshake) = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(.seconds(5))
                .connect(host: url.host.description, port: Int(url.port)) { channel in
                    channel.eventLoop.makeCompletedFuture { try self.configure(channel, role: .initiator(remote: key)) }
                }
            await runSession(channel, handshake: handshake, inbound: false)
        } catch {
            logger.debug("Dial failed", metadata: ["peer": "\(url)", "error": "\(error)"])
        }
    }

    // MARK: Sessions

    private func runSession(_ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>,
                            handshake: EventLoopFuture<RLPx.HandshakeCompleted>, inbound: Bool) async {
        let address = channel.channel.remoteAddress.map(Self.hostPort) ?? "unknown"
        var remote: NodeID?
        do {
            // Everything inside `executeThenClose`, so the channel is closed however the session ends.
            try await channel.executeThenClose { input, output in
                let completed = try await handshake.get()
                let id = NodeID(publicKey: completed.remotePublicKey)
                remote = id
                var frames = input.makeAsyncIterator()
                try await self.session(remote: id, inbound: inbound, address: address, channel: channel.channel,
                                       frames: &frames, output: output)
            }
        } catch let error as PeerError {
            switch error {
            case .malformed, .protocolBreach: if let remote { ban(remote) }
            default: break
            }
            let labels = error.metricLabels
            P2PMetrics.sessionEnded(side: labels.side, reason: labels.reason)
            logger.debug("Peer session ended", metadata: ["peer": "\(remote?.short ?? address)", "reason": "\(error)"])
        } catch let error as RLPxError {
            // After the handshake, bytes that are not a valid frame come from the key holder itself.
            if let remote { ban(remote) }
            P2PMetrics.sessionEnded(side: "local", reason: remote == nil ? "handshake_failed" : "breach_of_protocol")
            logger.debug("Peer session ended", metadata: ["peer": "\(remote?.short ?? address)", "error": "\(error)"])
        } catch {
            P2PMetrics.sessionEnded(side: "local", reason: remote == nil ? "handshake_failed" : "error")
            logger.debug("Peer session ended", metadata: ["peer": "\(remote?.short ?? address)", "error": "\(error)"])
        }
    }

    /// `ip:port` (`[ip]:port` for IPv6), as go-ethereum's `admin_peers` shows remote addresses.
    static func hostPort(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else { return address.description }
        if case .v6 = address { return "[\(ip)]:\(port)" }
        return "\(ip):\(port)"
    }

    /// Why a peer may not be admitted, if it may not.
    private func admissionRefusal(_ remote: NodeID, inbound: Bool) -> DisconnectReason? {
        if remote == nodeID { return .connectedToSelf }
        if let allowed = configuration.allowedNodes, !allowed.contains(remote) { return .uselessPeer }
        if isBanned(remote) { return .uselessPeer }
        let (count, present) = peers.withLock { ($0.count, $0[remote] != nil) }
        if present { return .alreadyConnected }
        let isStatic = dialTargets.withLock { $0[remote] != nil }
        if count >= configuration.maxPeers && !isStatic { return .tooManyPeers }
        return nil
    }

    private func session(remote: NodeID, inbound: Bool, address: String, channel: any Channel,
                         frames: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
                         output: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws {
        func write(_ frame: [UInt8]) async throws { try await output.write(ByteBuffer(bytes: frame)) }
        if let reason = admissionRefusal(remote, inbound: inbound) {
            try? await write(PeerWire.frame(id: P2PMessage.ID.disconnect.rawValue, payload: P2PMessage.disconnect(reason).payload,
                                            snappy: false))
            if configuration.allowedNodes.map({ !$0.contains(remote) }) == true {
                logger.warning("Refused a node not on the allowlist", metadata: ["node": "\(remote)", "address": "\(address)"])
            }
            throw PeerError.rejected(reason)
        }
        // Hello, uncompressed (rlpx.md: Snappy starts after Hello).
        let hello = Hello(clientID: configuration.clientID, capabilities: localCapabilities.map(\.capability), listenPort: UInt16(clamping: listeningPort ?? 0),
                          nodeID: nodeID)
        try await write(PeerWire.frame(id: P2PMessage.ID.hello.rawValue, payload: P2PMessage.hello(hello).payload, snappy: false))
        guard let first = try await frames.next() else { throw PeerError.closed }
        let (helloID, helloPayload) = try PeerWire.parse(Array(buffer: first), snappy: false, limit: P2PMessage.maximumPayloadSize)
        let theirs: Hello
        switch try decodeP2P(id: helloID, payload: helloPayload) {
        case .hello(let h): theirs = h
        case .disconnect(let r): throw PeerError.disconnected(r)
        default: throw PeerError.protocolBreach("expected Hello")
        }
        func refuse(_ reason: DisconnectReason) async throws -> Never {
            try? await write(PeerWire.frame(id: P2PMessage.ID.disconnect.rawValue, payload: P2PMessage.disconnect(reason).payload,
                                            snappy: theirs.protocolVersion >= 5))
            throw PeerError.rejected(reason)
        }
        if theirs.nodeID != remote { try await refuse(.unexpectedIdentity) }
        if theirs.protocolVersion < P2PMessage.protocolVersion { try await refuse(.incompatibleVersion) }
        let table = CapabilityTable(local: localCapabilities, remote: theirs.capabilities)
        guard let eth = table.entry(named: "eth") else { try await refuse(.uselessPeer) }

        // Status: same network, genesis and a compatible fork id, or nothing more.
        try await write(PeerWire.frame(id: eth.offset + Eth.MessageID.status.rawValue, payload: Eth.Message.status(localStatus()).payload,
                                       snappy: true))
        var status: Eth.Status?
        while status == nil {
            guard let frame = try await frames.next() else { throw PeerError.closed }
            let (id, payload) = try PeerWire.parse(Array(buffer: frame), snappy: true)
            if id < P2PMessage.reservedMessageIDs {
                switch try decodeP2P(id: id, payload: payload) {
                case .ping: try await write(PeerWire.frame(id: P2PMessage.ID.pong.rawValue, payload: P2PMessage.pong.payload, snappy: true))
                case .disconnect(let r): throw PeerError.disconnected(r)
                case .pong: break
                case .hello: throw PeerError.protocolBreach("a second Hello")
                }
                continue
            }
            guard id == eth.offset + Eth.MessageID.status.rawValue else { throw PeerError.protocolBreach("expected Status") }
            guard case .status(let s) = try decodeEth(id: Eth.MessageID.status.rawValue, payload: payload) else {
                throw PeerError.protocolBreach("expected Status")
            }
            status = s
        }
        guard let status else { throw PeerError.closed }
        let head = chain.head.header
        if status.networkID != chain.config.chainID || status.genesis != genesisHash
            || schedule.validate(status.forkID, headNumber: head.number, headTime: head.timestamp) != .compatible {
            logger.info("Peer on another chain", metadata: ["peer": "\(remote.short)", "network": "\(status.networkID)",
                                                           "genesis": "\(status.genesis)", "forkId": "\(status.forkID)"])
            try await refuse(.subprotocolError)
        }

        let (queue, queueInput) = AsyncStream<[UInt8]>.makeStream()
        let peer = Peer(id: remote, hello: theirs, inbound: inbound, remoteAddress: address, table: table, ethOffset: eth.offset,
                        cloOffset: table.entry(named: "clo")?.offset,
                        status: status, outbound: queueInput, close: { _ in
                            // Let the writer flush the Disconnect first.
                            channel.eventLoop.scheduleTask(in: .milliseconds(200)) { channel.close(promise: nil) }
                        })
        guard register(peer) else { try await refuse(.alreadyConnected) }
        defer { unregister(peer) }
        P2PMetrics.connected(inbound: inbound)
        logger.info("Peer connected", metadata: ["peer": "\(remote.short)", "client": "\(theirs.clientID)",
                                                 "inbound": "\(inbound)", "address": "\(address)"])
        events.yield(.sync)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await frame in queue {
                    try await output.write(ByteBuffer(bytes: frame))
                    peer.dequeued(bytes: frame.count)
                }
            }
            group.addTask {
                // A first ping at once measures the latency early; then one every 15 s.
                while true {
                    peer.ping()
                    try await Task.sleep(for: .seconds(15))
                }
            }
            defer { group.cancelAll() }
            do {
                while let frame = try await frames.next() {
                    let (id, payload) = try PeerWire.parse(Array(buffer: frame), snappy: true)
                    P2PMetrics.received(bytes: frame.readableBytes, id: id)
                    try await handle(id: id, payload: payload, from: peer)
                }
                throw PeerError.closed
            } catch let error as PeerError {
                peer.disconnect(error.disconnectReason)
                throw error
            }
        }
    }

    private func decodeP2P(id: UInt64, payload: [UInt8]) throws(PeerError) -> P2PMessage {
        do { return try P2PMessage.decode(id: id, payload: payload) } catch { throw .malformed("\(error)") }
    }

    func decodeEth(id: UInt64, payload: [UInt8]) throws(PeerError) -> Eth.Message {
        do { return try Eth.Message.decode(id: id, payload: payload) } catch { throw .malformed("\(error)") }
    }

    /// eth/68, and `clo/1` on a chain with a confidential module (its sections travel there).
    var localCapabilities: [SupportedCapability] { chain.config.confidential == nil ? [.eth68] : [.clo1, .eth68] }

    func localStatus() -> Eth.Status {
        let head = chain.head
        return Eth.Status(networkID: chain.config.chainID, totalDifficulty: chain.totalDifficulty(hash: head.hash) ?? .zero,
                          head: head.hash, genesis: genesisHash,
                          forkID: schedule.forkID(headNumber: head.header.number, headTime: head.header.timestamp))
    }

    private func register(_ peer: Peer) -> Bool {
        peers.withLock { p in
            guard p[peer.id] == nil else { return false }
            p[peer.id] = peer
            return true
        }
    }

    private func unregister(_ peer: Peer) {
        peers.withLock { p in if p[peer.id] === peer { p[peer.id] = nil } }
        peer.failAll()
        logger.info("Peer disconnected", metadata: ["peer": "\(peer.id.short)"])
    }

    func ban(_ id: NodeID) {
        bans.withLock { $0[id] = .now + configuration.banDuration }
    }

    func isBanned(_ id: NodeID) -> Bool {
        bans.withLock { b in
            guard let until = b[id] else { return false }
            if until < .now { b[id] = nil; return false }
            return true
        }
    }

    var connectedPeers: [Peer] { peers.withLock { Array($0.values) } }

    /// Runs `body` on the import threads (never the cooperative pool).
    func onImportThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T? {
        try? await importThreads.runIfActive(body)
    }

    private func retryEarlyBlocks() async throws {
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(1))
            if inbox.heldCount > 0 { _ = await onImportThread { self.inbox.retryDue() } }
        }
    }

    func requestSync() { events.yield(.sync) }
}

extension NodeID {
    /// The first 8 hex digits (log lines).
    var short: String { String(description.prefix(8)) }
}
