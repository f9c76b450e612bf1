import NIOCore
import P2P
import Primitives
import Testing

/// Both completions of one handshake.
struct HandshakePair: ~Copyable {
    let initiator: RLPx.Handshake.Completion
    let responder: RLPx.Handshake.Completion
}

/// A real handshake between two Cloister state machines (random keys), run over
/// byte streams cut into random pieces; returns both sides' completions.
func handshakePair(seed: UInt64 = 1, pieceSizes: ClosedRange<Int> = 1...64) throws -> HandshakePair {
    var rng = SeededGenerator(seed: seed)
    let keyA = Secp256k1.PrivateKey(), keyB = Secp256k1.PrivateKey()
    var initiator = RLPx.Handshake(role: .initiator(remote: keyB.publicKey), staticKey: keyA)
    var responder = RLPx.Handshake(role: .responder, staticKey: keyB)
    let auth = try initiator.makeAuth()

    var toResponder = ByteBuffer()
    var responderDone: RLPx.Handshake.Completion?
    for piece in randomPieces(auth, sizes: pieceSizes, using: &rng) {
        let pending = responderDone.isNone
        #expect(pending, "the responder completes only on the auth's last byte")
        toResponder.writeBytes(piece)
        responderDone = try responder.read(&toResponder)
    }
    let responderCompletion = try responderDone.required("responder completion")
    let responderValues = CompletionValues(responderCompletion)
    #expect(responderValues.secrets.remotePublicKey == keyA.publicKey)

    var toInitiator = ByteBuffer()
    var initiatorDone: RLPx.Handshake.Completion?
    for piece in randomPieces(responderValues.reply, sizes: pieceSizes, using: &rng) {
        let pending = initiatorDone.isNone
        #expect(pending)
        toInitiator.writeBytes(piece)
        initiatorDone = try initiator.read(&toInitiator)
    }
    let initiatorCompletion = try initiatorDone.required("initiator completion")
    let initiatorKey = initiatorCompletion.secrets.remotePublicKey
    #expect(initiatorKey == keyB.publicKey)
    return HandshakePair(initiator: initiatorCompletion, responder: responderCompletion)
}

/// Frames between two codecs built from a real handshake.
@Suite struct RLPxFramingTests {
    static let sizes = [0, 1, 2, 15, 16, 17, 31, 32, 33, 255, 1024, 4097, 70_000]

    @Test(arguments: [UInt64(1), 2, 3])
    func roundTripInRandomPieces(seed: UInt64) throws {
        let pair = try handshakePair(seed: seed)
        var codecA = RLPx.FrameCodec(secrets: pair.initiator.secrets)
        var codecB = RLPx.FrameCodec(secrets: pair.responder.secrets)
        var rng = SeededGenerator(seed: seed &* 7919)

        for (direction, maxPiece) in [(0, 1), (1, 1), (0, 50), (1, 50), (0, 5000), (1, 5000)] {
            let messages = Self.sizes.map { size in (0..<size).map { _ in UInt8.random(in: 0...255, using: &rng) } }
            var wire: [UInt8] = []
            for message in messages {
                wire += direction == 0 ? try codecA.encode(message) : try codecB.encode(message)
            }
            var received: [[UInt8]] = []
            for piece in randomPieces(wire, sizes: 1...maxPiece, using: &rng) {
                received += direction == 0 ? try codecB.decode(piece) : try codecA.decode(piece)
            }
            #expect(received == messages)
            try codecA.finish()
            try codecB.finish()
        }
        // The egress MAC of each side equals the other's ingress MAC after the same frames.
        let (egressA, ingressA) = (codecA.egressMACDigest, codecA.ingressMACDigest)
        let (egressB, ingressB) = (codecB.egressMACDigest, codecB.ingressMACDigest)
        #expect(egressA == ingressB)
        #expect(egressB == ingressA)
        #expect(egressA != ingressA)
    }

    @Test func handshakeMACStatesMatchAcrossSides() throws {
        let pair = try handshakePair()
        let a = SecretValues(pair.initiator.secrets), b = SecretValues(pair.responder.secrets)
        #expect(a.aes == b.aes)
        #expect(a.mac == b.mac)
        #expect(a.aes != a.mac)
        #expect(a.egressMAC.finalize() == b.ingressMAC.finalize())
        #expect(a.ingressMAC.finalize() == b.egressMAC.finalize())
    }

    @Test func frameLayoutIsPaddedToSixteen() throws {
        let pair = try handshakePair()
        var codec = RLPx.FrameCodec(secrets: pair.initiator.secrets)
        for size in Self.sizes {
            let frame = try codec.encode([UInt8](repeating: 0x5A, count: size))
            #expect(frame.count == 32 + (size + 15) / 16 * 16 + 16)
        }
    }

