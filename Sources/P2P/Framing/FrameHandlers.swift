public import NIOCore

extension RLPx {
    /// The NIO decoder of an RLPx session's inbound frames: wrap it in a
    /// `ByteToMessageHandler`. Emits each frame's data (message id and message) as
    /// one `ByteBuffer`.
    ///
    /// A bad MAC, an oversized frame, or the connection closing inside a frame is
    /// fired as an ``RLPxError`` error; the session must then close. Confined to its
    /// channel's event loop (not `Sendable`).
    public final class FrameDecoder: ByteToMessageDecoder {
        public typealias InboundOut = ByteBuffer

        private var reader: FrameReader

        /// A decoder for the session `secrets` belong to.
        public init(secrets: borrowing Secrets, maximumFrameSize: Int = RLPx.maximumFrameSize) {
            reader = FrameReader(secrets: secrets, maximumFrameSize: maximumFrameSize)
        }

        public func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
            guard let frame = try reader.read(&buffer) else { return .needMoreData }
            context.fireChannelRead(Self.wrapInboundOut(frame))
            return .continue
        }

        public func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer,
                               seenEOF: Bool) throws -> DecodingState {
            while try decode(context: context, buffer: &buffer) == .continue {}
            try reader.checkEnd(buffered: buffer.readableBytes)
            return .needMoreData
        }
    }

    /// The NIO encoder of an RLPx session's outbound frames: wrap it in a
    /// `MessageToByteHandler`. Each `ByteBuffer` written (message id and message)
    /// becomes one frame. Confined to its channel's event loop (not `Sendable`).
    public final class FrameEncoder: MessageToByteEncoder {
        public typealias OutboundIn = ByteBuffer

        private var writer: FrameWriter

        /// An encoder for the session `secrets` belong to.
        public init(secrets: borrowing Secrets, maximumFrameSize: Int = RLPx.maximumFrameSize) {
            writer = FrameWriter(secrets: secrets, maximumFrameSize: maximumFrameSize)
        }

        public func encode(data: ByteBuffer, out: inout ByteBuffer) throws {
            try writer.write(data, to: &out)
        }
    }
}
