/// Why a peer session ended or a request to a peer failed. Every case costs only that
/// peer its connection; none stops the node.
public enum PeerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The peer sent bytes that are not a valid message (bad id, bad compression, bad RLP).
    case malformed(String)
    /// The peer broke the protocol (a second Hello, Status out of place, invalid data).
    case protocolBreach(String)
    /// The peer is not for us: another chain, no shared capability, not on the allowlist.
    case rejected(DisconnectReason)
    /// The peer disconnected, with its reason.
    case disconnected(DisconnectReason)
    /// A request or the handshake took longer than allowed.
    case timeout(String)
    /// The connection closed.
    case closed

    public var description: String {
        switch self {
        case .malformed(let why): "malformed message: \(why)"
        case .protocolBreach(let why): "protocol breach: \(why)"
        case .rejected(let reason): "rejected: \(reason)"
        case .disconnected(let reason): "disconnected by peer: \(reason)"
        case .timeout(let what): "timed out: \(what)"
        case .closed: "connection closed"
        }
    }

    /// The Disconnect reason to send the peer for this error.
    var disconnectReason: DisconnectReason {
        switch self {
        case .malformed, .protocolBreach: .breachOfProtocol
        case .rejected(let r): r
        case .disconnected: .requested
        case .timeout: .pingTimeout
        case .closed: .tcpError
        }
    }
}