    @Test(arguments: Array(0..<32))
    func tamperedHeaderIsRefused(byte: Int) throws {
        let pair = try handshakePair()
        var sender = RLPx.FrameCodec(secrets: pair.initiator.secrets)
        var receiver = RLPx.FrameCodec(secrets: pair.responder.secrets)
        var frame = try sender.encode(Array("hello".utf8))
        frame[byte] ^= 0x01
        #expect(throws: RLPxError.headerMACMismatch) { try receiver.decode(frame) }
        // The reader stays failed: the session must close.
        #expect(throws: RLPxError.headerMACMismatch) { try receiver.decode(try sender.encode([1])) }
    }

    @Test(arguments: [32, 40, 47, 48, 63])
    func tamperedBodyIsRefused(byte: Int) throws {
        let pair = try handshakePair()
        var sender = RLPx.FrameCodec(secrets: pair.initiator.secrets)
        var receiver = RLPx.FrameCodec(secrets: pair.responder.secrets)
        var frame = try sender.encode([UInt8](repeating: 7, count: 16))  // body bytes 32..<48, MAC 48..<64
        frame[byte] ^= 0x80
        #expect(throws: RLPxError.frameMACMismatch) { try receiver.decode(frame) }
        #expect(throws: RLPxError.frameMACMismatch) { try receiver.finish() }
    }

    @Test func oversizedDeclaredLengthIsRefusedBeforeTheBody() throws {
        let pair = try handshakePair()
        var sender = RLPx.FrameCodec(secrets: pair.initiator.secrets)
        var receiver = RLPx.FrameCodec(secrets: pair.responder.secrets, maximumFrameSize: 1024)
        let frame = try sender.encode([UInt8](repeating: 1, count: 1025))
        // The header alone (32 bytes) is enough to refuse it.
        #expect(throws: RLPxError.frameTooLarge(size: 1025, limit: 1024)) { try receiver.decode(frame.prefix(32)) }
    }

    @Test func writerRefusesMessagesOverItsLimit() throws {
        let pair = try handshakePair()
        var sender = RLPx.FrameCodec(secrets: pair.initiator.secrets, maximumFrameSize: 100)
        var receiver = RLPx.FrameCodec(secrets: pair.responder.secrets)
        #expect(throws: RLPxError.messageTooLarge(size: 101, limit: 100)) {
            try sender.encode([UInt8](repeating: 0, count: 101))
        }
        // Nothing was written and no stream advanced: the next frame still decodes.
        let next = try receiver.decode(try sender.encode([1, 2, 3]))
        #expect(next == [[1, 2, 3]])
        // The 24-bit size field caps the default limit at 2^24 - 1.
        var big = RLPx.FrameCodec(secrets: pair.initiator.secrets)
        #expect(throws: RLPxError.messageTooLarge(size: 1 << 24, limit: (1 << 24) - 1)) {
            try big.encode([UInt8](repeating: 0, count: 1 << 24))
        }
    }

    @Test func largestFrameRoundTrips() throws {
        let pair = try handshakePair()
        var sender = RLPx.FrameCodec(secrets: pair.initiator.secrets)
        var receiver = RLPx.FrameCodec(secrets: pair.responder.secrets)
        let message = [UInt8](repeating: 0xEE, count: (1 << 24) - 1)
        let frames = try receiver.decode(try sender.encode(message))
        #expect(frames == [message])
    }

    @Test(arguments: [1, 5, 16, 31, 32, 33, 47, 63])
    func truncatedInputIsReported(keep: Int) throws {
        let pair = try handshakePair()
        var sender = RLPx.FrameCodec(secrets: pair.initiator.secrets)
        var receiver = RLPx.FrameCodec(secrets: pair.responder.secrets)
        let frame = try sender.encode([UInt8](repeating: 3, count: 10))  // 64 bytes on the wire
        let frames = try receiver.decode(frame.prefix(keep))
        #expect(frames.isEmpty)
        // Before the header is complete only the header's missing bytes are known.
        let missing = keep < 32 ? 32 - keep : 64 - keep
        #expect(throws: RLPxError.truncated(missing: missing)) { try receiver.finish() }
    }

    @Test func framesFromAnotherSessionAreRefused() throws {
        let pair = try handshakePair(seed: 1)
        let other = try handshakePair(seed: 2)
        var sender = RLPx.FrameCodec(secrets: pair.initiator.secrets)
        var stranger = RLPx.FrameCodec(secrets: other.responder.secrets)
        #expect(throws: RLPxError.headerMACMismatch) { try stranger.decode(try sender.encode([1])) }
    }

    @Test func replayedFrameIsRefused() throws {
        let pair = try handshakePair()
        var sender = RLPx.FrameCodec(secrets: pair.initiator.secrets)
        var receiver = RLPx.FrameCodec(secrets: pair.responder.secrets)
        let frame = try sender.encode([9, 9])
        let first = try receiver.decode(frame)
        #expect(first == [[9, 9]])
        #expect(throws: RLPxError.headerMACMismatch) { try receiver.decode(frame) }
    }
}
