import NIOCore
import P2P
import Primitives
import Testing
import TestSupport

/// Every value of the EIP-8 RLPx handshake vectors: the three auth and three ack
/// packets decrypted and parsed with the stated keys, the derived aes-secret and
/// mac-secret, and ingress-mac("foo").
@Suite(.enabled(if: Vectors.has(RLPxVectors.path), Comment(rawValue: Vectors.skipReason(RLPxVectors.path))))
struct RLPxHandshakeVectorTests {
    let v: RLPxVectors

    init() throws { v = try RLPxVectors.load() }

    @Test func vectorFileHasThreeAuthsAndThreeAcks() {
        #expect(v.messages(kind: "auth").map(\.name) == ["auth1", "auth2", "auth3"])
        #expect(v.messages(kind: "ack").map(\.name) == ["ack1", "ack2", "ack3"])
    }

    @Test(arguments: ["auth1", "auth2", "auth3"])
    func decodesAuth(_ name: String) throws {
        let message = try #require(v.messages[name])
        let (auth, format) = try RLPx.AuthMessage.open(wire: message.bytes, key: v.staticKeyB)
        #expect(format == (message.isEIP8 ? .eip8 : .preEIP8))
        #expect(auth.initiatorPublicKey == v.staticKeyA.publicKey)
        #expect(auth.nonce == v.nonceA)
        #expect(auth.version == message.version)
        #expect(auth.additionalElements == message.additionalElements)
        #expect(auth.signature.count == 65)
        // The signature over static-shared-secret ^ nonce recovers A's ephemeral key.
        let responder = RLPx.Handshake(role: .responder, staticKey: v.staticKeyB)
        #expect(try responder.recoverEphemeralKey(auth) == v.ephemeralKeyA.publicKey)
        if message.isEIP8 {
            #expect(auth.ephemeralKeyHash == nil)
        } else {
            #expect(message.bytes.count == 307)
            #expect(auth.ephemeralKeyHash == Keccak256.hash(v.ephemeralKeyA.publicKey.uncompressedXY).bytes)
        }
    }

    @Test(arguments: ["ack1", "ack2", "ack3"])
    func decodesAck(_ name: String) throws {
        let message = try #require(v.messages[name])
        let (ack, format) = try RLPx.AckMessage.open(wire: message.bytes, key: v.staticKeyA)
        #expect(format == (message.isEIP8 ? .eip8 : .preEIP8))
        #expect(ack.ephemeralPublicKey == v.ephemeralKeyB.publicKey)
        #expect(ack.nonce == v.nonceB)
        #expect(ack.version == message.version)
        #expect(ack.additionalElements == message.additionalElements)
        if !message.isEIP8 { #expect(message.bytes.count == 210) }
    }

    @Test(arguments: ["auth1", "auth2", "auth3"])
    func authIsRefusedWithTheWrongKey(_ name: String) throws {
        let message = try #require(v.messages[name])
        // A pre-EIP-8 auth that does not authenticate is read as an EIP-8 message whose
        // size prefix is 0x04xx, which needs more bytes than the 307 there are.
        let expected = message.isEIP8
            ? RLPxError.eciesMACMismatch
            : RLPxError.truncated(missing: 2 + (Int(message.bytes[0]) << 8 | Int(message.bytes[1])) - 307)
        #expect(throws: expected) {
            try RLPx.AuthMessage.open(wire: message.bytes, key: v.staticKeyA)
        }
    }

    /// aes-secret, mac-secret and ingress-mac("foo") from the stated keys, nonces and packets.
    @Test func derivesTheStatedSecrets() throws {
        let auth = try #require(v.messages[v.expectedPair.auth]).bytes
        let ack = try #require(v.messages[v.expectedPair.ack]).bytes
        let secrets = SecretValues(try RLPx.Secrets(
            isInitiator: false, localEphemeralKey: v.ephemeralKeyB, remoteEphemeralKey: v.ephemeralKeyA.publicKey,
            initiatorNonce: v.nonceA, recipientNonce: v.nonceB, authPacket: auth, ackPacket: ack,
            remotePublicKey: v.staticKeyA.publicKey))
        #expect(secrets.aes == v.aesSecret)
        #expect(secrets.mac == v.macSecret)
        #expect(secrets.ingressDigest(after: Array("foo".utf8)) == v.ingressMACFoo)
        // A's side of the same pair: the same keys, the MAC states crossed over.
        let initiator = SecretValues(try RLPx.Secrets(
            isInitiator: true, localEphemeralKey: v.ephemeralKeyA, remoteEphemeralKey: v.ephemeralKeyB.publicKey,
            initiatorNonce: v.nonceA, recipientNonce: v.nonceB, authPacket: auth, ackPacket: ack,
            remotePublicKey: v.staticKeyB.publicKey))
        #expect(initiator.aes == v.aesSecret)
        #expect(initiator.mac == v.macSecret)
        #expect(initiator.egressMAC.finalize() == secrets.ingressMAC.finalize())
        #expect(initiator.ingressMAC.finalize() == secrets.egressMAC.finalize())
    }

