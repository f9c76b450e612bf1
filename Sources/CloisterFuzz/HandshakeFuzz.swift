import NIOCore
import P2P
import Primitives

/// Auth and ack decoding through the handshake state machine.
///
/// The responder and the initiator (after its auth) are built once and copied per
/// input, so an input costs only its own decoding.
final class HandshakeFuzz: Sendable {
    static let shared = HandshakeFuzz()

    let responder: RLPx.Handshake
    let initiator: RLPx.Handshake

    init() {
        responder = RLPx.Handshake(role: .responder, staticKey: FuzzKeys.staticB,
                                   ephemeralKey: FuzzKeys.ephemeralB, nonce: FuzzKeys.nonceB)
        var initiator = RLPx.Handshake(role: .initiator(remote: FuzzKeys.staticB.publicKey), staticKey: FuzzKeys.staticA,
                                       ephemeralKey: FuzzKeys.ephemeralA, nonce: FuzzKeys.nonceA)
        guard (try? initiator.makeAuth()) != nil else { preconditionFailure("fuzz initiator cannot make its auth") }
        self.initiator = initiator
    }

    func auth(_ input: [UInt8]) {
        let wire = Self.wire(FuzzInput(input), to: FuzzKeys.staticB.publicKey, preEIP8PlainSize: 194)
        var handshake = responder
        feed(wire, to: &handshake, pieces: input.count % 3 + 1)
        _ = try? RLPx.AuthMessage.open(wire: wire, key: FuzzKeys.staticB)
    }

    func ack(_ input: [UInt8]) {
        let wire = Self.wire(FuzzInput(input), to: FuzzKeys.staticA.publicKey, preEIP8PlainSize: 97)
        var handshake = initiator
        feed(wire, to: &handshake, pieces: input.count % 3 + 1)
        _ = try? RLPx.AckMessage.open(wire: wire, key: FuzzKeys.staticA)
    }

    /// Feeds `wire` in `pieces` parts; a completion must have consumed a prefix and
    /// left the rest, and a handshake that threw must keep refusing.
    private func feed(_ wire: [UInt8], to handshake: inout RLPx.Handshake, pieces: Int) {
        var buffer = ByteBuffer()
        let step = max(1, wire.count / pieces)
        var offered = 0
        var start = 0
        while start < wire.count {
            let end = min(wire.count, start + step)
            buffer.writeBytes(wire[start..<end])
            offered += end - start
            start = end
            do {
                if let done = try handshake.read(&buffer) {
                    precondition(buffer.readableBytes <= offered, "handshake invented bytes")
                    precondition(done.secrets.aesSecret.count == 32 && done.secrets.macSecret.count == 32)
                    return
                }
                precondition(buffer.readableBytes == offered, "handshake consumed bytes without completing")
            } catch {
                var again = ByteBuffer(bytes: [0])
                precondition((try? handshake.read(&again)) == nil, "a failed handshake accepted more input")
                return
            }
        }
    }

    /// Mode 0 (and 3…255): the input is the wire bytes. Mode 1: the input sealed as an
    /// EIP-8 body. Mode 2: the input, cut or zero-padded to the pre-EIP-8 size, sealed
    /// as a pre-EIP-8 body.
    static func wire(_ input: FuzzInput, to recipient: Secp256k1.PublicKey, preEIP8PlainSize: Int) -> [UInt8] {
        switch input.mode {
        case 1:
            let body = Array(input.body.prefix(2000))
            let size = body.count + ECIES.overhead
            let prefix = [UInt8(truncatingIfNeeded: size >> 8), UInt8(truncatingIfNeeded: size)]
            return prefix + seal(body, to: recipient, sharedMacData: prefix)
        case 2:
            var body = Array(input.body.prefix(preEIP8PlainSize))
            body += [UInt8](repeating: 0, count: preEIP8PlainSize - body.count)
            return seal(body, to: recipient, sharedMacData: [])
        default:
            return input.body
        }
    }

    private static func seal(_ body: [UInt8], to recipient: Secp256k1.PublicKey, sharedMacData: [UInt8]) -> [UInt8] {
        guard let sealed = try? ECIES.encrypt(body, to: recipient, sharedMacData: sharedMacData,
                                              ephemeralKey: FuzzKeys.sealing, iv: FuzzKeys.iv) else {
            preconditionFailure("sealing to a valid key failed")
        }
        return sealed
    }
}
