public import Primitives

extension RLPx {
    /// The session keys one completed handshake yields for one side of a connection
    /// (devp2p `rlpx.md`, "Secrets"): the AES-256 frame key, the MAC key, the two
    /// running Keccak-256 MAC states, and the remote node's static public key.
    ///
    /// Noncopyable, so the keys exist once; the frame writer and reader copy what
    /// each needs when built from it, and its key bytes are zeroed when it is dropped.
    /// The key bytes never print.
    public struct Secrets: ~Copyable, Sendable {
        /// The remote node's static public key (its node id), proven by the handshake.
        public let remotePublicKey: Secp256k1.PublicKey
        private let aes: SecretBytes
        private let mac: SecretBytes
        /// aes-secret = keccak256(ecdhe-shared-secret ‖ shared-secret). A copy; the caller erases it.
        package var aesSecret: [UInt8] { aes.bytes }
        /// mac-secret = keccak256(ecdhe-shared-secret ‖ aes-secret). A copy; the caller erases it.
        package var macSecret: [UInt8] { mac.bytes }
        /// The egress MAC state: keccak256 absorbing (mac-secret ^ remote nonce) ‖ the message we sent.
        package var egressMAC: Keccak256
        /// The ingress MAC state: keccak256 absorbing (mac-secret ^ our nonce) ‖ the message we received.
        package var ingressMAC: Keccak256

        /// Derives the secrets from the ephemeral key agreement, both nonces and the
        /// exact wire bytes of auth and ack (size prefixes included).
        package init(isInitiator: Bool, localEphemeralKey: Secp256k1.PrivateKey,
                     remoteEphemeralKey: Secp256k1.PublicKey, initiatorNonce: [UInt8], recipientNonce: [UInt8],
                     authPacket: [UInt8], ackPacket: [UInt8],
                     remotePublicKey: Secp256k1.PublicKey) throws(RLPxError) {
            guard var ecdhe = try? localEphemeralKey.sharedSecret(with: remoteEphemeralKey) else {
                throw .invalidHandshakePublicKey
            }
            defer { SecureMemory.zero(&ecdhe) }
            var sharedSecret = keccak(ecdhe, keccak(recipientNonce, initiatorNonce))
            defer { SecureMemory.zero(&sharedSecret) }
            var aes = keccak(ecdhe, sharedSecret)
            defer { SecureMemory.zero(&aes) }
            var mac = keccak(ecdhe, aes)
            defer { SecureMemory.zero(&mac) }

            // Initiator: egress over (mac ^ recipient-nonce) ‖ auth, ingress over
            // (mac ^ initiator-nonce) ‖ ack. The recipient has the two the other way round.
            var authSide = Keccak256()
            var seed = xor(mac, recipientNonce)
            authSide.update(seed)
            authSide.update(authPacket)
            SecureMemory.zero(&seed)
            var ackSide = Keccak256()
            seed = xor(mac, initiatorNonce)
            ackSide.update(seed)
            ackSide.update(ackPacket)
            SecureMemory.zero(&seed)

            self.remotePublicKey = remotePublicKey
            self.aes = SecretBytes(aes)
            self.mac = SecretBytes(mac)
            self.egressMAC = isInitiator ? authSide : ackSide
            self.ingressMAC = isInitiator ? ackSide : authSide
        }
    }
}

/// Secret bytes on the heap, zeroed when the last reference goes.
///
/// `@unchecked Sendable` for the reason Primitives' key storage gives: `storage` is
/// written only in `init` and in `deinit`, when no other reference exists; every
/// other access reads.
final class SecretBytes: @unchecked Sendable {
    private var storage: [UInt8]

    /// Takes a copy of `bytes` (the caller erases its own).
    init(_ bytes: [UInt8]) {
        storage = [UInt8](unsafeUninitializedCapacity: bytes.count) { buffer, count in
            count = buffer.initialize(fromContentsOf: bytes)
        }
    }

    /// A copy of the bytes.
    var bytes: [UInt8] { storage }

    deinit { SecureMemory.zero(&storage) }
}

/// keccak256(a ‖ b), absorbed piecewise so no concatenated copy of secret bytes is left behind.
private func keccak(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
    var hash = Keccak256()
    hash.update(a)
    hash.update(b)
    return hash.finalize().bytes
}

/// `a ^ b`, byte by byte, over the shorter length (both are 32 bytes where used).
func xor(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
    zip(a, b).map { $0 ^ $1 }
}