    /// B's state machine, with B's ephemeral key and nonce, reading auth₂ as one piece and
    /// byte by byte, derives the stated secrets and answers with an ack A can read.
    @Test(arguments: [1, 7, 1000])
    func responderStateMachineDerivesTheStatedSecrets(pieceSize: Int) throws {
        let auth = try #require(v.messages[v.expectedPair.auth]).bytes
        var responder = RLPx.Handshake(role: .responder, staticKey: v.staticKeyB,
                                       ephemeralKey: v.ephemeralKeyB, nonce: v.nonceB)
        var buffer = ByteBuffer()
        var completion: RLPx.Handshake.Completion?
        for start in stride(from: 0, to: auth.count, by: pieceSize) {
            let pending = completion.isNone
            #expect(pending)
            buffer.writeBytes(auth[start..<min(start + pieceSize, auth.count)])
            completion = try responder.read(&buffer)
        }
        let done = CompletionValues(try completion.required())
        #expect(buffer.readableBytes == 0)
        #expect(done.peerFormat == .eip8)
        #expect(done.peerVersion == 4)
        #expect(done.secrets.remotePublicKey == v.staticKeyA.publicKey)
        #expect(done.secrets.aes == v.aesSecret)
        #expect(done.secrets.mac == v.macSecret)
        #expect(done.secrets.ingressDigest(after: Array("foo".utf8)) == v.ingressMACFoo)
        // The reply is an EIP-8 ack to A with B's ephemeral key and nonce.
        let (ack, format) = try RLPx.AckMessage.open(wire: done.reply, key: v.staticKeyA)
        #expect(format == .eip8)
        #expect(ack.ephemeralPublicKey == v.ephemeralKeyB.publicKey)
        #expect(ack.nonce == v.nonceB)
        #expect(ack.version == 4)
    }

    /// A responder answers each auth in its own format; the secrets are the same for all three.
    @Test(arguments: ["auth1", "auth2", "auth3"])
    func responderAnswersInThePeersFormat(_ name: String) throws {
        let message = try #require(v.messages[name])
        var responder = RLPx.Handshake(role: .responder, staticKey: v.staticKeyB,
                                       ephemeralKey: v.ephemeralKeyB, nonce: v.nonceB)
        var buffer = ByteBuffer(bytes: message.bytes + [0xAA, 0xBB])  // plus the start of a frame
        let done = CompletionValues(try responder.read(&buffer).required())
        #expect(buffer.readableBytes == 2)
        #expect(done.peerFormat == (message.isEIP8 ? .eip8 : .preEIP8))
        #expect(done.peerVersion == message.version)
        #expect(done.secrets.aes == v.aesSecret)
        #expect(done.secrets.mac == v.macSecret)
        if message.isEIP8 {
            #expect(done.reply.count > 210)
        } else {
            #expect(done.reply.count == 210)
        }
        let (ack, format) = try RLPx.AckMessage.open(wire: done.reply, key: v.staticKeyA)
        #expect(format == done.peerFormat)
        #expect(ack.nonce == v.nonceB)
    }

    /// A's state machine, with A's ephemeral key and nonce, reads each ack and derives
    /// the stated aes-secret and mac-secret; its own auth decodes with B's key.
    @Test(arguments: ["ack1", "ack2", "ack3"])
    func initiatorStateMachineDerivesTheStatedSecrets(_ name: String) throws {
        let message = try #require(v.messages[name])
        var initiator = RLPx.Handshake(role: .initiator(remote: v.staticKeyB.publicKey), staticKey: v.staticKeyA,
                                       ephemeralKey: v.ephemeralKeyA, nonce: v.nonceA)
        let authPacket = try initiator.makeAuth()
        let (auth, format) = try RLPx.AuthMessage.open(wire: authPacket, key: v.staticKeyB)
        #expect(format == .eip8)
        #expect(auth.initiatorPublicKey == v.staticKeyA.publicKey)
        #expect(auth.nonce == v.nonceA)
        #expect(auth.version == 4)
        let responder = RLPx.Handshake(role: .responder, staticKey: v.staticKeyB)
        #expect(try responder.recoverEphemeralKey(auth) == v.ephemeralKeyA.publicKey)

        var buffer = ByteBuffer(bytes: message.bytes)
        let done = CompletionValues(try initiator.read(&buffer).required())
        #expect(done.reply.isEmpty)
        #expect(done.peerFormat == (message.isEIP8 ? .eip8 : .preEIP8))
        #expect(done.peerVersion == message.version)
        #expect(done.secrets.remotePublicKey == v.staticKeyB.publicKey)
        #expect(done.secrets.aes == v.aesSecret)
        #expect(done.secrets.mac == v.macSecret)
    }
}
