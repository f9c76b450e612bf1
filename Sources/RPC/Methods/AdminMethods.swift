public import Primitives

/// What the `admin_` namespace shows and does, provided by the node's network layer
/// (RPC does not import it). Absent: the namespace has no peer methods.
public struct AdminHooks: Sendable {
    /// `admin_nodeInfo`.
    public struct NodeInfo: Sendable {
        public var id: String
        public var enode: String
        public var name: String
        public var listenPort: Int
        public init(id: String, enode: String, name: String, listenPort: Int) {
            self.id = id; self.enode = enode; self.name = name; self.listenPort = listenPort
        }
    }

    /// One entry of `admin_peers`.
    public struct PeerEntry: Sendable {
        public var id: String
        public var name: String
        public var capabilities: [String]
        public var inbound: Bool
        public var remoteAddress: String
        public var head: Hash32
        public var totalDifficulty: UInt256
        /// The last devp2p ping's round trip, once one was answered.
        public var latency: Duration?
        public init(id: String, name: String, capabilities: [String], inbound: Bool, remoteAddress: String,
                    head: Hash32, totalDifficulty: UInt256, latency: Duration? = nil) {
            self.id = id; self.name = name; self.capabilities = capabilities; self.inbound = inbound
            self.remoteAddress = remoteAddress; self.head = head; self.totalDifficulty = totalDifficulty; self.latency = latency
        }
    }

    public var nodeInfo: @Sendable () -> NodeInfo
    public var peers: @Sendable () -> [PeerEntry]
    /// Adds an enode URL to the peers kept connected; throws a message for a bad URL.
    public var addPeer: @Sendable (String) throws -> Bool
    /// Drops a peer by enode URL or node id; false when unknown.
    public var removePeer: @Sendable (String) throws -> Bool

    public init(nodeInfo: @escaping @Sendable () -> NodeInfo, peers: @escaping @Sendable () -> [PeerEntry],
                addPeer: @escaping @Sendable (String) throws -> Bool, removePeer: @escaping @Sendable (String) throws -> Bool) {
        self.nodeInfo = nodeInfo; self.peers = peers; self.addPeer = addPeer; self.removePeer = removePeer
    }
}

extension RPCBackend {
    func registerAdmin(_ m: inout [String: MethodHandler]) {
        guard let admin = status.admin else { return }
        m["admin_nodeInfo"] = { _, _ in
            let n = admin.nodeInfo()
            return .object([("id", .string(n.id)), ("name", .string(n.name)), ("enode", .string(n.enode)),
                            ("ports", .object([("listener", .int(n.listenPort)), ("discovery", .int(0))])),
                            ("listenAddr", .string("[::]:\(n.listenPort)")),
                            ("protocols", .object([("eth", .object([("network", Quantity.json(self.chain.config.chainID))]))]))])
        }
        m["admin_peers"] = { _, _ in
            .array(admin.peers().map { p in
                .object([("id", .string(p.id)), ("name", .string(p.name)), ("caps", .array(p.capabilities.map(JSON.string))),
                         ("network", .object([("inbound", .bool(p.inbound)), ("remoteAddress", .string(p.remoteAddress))])),
                         ("protocols", .object([("eth", .object([("head", Format.hash(p.head)),
                                                                 ("difficulty", Quantity.json(p.totalDifficulty))]))]))])
            })
        }
        m["admin_addPeer"] = { p, _ in
            try p.atMost(1)
            do { return .bool(try admin.addPeer(try p.string(0))) } catch let e as RPCError { throw e } catch {
                throw RPCError.invalidParams("0: \(error)")
            }
        }
        m["admin_removePeer"] = { p, _ in
            try p.atMost(1)
            do { return .bool(try admin.removePeer(try p.string(0))) } catch let e as RPCError { throw e } catch {
                throw RPCError.invalidParams("0: \(error)")
            }
        }
    }
}
