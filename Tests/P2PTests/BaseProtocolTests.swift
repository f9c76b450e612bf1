import Testing
import Primitives
import TestSupport
@testable import P2P

/// `p2p` v5: Hello (with the EIP-8 vector), Disconnect, Ping, Pong.
@Suite struct BaseProtocolTests {
    static let nodeID = NodeID(publicKey: TestKeys.key("A").publicKey)

    static let hello = Hello(clientID: "Cloister/0.1.0/linux/swift", capabilities: [.eth68, .clo1],
                             listenPort: 30303, nodeID: nodeID)

    @Test func helloRoundTrips() throws {
        let payload = P2PMessage.hello(Self.hello).payload
        #expect(try P2PMessage.decode(id: 0x00, payload: payload) == .hello(Self.hello))
        #expect(P2PMessage.hello(Self.hello).id == .hello)
    }

    @Test(.enabled(if: Vectors.has("devp2p/rlpx-vectors.json"),
                   Comment(rawValue: Vectors.skipReason("devp2p/rlpx-vectors.json"))))
    func eip8HelloVector() throws {
        let file = try #require(try Vectors.json("devp2p/rlpx-vectors.json") as? [String: Any])
        let vector = try #require(file["p2p_hello"] as? [String: Any])
        let payload = try Hex.decode(try #require(vector["hex"] as? String))
        let hello = try Hello(rlp: payload)
        // The encoded version is 0x37 = 55 (the vector's label says 22, the version of "mork").
        #expect(hello.protocolVersion == 55)
        #expect(hello.clientID == "kneth/v0.91/plan9")
        #expect(hello.capabilities == [Capability(name: "eth", version: 61), Capability(name: "mork", version: 22)])
        #expect(hello.listenPort == 9999)
        #expect(hello.nodeID.description == "fda1cff674c90c9a197539fe3dfb53086ace64f83ed7c6eabec741f7f381cc80"
                + "3e52ab2cd55d5569bce4347107a310dfd5f88a010cd2ffd1005ca406f1842877")
        // Its three extra elements ([“foo”, “bar”], 3, 4) were ignored; re-encoding drops them.
        #expect(try Hello(rlp: hello.rlpEncoded) == hello)
        #expect(hello.rlpEncoded.count < payload.count)
    }

    @Test func helloIgnoresExtraElements() throws {
        var payload = Array(Self.hello.rlpEncoded.dropFirst(2))  // the list header of a < 256-byte list
        payload += Fixtures.list([Fixtures.int(1)]) + Fixtures.int(99)
        let withExtras = Fixtures.list([payload])
        #expect(try Hello(rlp: reencode(withExtras)) == Self.hello)
    }

