public import Primitives

/// How a node takes part in the consortium network (NETWORK.md sections 2 and 3).
public struct P2PConfiguration: Sendable {
    /// The node's identity key (`DATADIR/nodekey`).
    public var nodeKey: Secp256k1.PrivateKey
    /// Where to listen for peers (default all interfaces, TCP 30303 as geth).
    public var host: String = "0.0.0.0"
    public var port: Int = 30303
    /// Peers at most, inbound and outbound together (static peers are dialled even when full).
    public var maxPeers: Int = 50
    /// Peers to keep connected to, re-dialled with backoff (`--peers`, `static-nodes.json`).
    public var staticPeers: [EnodeURL] = []
    /// The node ids allowed to connect; nil admits any node (an open dev network).
    public var allowedNodes: Set<NodeID>?
    /// The client id sent in Hello.
    public var clientID: String
    /// Whether transactions received from peers and local RPC are gossiped on.
    public var relayTransactions: Bool = true
    /// How long a peer that broke the protocol may not reconnect.
    public var banDuration: Duration = .seconds(120)

    public init(nodeKey: Secp256k1.PrivateKey, clientID: String) {
        self.nodeKey = nodeKey
        self.clientID = clientID
    }
}
