import NIOCore
import NIOEmbedded
import P2P
import Primitives
import Testing

/// Records ``RLPx/HandshakeCompleted`` events and inbound frames behind the RLPx handlers.
final class Recorder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    var completed: [RLPx.HandshakeCompleted] = []
    var frames: [[UInt8]] = []

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? RLPx.HandshakeCompleted { completed.append(event) }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = Self.unwrapInboundIn(data)
        frames.append(buffer.readBytes(length: buffer.readableBytes) ?? [])
    }
}

/// The RLPx handlers on two `EmbeddedChannel`s wired back to back.
@Suite struct RLPxChannelTests {
    /// Moves everything `from` wrote to `to`, in random pieces. Returns whether anything moved.
    @discardableResult
    static func pump(_ from: EmbeddedChannel, _ to: EmbeddedChannel, rng: inout SeededGenerator,
                     maxPiece: Int) throws -> Bool {
        var bytes: [UInt8] = []
        while var out = try from.readOutbound(as: ByteBuffer.self) {
            bytes += out.readBytes(length: out.readableBytes) ?? []
        }
        for piece in randomPieces(bytes, sizes: 1...maxPiece, using: &rng) {
            try to.writeInbound(ByteBuffer(bytes: piece))
        }
        return !bytes.isEmpty
    }

    struct Peer {
        let channel = EmbeddedChannel()
        let recorder = Recorder()
        let key = Secp256k1.PrivateKey()
    }

    static func connectedPair(rng: inout SeededGenerator, maxPiece: Int) throws -> (Peer, Peer) {
        let a = Peer(), b = Peer()
        try b.channel.pipeline.syncOperations.addHandlers(
            RLPx.HandshakeHandler(handshake: RLPx.Handshake(role: .responder, staticKey: b.key)), b.recorder)
        try a.channel.pipeline.syncOperations.addHandlers(
            RLPx.HandshakeHandler(handshake: RLPx.Handshake(role: .initiator(remote: b.key.publicKey), staticKey: a.key)),
            a.recorder)
        try b.channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 30303)).wait()
        try a.channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 30303)).wait()
        // auth, then ack (followed, in the same pump, by anything B wrote after it).
        try pump(a.channel, b.channel, rng: &rng, maxPiece: maxPiece)
        try pump(b.channel, a.channel, rng: &rng, maxPiece: maxPiece)
        return (a, b)
    }

    @Test(arguments: [1, 13, 4096])
    func handshakeThenFramesBothWays(maxPiece: Int) throws {
        var rng = SeededGenerator(seed: UInt64(maxPiece))
        let (a, b) = try Self.connectedPair(rng: &rng, maxPiece: maxPiece)
        #expect(a.recorder.completed.map(\.remotePublicKey) == [b.key.publicKey])
        #expect(b.recorder.completed.map(\.remotePublicKey) == [a.key.publicKey])
        #expect(a.recorder.completed.first?.peerFormat == .eip8)
        // The handshake handler has replaced itself with the frame handlers.
        #expect(throws: (any Error).self) { try a.channel.pipeline.syncOperations.handler(type: RLPx.HandshakeHandler.self) }
        #expect(throws: (any Error).self) { try b.channel.pipeline.syncOperations.handler(type: RLPx.HandshakeHandler.self) }

        let messages: [[UInt8]] = [[0x01], [], Array(repeating: 0xAB, count: 3000), Array("status".utf8)]
        for message in messages { try a.channel.writeOutbound(ByteBuffer(bytes: message)) }
        for message in messages.reversed() { try b.channel.writeOutbound(ByteBuffer(bytes: message)) }
        try Self.pump(a.channel, b.channel, rng: &rng, maxPiece: maxPiece)
        try Self.pump(b.channel, a.channel, rng: &rng, maxPiece: maxPiece)
        #expect(b.recorder.frames == messages)
        #expect(a.recorder.frames == messages.reversed())
        #expect(try a.channel.finish().isClean)
        #expect(try b.channel.finish().isClean)
    }

    /// A frame that arrives in the same read as the ack reaches the frame decoder.
    @Test func framesRightBehindTheAckAreDecoded() throws {
        var rng = SeededGenerator(seed: 9)
        let a = Peer(), b = Peer()
        try b.channel.pipeline.syncOperations.addHandlers(
            RLPx.HandshakeHandler(handshake: RLPx.Handshake(role: .responder, staticKey: b.key)), b.recorder)
        try a.channel.pipeline.syncOperations.addHandlers(
            RLPx.HandshakeHandler(handshake: RLPx.Handshake(role: .initiator(remote: b.key.publicKey), staticKey: a.key)),
            a.recorder)
        try b.channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 30303)).wait()
        try a.channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 30303)).wait()
        try Self.pump(a.channel, b.channel, rng: &rng, maxPiece: 10_000)
        // B has completed; its Hello goes out right behind the ack, and A gets both in one read.
        try b.channel.writeOutbound(ByteBuffer(bytes: [0x80, 1, 2, 3]))
        try Self.pump(b.channel, a.channel, rng: &rng, maxPiece: 100_000)
        #expect(a.recorder.frames == [[0x80, 1, 2, 3]])
    }

    @Test func tamperedFrameFiresAnError() throws {
        var rng = SeededGenerator(seed: 3)
        let (a, b) = try Self.connectedPair(rng: &rng, maxPiece: 64)
        try a.channel.writeOutbound(ByteBuffer(bytes: [1, 2, 3]))
        var wire = try #require(try a.channel.readOutbound(as: ByteBuffer.self))
        var bytes = wire.readBytes(length: wire.readableBytes) ?? []
        bytes[40] ^= 1
        #expect(throws: RLPxError.frameMACMismatch) { try b.channel.writeInbound(ByteBuffer(bytes: bytes)) }
        #expect(b.recorder.frames.isEmpty)
    }

    @Test func connectionClosingInsideAFrameIsAnError() throws {
        var rng = SeededGenerator(seed: 4)
        let (a, b) = try Self.connectedPair(rng: &rng, maxPiece: 64)
        try a.channel.writeOutbound(ByteBuffer(bytes: [1, 2, 3]))
        var wire = try #require(try a.channel.readOutbound(as: ByteBuffer.self))
        let bytes = wire.readBytes(length: wire.readableBytes) ?? []
        try b.channel.writeInbound(ByteBuffer(bytes: bytes.dropLast(5)))
        #expect(throws: RLPxError.truncated(missing: 5)) { try b.channel.finish() }
    }

    @Test func authFromTheWrongKeyClosesTheChannel() throws {
        let a = Peer(), b = Peer(), stranger = Secp256k1.PrivateKey()
        try b.channel.pipeline.syncOperations.addHandlers(
            RLPx.HandshakeHandler(handshake: RLPx.Handshake(role: .responder, staticKey: b.key)), b.recorder)
        // A dials the wrong node key: B cannot decrypt the auth.
        try a.channel.pipeline.syncOperations.addHandler(
            RLPx.HandshakeHandler(handshake: RLPx.Handshake(role: .initiator(remote: stranger.publicKey), staticKey: a.key)))
        try b.channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 30303)).wait()
        try a.channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 30303)).wait()
        let auth = try #require(try a.channel.readOutbound(as: ByteBuffer.self))
        #expect(throws: RLPxError.eciesMACMismatch) { try b.channel.writeInbound(auth) }
        #expect(!b.channel.isActive)
        #expect(b.recorder.completed.isEmpty)
    }
}