    @Test func helloRefusesHostileFields() {
        let good = Self.hello
        // A 63-byte node id.
        let shortID = Fixtures.list([Fixtures.int(5), Fixtures.bytes(Array("x".utf8)), Fixtures.list([]),
                                     Fixtures.int(30303), Fixtures.bytes(Array(repeating: 1, count: 63))])
        #expect(throws: MessageError.invalidField(message: "Hello", field: "nodeId", reason: "63 bytes, expected 64")) {
            try Hello(rlp: shortID)
        }
        // A port above 65535.
        let bigPort = Fixtures.list([Fixtures.int(5), Fixtures.bytes([]), Fixtures.list([]),
                                     Fixtures.int(70_000), Fixtures.bytes(good.nodeID.rawRepresentation)])
        #expect(throws: MessageError.invalidField(message: "Hello", field: "listenPort", reason: "70000 exceeds 65535")) {
            try Hello(rlp: bigPort)
        }
        // An empty capability name.
        let emptyCap = Fixtures.list([Fixtures.int(5), Fixtures.bytes([]),
                                      Fixtures.list([Fixtures.list([Fixtures.bytes([]), Fixtures.int(1)])]),
                                      Fixtures.int(1), Fixtures.bytes(good.nodeID.rawRepresentation)])
        #expect(throws: MessageError.self) { try Hello(rlp: emptyCap) }
        // Truncated (missing node id).
        let truncated = Fixtures.list([Fixtures.int(5), Fixtures.bytes([]), Fixtures.list([]), Fixtures.int(1)])
        #expect(throws: MessageError.rlp(message: "Hello", .unexpectedEnd(offset: 5))) { try Hello(rlp: truncated) }
        // Capabilities as a string.
        let wrongType = Fixtures.list([Fixtures.int(5), Fixtures.bytes([]), Fixtures.bytes([1]), Fixtures.int(1),
                                       Fixtures.bytes(good.nodeID.rawRepresentation)])
        #expect(throws: MessageError.self) { try Hello(rlp: wrongType) }
        // Bytes after the list.
        #expect(throws: MessageError.self) { try Hello(rlp: good.rlpEncoded + [0x80]) }
        // Above the 2 KiB base-protocol limit.
        let huge = Hello(clientID: String(repeating: "x", count: 3000), capabilities: [], listenPort: 0, nodeID: good.nodeID)
        #expect(throws: MessageError.messageTooLarge(message: "Hello", size: huge.rlpEncoded.count, limit: 2048)) {
            try Hello(rlp: huge.rlpEncoded)
        }
    }

    @Test func everyTruncationOfHelloFails() {
        let payload = Self.hello.rlpEncoded
        for n in 0..<payload.count {
            #expect(throws: MessageError.self) { try Hello(rlp: Array(payload.prefix(n))) }
        }
    }

    @Test func disconnectReasonsRoundTrip() throws {
        for code in UInt8(0)...UInt8(0x20) {
            let reason = DisconnectReason(code: code)
            #expect(reason.code == code)
            let payload = P2PMessage.disconnect(reason).payload
            #expect(try P2PMessage.decode(id: 0x01, payload: payload) == .disconnect(reason))
        }
        #expect(DisconnectReason(code: 0x02) == .breachOfProtocol)
        #expect(DisconnectReason(code: 0x10) == .subprotocolError)
        #expect(DisconnectReason(code: 0x0c) == .unknown(0x0c))
        #expect(DisconnectReason.unknown(0x04) == .tooManyPeers)
    }

    @Test func disconnectAcceptsTheFormsClientsSend() throws {
        #expect(try P2PMessage.decode(id: 0x01, payload: [0xc1, 0x04]) == .disconnect(.tooManyPeers))
        #expect(try P2PMessage.decode(id: 0x01, payload: [0xc0]) == .disconnect(.requested))
        #expect(try P2PMessage.decode(id: 0x01, payload: [0x08]) == .disconnect(.clientQuitting))
        #expect(try P2PMessage.decode(id: 0x01, payload: [0x80]) == .disconnect(.requested))
        #expect(throws: MessageError.self) { try P2PMessage.decode(id: 0x01, payload: []) }
        #expect(throws: MessageError.self) { try P2PMessage.decode(id: 0x01, payload: [0x82, 0x01, 0x00]) }
        #expect(throws: MessageError.self) { try P2PMessage.decode(id: 0x01, payload: [0x04, 0x04]) }
        #expect(throws: MessageError.self) { try P2PMessage.decode(id: 0x01, payload: [0xc1, 0xc0]) }
    }

    @Test func pingAndPong() throws {
        #expect(P2PMessage.ping.payload == [0xc0])
        #expect(try P2PMessage.decode(id: 0x02, payload: [0xc0]) == .ping)
        #expect(try P2PMessage.decode(id: 0x03, payload: [0xc0]) == .pong)
        #expect(throws: MessageError.self) { try P2PMessage.decode(id: 0x02, payload: [0x80]) }
        #expect(throws: MessageError.self) { try P2PMessage.decode(id: 0x03, payload: []) }
    }

    @Test func unknownIDsAreRefused() {
        #expect(throws: MessageError.unknownMessageID(protocol: "p2p", id: 0x04)) {
            try P2PMessage.decode(id: 0x04, payload: [0xc0])
        }
    }

    @Test func randomPayloadsNeverTrap() {
        var rng = SeededGenerator(seed: 3)
        let seed = Self.hello.rlpEncoded
        for _ in 0..<3000 {
            var bytes = seed
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            for id in UInt64(0)...4 { _ = try? P2PMessage.decode(id: id, payload: bytes) }
        }
    }

    /// Re-wraps a list payload so its header is canonical for the new length.
    private func reencode(_ bytes: [UInt8]) -> [UInt8] {
        guard let item = try? RLPItem(decoding: bytes) else { return bytes }
        return item.rlpEncoded
    }
}
