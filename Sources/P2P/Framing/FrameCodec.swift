import NIOCore

extension RLPx {
    /// Both directions of an RLPx session over plain byte arrays: messages in,
    /// frame bytes out; arbitrary chunks of the peer's stream in, whole frames out.
    ///
    /// Pure and synchronous (no I/O, no event loop): for tests, tools and fuzzing.
    /// A node's channels use ``FrameEncoder`` and ``FrameDecoder``, which wrap the
    /// same ``FrameWriter`` and ``FrameReader``. Noncopyable, for one owner.
    public struct FrameCodec: ~Copyable {
        private var writer: FrameWriter
        private var reader: FrameReader
        private var inbound = ByteBuffer()

        /// A codec for the session `secrets` belong to.
        public init(secrets: borrowing Secrets, maximumFrameSize: Int = RLPx.maximumFrameSize) {
            writer = FrameWriter(secrets: secrets, maximumFrameSize: maximumFrameSize)
            reader = FrameReader(secrets: secrets, maximumFrameSize: maximumFrameSize)
        }

        /// The frame carrying `message`, ready to send.
        public mutating func encode(_ message: [UInt8]) throws(RLPxError) -> [UInt8] {
            var out = ByteBuffer()
            var failure: RLPxError?
            message.withUnsafeBytes { raw in
                do throws(RLPxError) { try writer.write(raw, to: &out) } catch { failure = error }
            }
            if let failure { throw failure }
            return out.readBytes(length: out.readableBytes) ?? []
        }

        /// Adds `chunk` of the peer's stream and returns the data of every frame it
        /// completed, in order. Bytes of an incomplete frame stay buffered.
        public mutating func decode(_ chunk: some Sequence<UInt8>) throws(RLPxError) -> [[UInt8]] {
            inbound.writeBytes(chunk)
            var frames: [[UInt8]] = []
            while var frame = try reader.read(&inbound) {
                frames.append(frame.readBytes(length: frame.readableBytes) ?? [])
            }
            inbound.discardReadBytes()
            return frames
        }

        /// Throws ``RLPxError/truncated(missing:)`` when the peer's stream ended inside a frame.
        public func finish() throws(RLPxError) {
            try reader.checkEnd(buffered: inbound.readableBytes)
        }

        /// The egress MAC digest so far.
        package var egressMACDigest: [UInt8] { writer.macDigest }
        /// The ingress MAC digest so far.
        package var ingressMACDigest: [UInt8] { reader.macDigest }
    }
}
