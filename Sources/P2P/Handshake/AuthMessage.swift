package import Primitives

extension RLPx {
    /// The two encodings of auth and ack messages.
    public enum HandshakeFormat: Sendable, Hashable {
        /// EIP-8: a 2-byte big-endian size prefix (also the ECIES shared MAC data), then
        /// the ECIES-encrypted RLP list and random padding. Cloister always sends this.
        case eip8
        /// RLPx v4 before EIP-8: a fixed-size ECIES message (307-byte auth, 210-byte ack).
        /// Accepted from initiators; a responder answers it in kind.
        case preEIP8
    }

    /// The initiator's first message (auth), decrypted.
    ///
    /// A plain value; decoding checks the layout and sizes, not the signature
    /// (``Handshake`` verifies that against the static shared secret).
    package struct AuthMessage: Sendable, Equatable {
        /// `sign(ephemeral-key, static-shared-secret ^ nonce)`: 65 bytes `r ‖ s ‖ v`.
        package var signature: [UInt8]
        /// The initiator's static public key (its node id).
        package var initiatorPublicKey: Secp256k1.PublicKey
        /// The initiator's 32-byte nonce.
        package var nonce: [UInt8]
        /// The auth version (4 for RLPx v4; pre-EIP-8 messages are version 4 by definition).
        package var version: UInt64
        /// Pre-EIP-8 only: the keccak256 of the initiator's ephemeral public key.
        package var ephemeralKeyHash: [UInt8]?
        /// EIP-8 only: how many list elements followed the version (ignored, for forward compatibility).
        package var additionalElements = 0

        /// Plaintext size of a pre-EIP-8 auth: sig ‖ keccak(ephemeral-pubk) ‖ pubk ‖ nonce ‖ 0x0.
        static let preEIP8PlainSize = 65 + 32 + 64 + 32 + 1
        /// Wire size of a pre-EIP-8 auth.
        static let preEIP8Size = preEIP8PlainSize + ECIES.overhead

        package init(signature: [UInt8], initiatorPublicKey: Secp256k1.PublicKey, nonce: [UInt8],
                     version: UInt64, ephemeralKeyHash: [UInt8]? = nil) {
            self.signature = signature; self.initiatorPublicKey = initiatorPublicKey
            self.nonce = nonce; self.version = version; self.ephemeralKeyHash = ephemeralKeyHash
        }

        /// The EIP-8 body: RLP `[sig, initiator-pubk, initiator-nonce, auth-vsn]`.
        var eip8Body: [UInt8] {
            var encoder = RLPEncoder(capacity: 180)
            encoder.appendList { list in
                list.appendBytes(signature)
                list.appendBytes(initiatorPublicKey.uncompressedXY)
                list.appendBytes(nonce)
                list.append(version)
            }
            return encoder.bytes
        }

        /// The pre-EIP-8 body (194 bytes, token flag 0: no session token).
        var preEIP8Body: [UInt8] {
            var body = signature
            body.append(contentsOf: ephemeralKeyHash ?? [UInt8](repeating: 0, count: 32))
            body.append(contentsOf: initiatorPublicKey.uncompressedXY)
            body.append(contentsOf: nonce)
            body.append(0)
            return body
        }

        /// Reads an EIP-8 body: the RLP list, whose elements after the fourth are
        /// ignored, followed by padding, which is ignored too.
        init(eip8Body plaintext: [UInt8]) throws(RLPxError) {
            do {
                var outer = RLPReader(plaintext)
                var list = try outer.readList()
                let signature = try list.readBytes()
                let publicKey = try list.readBytes()
                let nonce = try list.readBytes()
                let version = try list.readUInt64()
                guard signature.count == 65 else { throw RLPxError.malformedHandshakeMessage("auth signature is not 65 bytes") }
                guard nonce.count == 32 else { throw RLPxError.malformedHandshakeMessage("auth nonce is not 32 bytes") }
                self.init(signature: Array(signature), initiatorPublicKey: try Self.nodeKey(publicKey),
                          nonce: Array(nonce), version: version)
                additionalElements = try countRemaining(&list)
            } catch let error as RLPxError {
                throw error
            } catch {
                throw .malformedHandshakeMessage("auth body: \(error)")
            }
        }

        /// Reads a pre-EIP-8 body (exactly 194 bytes; the final token flag is ignored).
        init(preEIP8Body plaintext: [UInt8]) throws(RLPxError) {
            guard plaintext.count == Self.preEIP8PlainSize else {
                throw .malformedHandshakeMessage("pre-EIP-8 auth body is \(plaintext.count) bytes")
            }
            self.init(signature: Array(plaintext[0..<65]),
                      initiatorPublicKey: try Self.nodeKey(plaintext[97..<161]),
                      nonce: Array(plaintext[161..<193]), version: 4,
                      ephemeralKeyHash: Array(plaintext[65..<97]))
        }

        /// Parses a 64-byte `x ‖ y` node key.
        static func nodeKey(_ bytes: ArraySlice<UInt8>) throws(RLPxError) -> Secp256k1.PublicKey {
            guard bytes.count == 64, let key = try? Secp256k1.PublicKey(rawRepresentation: bytes) else {
                throw .invalidHandshakePublicKey
            }
            return key
        }
    }
}

/// Skips the rest of a list's items (each must still be well-formed RLP) and counts them.
func countRemaining(_ list: inout RLPReader) throws(RLPError) -> Int {
    var count = 0
    while !list.isAtEnd {
        _ = try list.readEncodedItem()
        count += 1
    }
    return count
}
