public import Primitives

/// A message of the `p2p` base protocol, version 5 (devp2p rlpx.md, "p2p Capability"):
/// message ids 0x00–0x03, always at wire offset 0 (ids 0x00–0x0f are reserved for it).
///
/// ``decode(id:payload:)`` is the single entry point for peer bytes (and for fuzzing):
/// it refuses payloads above ``maximumPayloadSize`` before reading them and never traps.
/// Plain `Sendable` values.
public enum P2PMessage: Sendable, Equatable {
    case hello(Hello)
    case disconnect(DisconnectReason)
    case ping
    case pong

    /// The base protocol's message ids.
    public enum ID: UInt64, Sendable, CaseIterable {
        case hello = 0x00
        case disconnect = 0x01
        case ping = 0x02
        case pong = 0x03
    }

    /// The version of the base protocol this node speaks; 5 turns on Snappy (rlpx.md).
    public static let protocolVersion: UInt64 = 5

    /// The number of message ids reserved for the base protocol: capabilities start at 0x10.
    public static let reservedMessageIDs: UInt64 = 0x10

    /// The largest base-protocol payload accepted: 2 KiB (go-ethereum's `baseProtocolMaxMsgSize`).
    public static let maximumPayloadSize = 2 * 1024

    public var id: ID {
        switch self {
        case .hello: .hello
        case .disconnect: .disconnect
        case .ping: .ping
        case .pong: .pong
        }
    }

    /// The RLP payload (uncompressed; the message id is not part of it).
    public var payload: [UInt8] {
        var e = RLPEncoder()
        switch self {
        case .hello(let hello): e.append(hello)
        case .disconnect(let reason): e.appendList { e in e.append(UInt64(reason.code)) }
        case .ping, .pong: e.appendList { _ in }
        }
        return e.bytes
    }

    /// Decodes the (already decompressed) payload of base-protocol message `id`.
    ///
    /// Hello ignores list elements after the node id, as devp2p requires. Ping and Pong
    /// must be lists; their contents are ignored. Disconnect accepts `[reason]`, `[]`
    /// (reason 0x00) and a bare `reason` (some clients send it unwrapped).
    public static func decode(id: UInt64, payload: [UInt8]) throws(MessageError) -> P2PMessage {
        guard let known = ID(rawValue: id) else { throw .unknownMessageID(protocol: "p2p", id: id) }
        switch known {
        case .hello:
            return .hello(try Hello(rlp: payload))
        case .disconnect:
            return .disconnect(try DisconnectReason(payload: payload))
        case .ping, .pong:
            let name = known == .ping ? "Ping" : "Pong"
            _ = try MessageReader.open(payload, message: name, limit: maximumPayloadSize)
            return known == .ping ? .ping : .pong
        }
    }
}

/// The first message on a connection, sent once by each side after the RLPx handshake
/// (rlpx.md, Hello 0x00): `[protocolVersion, clientId, [[cap, version], …], listenPort, nodeId, …]`.
///
/// Decoding checks the payload size (2 KiB), that the node id has 64 bytes, that the port
/// fits 16 bits and that each capability name has 1–32 bytes, and ignores any list
/// elements after the node id (forward compatibility, as devp2p requires). It checks
/// nothing about the protocol version: the session decides what it accepts. A client id
/// that is not UTF-8 is kept with replacement characters.
public struct Hello: Sendable, Hashable, RLPEncodable {
    public var protocolVersion: UInt64
    public var clientID: String
    public var capabilities: [Capability]
    /// The TCP port the peer listens on; 0 when it does not listen.
    public var listenPort: UInt16
    public var nodeID: NodeID

    public init(protocolVersion: UInt64 = P2PMessage.protocolVersion, clientID: String,
                capabilities: [Capability], listenPort: UInt16, nodeID: NodeID) {
        self.protocolVersion = protocolVersion; self.clientID = clientID; self.capabilities = capabilities
        self.listenPort = listenPort; self.nodeID = nodeID
    }

    public func encode(to e: inout RLPEncoder) {
        e.appendList { e in
            e.append(protocolVersion)
            e.appendBytes(Array(clientID.utf8))
            e.appendList { e in
                for cap in capabilities {
                    e.appendList { e in
                        e.appendBytes(Array(cap.name.utf8))
                        e.append(cap.version)
                    }
                }
            }
            e.append(UInt64(listenPort))
            e.appendBytes(nodeID.rawRepresentation)
        }
    }

