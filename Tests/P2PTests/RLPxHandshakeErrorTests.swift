import NIOCore
import P2P
import Primitives
import Testing

/// Auth and ack messages that must be refused, each with its own typed error.
@Suite struct RLPxHandshakeErrorTests {
    let keyA = Secp256k1.PrivateKey()
    let keyB = Secp256k1.PrivateKey()

    func responder() -> RLPx.Handshake { RLPx.Handshake(role: .responder, staticKey: keyB) }

    /// `size ‖ ECIES(B, body)` with `size` as the shared MAC data.
    func sealEIP8(_ body: [UInt8], to key: Secp256k1.PublicKey) throws -> [UInt8] {
        let size = body.count + ECIES.overhead
        let prefix = [UInt8(size >> 8), UInt8(size & 0xff)]
        return try prefix + ECIES.encrypt(body, to: key, sharedMacData: prefix,
                                          ephemeralKey: Secp256k1.PrivateKey(), iv: [UInt8](repeating: 1, count: 16))
    }

    /// The error `read` throws for `wire`, fed whole.
    func refusal(_ wire: [UInt8], handshake: RLPx.Handshake? = nil) -> RLPxError? {
        var h = handshake ?? responder()
        var buffer = ByteBuffer(bytes: wire)
        do {
            _ = try h.read(&buffer)
            return nil
        } catch {
            return error
        }
    }

