public import NIOCore

extension RLPx {
    /// The receiving half of an RLPx session: takes frames off a byte stream,
    /// checks both MACs (constant time) before decrypting, and hands out each
    /// frame's data (message id and message, unpadded).
    ///
    /// The header MAC is checked before the header is decrypted, and the declared
    /// size against ``maximumFrameSize`` before any byte of the body is buffered
    /// for it. The header-data RLP (capability-id, context-id) is ignored, as
    /// devp2p clients do. After any error the reader is unusable and throws that
    /// error again: the connection must close. Noncopyable; synchronous, for one
    /// owner (the NIO decoder on its loop).
    public struct FrameReader: ~Copyable {
        private let cipher: AESCipher
        private var mac: FrameMAC
        /// The largest frame this reader accepts.
        public let maximumFrameSize: Int
        /// The size of the frame whose header was read and whose body is awaited.
        private var pendingSize: Int?
        private var failure: RLPxError?

        /// The reader for our ingress direction of the session `secrets` belong to.
        public init(secrets: borrowing Secrets, maximumFrameSize: Int = RLPx.maximumFrameSize) {
            cipher = AESCipher(.ctr256, key: secrets.aesSecret)
            mac = FrameMAC(state: secrets.ingressMAC, macSecret: secrets.macSecret)
            self.maximumFrameSize = maximumFrameSize
        }

        /// Takes the next complete frame off the front of `buffer` and returns its
        /// data, or returns nil when more bytes are needed. A header is consumed as soon
        /// as its 32 bytes are there; the body when it is complete.
        public mutating func read(_ buffer: inout ByteBuffer) throws(RLPxError) -> ByteBuffer? {
            if let failure { throw failure }
            do throws(RLPxError) {
                return try readFrame(&buffer)
            } catch {
                failure = error
                throw error
            }
        }

        /// Throws ``RLPxError/truncated(missing:)`` when the stream ends with
        /// `buffered` bytes that are not a whole frame (call at end of input).
        public func checkEnd(buffered: Int) throws(RLPxError) {
            if let failure { throw failure }
            if let pendingSize {
                throw .truncated(missing: paddedLength(pendingSize) + 16 - buffered)
            }
            if buffered > 0 { throw .truncated(missing: 32 - buffered) }
        }

        private mutating func readFrame(_ buffer: inout ByteBuffer) throws(RLPxError) -> ByteBuffer? {
            if pendingSize == nil {
                guard buffer.readableBytes >= 32, let header = buffer.readBytes(length: 32) else { return nil }
                let expected = mac.header(header[0..<16])
                guard constantTimeEqual(expected, header[16..<32]) else { throw .headerMACMismatch }
                var plain = Array(header[0..<16])
                cipher.apply(&plain)
                let size = Int(plain[0]) << 16 | Int(plain[1]) << 8 | Int(plain[2])
                guard size <= maximumFrameSize else { throw .frameTooLarge(size: size, limit: maximumFrameSize) }
                pendingSize = size
            }
            guard let size = pendingSize else { return nil }
            let padded = paddedLength(size)
            guard buffer.readableBytes >= padded + 16,
                  var body = buffer.readSlice(length: padded),
                  let tag = buffer.readBytes(length: 16) else { return nil }
            let expected = body.withUnsafeReadableBytes { mac.frame($0) }
            guard constantTimeEqual(expected, tag) else { throw .frameMACMismatch }
            body.withUnsafeMutableReadableBytes { cipher.apply($0) }
            pendingSize = nil
            body.moveWriterIndex(to: body.readerIndex + size)
            return body
        }

        /// The ingress MAC digest so far (equal to the peer writer's egress digest after the same frames).
        package var macDigest: [UInt8] { mac.state.finalize().bytes }
    }
}
