public import NIOCore
public import Primitives

extension RLPx {
    /// The RLPx handshake of one connection, as a state machine over bytes.
    ///
    /// - Initiator (dialler): ``makeAuth()`` gives the EIP-8 auth to send; then feed
    ///   the peer's bytes to ``read(_:)`` until it returns the ``Completion``.
    /// - Responder (listener): feed bytes to ``read(_:)``; the completion carries the
    ///   ack to send (EIP-8, or pre-EIP-8 when the auth was), then frames start.
    ///
    /// ``read(_:)`` consumes exactly one auth or ack from the buffer and leaves any
    /// following bytes (the peer's first frames) for the frame reader. It never
    /// buffers more than ``RLPx/maximumHandshakeMessageSize`` for a message. After
    /// an error or completion the handshake refuses further calls. Ephemeral keys
    /// and nonces come from the system's cryptographic generator; the ephemeral
    /// key's bytes are zeroed when the last copy of the handshake is dropped.
    /// A plain value for one owner (not shared across threads).
    public struct Handshake: Sendable {
        /// Which side of the connection this handshake is.
        public enum Role: Sendable, Equatable {
            /// We dialled `remote` and send the auth.
            case initiator(remote: Secp256k1.PublicKey)
            /// We accepted the connection and answer with the ack.
            case responder
        }

        private enum State {
            case initial
            case awaitingAck(authPacket: [UInt8])
            case awaitingAuth
            case finished
        }

        /// This side's role.
        public let role: Role
        private let staticKey: Secp256k1.PrivateKey
        private let ephemeralKey: Secp256k1.PrivateKey
        private let nonce: [UInt8]
        private let sizeLimit: Int
        private var state: State
        private var preEIP8Rejected = false

        /// A handshake with `staticKey` as our node key, ephemeral key and nonce fresh
        /// from the system's cryptographic generator.
        public init(role: Role, staticKey: Secp256k1.PrivateKey) {
            var rng = SystemRandomNumberGenerator()
            let nonce = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
            self.init(role: role, staticKey: staticKey, ephemeralKey: Secp256k1.PrivateKey(), nonce: nonce)
        }

        /// A handshake with a chosen ephemeral key and nonce (test vectors only).
        package init(role: Role, staticKey: Secp256k1.PrivateKey, ephemeralKey: Secp256k1.PrivateKey,
                     nonce: [UInt8], sizeLimit: Int = RLPx.maximumHandshakeMessageSize) {
            precondition(nonce.count == 32, "RLPx nonces are 32 bytes")
            self.role = role
            self.staticKey = staticKey
            self.ephemeralKey = ephemeralKey
            self.nonce = nonce
            self.sizeLimit = sizeLimit
            if case .responder = role { state = .awaitingAuth } else { state = .initial }
        }

        /// The outcome of a completed handshake.
        public struct Completion: ~Copyable, Sendable {
            /// Bytes to write before the first frame: the ack for a responder, empty for an initiator.
            public let reply: [UInt8]
            /// The session secrets; build the frame writer and reader from them.
            public let secrets: Secrets
            /// The format the peer used (a responder answers in the same one).
            public let peerFormat: HandshakeFormat
            /// The version number the peer's auth or ack declared (4 for pre-EIP-8).
            public let peerVersion: UInt64
        }

        /// The initiator's auth message (EIP-8 format, version 4), to be written before
        /// anything is read. Throws ``RLPxError/unexpectedHandshakeCall(_:)`` for a
        /// responder or when called twice.
        public mutating func makeAuth() throws(RLPxError) -> [UInt8] {
            guard case .initiator(let remote) = role, case .initial = state else {
                throw .unexpectedHandshakeCall("makeAuth is called once, by the initiator, first")
            }
            state = .finished
            var token = try staticSharedSecret(with: remote)
            defer { SecureMemory.zero(&token) }
            var signed = xor(token, nonce)
            defer { SecureMemory.zero(&signed) }
            guard let hash = Hash32(signed) else { throw .unexpectedHandshakeCall("static shared secret is not 32 bytes") }
            let auth = AuthMessage(signature: ephemeralKey.sign(hash: hash).compact,
                                   initiatorPublicKey: staticKey.publicKey, nonce: nonce, version: 4)
            let packet = try HandshakePacket.sealEIP8(auth.eip8Body, to: remote)
            state = .awaitingAck(authPacket: packet)
            return packet
        }