    /// Decodes a Hello payload (uncompressed, without the message id).
    public init(rlp payload: [UInt8]) throws(MessageError) {
        var r = try MessageReader.open(payload, message: "Hello", limit: P2PMessage.maximumPayloadSize)
        protocolVersion = try r.uint64()
        clientID = String(decoding: try r.bytes(), as: UTF8.self)
        capabilities = try r.sequence("capabilities", limit: P2PMessage.maximumPayloadSize) { r, _ throws(MessageError) in
            var pair = try r.list()
            let name = try pair.bytes()
            guard (1...Capability.maximumNameLength).contains(name.count) else {
                throw .invalidField(message: "Hello", field: "capability name",
                                    reason: "\(name.count) bytes (must be 1–\(Capability.maximumNameLength))")
            }
            let version = try pair.uint64()
            try pair.finish()
            return Capability(name: String(decoding: name, as: UTF8.self), version: version)
        }
        listenPort = try r.integer(UInt16.self, field: "listenPort")
        let id = try r.bytes()
        guard let nodeID = NodeID(rawRepresentation: id) else {
            throw .invalidField(message: "Hello", field: "nodeId", reason: "\(id.count) bytes, expected 64")
        }
        self.nodeID = nodeID
        // Elements after the node id are ignored (rlpx.md: "Implementations must ignore any
        // additional list elements in Hello because they may be used by a future version").
    }
}

/// Why a peer ends the connection: the reason codes of devp2p's Disconnect (rlpx.md, 0x01).
///
/// Codes not in the spec are kept as ``unknown(_:)``; ``init(code:)`` always maps a listed
/// code to its named case, and equality compares codes, so `.unknown(0x04) == .tooManyPeers`.
public enum DisconnectReason: Sendable, Hashable, CustomStringConvertible {
    /// 0x00: disconnect requested.
    case requested
    /// 0x01: TCP sub-system error.
    case tcpError
    /// 0x02: breach of protocol (a malformed message, bad RLP, …).
    case breachOfProtocol
    /// 0x03: useless peer (no shared capability, wrong network, …).
    case uselessPeer
    /// 0x04: too many peers.
    case tooManyPeers
    /// 0x05: already connected.
    case alreadyConnected
    /// 0x06: incompatible p2p protocol version.
    case incompatibleVersion
    /// 0x07: null node identity received.
    case nullIdentity
    /// 0x08: client quitting.
    case clientQuitting
    /// 0x09: unexpected identity in handshake.
    case unexpectedIdentity
    /// 0x0a: identity is the same as this node (connected to itself).
    case connectedToSelf
    /// 0x0b: ping timeout.
    case pingTimeout
    /// 0x10: some other reason specific to a subprotocol.
    case subprotocolError
    /// Any code the spec does not list.
    case unknown(UInt8)

    private static let known: [DisconnectReason] = [
        .requested, .tcpError, .breachOfProtocol, .uselessPeer, .tooManyPeers, .alreadyConnected,
        .incompatibleVersion, .nullIdentity, .clientQuitting, .unexpectedIdentity, .connectedToSelf,
        .pingTimeout, .subprotocolError,
    ]

    public init(code: UInt8) {
        self = Self.known.first { $0.code == code } ?? .unknown(code)
    }

    /// The wire code.
    public var code: UInt8 {
        switch self {
        case .requested: 0x00
        case .tcpError: 0x01
        case .breachOfProtocol: 0x02
        case .uselessPeer: 0x03
        case .tooManyPeers: 0x04
        case .alreadyConnected: 0x05
        case .incompatibleVersion: 0x06
        case .nullIdentity: 0x07
        case .clientQuitting: 0x08
        case .unexpectedIdentity: 0x09
        case .connectedToSelf: 0x0a
        case .pingTimeout: 0x0b
        case .subprotocolError: 0x10
        case .unknown(let c): c
        }
    }

    public static func == (a: DisconnectReason, b: DisconnectReason) -> Bool { a.code == b.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// Decodes a Disconnect payload: `[reason]`, `[]` (requested) or a bare `reason`.
    init(payload: [UInt8]) throws(MessageError) {
        let name = "Disconnect"
        guard payload.count <= P2PMessage.maximumPayloadSize else {
            throw .messageTooLarge(message: name, size: payload.count, limit: P2PMessage.maximumPayloadSize)
        }
        var outer = RLPReader(payload)
        var r = MessageReader(rlp: outer, message: name)
        if try r.nextIsList() {
            r = try MessageReader.open(payload, message: name, limit: P2PMessage.maximumPayloadSize)
            if r.isAtEnd { self = .requested; return }
        } else {
            _ = try MessageReader.step(name) { () throws(RLPError) in try outer.readEncodedItem() }
            try MessageReader.step(name) { () throws(RLPError) in try outer.finish() }
        }
        self.init(code: try r.integer(UInt8.self, field: "reason"))
    }

    public var description: String {
        switch self {
        case .requested: "disconnect requested"
        case .tcpError: "TCP sub-system error"
        case .breachOfProtocol: "breach of protocol"
        case .uselessPeer: "useless peer"
        case .tooManyPeers: "too many peers"
        case .alreadyConnected: "already connected"
        case .incompatibleVersion: "incompatible p2p protocol version"
        case .nullIdentity: "null node identity received"
        case .clientQuitting: "client quitting"
        case .unexpectedIdentity: "unexpected identity"
        case .connectedToSelf: "connected to self"
        case .pingTimeout: "ping timeout"
        case .subprotocolError: "subprotocol error"
        case .unknown(let c): "unknown reason 0x\(String(c, radix: 16))"
        }
    }
}
