import NIOCore
import P2P
import Primitives

/// The frame reader, against raw bytes and against altered output of the paired writer.
final class FrameFuzz: Sendable {
    static let shared = FrameFuzz()

    /// The two ends of one fixed session.
    let initiator: RLPx.Secrets
    let responder: RLPx.Secrets

    init() {
        let auth = [UInt8](repeating: 0xAA, count: 300), ack = [UInt8](repeating: 0xCC, count: 300)
        guard let a = try? RLPx.Secrets(
                  isInitiator: true, localEphemeralKey: FuzzKeys.ephemeralA,
                  remoteEphemeralKey: FuzzKeys.ephemeralB.publicKey, initiatorNonce: FuzzKeys.nonceA,
                  recipientNonce: FuzzKeys.nonceB, authPacket: auth, ackPacket: ack,
                  remotePublicKey: FuzzKeys.staticB.publicKey),
              let b = try? RLPx.Secrets(
                  isInitiator: false, localEphemeralKey: FuzzKeys.ephemeralB,
                  remoteEphemeralKey: FuzzKeys.ephemeralA.publicKey, initiatorNonce: FuzzKeys.nonceA,
                  recipientNonce: FuzzKeys.nonceB, authPacket: auth, ackPacket: ack,
                  remotePublicKey: FuzzKeys.staticA.publicKey) else {
            preconditionFailure("fixed fuzz session cannot be derived")
        }
        initiator = a
        responder = b
    }

    func run(_ input: [UInt8]) {
        let parsed = FuzzInput(input)
        if parsed.mode == 1 {
            structured(parsed.body)
        } else {
            raw(parsed.body, pieceSize: Int(parsed.mode % 7) + 1)
        }
    }

    /// Arbitrary bytes: the reader refuses them (almost surely at the first header MAC)
    /// without trapping, and keeps refusing.
    private func raw(_ bytes: [UInt8], pieceSize: Int) {
        var reader = RLPx.FrameReader(secrets: responder, maximumFrameSize: 1 << 16)
        var buffer = ByteBuffer()
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + pieceSize)
            buffer.writeBytes(bytes[start..<end])
            start = end
            do {
                while try reader.read(&buffer) != nil {}
            } catch {
                precondition((try? reader.read(&buffer)) == nil, "a failed reader produced a frame")
                return
            }
        }
        _ = try? reader.checkEnd(buffered: buffer.readableBytes)
    }

    /// Header bytes: message count, piece size, flip offset (2 bytes, 0xFFFF none),
    /// bytes cut from the end, reader limit (in 16-byte units, 0 = default); then the
    /// message contents, shared out evenly.
    private func structured(_ body: [UInt8]) {
        guard body.count >= 6 else { return }
        let count = Int(body[0] % 8) + 1
        let pieceSize = Int(body[1] % 64) + 1
        let flipAt = Int(body[2]) << 8 | Int(body[3])
        let cut = Int(body[4])
        let readerLimit = body[5] == 0 ? 1 << 16 : Int(body[5]) * 16
        let content = Array(body.dropFirst(6))
        let share = content.count / count
        let messages = (0..<count).map { i in
            Array(content[(i * share)..<(i == count - 1 ? content.count : (i + 1) * share)])
        }

        var writer = RLPx.FrameWriter(secrets: initiator, maximumFrameSize: 1 << 16)
        var wire = ByteBuffer()
        for message in messages {
            do {
                try writer.write(ByteBuffer(bytes: message), to: &wire)
            } catch {
                preconditionFailure("writer refused a message within its limit: \(error)")
            }
        }
        var bytes = wire.readBytes(length: wire.readableBytes) ?? []
        let flipped = flipAt < bytes.count
        if flipped { bytes[flipAt] ^= 0x01 }
        let cutCount = min(cut, bytes.count)
        bytes.removeLast(cutCount)

        var reader = RLPx.FrameReader(secrets: responder, maximumFrameSize: readerLimit)
        var buffer = ByteBuffer()
        var frames: [[UInt8]] = []
        var failure: RLPxError?
        var start = 0
        feeding: while start < bytes.count {
            let end = min(bytes.count, start + pieceSize)
            buffer.writeBytes(bytes[start..<end])
            start = end
            do {
                while var frame = try reader.read(&buffer) {
                    frames.append(frame.readBytes(length: frame.readableBytes) ?? [])
                }
            } catch {
                failure = error
                break feeding
            }
        }
        if failure == nil {
            do { try reader.checkEnd(buffered: buffer.readableBytes) } catch { failure = error }
        }

        // Every frame handed out is a message that was sent, in order.
        precondition(frames == Array(messages.prefix(frames.count)), "reader returned a frame that was not sent")
        if flipped && flipAt < bytes.count {
            precondition(failure != nil, "a flipped bit went unnoticed")
        }
        if let index = messages.firstIndex(where: { $0.count > readerLimit }) {
            precondition(frames.count <= index, "reader accepted a frame over its limit")
            precondition(cutCount > 0 || failure != nil, "an oversized frame went unrefused")
        }
        if !flipped && cutCount == 0 && messages.allSatisfy({ $0.count <= readerLimit }) {
            precondition(failure == nil && frames == messages, "an intact stream did not round-trip: \(String(describing: failure))")
        }
    }
}
