package import Primitives

extension RLPx {
    /// The responder's answer (ack), decrypted.
    package struct AckMessage: Sendable, Equatable {
        /// The responder's ephemeral public key.
        package var ephemeralPublicKey: Secp256k1.PublicKey
        /// The responder's 32-byte nonce.
        package var nonce: [UInt8]
        /// The ack version (4 for RLPx v4; pre-EIP-8 messages are version 4 by definition).
        package var version: UInt64
        /// EIP-8 only: how many list elements followed the version (ignored, for forward compatibility).
        package var additionalElements = 0

        /// Plaintext size of a pre-EIP-8 ack: ephemeral-pubk ‖ nonce ‖ 0x0.
        static let preEIP8PlainSize = 64 + 32 + 1
        /// Wire size of a pre-EIP-8 ack.
        static let preEIP8Size = preEIP8PlainSize + ECIES.overhead

        package init(ephemeralPublicKey: Secp256k1.PublicKey, nonce: [UInt8], version: UInt64) {
            self.ephemeralPublicKey = ephemeralPublicKey; self.nonce = nonce; self.version = version
        }

        /// The EIP-8 body: RLP `[recipient-ephemeral-pubk, recipient-nonce, ack-vsn]`.
        var eip8Body: [UInt8] {
            var encoder = RLPEncoder(capacity: 110)
            encoder.appendList { list in
                list.appendBytes(ephemeralPublicKey.uncompressedXY)
                list.appendBytes(nonce)
                list.append(version)
            }
            return encoder.bytes
        }

        /// The pre-EIP-8 body (97 bytes, token flag 0).
        var preEIP8Body: [UInt8] { ephemeralPublicKey.uncompressedXY + nonce + [0] }

        /// Reads an EIP-8 body; extra list elements and the padding after the list are ignored.
        init(eip8Body plaintext: [UInt8]) throws(RLPxError) {
            do {
                var outer = RLPReader(plaintext)
                var list = try outer.readList()
                let publicKey = try list.readBytes()
                let nonce = try list.readBytes()
                let version = try list.readUInt64()
                guard nonce.count == 32 else { throw RLPxError.malformedHandshakeMessage("ack nonce is not 32 bytes") }
                self.init(ephemeralPublicKey: try AuthMessage.nodeKey(publicKey), nonce: Array(nonce), version: version)
                additionalElements = try countRemaining(&list)
            } catch let error as RLPxError {
                throw error
            } catch {
                throw .malformedHandshakeMessage("ack body: \(error)")
            }
        }

        /// Reads a pre-EIP-8 body (exactly 97 bytes; the final token flag is ignored).
        init(preEIP8Body plaintext: [UInt8]) throws(RLPxError) {
            guard plaintext.count == Self.preEIP8PlainSize else {
                throw .malformedHandshakeMessage("pre-EIP-8 ack body is \(plaintext.count) bytes")
            }
            self.init(ephemeralPublicKey: try AuthMessage.nodeKey(plaintext[0..<64]),
                      nonce: Array(plaintext[64..<96]), version: 4)
        }
    }
}