        /// Consumes the peer's auth (responder) or ack (initiator) from the front of
        /// `buffer` once it is complete. Returns nil, consuming nothing, while more
        /// bytes are needed; throws when the message is refused.
        public mutating func read(_ buffer: inout ByteBuffer) throws(RLPxError) -> Completion? {
            switch state {
            case .awaitingAuth:
                guard let opened = try open(&buffer, preEIP8Size: AuthMessage.preEIP8Size) else { return nil }
                state = .finished
                return try respond(to: opened)
            case .awaitingAck(let authPacket):
                guard let opened = try open(&buffer, preEIP8Size: AckMessage.preEIP8Size) else { return nil }
                state = .finished
                return try complete(authPacket: authPacket, ack: opened)
            case .initial:
                throw .unexpectedHandshakeCall("the initiator sends its auth (makeAuth) before reading")
            case .finished:
                throw .unexpectedHandshakeCall("the handshake is already finished")
            }
        }

        private mutating func open(_ buffer: inout ByteBuffer, preEIP8Size: Int) throws(RLPxError) -> HandshakePacket.Opened? {
            do {
                return try HandshakePacket.open(&buffer, preEIP8Size: preEIP8Size, key: staticKey,
                                                limit: sizeLimit, preEIP8Rejected: &preEIP8Rejected)
            } catch {
                state = .finished
                throw error
            }
        }

        /// Responder: verify the auth, answer with an ack in the same format, derive the secrets.
        private func respond(to opened: HandshakePacket.Opened) throws(RLPxError) -> Completion {
            let auth = opened.format == .eip8
                ? try AuthMessage(eip8Body: opened.plaintext)
                : try AuthMessage(preEIP8Body: opened.plaintext)
            let remoteEphemeral = try recoverEphemeralKey(auth)
            if let expectedHash = auth.ephemeralKeyHash,
               Keccak256.hash(remoteEphemeral.uncompressedXY).bytes != expectedHash {
                throw .ephemeralKeyHashMismatch
            }
            let ack = AckMessage(ephemeralPublicKey: ephemeralKey.publicKey, nonce: nonce, version: 4)
            let ackPacket = opened.format == .eip8
                ? try HandshakePacket.sealEIP8(ack.eip8Body, to: auth.initiatorPublicKey)
                : try HandshakePacket.sealPreEIP8(ack.preEIP8Body, to: auth.initiatorPublicKey)
            let secrets = try Secrets(isInitiator: false, localEphemeralKey: ephemeralKey,
                                      remoteEphemeralKey: remoteEphemeral, initiatorNonce: auth.nonce,
                                      recipientNonce: nonce, authPacket: opened.packet, ackPacket: ackPacket,
                                      remotePublicKey: auth.initiatorPublicKey)
            return Completion(reply: ackPacket, secrets: secrets, peerFormat: opened.format, peerVersion: auth.version)
        }

        /// Initiator: read the ack and derive the secrets.
        private func complete(authPacket: [UInt8], ack opened: HandshakePacket.Opened) throws(RLPxError) -> Completion {
            guard case .initiator(let remote) = role else {
                throw .unexpectedHandshakeCall("only the initiator reads an ack")
            }
            let ack = opened.format == .eip8
                ? try AckMessage(eip8Body: opened.plaintext)
                : try AckMessage(preEIP8Body: opened.plaintext)
            let secrets = try Secrets(isInitiator: true, localEphemeralKey: ephemeralKey,
                                      remoteEphemeralKey: ack.ephemeralPublicKey, initiatorNonce: nonce,
                                      recipientNonce: ack.nonce, authPacket: authPacket, ackPacket: opened.packet,
                                      remotePublicKey: remote)
            return Completion(reply: [], secrets: secrets, peerFormat: opened.format, peerVersion: ack.version)
        }

        /// The initiator's ephemeral public key, recovered from the auth signature over
        /// `static-shared-secret ^ initiator-nonce`.
        package func recoverEphemeralKey(_ auth: AuthMessage) throws(RLPxError) -> Secp256k1.PublicKey {
            var token = try staticSharedSecret(with: auth.initiatorPublicKey)
            defer { SecureMemory.zero(&token) }
            guard let hash = Hash32(xor(token, auth.nonce)),
                  let signature = try? Secp256k1.RecoverableSignature(compact: auth.signature),
                  let key = try? Secp256k1.recoverUnchecked(hash: hash, signature: signature) else {
                throw .invalidAuthSignature
            }
            return key
        }

        private func staticSharedSecret(with remote: Secp256k1.PublicKey) throws(RLPxError) -> [UInt8] {
            guard let secret = try? staticKey.sharedSecret(with: remote) else { throw .invalidHandshakePublicKey }
            return secret
        }
    }
}
