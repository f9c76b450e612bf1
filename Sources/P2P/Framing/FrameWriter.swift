public import NIOCore

extension RLPx {
    /// The sending half of an RLPx session: turns each message into one frame,
    /// `header ‖ header-mac ‖ frame-ciphertext ‖ frame-mac` (devp2p `rlpx.md`).
    ///
    /// The header is the 3-byte big-endian frame size, header-data RLP `[0, 0]`
    /// (capability-id and context-id, as every current client writes them) and zero
    /// padding to 16 bytes; the frame data is zero-padded to a multiple of 16. One
    /// AES-256-CTR stream (key aes-secret, zero IV) runs across all frames, and the
    /// egress MAC state advances with every header and frame. Noncopyable, so the
    /// stream exists once; synchronous, for one owner (the NIO encoder on its loop).
    public struct FrameWriter: ~Copyable {
        private let cipher: AESCipher
        private var mac: FrameMAC
        /// The largest message this writer frames.
        public let maximumFrameSize: Int

        /// The writer for our egress direction of the session `secrets` belong to.
        public init(secrets: borrowing Secrets, maximumFrameSize: Int = RLPx.maximumFrameSize) {
            cipher = AESCipher(.ctr256, key: secrets.aesSecret)
            mac = FrameMAC(state: secrets.egressMAC, macSecret: secrets.macSecret)
            self.maximumFrameSize = min(maximumFrameSize, Self.sizeFieldLimit)
        }

        /// The 24-bit size field's largest value.
        static let sizeFieldLimit = (1 << 24) - 1

        /// Appends the frame carrying `message` (message id and data, as the frame
        /// body) to `out`. Throws ``RLPxError/messageTooLarge(size:limit:)``, writing
        /// nothing, when the message exceeds the frame limit.
        public mutating func write(_ message: UnsafeRawBufferPointer, to out: inout ByteBuffer) throws(RLPxError) {
            let size = message.count
            guard size <= maximumFrameSize else { throw .messageTooLarge(size: size, limit: maximumFrameSize) }
            let padded = paddedLength(size)
            out.reserveCapacity(minimumWritableBytes: 32 + padded + 16)

            var header = [UInt8](repeating: 0, count: 16)
            header[0] = UInt8(truncatingIfNeeded: size >> 16)
            header[1] = UInt8(truncatingIfNeeded: size >> 8)
            header[2] = UInt8(truncatingIfNeeded: size)
            header[3] = 0xc2; header[4] = 0x80; header[5] = 0x80  // RLP [0, 0]
            cipher.apply(&header)
            out.writeBytes(header)
            out.writeBytes(mac.header(header))

            let start = out.writerIndex - out.readerIndex
            out.writeBytes(message)
            out.writeRepeatingByte(0, count: padded - size)
            let tag = out.withUnsafeMutableReadableBytes { raw in
                let body = UnsafeMutableRawBufferPointer(rebasing: raw[start..<start + padded])
                cipher.apply(body)
                return mac.frame(UnsafeRawBufferPointer(body))
            }
            out.writeBytes(tag)
        }

        /// Appends the frame carrying `message` to `out` (see ``write(_:to:)-(UnsafeRawBufferPointer,_)``).
        public mutating func write(_ message: ByteBuffer, to out: inout ByteBuffer) throws(RLPxError) {
            var error: RLPxError?
            message.withUnsafeReadableBytes { raw in
                do throws(RLPxError) { try write(raw, to: &out) } catch let e { error = e }
            }
            if let error { throw error }
        }

        /// The egress MAC digest so far (what the peer's reader holds as ingress after the same frames).
        package var macDigest: [UInt8] { mac.state.finalize().bytes }
    }
}

/// `n` rounded up to a multiple of the AES block size.
func paddedLength(_ n: Int) -> Int { (n + 15) & ~15 }
