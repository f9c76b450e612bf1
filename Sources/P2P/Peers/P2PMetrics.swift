import CoreMetrics

/// The network's metrics (exported by the node in Prometheus' text format). Labels take
/// values from closed sets only: a peer cannot add series.
enum P2PMetrics {
    /// Message bytes (after Snappy, before RLPx framing) by direction and protocol.
    static let bytesInP2P = Counter(label: "cloister_p2p_bytes_total", dimensions: [("direction", "in"), ("protocol", "p2p")])
    static let bytesInEth = Counter(label: "cloister_p2p_bytes_total", dimensions: [("direction", "in"), ("protocol", "eth")])
    static let bytesOutP2P = Counter(label: "cloister_p2p_bytes_total", dimensions: [("direction", "out"), ("protocol", "p2p")])
    static let bytesOutEth = Counter(label: "cloister_p2p_bytes_total", dimensions: [("direction", "out"), ("protocol", "eth")])

    /// Counts `bytes` of a message with wire id `id` (ids below 0x10 are the base protocol's).
    static func received(bytes: Int, id: UInt64) {
        (id < P2PMessage.reservedMessageIDs ? bytesInP2P : bytesInEth).increment(by: Int64(bytes))
    }

    static func sent(bytes: Int, baseProtocol: Bool) {
        (baseProtocol ? bytesOutP2P : bytesOutEth).increment(by: Int64(bytes))
    }

    /// Sessions that ended, by who ended them (`local`, `remote`) and why.
    static func sessionEnded(side: String, reason: String) {
        Counter(label: "cloister_p2p_disconnects_total", dimensions: [("side", side), ("reason", reason)]).increment()
    }

    /// Peers admitted (after Hello and Status), by direction.
    static func connected(inbound: Bool) {
        Counter(label: "cloister_p2p_peers_connected_total", dimensions: [("direction", inbound ? "inbound" : "outbound")]).increment()
    }
}

extension DisconnectReason {
    /// The reason as a metric label (one value per code the spec lists, `unknown` for the rest).
    var metricLabel: String {
        switch self {
        case .requested: "requested"
        case .tcpError: "tcp_error"
        case .breachOfProtocol: "breach_of_protocol"
        case .uselessPeer: "useless_peer"
        case .tooManyPeers: "too_many_peers"
        case .alreadyConnected: "already_connected"
        case .incompatibleVersion: "incompatible_version"
        case .nullIdentity: "null_identity"
        case .clientQuitting: "client_quitting"
        case .unexpectedIdentity: "unexpected_identity"
        case .connectedToSelf: "connected_to_self"
        case .pingTimeout: "ping_timeout"
        case .subprotocolError: "subprotocol_error"
        case .unknown: "unknown"
        }
    }
}

extension PeerError {
    /// Who ended a session that ended with this error, and why, as metric labels.
    var metricLabels: (side: String, reason: String) {
        switch self {
        case .malformed, .protocolBreach: ("local", "breach_of_protocol")
        case .rejected(let r): ("local", r.metricLabel)
        case .disconnected(let r): ("remote", r.metricLabel)
        case .timeout: ("local", "timeout")
        case .closed: ("remote", "connection_closed")
        }
    }
}
