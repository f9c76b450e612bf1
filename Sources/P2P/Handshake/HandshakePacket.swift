import NIOCore
package import Primitives

/// The wire envelope of auth and ack messages in both formats: sealing a body to
/// the peer's key, and cutting one message off the front of a byte stream.
///
/// Format detection (as a responder must, EIP-8 "Specification"): a pre-EIP-8
/// message is an ECIES message whose first byte is the point prefix `0x04`; an
/// EIP-8 message starts with its size. When the first byte is `0x04` the
/// fixed-size pre-EIP-8 message is tried first, and only if it fails to
/// authenticate is the stream read as an EIP-8 message of size `0x04xx` — so a
/// short EIP-8 message never waits for bytes that will not come.
enum HandshakePacket {
    /// The random padding an EIP-8 message carries (EIP-8: at least 100 bytes, a random amount in 100…300).
    static let paddingRange = 100...300

    /// `size ‖ ECIES(recipient, body ‖ padding)`, with `size` (big-endian, 2 bytes) as
    /// the ECIES shared MAC data.
    static func sealEIP8(_ body: [UInt8], to recipient: Secp256k1.PublicKey) throws(RLPxError) -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        let paddingCount = Int.random(in: paddingRange, using: &rng)
        var plaintext = body
        plaintext.reserveCapacity(body.count + paddingCount)
        for _ in 0..<paddingCount { plaintext.append(rng.next()) }
        let size = plaintext.count + ECIES.overhead
        let prefix = [UInt8(truncatingIfNeeded: size >> 8), UInt8(truncatingIfNeeded: size)]
        return try prefix + ECIES.encrypt(plaintext, to: recipient, sharedMacData: prefix)
    }

    /// `ECIES(recipient, body)` with no shared MAC data.
    static func sealPreEIP8(_ body: [UInt8], to recipient: Secp256k1.PublicKey) throws(RLPxError) -> [UInt8] {
        try ECIES.encrypt(body, to: recipient, sharedMacData: [])
    }

    /// One message cut from the stream: its exact wire bytes, the decrypted body and its format.
    struct Opened {
        var packet: [UInt8]
        var plaintext: [UInt8]
        var format: RLPx.HandshakeFormat
    }

    /// Takes one complete message off the front of `buffer` and decrypts it with `key`,
    /// or returns nil (consuming nothing) when more bytes are needed.
    ///
    /// - Parameters:
    ///   - preEIP8Size: the fixed wire size of this message in the pre-EIP-8 format.
    ///   - limit: the largest EIP-8 message accepted; a larger declared size throws
    ///     before anything is buffered for it.
    ///   - preEIP8Rejected: set once the pre-EIP-8 reading failed, so it is not retried
    ///     on every later call while the EIP-8 message arrives.
    static func open(_ buffer: inout ByteBuffer, preEIP8Size: Int, key: Secp256k1.PrivateKey, limit: Int,
                     preEIP8Rejected: inout Bool) throws(RLPxError) -> Opened? {
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return nil }
        if first == 0x04 && !preEIP8Rejected {
            guard let packet = buffer.getBytes(at: buffer.readerIndex, length: preEIP8Size) else { return nil }
            if let plaintext = try? ECIES.decrypt(packet[...], with: key, sharedMacData: []) {
                buffer.moveReaderIndex(forwardBy: preEIP8Size)
                return Opened(packet: packet, plaintext: plaintext, format: .preEIP8)
            }
            preEIP8Rejected = true
        }
        guard let size = buffer.getInteger(at: buffer.readerIndex, as: UInt16.self) else { return nil }
        let total = 2 + Int(size)
        guard total <= limit else { throw .handshakeMessageTooLarge(size: total, limit: limit) }
        guard let packet = buffer.getBytes(at: buffer.readerIndex, length: total) else { return nil }
        let plaintext = try ECIES.decrypt(packet[2...], with: key, sharedMacData: packet[0..<2])
        buffer.moveReaderIndex(forwardBy: total)
        return Opened(packet: packet, plaintext: plaintext, format: .eip8)
    }
}

extension RLPx.AuthMessage {
    /// Decrypts and parses one complete auth as it came off the wire (either format),
    /// with the recipient's static key. Throws if bytes are missing or left over.
    package static func open(wire: [UInt8], key: Secp256k1.PrivateKey,
                             limit: Int = RLPx.maximumHandshakeMessageSize) throws(RLPxError) -> (Self, RLPx.HandshakeFormat) {
        let opened = try HandshakePacket.openWhole(wire, preEIP8Size: preEIP8Size, key: key, limit: limit)
        let message = opened.format == .eip8 ? try Self(eip8Body: opened.plaintext) : try Self(preEIP8Body: opened.plaintext)
        return (message, opened.format)
    }
}

extension RLPx.AckMessage {
    /// Decrypts and parses one complete ack as it came off the wire (either format),
    /// with the initiator's static key. Throws if bytes are missing or left over.
    package static func open(wire: [UInt8], key: Secp256k1.PrivateKey,
                             limit: Int = RLPx.maximumHandshakeMessageSize) throws(RLPxError) -> (Self, RLPx.HandshakeFormat) {
        let opened = try HandshakePacket.openWhole(wire, preEIP8Size: preEIP8Size, key: key, limit: limit)
        let message = opened.format == .eip8 ? try Self(eip8Body: opened.plaintext) : try Self(preEIP8Body: opened.plaintext)
        return (message, opened.format)
    }
}

extension HandshakePacket {
    /// ``open(_:preEIP8Size:key:limit:preEIP8Rejected:)`` over a whole message.
    static func openWhole(_ wire: [UInt8], preEIP8Size: Int, key: Secp256k1.PrivateKey,
                          limit: Int) throws(RLPxError) -> Opened {
        var buffer = ByteBuffer(bytes: wire)
        var rejected = false
        guard let opened = try open(&buffer, preEIP8Size: preEIP8Size, key: key, limit: limit, preEIP8Rejected: &rejected) else {
            let declared = wire.count >= 2 ? 2 + (Int(wire[0]) << 8 | Int(wire[1])) : 2
            throw .truncated(missing: max(declared - wire.count, 1))
        }
        guard buffer.readableBytes == 0 else {
            throw .malformedHandshakeMessage("\(buffer.readableBytes) bytes after the message")
        }
        return opened
    }
}