    /// An EIP-8 auth body from A to B; valid unless told to break the signature or to
    /// encode another public key or nonce than the ones signed.
    func authBody(version: UInt64 = 4, nonce: [UInt8] = [UInt8](repeating: 7, count: 32), breakSignature: Bool = false,
                  publicKey: [UInt8]? = nil, encodedNonce: [UInt8]? = nil) throws -> [UInt8] {
        let ephemeral = Secp256k1.PrivateKey()
        var token = try keyA.sharedSecret(with: keyB.publicKey)
        if breakSignature { token[0] ^= 1 }
        let signature = ephemeral.sign(hash: try #require(Hash32(zip(token, nonce).map { $0 ^ $1 }))).compact
        var encoder = RLPEncoder()
        encoder.appendList { list in
            list.appendBytes(signature)
            list.appendBytes(publicKey ?? keyA.publicKey.uncompressedXY)
            list.appendBytes(encodedNonce ?? nonce)
            list.append(version)
        }
        return encoder.bytes
    }

    @Test func wellFormedAuthIsAccepted() throws {
        var h = responder()
        var buffer = ByteBuffer(bytes: try sealEIP8(try authBody(version: 77) + [1, 2, 3], to: keyB.publicKey))
        let done = CompletionValues(try h.read(&buffer).required())
        #expect(done.peerVersion == 77)
        #expect(done.secrets.remotePublicKey == keyA.publicKey)
    }

    @Test func declaredSizeOverTheLimitIsRefusedBeforeBuffering() {
        // Only the 2-byte prefix has arrived; it declares 0x1001 + 2 bytes > 4096.
        #expect(refusal([0x10, 0x01]) == .handshakeMessageTooLarge(size: 0x1003, limit: 4096))
        #expect(refusal([0xFF, 0xFF]) == .handshakeMessageTooLarge(size: 0x10001, limit: 4096))
    }

    @Test func incompleteMessageWaits() throws {
        var h = responder()
        let wire = try sealEIP8(try authBody(), to: keyB.publicKey)
        var buffer = ByteBuffer(bytes: wire.dropLast())
        let pending = try h.read(&buffer).isNone
        #expect(pending)
        #expect(buffer.readableBytes == wire.count - 1)
        buffer.writeBytes(wire.suffix(1))
        let done = try h.read(&buffer).isNone
        #expect(!done)
    }

    @Test func messageShorterThanTheECIESOverhead() {
        #expect(refusal([0x00, 0x10] + [UInt8](repeating: 4, count: 16)) == .eciesMessageTooShort(size: 16))
    }

    @Test func invalidECIESPoint() {
        var wire = [UInt8](repeating: 0x04, count: 200)
        wire[0] = 0; wire[1] = 198
        #expect(refusal(wire) == .eciesInvalidPublicKey)
        wire[2] = 0x02  // a compressed prefix is not the ECIES form
        #expect(refusal(wire) == .eciesInvalidPublicKey)
    }

    @Test(arguments: [0, 1, 2, 3, 70, 200, -1])
    func tamperedAuthFailsTheECIESMAC(at index: Int) throws {
        var wire = try sealEIP8(try authBody(), to: keyB.publicKey)
        let i = index < 0 ? wire.count - 1 : index
        wire[i] ^= 0x10
        let error = refusal(wire)
        switch i {
        case 0: #expect(error == .handshakeMessageTooLarge(size: 2 + (Int(wire[0]) << 8 | Int(wire[1])), limit: 4096))
        case 1: #expect(error == .eciesMACMismatch || error == nil, "the size changed: wrong MAC, or waiting for more")
        case 2: #expect(error == .eciesInvalidPublicKey)
        case 3...66: #expect(error == .eciesMACMismatch || error == .eciesInvalidPublicKey)
        default: #expect(error == .eciesMACMismatch)
        }
    }

    @Test func authToAnotherNodeFailsTheECIESMAC() throws {
        #expect(refusal(try sealEIP8(try authBody(), to: keyA.publicKey)) == .eciesMACMismatch)
    }

    @Test(arguments: [
        [UInt8](),  // empty
        [0x80],  // a string, not a list
        [0xC0],  // empty list
        [0xC3, 0x80, 0x80, 0x80],  // wrong field sizes
        [0xF9, 0x01, 0x00],  // list longer than the body
    ])
    func malformedAuthBody(_ body: [UInt8]) throws {
        guard case .malformedHandshakeMessage = refusal(try sealEIP8(body, to: keyB.publicKey)) else {
            Issue.record("expected malformedHandshakeMessage")
            return
        }
    }

    @Test func shortNonceIsMalformed() throws {
        let body = try authBody(encodedNonce: [UInt8](repeating: 7, count: 31))
        guard case .malformedHandshakeMessage = refusal(try sealEIP8(body, to: keyB.publicKey)) else {
            Issue.record("expected malformedHandshakeMessage")
            return
        }
    }

    @Test func publicKeyOffTheCurve() throws {
        let body = try authBody(publicKey: [UInt8](repeating: 0xFF, count: 64))
        #expect(refusal(try sealEIP8(body, to: keyB.publicKey)) == .invalidHandshakePublicKey)
    }

    @Test func signatureOverTheWrongValueDoesNotProveTheKey() throws {
        // The signature recovers some key, but not the one the ack will be bound to; with a
        // garbage signature, recovery itself fails.
        let body = try authBody(breakSignature: true)
        var h = responder()
        var buffer = ByteBuffer(bytes: try sealEIP8(body, to: keyB.publicKey))
        // A wrong-but-valid signature recovers a different ephemeral key: the handshake
        // completes, but the two sides derive different secrets (the first frame fails).
        let done = try h.read(&buffer).isNone
        #expect(!done)

        var garbage = try authBody()
        // List header (2 bytes) and signature header (2 bytes), then r ‖ s ‖ v.
        for i in 4..<(4 + 64) { garbage[i] = 0 }  // r = s = 0
        #expect(refusal(try sealEIP8(garbage, to: keyB.publicKey)) == .invalidAuthSignature)
    }

    @Test func preEIP8AuthWithTheWrongEphemeralHash() throws {
        let ephemeral = Secp256k1.PrivateKey()
        let nonce = [UInt8](repeating: 9, count: 32)
        let token = try keyA.sharedSecret(with: keyB.publicKey)
        let signature = ephemeral.sign(hash: try #require(Hash32(zip(token, nonce).map { $0 ^ $1 }))).compact
        func wire(hash: [UInt8]) throws -> [UInt8] {
            let body = signature + hash + keyA.publicKey.uncompressedXY + nonce + [0]
            return try ECIES.encrypt(body, to: keyB.publicKey, sharedMacData: [],
                                     ephemeralKey: Secp256k1.PrivateKey(), iv: [UInt8](repeating: 2, count: 16))
        }
        let good = try wire(hash: Keccak256.hash(ephemeral.publicKey.uncompressedXY).bytes)
        #expect(good.count == 307)
        #expect(refusal(good) == nil)
        #expect(refusal(try wire(hash: [UInt8](repeating: 0, count: 32))) == .ephemeralKeyHashMismatch)
    }

    @Test func callsOutOfOrderAreRefused() throws {
        var r = responder()
        guard case .unexpectedHandshakeCall = catching({ try r.makeAuth() }) else {
            Issue.record("a responder made an auth"); return
        }
        var i = RLPx.Handshake(role: .initiator(remote: keyB.publicKey), staticKey: keyA)
        var empty = ByteBuffer()
        guard case .unexpectedHandshakeCall = catching({ _ = try i.read(&empty) }) else {
            Issue.record("an initiator read before sending its auth"); return
        }
        _ = try i.makeAuth()
        guard case .unexpectedHandshakeCall = catching({ try i.makeAuth() }) else {
            Issue.record("an initiator made two auths"); return
        }
        // After an error the handshake refuses everything.
        var failed = responder()
        var bad = ByteBuffer(bytes: [0xFF, 0xFF])
        #expect(throws: RLPxError.handshakeMessageTooLarge(size: 0x10001, limit: 4096)) { _ = try failed.read(&bad) }
        var more = ByteBuffer(bytes: try sealEIP8(try authBody(), to: keyB.publicKey))
        guard case .unexpectedHandshakeCall = catching({ _ = try failed.read(&more) }) else {
            Issue.record("a failed handshake went on"); return
        }
    }

    @Test func ackFromTheWrongResponderIsRefused() throws {
        var initiator = RLPx.Handshake(role: .initiator(remote: keyB.publicKey), staticKey: keyA)
        _ = try initiator.makeAuth()
        // An ack sealed to someone else.
        var encoder = RLPEncoder()
        encoder.appendList { list in
            list.appendBytes(Secp256k1.PrivateKey().publicKey.uncompressedXY)
            list.appendBytes([UInt8](repeating: 1, count: 32))
            list.append(UInt64(4))
        }
        let wire = try sealEIP8(encoder.bytes, to: keyB.publicKey)
        #expect(refusal(wire, handshake: initiator) == .eciesMACMismatch)
        // The same ack sealed to A completes.
        let good = try sealEIP8(encoder.bytes, to: keyA.publicKey)
        #expect(refusal(good, handshake: initiator) == nil)
    }
}

/// The error `body` throws, if it is an ``RLPxError`` (nil if it returns or throws another).
func catching<T>(_ body: () throws -> T) -> RLPxError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error as? RLPxError
    }
}
